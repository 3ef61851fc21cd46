"""Offering lifecycle: create and edit a draft, submit, staff review (changes requested
with a reason, or approval), launch at ``starts_at`` and close at ``deadline`` (the
chronograph, ``crowdfunding.equity.deadlines``), cancel.

    draft -> submitted -> (changes_requested -> draft) -> approved -> live -> closing
    closing -> closed_successful | closed_unsuccessful;  draft | approved | live -> canceled

The rule pack active at creation is recorded on the offering (``rule_pack``) and its
limits apply to it for good. The terms, the allocation method included, can be edited
only while a draft: what staff approved is what investors read.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from crowdfunding.equity import rulepacks
from crowdfunding.equity.errors import EquityValidationError
from crowdfunding.equity.models import (
    SHARE_INSTRUMENTS,
    Allocation,
    Commitment,
    Holding,
    Instrument,
    Offering,
    Vehicle,
)
from crowdfunding.equity.rules import EquityPerm
from crowdfunding.equity.states import COMMITMENT_STATES, OFFERING_STATES, EquityAction
from marketplace.core.audit import audit_log
from marketplace.core.errors import ConflictError
from marketplace.core.money import MAX_AMOUNT, InvalidMoney, Money
from marketplace.core.permissions import require_perm
from marketplace.core.transitions import transition
from marketplace.core.validation import clean_reason, refuse_unknown_fields

S = Offering.Status
FIELDS = ("title", "summary", "instrument", "currency", "price_per_share", "valuation_cap",
          "discount_percent", "pre_money_valuation", "target", "maximum", "min_ticket",
          "max_ticket", "allocation", "holding", "vehicle", "public", "lead_investor",
          "starts_at", "deadline")
_MONEY_LABELS = {
    "price_per_share": _("The price per share"),
    "valuation_cap": _("The valuation cap"),
    "pre_money_valuation": _("The pre-money valuation"),
    "target": _("The target"),
    "maximum": _("The maximum"),
    "min_ticket": _("The minimum ticket"),
    "max_ticket": _("The maximum ticket"),
}


def _error(message, field: str, code: str = "invalid") -> EquityValidationError:
    return EquityValidationError(message, code=code, data={"field": field})


def _text(value, *, field: str, label, max_chars: int, required: bool = False) -> str:
    text = "" if value is None else str(value).strip()
    if "\x00" in text:
        raise _error(_("Text must not contain NUL characters."), field, "nul_character")
    if required and not text:
        raise _error(_("%(field)s is required.") % {"field": label}, field, "required")
    if len(text) > max_chars:
        raise _error(_("%(field)s is too long (at most %(max)s characters).")
                     % {"field": label, "max": max_chars}, field, "too_long")
    return text


def _choice(value, choices, *, field: str, label) -> str:
    if value not in choices.values:
        raise _error(_("%(field)s must be one of: %(choices)s.")
                     % {"field": label, "choices": ", ".join(choices.values)}, field)
    return value


def _money(values: dict, name: str, currency: str, *, required: bool = True) -> Money | None:
    """A positive amount in ``currency``; a ``Money`` in another currency is refused
    (amounts are never converted)."""
    label = _MONEY_LABELS[name]
    value = values.get(name)
    if value is None or value == "":
        if required:
            raise _error(_("%(field)s is required.") % {"field": label}, name, "required")
        return None
    if isinstance(value, Money):
        if value.currency != currency:
            raise _error(_("%(field)s must be in %(currency)s like the other amounts of the "
                           "offering.") % {"field": label, "currency": currency}, name,
                         "mixed_currencies")
        value = value.amount
    try:
        return Money.from_input(value, currency, label=label, positive=True, maximum=MAX_AMOUNT)
    except InvalidMoney as exc:
        raise _error(exc.message, name, "invalid_amount") from exc


def _percent(value) -> Decimal:
    label = _("The discount")
    if isinstance(value, float | bool):
        raise _error(_("%(field)s must be a number.") % {"field": label}, "discount_percent")
    try:
        number = Decimal(str(value if value not in (None, "") else "0").strip())
    except (InvalidOperation, ValueError) as exc:
        raise _error(_("%(field)s must be a number.") % {"field": label},
                     "discount_percent") from exc
    if not number.is_finite() or not Decimal(0) <= number < Decimal(100) \
            or number != number.quantize(Decimal("0.01")):
        raise _error(_("The discount must be a percentage from 0 to less than 100, with at "
                       "most 2 decimals."), "discount_percent")
    return number


def _when(value, *, field: str, label) -> datetime:
    if not isinstance(value, datetime):
        raise _error(_("%(field)s is required.") % {"field": label}, field, "required")
    if timezone.is_naive(value):
        raise _error(_("%(field)s must carry a time zone.") % {"field": label}, field,
                     "naive_datetime")
    return value


def _lead_investor(value, organisation):
    if value in (None, ""):
        return None
    user_model = get_user_model()
    user = value if isinstance(value, user_model) else \
        user_model.objects.filter(pk=value if str(value).isdigit() else None).first()
    if user is None or not user.is_active:
        raise _error(_("The lead investor must be an active user of the platform."),
                     "lead_investor")
    if user.memberships.filter(organisation=organisation).exists():
        raise _error(_("The lead investor cannot be one of the issuer's own people."),
                     "lead_investor")
    return user


def _clean(values: dict, *, pack, organisation, now: datetime) -> dict:
    """Every field of the offering, checked together (the amounts against each other,
    the dates against the pack's limits); returns the model's values."""
    currency = str(values.get("currency") or pack.currency).strip().upper()
    if currency != pack.currency:
        raise _error(_("Offerings under the %(pack)s rules are in %(currency)s.")
                     % {"pack": pack.code, "currency": pack.currency}, "currency",
                     "wrong_currency")
    out: dict = {"currency": currency}
    out["title"] = _text(values.get("title"), field="title", label=_("The title"),
                         max_chars=200, required=True)
    out["summary"] = _text(values.get("summary"), field="summary", label=_("The summary"),
                           max_chars=500)
    instrument = out["instrument"] = _choice(values.get("instrument"), Instrument,
                                             field="instrument", label=_("The instrument"))
    amounts = {name: _money(values, name, currency, required=False)
               for name in ("price_per_share", "valuation_cap")}
    for name in ("pre_money_valuation", "target", "maximum", "min_ticket", "max_ticket"):
        amounts[name] = _money(values, name, currency)
    if instrument in SHARE_INSTRUMENTS:
        if amounts["price_per_share"] is None:
            raise _error(_("Shares are sold at a price per share: give the price per share."),
                         "price_per_share", "required")
        if amounts["valuation_cap"] is not None or values.get("discount_percent") not in (None, ""):
            raise _error(_("A valuation cap and a discount are terms of a SAFE or a "
                           "convertible note, not of shares."), "valuation_cap")
        out["discount_percent"] = None
    else:
        if amounts["valuation_cap"] is None:
            raise _error(_("A SAFE or a convertible note needs a valuation cap."),
                         "valuation_cap", "required")
        if amounts["price_per_share"] is not None:
            raise _error(_("A SAFE or a convertible note has no price per share; give a "
                           "valuation cap and a discount."), "price_per_share")
        out["discount_percent"] = _percent(values.get("discount_percent"))
    if amounts["target"] > amounts["maximum"]:
        raise _error(_("The target (minimum) cannot be more than the maximum."), "target",
                     "target_above_maximum")
    if amounts["min_ticket"] > amounts["max_ticket"]:
        raise _error(_("The minimum ticket cannot be more than the maximum ticket."),
                     "min_ticket", "min_ticket_above_max")
    if amounts["max_ticket"] > amounts["maximum"]:
        raise _error(_("The maximum ticket cannot be more than the offering's maximum."),
                     "max_ticket", "max_ticket_above_maximum")
    price = amounts["price_per_share"]
    if price is not None:
        for name in ("min_ticket", "max_ticket"):
            if amounts[name].amount % price.amount:
                raise _error(_("%(field)s must be a whole number of shares at %(price)s.")
                             % {"field": _MONEY_LABELS[name], "price": price.format()},
                             name, "not_whole_shares")
    for name, money in amounts.items():
        out[name] = money
    out["allocation"] = _choice(values.get("allocation"), Allocation, field="allocation",
                                label=_("The allocation method"))
    out["holding"] = _choice(values.get("holding"), Holding, field="holding",
                             label=_("The holding"))
    out["vehicle"] = _choice(values.get("vehicle"), Vehicle, field="vehicle",
                             label=_("The vehicle"))
    out["is_public"] = bool(values.get("public", True))
    out["lead_investor"] = _lead_investor(values.get("lead_investor"), organisation)
    starts_at = out["starts_at"] = _when(values.get("starts_at"), field="starts_at",
                                         label=_("The start"))
    deadline = out["deadline"] = _when(values.get("deadline"), field="deadline",
                                       label=_("The deadline"))
    _check_dates(starts_at, deadline, pack=pack, now=now)
    return out


def _check_dates(starts_at: datetime, deadline: datetime, *, pack, now: datetime) -> None:
    if deadline <= now:
        raise _error(_("The deadline is in the past."), "deadline", "deadline_in_past")
    if starts_at <= now:
        raise _error(_("Choose a start in the future."), "starts_at", "start_in_past")
    duration = deadline - starts_at
    if not timedelta(days=pack.min_offering_days) <= duration \
            <= timedelta(days=pack.max_offering_days):
        raise _error(_("An offering under the %(pack)s rules runs from %(min)s to %(max)s "
                       "days between its start and its deadline.")
                     % {"pack": pack.code, "min": pack.min_offering_days,
                        "max": pack.max_offering_days}, "deadline", "duration_out_of_range")


def _values_of(offering: Offering) -> dict:
    return {
        "title": offering.title, "summary": offering.summary,
        "instrument": offering.instrument, "currency": offering.currency,
        "price_per_share": offering.price_per_share, "valuation_cap": offering.valuation_cap,
        "discount_percent": offering.discount_percent,
        "pre_money_valuation": offering.pre_money_valuation, "target": offering.target,
        "maximum": offering.maximum, "min_ticket": offering.min_ticket,
        "max_ticket": offering.max_ticket, "allocation": offering.allocation,
        "holding": offering.holding, "vehicle": offering.vehicle,
        "public": offering.is_public, "lead_investor": offering.lead_investor,
        "starts_at": offering.starts_at, "deadline": offering.deadline,
    }


def _apply(offering: Offering, cleaned: dict) -> None:
    for name, value in cleaned.items():
        setattr(offering, name, value)


def _audit_terms(offering: Offering) -> dict:
    return {"instrument": offering.instrument, "target": str(offering.target_amount),
            "maximum": str(offering.maximum_amount), "allocation": offering.allocation,
            "rule_pack": offering.rule_pack}


def offering_create(*, actor, organisation, **values) -> Offering:
    """A verified maker company's person drafts an offering under the active pack."""
    require_perm(actor, EquityPerm.ADD_OFFERING, organisation, message=_(
        "Only the people of a staff-verified maker company can offer its shares."))
    refuse_unknown_fields(values, FIELDS)
    pack = rulepacks.active()
    cleaned = _clean(values, pack=pack, organisation=organisation, now=timezone.now())
    offering = Offering(organisation=organisation, created_by=actor, rule_pack=pack.code)
    _apply(offering, cleaned)
    with transaction.atomic():
        offering.save()
        audit_log(actor=actor, action=EquityAction.OFFERING_CREATED, obj=offering,
                  data=_audit_terms(offering))
    return offering


def offering_update(*, actor, offering: Offering, **changes) -> Offering:
    """Change a draft's terms; every field is checked again with the changes."""
    require_perm(actor, EquityPerm.CHANGE_OFFERING, offering)
    refuse_unknown_fields(changes, FIELDS)
    pack = rulepacks.get(offering.rule_pack)
    cleaned = _clean({**_values_of(offering), **changes}, pack=pack,
                     organisation=offering.organisation, now=timezone.now())
    with transaction.atomic():
        locked = Offering.objects.select_for_update().get(pk=offering.pk)
        if locked.status != S.DRAFT:
            raise ConflictError(_("Only a draft offering can be edited; its terms are fixed "
                                  "once submitted."), code="not_a_draft")
        _apply(offering, cleaned)
        offering.save()
        audit_log(actor=actor, action=EquityAction.OFFERING_UPDATED, obj=offering,
                  data={"fields": sorted(changes), **_audit_terms(offering)})
    return offering


def offering_submit(*, actor, offering: Offering) -> Offering:
    """The issuer sends the draft to staff; its start must still be in the future."""
    require_perm(actor, EquityPerm.CHANGE_OFFERING, offering)
    _check_dates(offering.starts_at, offering.deadline, pack=rulepacks.get(offering.rule_pack),
                 now=timezone.now())
    return transition(offering, OFFERING_STATES, S.SUBMITTED, actor=actor,
                      action=EquityAction.OFFERING_SUBMITTED,
                      changes={"submitted_at": timezone.now()}, data=_audit_terms(offering))


def offering_request_changes(*, actor, offering: Offering, reason: str) -> Offering:
    require_perm(actor, EquityPerm.REVIEW_OFFERING, offering,
                 message=_("Only staff outside the issuer can review this offering."))
    reason = clean_reason(reason, missing=_("Say what needs to change."),
                          error=EquityValidationError)
    return transition(offering, OFFERING_STATES, S.CHANGES_REQUESTED, actor=actor,
                      action=EquityAction.OFFERING_CHANGES_REQUESTED,
                      changes={"review_reason": reason, "reviewed_by": actor,
                               "reviewed_at": timezone.now()},
                      data={"reason": reason})


def offering_revise(*, actor, offering: Offering) -> Offering:
    """The issuer takes the offering back into a draft to make the changes asked for."""
    require_perm(actor, EquityPerm.CHANGE_OFFERING, offering)
    return transition(offering, OFFERING_STATES, S.DRAFT, actor=actor,
                      action=EquityAction.OFFERING_REVISED)


def offering_approve(*, actor, offering: Offering, reason: str = "") -> Offering:
    require_perm(actor, EquityPerm.REVIEW_OFFERING, offering,
                 message=_("Only staff outside the issuer can review this offering."))
    reason = clean_reason(reason, required=False)
    return transition(offering, OFFERING_STATES, S.APPROVED, actor=actor,
                      action=EquityAction.OFFERING_APPROVED,
                      changes={"review_reason": reason, "reviewed_by": actor,
                               "reviewed_at": timezone.now()},
                      data={"reason": reason})


def offering_launch(*, offering: Offering, now: datetime) -> Offering:
    """The chronograph puts an approved offering live at its start."""
    if offering.starts_at > now:
        raise EquityValidationError(_("The offering's start has not come."))
    return transition(offering, OFFERING_STATES, S.LIVE, action=EquityAction.OFFERING_LAUNCHED,
                      changes={"launched_at": now})


def committed_total(offering: Offering) -> tuple[Money, int]:
    """What open commitments add up to, and how many there are, read now."""
    row = offering.commitments.filter(status=Commitment.Status.COMMITTED).aggregate(
        total=Sum("amount_value"))
    count = offering.commitments.filter(status=Commitment.Status.COMMITTED).count()
    return Money(row["total"] or 0, offering.currency), count


def offering_close(*, offering: Offering, now: datetime) -> Offering:
    """At the deadline, exactly once: live -> closing -> closed_successful when the open
    commitments reach the target, else closed_unsuccessful (allocation and refunds come
    after). The first transition's ``FOR UPDATE`` on the offering waits for commitments
    in flight (they hold the offering row), so the total includes each one."""
    if offering.deadline > now:
        raise EquityValidationError(_("The offering has not reached its deadline."))
    with transaction.atomic():
        transition(offering, OFFERING_STATES, S.CLOSING, action=EquityAction.OFFERING_CLOSING)
        total, count = committed_total(offering)
        met = total >= offering.target
        transition(offering, OFFERING_STATES,
                   S.CLOSED_SUCCESSFUL if met else S.CLOSED_UNSUCCESSFUL,
                   action=(EquityAction.OFFERING_CLOSED_SUCCESSFUL if met
                           else EquityAction.OFFERING_CLOSED_UNSUCCESSFUL),
                   changes={"closed_at": now},
                   data={"committed": str(total.amount), "commitments": count,
                         "target": str(offering.target_amount)})
    return offering


def offering_cancel(*, actor, offering: Offering, reason: str) -> Offering:
    """The issuer withdraws, or staff stop, an offering before it closes; every open
    commitment is canceled with it (refunds come with escrow)."""
    require_perm(actor, EquityPerm.CANCEL_OFFERING, offering)
    reason = clean_reason(reason, missing=_("Give the reason for the cancellation."),
                          error=EquityValidationError)
    now = timezone.now()
    with transaction.atomic():
        transition(offering, OFFERING_STATES, S.CANCELED, actor=actor,
                   action=EquityAction.OFFERING_CANCELED,
                   changes={"cancel_reason": reason, "closed_at": now},
                   data={"reason": reason})
        for commitment in offering.commitments.filter(status=Commitment.Status.COMMITTED):
            transition(commitment, COMMITMENT_STATES, Commitment.Status.CANCELED, actor=actor,
                       action=EquityAction.COMMITMENT_CANCELED, changes={"ended_at": now},
                       data={"reason": "offering_canceled"})
    return offering
