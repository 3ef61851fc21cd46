"""Commitments to a live offering, under the limits of the offering's rule pack, and
their cancellation as the pack allows.

    commitment: committed -> revoked (reflection period) | canceled | allocated

``commitment_create`` checks, before any lock: the investor's readiness (real name,
classification, knowledge test, risk warning: each missing step named), the ticket
(minimum, maximum, a whole number of shares where shares are sold) and the pack's
overexposure warning (an explicit consent). Then, in one transaction, it takes its row
locks **always in this order**, so two commitments never wait on each other in a cycle:

1. the issuer organisation (``FOR NO KEY UPDATE``): commitments to all of an issuer's
   offerings queue here, so the investor count across them (the CN cap) is exact;
2. the offering (``FOR NO KEY UPDATE``): it is still live and before its deadline, and
   the first-come maximum holds; the close's ``FOR UPDATE`` waits for the commitments
   in flight, so its total includes each of them;
3. the investor's current profile (``FOR UPDATE``): one investor's commitments to
   several issuers at once queue here, so the 12-month limit (Reg CF) is exact.

Nothing else takes these rows in another order: the close and the cancellation of an
offering lock the offering (then its commitments), a cancellation locks its commitment,
a profile review locks the profile alone. No network call is made under the locks.
"""

from __future__ import annotations

from datetime import datetime

from dateutil.relativedelta import relativedelta
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from crowdfunding.equity import rulepacks
from crowdfunding.equity.errors import (
    CommitmentOpen,
    EquityValidationError,
    InvestorNotReady,
    LimitReached,
    OfferingNotOpen,
)
from crowdfunding.equity.models import Allocation, Commitment, InvestorProfile, Offering
from crowdfunding.equity.rules import EquityPerm
from crowdfunding.equity.selectors import investor_readiness
from crowdfunding.equity.states import COMMITMENT_STATES, EquityAction
from marketplace.accounts.models import Organisation
from marketplace.core.audit import audit_log
from marketplace.core.db import unique_conflicts
from marketplace.core.errors import ConflictError
from marketplace.core.money import MAX_AMOUNT, InvalidMoney, Money
from marketplace.core.permissions import require_perm
from marketplace.core.transitions import transition

C = Commitment.Status
OS = Offering.Status
# commitments that hold a place: counted for the caps, the limits and the total
HOLDING = (C.COMMITTED, C.ALLOCATED)
# offerings whose investors count towards the issuer's investor cap
COUNTED_OFFERINGS = (OS.LIVE, OS.CLOSING, OS.CLOSED_SUCCESSFUL)
LOOKBACK = relativedelta(months=12)


def _amount(value, currency: str) -> Money:
    label = _("The amount")
    if isinstance(value, Money):
        if value.currency != currency:
            raise EquityValidationError(
                _("The amount must be in %(currency)s, the offering's currency.")
                % {"currency": currency}, code="wrong_currency", data={"field": "amount"})
        value = value.amount
    try:
        return Money.from_input(value, currency, label=label, positive=True, maximum=MAX_AMOUNT)
    except InvalidMoney as exc:
        raise EquityValidationError(exc.message, code="invalid_amount",
                                    data={"field": "amount"}) from exc


def _check_ticket(offering: Offering, amount: Money) -> int | None:
    """The ticket within the offering's minimum and maximum; the number of shares when
    shares are sold (the amount must buy a whole number of them)."""
    if amount < offering.min_ticket:
        raise EquityValidationError(
            _("The minimum ticket of this offering is %(min)s.")
            % {"min": offering.min_ticket.format()}, code="below_min_ticket",
            data={"field": "amount"})
    if amount > offering.max_ticket:
        raise EquityValidationError(
            _("The maximum ticket of this offering is %(max)s.")
            % {"max": offering.max_ticket.format()}, code="above_max_ticket",
            data={"field": "amount"})
    if not offering.sells_shares:
        return None
    price = offering.price_per_share
    if amount.amount % price.amount:
        raise EquityValidationError(
            _("The amount must buy a whole number of shares at %(price)s each.")
            % {"price": price.format()}, code="not_whole_shares", data={"field": "amount"})
    return int(amount.amount / price.amount)


