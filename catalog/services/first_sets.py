"""First sets of equipment (首台(套)): units put into use and their insurance.

Units: a unit the maker records is a claim (``claimed``); it counts only once the buying
organisation (an owner, buyer officer or approver, not also a member of the maker) or
staff confirms it (``confirmed``), or it is turned down (``rejected``). A unit recorded
by someone who may confirm is confirmed at once. The sequence per (product, buyer) is
handed out at confirmation from a counter row locked with SELECT ... FOR UPDATE, so
concurrent confirmations get distinct sequences and exactly the first three count; the
unique (product, buyer, sequence) constraint is the backstop.

Insurance: the premium is insured amount x rate (to the currency's minor unit), the rate
at most 3 % and so the premium at most 3 % of the insured amount; 80 % of the premium is
subsidised (rounded down so it never exceeds 80 %); policies are continuous (each starts
the day after the previous ends) and cover at most 3 years in total per product.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from decimal import ROUND_DOWN, Decimal, InvalidOperation

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
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
from marketplace.accounts.rules import BUYER_ROLES
from marketplace.accounts.selectors import organisation_members
from marketplace.core.audit import audit_log
from marketplace.core.errors import ConflictError
from marketplace.core.money import Money, currency_exponent
from marketplace.core.permissions import has_perm, require_perm
from marketplace.core.transitions import StateMachine, transition
from marketplace.notifications.services import notification_create

U = FirstSetUnit.Status
UNIT_STATES = StateMachine(
    name="catalog.first_set_unit",
    transitions={U.CLAIMED: {U.CONFIRMED, U.REJECTED}},
    labels=dict(U.choices),
)


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


# --- units ---------------------------------------------------------------------------


def first_set_unit_record(
    *, actor, product: Product, buyer: Organisation, serial_number: str, put_into_use_on: date
) -> FirstSetUnit:
    """Record a unit ``buyer`` put into use. From the maker it is a claim the buyer must
    confirm; from someone who may confirm for ``buyer`` (its officers, staff) it is
    confirmed at once. Returns the unit (with its sequence once confirmed)."""
    unit = FirstSetUnit(product=product, buyer=buyer)
    require_perm(actor, "catalog.add_first_set_unit", unit)
    _require_first_set(product)
    serial = clean_text(FirstSetUnit, "serial_number", serial_number, required=True)
    if buyer.pk == product.organisation_id:
        raise CatalogValidationError(
            _("The maker cannot be the buyer of its own first set."), code="self_purchase"
        )
    if put_into_use_on is None:
        raise CatalogValidationError(_("Give the date the unit was put into use."))
    if put_into_use_on > timezone.localdate():
        raise CatalogValidationError(_("The date of putting into use cannot be in the future."))
    unit.serial_number = serial
    unit.put_into_use_on = put_into_use_on
    unit.recorded_by = actor
    unit.status = U.CLAIMED
    confirm_now = has_perm(actor, "catalog.confirm_first_set_unit", unit)
    with transaction.atomic():
        if _serial_taken(product, serial):
            raise ConflictError(_("A unit with this serial number is already recorded."))
        try:
            with transaction.atomic():
                unit.save()
        except IntegrityError as exc:  # the same serial recorded concurrently
            raise ConflictError(_("A unit with this serial number is already recorded.")) from exc
        audit_log(
            actor=actor, action="catalog.first_set.unit_claimed", obj=unit,
            data={"product": product.pk, "buyer": buyer.pk, "serial_number": serial},
        )
        if confirm_now:
            _confirm(unit, actor=actor)
        else:
            _notify_buyer(unit)
        send_after_commit(product_changed, product_id=product.pk)
    return unit


def _serial_taken(product: Product, serial: str) -> bool:
    return (
        FirstSetUnit.objects.filter(product=product, serial_number=serial)
        .exclude(status=U.REJECTED).exists()
    )


def first_set_unit_confirm(*, actor, unit: FirstSetUnit) -> FirstSetUnit:
    """The buyer (or staff) confirms a claimed unit; it gets the next sequence of its
    (product, buyer) pair and counts if that is one of the first three."""
    require_perm(
        actor, "catalog.confirm_first_set_unit", unit,
        message=_("Only the buying organisation's officers or staff can confirm this unit."),
    )
    with transaction.atomic():
        _confirm(unit, actor=actor)
        send_after_commit(product_changed, product_id=unit.product_id)
    return unit


def _confirm(unit: FirstSetUnit, *, actor) -> None:
    """Hand out the sequence and confirm, under the (product, buyer) counter lock. The
    caller's transaction holds both the counter and the unit row until commit, so a
    refused transition (already decided) rolls the counter back too."""
    FirstSetUnitCounter.objects.bulk_create(
        [FirstSetUnitCounter(product_id=unit.product_id, buyer_id=unit.buyer_id)],
        ignore_conflicts=True,
    )
    counter = FirstSetUnitCounter.objects.select_for_update().get(
        product_id=unit.product_id, buyer_id=unit.buyer_id
    )
    sequence = counter.last_sequence + 1
    previous = (unit.sequence, unit.counts_as_first_set, unit.decided_by, unit.decided_at)
    unit.sequence = sequence
    unit.counts_as_first_set = sequence <= FIRST_SETS_PER_BUYER
    unit.decided_by = actor
    unit.decided_at = timezone.now()
    try:
        transition(
            unit, UNIT_STATES, U.CONFIRMED, actor=actor, action="catalog.first_set.unit_confirmed",
            data={"product": unit.product_id, "buyer": unit.buyer_id, "sequence": sequence,
                  "counts_as_first_set": unit.counts_as_first_set},
            update_fields=["sequence", "counts_as_first_set", "decided_by", "decided_at"],
        )
    except BaseException:
        unit.sequence, unit.counts_as_first_set, unit.decided_by, unit.decided_at = previous
        raise
    counter.last_sequence = sequence
    counter.save(update_fields=["last_sequence"])


def first_set_unit_reject(*, actor, unit: FirstSetUnit, reason: str) -> FirstSetUnit:
    """The buyer (or staff) turns a claim down, with a reason the maker is told."""
    require_perm(
        actor, "catalog.confirm_first_set_unit", unit,
        message=_("Only the buying organisation's officers or staff can reject this unit."),
    )
    reason = (reason or "").strip()
    if not reason:
        raise CatalogValidationError(_("Give the reason for the rejection."),
                                     code="reason_required")
    if len(reason) > 2000:
        raise CatalogValidationError(_("The reason is too long (at most 2000 characters)."))
    previous = (unit.decision_reason, unit.decided_by, unit.decided_at)
    unit.decision_reason = reason
    unit.decided_by = actor
    unit.decided_at = timezone.now()
    try:
        with transaction.atomic():
            transition(
                unit, UNIT_STATES, U.REJECTED, actor=actor,
                action="catalog.first_set.unit_rejected",
                data={"product": unit.product_id, "buyer": unit.buyer_id, "reason": reason},
                update_fields=["decision_reason", "decided_by", "decided_at"],
            )
            _after_rejection(unit, actor)
    except BaseException:
        unit.decision_reason, unit.decided_by, unit.decided_at = previous
        raise
    return unit


def _after_rejection(unit: FirstSetUnit, actor) -> None:
    """Tell whoever recorded the unit why it was turned down; announce the change."""
    if unit.recorded_by_id and unit.recorded_by_id != getattr(actor, "pk", None):
        _notify(unit.recorded_by, unit, "catalog.first_set.unit_rejected",
                _("Your unit %(serial)s of “%(product)s” was not confirmed"),
                _("%(buyer)s: %(reason)s"))
    send_after_commit(product_changed, product_id=unit.product_id)


def _notify_buyer(unit: FirstSetUnit) -> None:
    """Tell the people who can confirm for the buyer that a claim awaits them."""
    for membership in organisation_members(unit.buyer).filter(role__in=BUYER_ROLES):
        if has_perm(membership.user, "catalog.confirm_first_set_unit", unit):
            _notify(membership.user, unit, "catalog.first_set.unit_claimed",
                    _("Please confirm unit %(serial)s of “%(product)s”"),
                    _("%(maker)s says %(buyer)s put this unit into use on %(day)s. It counts "
                      "as a first set only once you confirm it."))


def _notify(user, unit: FirstSetUnit, kind: str, title, body) -> None:
    product = unit.product
    values = {
        "serial": unit.serial_number, "product": product.name,
        "maker": product.organisation.name, "buyer": unit.buyer.name,
        "day": unit.put_into_use_on.isoformat(), "reason": unit.decision_reason,
    }
    with translation.override(user.preferred_language or settings.LANGUAGE_CODE):
        notification_create(
            user=user, kind=kind, title=(str(title) % values)[:200], body=str(body) % values,
            url=reverse("catalog:product_first_sets", kwargs={"slug": product.slug}),
            email=True,
        )


# --- insurance -----------------------------------------------------------------------


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


def _minor_unit(currency: str) -> Decimal:
    return Decimal(1).scaleb(-currency_exponent(currency))


def insurance_premium(insured: Money, rate: Decimal) -> Money:
    """Insured amount x rate, rounded half-up to the minor unit, but never above 3 % of
    the insured amount (at exactly 3 % a half-up rounding would pass the cap)."""
    premium = Money(insured.amount * rate, insured.currency).quantized()
    cap = insured * MAX_INSURANCE_RATE
    if premium > cap:
        premium = Money(cap.amount.quantize(_minor_unit(cap.currency), ROUND_DOWN), cap.currency)
    return premium


def _check_premium(premium: Money | None, insured: Money, rate: Decimal) -> Money:
    """The premium must be what the rate says (one minor unit of rounding either way) and
    at most 3 % of the insured amount; without a premium it is computed."""
    expected = insurance_premium(insured, rate)
    if premium is None:
        if expected.is_zero():
            raise InsuranceRuleError(
                _("At this rate the premium on %(insured)s would be zero.")
                % {"insured": insured.quantized().amount}
            )
        return expected
    if abs(premium - Money(insured.amount * rate, insured.currency)) > Money(
        _minor_unit(insured.currency), insured.currency
    ):
        raise InsuranceRuleError(
            _("The premium does not match the rate: %(rate)s %% of %(insured)s is %(expected)s, "
              "not %(premium)s.")
            % {"rate": f"{(rate * 100).normalize():f}", "insured": insured.quantized().amount,
               "expected": expected.amount, "premium": premium.amount},
            code="insurance_premium_mismatch",
        )
    if premium > insured * MAX_INSURANCE_RATE:
        raise InsuranceRuleError(
            _("The premium may be at most %(max)s %% of the insured amount (at most %(cap)s).")
            % {"max": f"{(MAX_INSURANCE_RATE * 100).normalize():f}",
               "cap": insurance_premium(insured, MAX_INSURANCE_RATE).amount},
            code="insurance_premium_too_high",
        )
    return premium


def insurance_subsidy(premium: Money) -> Money:
    """80 % of the premium, rounded down to the minor unit."""
    return Money(
        (premium.amount * INSURANCE_SUBSIDY_SHARE).quantize(
            _minor_unit(premium.currency), ROUND_DOWN
        ),
        premium.currency,
    )


def first_set_insurance_record(
    *,
    actor,
    product: Product,
    insurer: str,
    policy_number: str,
    insured_amount,
    rate_percent,
    premium_amount=None,
    starts_on: date,
    ends_on: date,
    currency: str | None = None,
) -> FirstSetInsurance:
    """Record the next policy of the chain. ``premium_amount`` may be left out: it is then
    insured amount x rate; given, it must agree with them (see ``_check_premium``)."""
    require_perm(actor, "catalog.add_first_set_insurance", product)
    _require_first_set(product)
    currency = currency or product.price_currency or settings.MARKETPLACE_CURRENCY
    insurer = clean_text(FirstSetInsurance, "insurer", insurer, required=True)
    policy_number = clean_text(FirstSetInsurance, "policy_number", policy_number, required=True)
    insured = _clean_amount(insured_amount, currency, _("The insured amount"))
    rate = _clean_rate(rate_percent)
    premium = _check_premium(
        None if premium_amount in (None, "") else
        _clean_amount(premium_amount, currency, _("The premium")),
        insured, rate,
    )
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
