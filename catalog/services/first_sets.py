"""First sets of equipment (首台(套)): units put into use and their insurance.

Units: a unit is recorded by either side of the purchase, the maker or the buying
organisation, with the purchase document (contract or invoice, kept private); the
recording side's confirmation comes with the record. It counts only once the other side
confirms it too (``confirmed``), or staff confirm it on the document; either may turn it
down (``rejected``). The buyer is a verified organisation that is neither the maker nor
related to it (no shared people). The sequence per (product, buyer) is handed out at
confirmation from a counter row locked with SELECT ... FOR UPDATE, so concurrent
confirmations get distinct sequences and exactly the first three count; the unique
(product, buyer, sequence) constraint is the backstop.

Insurance: the premium is insured amount x rate (to the currency's minor unit), the rate
at most 3 % and so the premium at most 3 % of the insured amount; 80 % of the premium is
subsidised (rounded down so it never exceeds 80 %); policies are continuous (each starts
the day after the previous ends) and cover at most 3 years in total per product.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from decimal import ROUND_DOWN, Decimal

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from catalog.errors import CatalogValidationError, InsuranceRuleError
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
from catalog.rules import MAKER_ROLES, CatalogPerm
from catalog.services.common import clean_text, upload_name
from catalog.signals import product_changed
from catalog.states import UNIT_STATES, CatalogAction
from catalog.validators import check_document
from marketplace.accounts.models import Organisation
from marketplace.accounts.rules import BUYER_ROLES, are_related, is_org_member
from marketplace.accounts.selectors import organisation_members
from marketplace.core.audit import audit_log
from marketplace.core.db import unique_conflicts
from marketplace.core.errors import ConflictError
from marketplace.core.money import InvalidMoney, Money
from marketplace.core.permissions import has_perm, require_perm
from marketplace.core.signals import announce
from marketplace.core.transitions import transition
from marketplace.core.validation import clean_reason
from marketplace.notifications.services import notification_create

U = FirstSetUnit.Status


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


def _serial_taken() -> ConflictError:
    return ConflictError(_("A unit with this serial number is already recorded."),
                         code="serial_taken", data={"field": "serial_number"})


def first_set_unit_record(
    *, actor, product: Product, buyer: Organisation, serial_number: str, put_into_use_on: date,
    purchase_document=None,
) -> FirstSetUnit:
    """Record a unit ``buyer`` put into use, with the purchase document. The recording
    side (the maker, or the buyer's officer) confirms with the record; the unit waits for
    the other side (or staff). Returns the claimed unit."""
    unit = FirstSetUnit(product=product, buyer=buyer)
    require_perm(actor, CatalogPerm.ADD_FIRST_SET_UNIT, unit)
    _require_first_set(product)
    serial = clean_text(FirstSetUnit, "serial_number", serial_number, required=True)
    if are_related(buyer, product.organisation):
        raise CatalogValidationError(
            _("The buyer is the maker itself or shares people with it; such a unit does not "
              "count as a first set."), code="related_buyer", data={"field": "buyer"},
        )
    if not buyer.is_verified:
        raise CatalogValidationError(
            _("The buying organisation is not verified by the platform staff yet."),
            code="buyer_unverified", data={"field": "buyer"},
        )
    if put_into_use_on is None:
        raise CatalogValidationError(_("Give the date the unit was put into use."),
                                     data={"field": "put_into_use_on"})
    if put_into_use_on > timezone.localdate():
        raise CatalogValidationError(_("The date of putting into use cannot be in the future."),
                                     data={"field": "put_into_use_on"})
    if not purchase_document:
        raise CatalogValidationError(
            _("Attach the purchase contract or invoice: it is the evidence the unit was bought."),
            code="document_required", data={"field": "purchase_document"},
        )
    checked = check_document(purchase_document, field="purchase_document")
    now = timezone.now()
    unit.serial_number = serial
    unit.put_into_use_on = put_into_use_on
    unit.recorded_by = actor
    unit.status = U.CLAIMED
    unit.purchase_document_name = (getattr(purchase_document, "name", "") or "")[-200:]
    unit.purchase_document_type = checked.content_type
    if is_org_member(actor, product.organisation_id, MAKER_ROLES):
        unit.maker_confirmed_by, unit.maker_confirmed_at = actor, now
    elif is_org_member(actor, buyer, BUYER_ROLES):
        unit.buyer_confirmed_by, unit.buyer_confirmed_at = actor, now
    stored = []
    try:
        with transaction.atomic():
            if FirstSetUnit.objects.filter(product=product, serial_number=serial).exclude(
                status=U.REJECTED
            ).exists():
                raise _serial_taken()
            unit.purchase_document.save(upload_name(checked.extension), purchase_document,
                                        save=False)
            stored.append(unit.purchase_document)
            with unique_conflicts(FirstSetUnit, {"unit_serial_unique": _serial_taken()}):
                unit.save()
            audit_log(
                actor=actor, action=CatalogAction.FIRST_SET_UNIT_CLAIMED, obj=unit,
                data={"product": product.pk, "buyer": buyer.pk, "serial_number": serial,
                      "side": _side(unit)},
            )
            _notify_other_side(unit, actor)
            announce(product_changed, product_id=product.pk)
    except BaseException:
        for fieldfile in stored:
            fieldfile.storage.delete(fieldfile.name)
        raise
    return unit


def _side(unit: FirstSetUnit) -> str:
    if unit.maker_confirmed_at and unit.buyer_confirmed_at:
        return "both"
    if unit.maker_confirmed_at:
        return "maker"
    return "buyer" if unit.buyer_confirmed_at else "staff"


def first_set_unit_confirm(*, actor, unit: FirstSetUnit) -> FirstSetUnit:
    """The side that has not confirmed yet confirms (the unit counts once both have), or
    staff confirm on the purchase document. A confirmed unit gets the next sequence of its
    (product, buyer) pair and counts if that is one of the first three."""
    require_perm(
        actor, CatalogPerm.CONFIRM_FIRST_SET_UNIT, unit,
        message=_("Only the other side of the purchase (the maker or the buying "
                  "organisation) or staff can confirm this unit."),
    )
    with transaction.atomic():
        locked = FirstSetUnit.objects.select_for_update().select_related(
            "product", "buyer").get(pk=unit.pk)
        UNIT_STATES.check(locked.status, U.CONFIRMED)
        now = timezone.now()
        if actor.is_staff and not (
            is_org_member(actor, locked.product.organisation_id)
            or is_org_member(actor, locked.buyer_id)
        ):
            sides = {}
        elif locked.maker_confirmed_at is None and is_org_member(
            actor, locked.product.organisation_id, MAKER_ROLES
        ):
            sides = {"maker_confirmed_by": actor, "maker_confirmed_at": now}
        else:
            sides = {"buyer_confirmed_by": actor, "buyer_confirmed_at": now}
        for field, value in sides.items():
            setattr(locked, field, value)
        if sides and not (locked.maker_confirmed_at and locked.buyer_confirmed_at):
            locked.save(update_fields=list(sides))
            audit_log(actor=actor, action=CatalogAction.FIRST_SET_UNIT_SIDE_CONFIRMED,
                      obj=locked, data={"side": "maker" if "maker_confirmed_at" in sides
                                        else "buyer"})
            _notify_other_side(locked, actor)
        else:
            _confirm(locked, actor=actor, sides=sides)
        announce(product_changed, product_id=locked.product_id)
    for field in ("status", "sequence", "counts_as_first_set", "decided_by_id", "decided_at",
                  "maker_confirmed_by_id", "maker_confirmed_at", "buyer_confirmed_by_id",
                  "buyer_confirmed_at"):
        setattr(unit, field, getattr(locked, field))
    return unit


def _confirm(unit: FirstSetUnit, *, actor, sides: dict) -> None:
    """Hand out the sequence and confirm, under the (product, buyer) counter lock. The
    caller's transaction holds both the counter and the unit row until commit, so a
    refused transition rolls the counter back too."""
    FirstSetUnitCounter.objects.bulk_create(
        [FirstSetUnitCounter(product_id=unit.product_id, buyer_id=unit.buyer_id)],
        ignore_conflicts=True,
    )
    counter = FirstSetUnitCounter.objects.select_for_update().get(
        product_id=unit.product_id, buyer_id=unit.buyer_id
    )
    sequence = counter.last_sequence + 1
    counts = sequence <= FIRST_SETS_PER_BUYER
    transition(
        unit, UNIT_STATES, U.CONFIRMED, actor=actor, action=CatalogAction.FIRST_SET_UNIT_CONFIRMED,
        data={"product": unit.product_id, "buyer": unit.buyer_id, "sequence": sequence,
              "counts_as_first_set": counts, "by_staff": not sides},
        changes={"sequence": sequence, "counts_as_first_set": counts, "decided_by": actor,
                 "decided_at": timezone.now(), **sides},
    )
    counter.last_sequence = sequence
    counter.save(update_fields=["last_sequence"])


def first_set_unit_reject(*, actor, unit: FirstSetUnit, reason: str) -> FirstSetUnit:
    """The other side (or staff) turns a claim down, with a reason the recorder is told."""
    require_perm(
        actor, CatalogPerm.CONFIRM_FIRST_SET_UNIT, unit,
        message=_("Only the other side of the purchase (the maker or the buying "
                  "organisation) or staff can reject this unit."),
    )
    reason = clean_reason(reason, missing=_("Give the reason for the rejection."),
                          error=CatalogValidationError)
    with transaction.atomic():
        transition(
            unit, UNIT_STATES, U.REJECTED, actor=actor,
            action=CatalogAction.FIRST_SET_UNIT_REJECTED,
            data={"product": unit.product_id, "buyer": unit.buyer_id, "reason": reason},
            changes={"decision_reason": reason, "decided_by": actor,
                     "decided_at": timezone.now()},
        )
        if unit.recorded_by_id and unit.recorded_by_id != getattr(actor, "pk", None):
            _notify(unit.recorded_by, unit, "catalog.first_set.unit_rejected",
                    _("Your unit %(serial)s of “%(product)s” was not confirmed"),
                    _("%(buyer)s: %(reason)s"))
        announce(product_changed, product_id=unit.product_id)
    return unit


def _notify_other_side(unit: FirstSetUnit, actor) -> None:
    """Tell the people who can confirm next that a claim awaits them."""
    if unit.maker_confirmed_at is None:
        people = organisation_members(unit.product.organisation).filter(role__in=MAKER_ROLES)
    else:
        people = organisation_members(unit.buyer).filter(role__in=BUYER_ROLES)
    for membership in people:
        if membership.user_id != getattr(actor, "pk", None) and has_perm(
            membership.user, CatalogPerm.CONFIRM_FIRST_SET_UNIT, unit
        ):
            _notify(membership.user, unit, "catalog.first_set.unit_claimed",
                    _("Please confirm unit %(serial)s of “%(product)s”"),
                    _("%(buyer)s put this unit of %(maker)s into use on %(day)s. It counts as "
                      "a first set only once both sides have confirmed it."))


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
        return Money.from_input(value, currency, label=label, positive=True,
                                maximum=Decimal("1e12") - 1)
    except InvalidMoney as exc:
        raise InsuranceRuleError(exc.message) from exc


def _clean_rate(rate_percent) -> Decimal:
    try:
        percent = Decimal(str(rate_percent))
    except (ArithmeticError, ValueError) as exc:
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


def insurance_premium(insured: Money, rate: Decimal) -> Money:
    """Insured amount x rate, rounded half-up to the minor unit, but never above 3 % of
    the insured amount (at exactly 3 % a half-up rounding would pass the cap)."""
    premium = Money(insured.amount * rate, insured.currency).quantized()
    cap = insured * MAX_INSURANCE_RATE
    if premium > cap:
        premium = cap.quantized(rounding=ROUND_DOWN)
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
    if abs(premium - Money(insured.amount * rate, insured.currency)) > insured.minor_unit():
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
    return (premium * INSURANCE_SUBSIDY_SHARE).quantized(rounding=ROUND_DOWN)


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
    require_perm(actor, CatalogPerm.ADD_FIRST_SET_INSURANCE, product)
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
        recorded = ConflictError(_("This policy is already recorded."), code="policy_recorded",
                                 data={"field": "policy_number"})
        if FirstSetInsurance.objects.filter(insurer=insurer, policy_number=policy_number).exists():
            raise recorded
        subsidy = insurance_subsidy(premium)
        with unique_conflicts(FirstSetInsurance, {"insurance_policy_number_unique": recorded}):
            policy = FirstSetInsurance.objects.create(
                product=product, follows=previous, insurer=insurer, policy_number=policy_number,
                insured=insured, premium=premium, rate=rate, subsidy=subsidy,
                starts_on=starts_on, ends_on=ends_on, recorded_by=actor,
            )
        audit_log(
            actor=actor, action=CatalogAction.FIRST_SET_INSURANCE_RECORDED, obj=product,
            data={"policy": policy.pk, "premium": str(premium), "subsidy": str(subsidy),
                  "rate": str(rate), "starts_on": starts_on, "ends_on": ends_on},
        )
        announce(product_changed, product_id=product.pk)
    return policy