def _check_ready(actor, now: datetime, pack):
    readiness = investor_readiness(actor, now, pack=pack)
    if not readiness.ready:
        reasons = " ".join(item.reason for item in readiness.missing)
        raise InvestorNotReady(
            _("Before committing: %(reasons)s") % {"reasons": reasons},
            data={"missing": [item.code for item in readiness.missing]})
    return readiness


def _invested_on_platform(investor, currency: str, since: datetime) -> Money:
    row = Commitment.objects.filter(investor=investor, status__in=HOLDING, currency=currency,
                                    committed_at__gt=since).aggregate(total=Sum("amount_value"))
    return Money(row["total"] or 0, currency)


def _check_investor_cap(pack, offering: Offering, investor) -> None:
    """Under a pack with a cap (CN), a new investor of the issuer must fit under it;
    one already counted (committed to another of its offerings) adds no one."""
    if pack.investor_cap(vehicle=offering.vehicle) is None:
        return
    counted = set(Commitment.objects.filter(
        offering__organisation_id=offering.organisation_id,
        offering__status__in=COUNTED_OFFERINGS, status__in=HOLDING,
    ).values_list("investor_id", flat=True).distinct())
    if investor.pk in counted:
        return
    if not pack.admits_investor(vehicle=offering.vehicle, investors_before=len(counted)):
        raise LimitReached(
            _("This issuer has reached the %(cap)s investors its legal form allows "
              "(Securities Law Art. 9; Company Law Art. 42 and 92).")
            % {"cap": pack.investor_cap(vehicle=offering.vehicle)},
            code="investor_cap_reached", data={"field": "amount"})


def _check_allowance(pack, profile: InvestorProfile, investor, amount: Money,
                     now: datetime) -> None:
    """Under a pack with a 12-month limit (Reg CF), this ticket must fit in what the
    investor may still invest: the declared investments elsewhere and the commitments
    on this platform in the last 12 months count."""
    here = _invested_on_platform(investor, pack.currency, now - LOOKBACK)
    allowance = pack.investment_allowance(
        annual_income=profile.annual_income, net_worth=profile.net_worth,
        invested_last_12_months=profile.invested_elsewhere_12m + here,
        accredited=profile.sophisticated)
    if allowance is not None and amount > allowance:
        raise LimitReached(
            _("This exceeds your 12-month investment limit: you may still invest %(left)s "
              "(17 CFR 227.100(a)(2)).") % {"left": allowance.format()},
            code="investment_limit_exceeded", data={"field": "amount"})


