"""After settlement, against the fake Stripe server: the maker's payout (what the escrow
holds minus the campaign's fees, requested once every pledge is settled, paid after
another staff member approves it), and the refunds when dropped pledges take an
all-or-nothing campaign below its goal. ``ledger_check`` holds after every step."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import transaction

from crowdfunding.deadlines import campaign_close_due, campaign_payout_due, pledge_drop_due
from crowdfunding.errors import SettlementPending
from crowdfunding.models import Campaign, Pledge
from crowdfunding.services.campaigns import campaign_start_fulfilment
from crowdfunding.services.payouts import campaign_payout_request
from marketplace.core.models import AuditEvent
from marketplace.payments.ledger.check import ledger_problems
from marketplace.payments.ledger.posting import held_in_escrow
from marketplace.payments.models import Payout, Refund
from marketplace.payments.services.payouts import payout_approve
from tests.crowdfunding.factories import live_campaign
from tests.crowdfunding.test_settlement import _back
from tests.factories import StaffFactory
from tests.payments.test_services_money_out import _onboarded

pytestmark = pytest.mark.django_db(transaction=True)
P = Pledge.Status
S = Campaign.Status


def _funded_with_one_decline(goal: str, good: int = 3):
    campaign = live_campaign(goal=goal)
    pledges = [_back(campaign) for _ in range(good)]
    declined = _back(campaign, "pm_card_chargeDeclined")
    assert campaign_close_due(campaign.ends_at) == 1  # the close, then its settlement
    campaign.refresh_from_db()
    assert campaign.status == S.FUNDED
    declined.refresh_from_db()
    assert declined.status == P.PAYMENT_FAILED
    return campaign, pledges, declined


def test_payout_waits_for_the_fix_window_then_pays_the_escrow_minus_fees(
        requires_postgres, payments_stripe):
    campaign, pledges, declined = _funded_with_one_decline(goal="300")
    account = _onboarded(payments_stripe, campaign.organisation)
    # a pledge is still in its fix window: no payout, no rewards
    assert campaign_payout_due(declined.fix_until - timedelta(hours=1)) == 0
    with pytest.raises(SettlementPending):
        campaign_start_fulfilment(actor=campaign.maker, campaign=campaign)
    assert not Payout.objects.exists()
    # the window ends: dropped; 300 still charged, the goal still met
    assert pledge_drop_due(declined.fix_until) == 1
    campaign.refresh_from_db()
    assert campaign.status == S.FUNDED
    assert campaign_payout_due(declined.fix_until) == 1
    campaign.refresh_from_db()
    payout = campaign.payout
    assert payout.account == account and payout.status == Payout.Status.PENDING
    assert payout.gross.amount == Decimal("300.00")
    assert payout.platform_fee.amount == (Decimal("300") * campaign.platform_fee_percent
                                          / 100).quantize(Decimal("0.01"))
    assert payout.processing_fee.amount == (Decimal("300") * campaign.processing_fee_percent
                                            / 100).quantize(Decimal("0.01"))
    assert AuditEvent.objects.filter(action="crowdfunding.campaign.payout_requested",
                                     object_id=str(campaign.pk)).count() == 1
    assert ledger_problems() == []
    # requested once: the next tick and a direct call add nothing
    assert campaign_payout_due(declined.fix_until) == 0
    campaign_payout_request(campaign=campaign)
    assert Payout.objects.count() == 1
    # staff approve; the transfer goes after the commit
    payout_approve(actor=StaffFactory(), payout=payout)
    payout.refresh_from_db()
    assert payout.status == Payout.Status.PAID
    transfer = payments_stripe.client().v1.transfers.retrieve(payout.provider_transfer_id)
    assert transfer.amount == payout.net.to_minor_units()
    assert held_in_escrow(campaign.scope, campaign.goal_currency).is_zero()
    assert ledger_problems() == []


def test_a_maker_without_a_payout_account_waits(requires_postgres, payments_stripe):
    campaign, _pledges, declined = _funded_with_one_decline(goal="200")
    pledge_drop_due(declined.fix_until)
    campaign_payout_due(declined.fix_until)
    assert not Payout.objects.exists()
    campaign.refresh_from_db()
    assert campaign.payout is None
    _onboarded(payments_stripe, campaign.organisation)
    campaign_payout_due(declined.fix_until)
    campaign.refresh_from_db()
    assert campaign.payout is not None


def test_drops_that_sink_an_all_or_nothing_campaign_refund_every_charge(
        requires_postgres, payments_stripe):
    # goal 400: three charged (300) and one declined (100) still make 400 in the window
    campaign, pledges, declined = _funded_with_one_decline(goal="400")
    held = held_in_escrow(campaign.scope, campaign.goal_currency)
    assert held.amount == Decimal("300.00")
    assert pledge_drop_due(declined.fix_until) == 1  # 300 < 400: the campaign fails
    campaign.refresh_from_db()
    assert campaign.status == S.FAILED
    assert AuditEvent.objects.filter(action="crowdfunding.campaign.failed_after_drops",
                                     object_id=str(campaign.pk)).count() == 1
    for pledge in pledges:
        pledge.refresh_from_db()
        assert pledge.status == P.REFUNDED
        assert pledge.refund.status == Refund.Status.SUCCEEDED
        charge = payments_stripe.control.ledger(
            metadata={"reference": pledge.reference})["charges"][0]
        assert charge["amount_refunded"] == charge["amount"]
    assert held_in_escrow(campaign.scope, campaign.goal_currency).is_zero()
    assert campaign_payout_due(declined.fix_until) == 0
    assert not Payout.objects.exists()
    assert ledger_problems() == []


def test_the_goal_recheck_is_atomic_with_the_drop(requires_postgres, payments_stripe,
                                                  monkeypatch):
    """A refund that cannot be reserved rolls the drop back with it: the pledge stays in
    its window and the campaign funded, for the next tick."""
    from crowdfunding.services import payouts

    campaign, pledges, declined = _funded_with_one_decline(goal="400")

    def broken(**kwargs):
        raise RuntimeError("ledger down")

    monkeypatch.setattr(payouts, "refund_request", broken)
    assert pledge_drop_due(declined.fix_until) == 0  # the row's handler failed, rolled back
    declined.refresh_from_db()
    campaign.refresh_from_db()
    assert declined.status == P.PAYMENT_FAILED and campaign.status == S.FUNDED
    with transaction.atomic():
        assert set(Pledge.objects.filter(campaign=campaign).values_list("status", flat=True)
                   ) == {P.CHARGED, P.PAYMENT_FAILED}
