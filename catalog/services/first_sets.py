"""First sets of equipment (首台(套)): units put into use and their insurance.

Units: the first three units each buying organisation puts into use count as first sets.
The sequence per (product, buyer) comes from a counter row locked with SELECT ... FOR
UPDATE, so concurrent recordings get distinct sequences and exactly three count; the
unique (product, buyer, sequence) constraint is the backstop.

Insurance: premium rate at most 3 %, 80 % of the premium subsidised (rounded down to the
currency's minor unit so it never exceeds 80 %), policies continuous (each starts the day
after the previous ends) and at most 3 years of cover in total per product.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from decimal import ROUND_DOWN, Decimal, InvalidOperation

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from catalog.models import (
    FIRST_SETS_PER_BUYER,
    INSURANCE_SUBSIDY_SHARE,
    MAX_INSURANCE_RATE,
    MAX_INSURANCE_YEARS,
    FirstSetInsurance,
    FirstSetUnit,
    FirstSetUnitCounter,
    Product,
)
from catalog.services.common import clean_text
from catalog.signals import product_changed, send_after_commit
from catalog.validators import CatalogValidationError
from marketplace.accounts.models import Organisation
from marketplace.core.audit import audit_log
from marketplace.core.errors import ConflictError
from marketplace.core.money import Money, currency_exponent
from marketplace.core.permissions import require_perm


class InsuranceRuleError(CatalogValidationError):
    code = "insurance_rule"


def add_years(day: date, years: int) -> date:
    """Same calendar day ``years`` later (29 February becomes 28 February)."""
    year = day.year + years
    return day.replace(year=year, day=min(day.day, calendar.monthrange(year, day.month)[1]))


def _require_first_set(product: Product) -> None:
    if not product.is_first_set:
        raise CatalogValidationError(
            _("This product is not flagged as a first set of equipment."), code="not_first_set"
        )


def first_set_unit_record(
    *, actor, product: Product, buyer: Organisation, serial_number: str, put_into_use_on: date
) -> FirstSetUnit:
    """Record a unit ``buyer`` put into use; returns it with its sequence and whether it
    counts as one of the buyer's first three."""
    require_perm(actor, "catalog.add_first_set_unit", FirstSetUnit(product=product, buyer=buyer))
    _require_first_set(product)
    serial = clean_text(FirstSetUnit, "serial_number", serial_number, required=True)
    if buyer.pk == product.organisation_id:
        raise CatalogValidationError(_("The maker cannot be the buyer of its own first set."))
    if put_into_use_on is None:
        raise CatalogValidationError(_("Give the date the unit was put into use."))
    if put_into_use_on > timezone.localdate():
        raise CatalogValidationError(_("The date of putting into use cannot be in the future."))
    with transaction.atomic():
        if FirstSetUnit.objects.filter(product=product, serial_number=serial).exists():
            raise ConflictError(_("A unit with this serial number is already recorded."))
        FirstSetUnitCounter.objects.bulk_create(
            [FirstSetUnitCounter(product=product, buyer=buyer)], ignore_conflicts=True
        )
        counter = FirstSetUnitCounter.objects.select_for_update().get(product=product, buyer=buyer)
        counter.last_sequence += 1
        counter.save(update_fields=["last_sequence"])
        try:
            with transaction.atomic():
                unit = FirstSetUnit.objects.create(
                    product=product, buyer=buyer, serial_number=serial,
                    put_into_use_on=put_into_use_on, sequence=counter.last_sequence,
                    counts_as_first_set=counter.last_sequence <= FIRST_SETS_PER_BUYER,
                    recorded_by=actor,
                )
        except IntegrityError as exc:  # the same serial recorded concurrently
            raise ConflictError(_("A unit with this serial number is already recorded.")) from exc
        audit_log(
            actor=actor, action="catalog.first_set.unit_recorded", obj=product,
            data={"unit": unit.pk, "buyer": buyer.pk, "sequence": unit.sequence,
                  "counts_as_first_set": unit.counts_as_first_set},
        )
        send_after_commit(product_changed, product_id=product.pk)
    return unit


def _clean_amount(value, currency: str, label) -> Money:
    try:
        money = Money(Decimal(str(value)), currency)
    except (InvalidOperation, ValueError) as exc:
        raise InsuranceRuleError(_("%(field)s must be a number.") % {"field": label}) from exc
    if money.amount <= 0:
        raise InsuranceRuleError(_("%(field)s must be more than zero.") % {"field": label})
    if money.amount >= Decimal("1e12"):
        raise InsuranceRuleError(_("%(field)s is too large.") % {"field": label})
    money.to_minor_units()  # refuses more decimals than the currency has
    return money