def commitment_create(*, actor, offering: Offering, amount,
                      warning_consent: bool = False) -> Commitment:
    """The investor commits ``amount`` to a live offering before its deadline, within
    every limit of the offering's pack (see the module's docstring for the lock order)."""
    require_perm(actor, EquityPerm.COMMIT_TO_OFFERING, offering, message=_(
        "Log in to invest; the issuer's own people cannot invest in its offering."))
    pack = rulepacks.get(offering.rule_pack)
    now = timezone.now()
    readiness = _check_ready(actor, now, pack)
    ticket = _amount(amount, offering.currency)
    shares = _check_ticket(offering, ticket)
    profile = readiness.profile
    sophisticated = readiness.sophisticated
    needs_warning = pack.ticket_needs_warning(net_worth=profile.net_worth, ticket=ticket,
                                              sophisticated=sophisticated)
    if needs_warning and not warning_consent:
        raise EquityValidationError(
            _("This ticket is more than the higher of EUR 1,000 or 5 percent of your net worth: "
              "read the risk warning and confirm that you accept it (Regulation (EU) "
              "2020/1503, Art. 21(7))."), code="overexposure_consent_required",
            data={"field": "warning_consent"})
    with transaction.atomic():
        # 1. the issuer, 2. the offering, 3. the investor's profile: always this order
        Organisation.objects.select_for_update(no_key=True).get(pk=offering.organisation_id)
        locked = Offering.objects.select_for_update(no_key=True).get(pk=offering.pk)
        if locked.status != OS.LIVE or now >= locked.deadline:
            raise OfferingNotOpen()
        profile = InvestorProfile.objects.select_for_update().get(pk=profile.pk)
        if profile.status != InvestorProfile.Status.APPROVED or profile.valid_until <= now:
            raise InvestorNotReady(data={"missing": ["classification"]})
        if Commitment.objects.filter(offering=locked, investor=actor,
                                     status=C.COMMITTED).exists():
            raise CommitmentOpen()
        if locked.allocation == Allocation.FIRST_COME:
            row = locked.commitments.filter(status__in=HOLDING).aggregate(
                total=Sum("amount_value"))
            left = locked.maximum - Money(row["total"] or 0, locked.currency)
            if ticket > left:
                raise LimitReached(
                    _("Only %(left)s of this offering is left (first come, first served).")
                    % {"left": max(left, Money.zero(locked.currency)).format()},
                    code="offering_maximum_reached", data={"field": "amount"})
        _check_investor_cap(pack, locked, actor)
        _check_allowance(pack, profile, actor, ticket, now)
        reflection = (pack.reflection_ends_at(committed_at=now)
                      if hasattr(pack, "reflection_ends_at") and not sophisticated else None)
        commitment = Commitment(
            offering=locked, investor=actor, amount=ticket, shares=shares,
            sophisticated=sophisticated, warning_consent=bool(needs_warning and warning_consent),
            committed_at=now, reflection_ends_at=reflection,
            cancellation_ends_at=pack.cancellation_ends_at(
                committed_at=now, deadline=locked.deadline, sophisticated=sophisticated),
        )
        with unique_conflicts(Commitment, {
            "equity_commitment_one_open_per_investor": CommitmentOpen(),
        }):
            commitment.save()
        audit_log(actor=actor, action=EquityAction.COMMITMENT_CREATED, obj=commitment,
                  data={"offering": locked.pk, "amount": str(ticket.amount),
                        "currency": ticket.currency, "shares": shares,
                        "warning_consent": commitment.warning_consent,
                        "rule_pack": pack.code})
    return commitment


def commitment_cancel(*, actor, commitment: Commitment) -> Commitment:
    """The investor withdraws: within the reflection period it is a revocation (EU Art.
    22), otherwise a cancellation while the pack's cancel right lasts (CN until the
    close, Reg CF until 48 hours before the deadline)."""
    require_perm(actor, EquityPerm.CHANGE_COMMITMENT, commitment,
                 message=_("Only the investor can cancel their commitment."))
    offering = commitment.offering
    pack = rulepacks.get(offering.rule_pack)
    now = timezone.now()
    COMMITMENT_STATES.check(Commitment.objects.values_list("status", flat=True)
                            .get(pk=commitment.pk), C.CANCELED)
    if commitment.reflection_ends_at is not None and now < commitment.reflection_ends_at:
        target, action = C.REVOKED, EquityAction.COMMITMENT_REVOKED
    elif pack.may_cancel_commitment(committed_at=commitment.committed_at,
                                    deadline=offering.deadline, at=now,
                                    sophisticated=commitment.sophisticated):
        target, action = C.CANCELED, EquityAction.COMMITMENT_CANCELED
    else:
        raise ConflictError(
            _("The time to cancel this commitment ended on %(ended)s.")
            % {"ended": timezone.localtime(commitment.cancellation_ends_at)
               .strftime("%Y-%m-%d %H:%M %Z")}, code="cancellation_closed")
    return transition(commitment, COMMITMENT_STATES, target, actor=actor, action=action,
                      changes={"ended_at": now}, data={"rule_pack": pack.code})
