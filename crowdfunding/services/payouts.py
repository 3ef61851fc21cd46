"""After settlement: the maker's payout, or the refunds when dropped pledges sank the
campaign.

    campaign_settled        no pledge is still active, being charged or in its fix window
    campaign_recheck_goal   a funded all-or-nothing or threshold campaign whose dropped
                            pledges took it below what it needed fails after all: every
                            charged pledge is refunded (reserved here, sent by the payments
                            core after the commit), the pledges still in their window are
                            dropped
    campaign_payout_request once settled and still funded: the payout of what the escrow
                            holds (charged minus refunds) minus the campaign's platform and
                            processing fees, pending staff approval (payments core:
                            ``payout_approve``, another staff member, then the transfer)

Both run inside the chronograph's transaction (``crowdfunding.campaign_payout``) or a
pledge drop's; neither calls the provider (the payments core sends after the commit).
"""

from __future__ import annotations

import logging
from decimal import Decimal

from django.db import transaction

from crowdfunding.models import Campaign, FundingModel, Pledge
from crowdfunding.services.campaigns import NOTIFY_BACKERS, _listed, campaign_outcome
from crowdfunding.services.stock import stock_give_back
from crowdfunding.signals import campaign_changed
from crowdfunding.states import CAMPAIGN_STATES, PLEDGE_STATES, CrowdfundingAction
from marketplace.core.audit import audit_log
from marketplace.core.money import Money
from marketplace.core.signals import announce
from marketplace.core.tasks import enqueue
from marketplace.core.transitions import transition
from marketplace.payments.errors import PayoutAccountNotReady
from marketplace.payments.ledger.posting import held_in_escrow
from marketplace.payments.models import ConnectedAccount
from marketplace.payments.services.payouts import payout_request
from marketplace.payments.services.refunds import refund_request

logger = logging.getLogger(__name__)
S = Campaign.Status
P = Pledge.Status
UNSETTLED = (P.ACTIVE, P.CHARGING, P.PAYMENT_FAILED)
# after its deadline a campaign is past funding in these states
PAST_FUNDING = (S.FUNDED, S.FULFILLING, S.FULFILLED)


def campaign_settled(campaign: Campaign) -> bool:
    return not campaign.pledges.filter(status__in=UNSETTLED).exists()


def campaign_kept(campaign: Campaign) -> Money:
    """What the campaign can still collect: charged, being charged, or in a fix window."""
    return sum((p.amount for p in campaign.pledges.filter(
        status__in=[P.CHARGED, P.CHARGING, P.PAYMENT_FAILED])), Money.zero(campaign.goal_currency))


def campaign_recheck_goal(*, campaign: Campaign) -> Campaign:
    """After a drop: fail a funded all-or-nothing or threshold campaign that can no longer
    reach what it needs, and give every backer their money back. No-op otherwise."""
    if campaign.funding_model == FundingModel.FLEXIBLE:
        return campaign
    with transaction.atomic():
        locked = Campaign.objects.select_for_update().get(pk=campaign.pk)
        if locked.status != S.FUNDED:
            return locked
        kept = campaign_kept(locked)
        if campaign_outcome(locked, kept) == S.FUNDED:
            return locked
        transition(locked, CAMPAIGN_STATES, S.FAILED,
                   action=CrowdfundingAction.CAMPAIGN_FAILED_AFTER_DROPS,
                   data={"kept": str(kept.amount), "goal": str(locked.goal_amount)})
        for pledge in (Pledge.objects.select_for_update(of=("self",)).select_related("attempt")
                       .filter(campaign=locked, status__in=[P.CHARGED, P.PAYMENT_FAILED])
                       .order_by("pk")):
            if pledge.status == P.CHARGED:
                refund = refund_request(attempt=pledge.attempt,
                                        reason="crowdfunding.campaign.failed_after_drops")
                transition(pledge, PLEDGE_STATES, P.REFUNDED,
                           action=CrowdfundingAction.PLEDGE_REFUNDED,
                           changes={"refund": refund}, data={"refund": refund.pk})
            else:  # nothing to fix any more: the campaign failed
                transition(pledge, PLEDGE_STATES, P.DROPPED,
                           action=CrowdfundingAction.PLEDGE_DROPPED,
                           data={"reason": "campaign_failed"})
            if pledge.tier_id is not None and pledge.stock_shard is not None:
                stock_give_back(tier_id=pledge.tier_id, shard=pledge.stock_shard)
        announce(campaign_changed, campaign_id=locked.pk)
        _listed(locked)
        enqueue(NOTIFY_BACKERS, locked.pk)
    campaign.refresh_from_db()
    return campaign


def _fee(gross: Money, percent: Decimal) -> Money:
    return (gross * (Decimal(percent) / Decimal(100))).quantized()


def campaign_payout_request(*, campaign: Campaign) -> Campaign:
    """Once every pledge is settled, request the maker's payout (pending staff approval).
    Refused while pledges are unsettled or when a payout exists; a maker without a payout
    account that can receive money waits (logged; the next tick tries again)."""
    with transaction.atomic():
        locked = Campaign.objects.select_for_update().get(pk=campaign.pk)
        if locked.status not in PAST_FUNDING or locked.payout_id or not campaign_settled(locked):
            return locked
        gross = held_in_escrow(locked.scope, locked.goal_currency)
        if gross.is_zero() or gross.is_negative():
            return locked
        account = ConnectedAccount.objects.filter(organisation=locked.organisation_id).first()
        if account is None:
            logger.info("crowdfunding: campaign %s waits for its maker's payout account",
                        locked.pk)
            return locked
        try:
            payout = payout_request(
                account=account, scope=locked.scope, gross=gross,
                platform_fee=_fee(gross, locked.platform_fee_percent),
                processing_fee=_fee(gross, locked.processing_fee_percent))
        except PayoutAccountNotReady:
            logger.info("crowdfunding: campaign %s waits: its payout account cannot receive "
                        "money yet", locked.pk)
            return locked
        locked.payout = payout
        locked.save(update_fields=["payout", "updated_at"])
        audit_log(actor=None, action=CrowdfundingAction.CAMPAIGN_PAYOUT_REQUESTED, obj=locked,
                  data={"payout": payout.pk, "gross": str(gross.amount),
                        "net": str(payout.net.amount)})
    campaign.refresh_from_db()
    return campaign