def _clean_rate(rate_percent) -> Decimal:
    try:
        percent = Decimal(str(rate_percent))
    except (InvalidOperation, ValueError) as exc:
        raise InsuranceRuleError(_("The premium rate must be a number.")) from exc
    if not percent.is_finite() or percent <= 0:
        raise InsuranceRuleError(_("The premium rate must be more than 0 %."))
    rate = percent / 100
    if rate > MAX_INSURANCE_RATE:
        raise InsuranceRuleError(
            _("The premium rate may be at most %(max)s %% (you entered %(rate)s %%).")
            % {"max": f"{(MAX_INSURANCE_RATE * 100).normalize():f}", "rate": f"{percent.normalize():f}"},
            code="insurance_rate_too_high",
        )
    if rate != rate.quantize(Decimal("0.0001")):
        raise InsuranceRuleError(_("Give the premium rate with at most two decimals (in %)."))
    return rate.quantize(Decimal("0.0001"))


def insurance_subsidy(premium: Money) -> Money:
    """80 % of the premium, rounded down to the minor unit."""
    step = Decimal(1).scaleb(-currency_exponent(premium.currency))
    return Money((premium.amount * INSURANCE_SUBSIDY_SHARE).quantize(step, ROUND_DOWN),
                 premium.currency)


def first_set_insurance_record(
    *,
    actor,
    product: Product,
    insurer: str,
    policy_number: str,
    insured_amount,
    premium_amount,
    rate_percent,
    starts_on: date,
    ends_on: date,
    currency: str | None = None,
) -> FirstSetInsurance:
    require_perm(actor, "catalog.add_first_set_insurance", product)
    _require_first_set(product)
    currency = currency or product.price_currency or settings.MARKETPLACE_CURRENCY
    insurer = clean_text(FirstSetInsurance, "insurer", insurer, required=True)
    policy_number = clean_text(FirstSetInsurance, "policy_number", policy_number, required=True)
    insured = _clean_amount(insured_amount, currency, _("The insured amount"))
    premium = _clean_amount(premium_amount, currency, _("The premium"))
    rate = _clean_rate(rate_percent)
    if premium > insured:
        raise InsuranceRuleError(_("The premium cannot exceed the insured amount."))
    if not starts_on or not ends_on:
        raise InsuranceRuleError(_("Give the start and end of the policy."))
    if ends_on <= starts_on:
        raise InsuranceRuleError(_("The policy must end after it starts."))
    with transaction.atomic():
        # One writer per product at a time: the continuity and 3-year checks read the chain.
        Product.objects.select_for_update().filter(pk=product.pk).first()
        chain = list(FirstSetInsurance.objects.filter(product=product).order_by("starts_on"))
        previous = chain[-1] if chain else None
        if previous is not None:
            expected = previous.ends_on + timedelta(days=1)
            if starts_on != expected:
                raise InsuranceRuleError(
                    _("Cover must be continuous: this policy must start on %(expected)s, the day "
                      "after the previous policy ends (%(previous)s).")
                    % {"expected": expected.isoformat(), "previous": previous.ends_on.isoformat()},
                    code="insurance_not_continuous",
                )
        first_start = chain[0].starts_on if chain else starts_on
        last_day = add_years(first_start, MAX_INSURANCE_YEARS) - timedelta(days=1)
        if ends_on > last_day:
            raise InsuranceRuleError(
                _("Insurance may cover at most %(years)s years in total (from %(start)s to "
                  "%(end)s at the latest).")
                % {"years": MAX_INSURANCE_YEARS, "start": first_start.isoformat(),
                   "end": last_day.isoformat()},
                code="insurance_too_long",
            )
        if FirstSetInsurance.objects.filter(insurer=insurer, policy_number=policy_number).exists():
            raise ConflictError(_("This policy is already recorded."))
        subsidy = insurance_subsidy(premium)
        policy = FirstSetInsurance.objects.create(
            product=product, follows=previous, insurer=insurer, policy_number=policy_number,
            insured_amount=insured.amount, premium_amount=premium.amount,
            currency=premium.currency, rate=rate, subsidy_amount=subsidy.amount,
            starts_on=starts_on, ends_on=ends_on, recorded_by=actor,
        )
        audit_log(
            actor=actor, action="catalog.first_set.insurance_recorded", obj=product,
            data={"policy": policy.pk, "premium": str(premium), "subsidy": str(subsidy),
                  "rate": str(rate), "starts_on": starts_on, "ends_on": ends_on},
        )
        send_after_commit(product_changed, product_id=product.pk)
    return policy
