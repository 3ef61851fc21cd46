"""Pledges through the service: allowed and refused, each role, bad input (nothing
written), change and cancel until the deadline, flexible charge at pledge and refund on
cancel against the fake Stripe server."""

from datetime import timedelta

import pytest
from django.utils import timezone

from crowdfunding.errors import (
    AlreadyBacking,
    CampaignNotOpen,
    CrowdfundingValidationError,
    TierSoldOut,
)
from crowdfunding.models import Campaign, Pledge
from crowdfunding.selectors import campaign_progress, tier_remaining
from crowdfunding.services.campaigns import campaign_close
from crowdfunding.services.pledges import pledge_cancel, pledge_create, pledge_update
from crowdfunding.services.tiers import tier_create
from marketplace.core.errors import ConflictError, IllegalTransition, PermissionDeniedError
from marketplace.core.models import AuditEvent
from marketplace.core.validation import InvalidInput
from marketplace.payments.errors import CardDeclined
from marketplace.payments.models import PaymentAttempt, Refund, SavedPaymentMethod
from marketplace.payments.services.methods import payment_method_save
from tests.crowdfunding.factories import backer_with_card, draft_campaign, live_campaign
from tests.factories import UserFactory, member_of
from tests.payments.factories import SavedPaymentMethodFactory

pytestmark = pytest.mark.django_db
P = Pledge.Status


def _pledge(campaign, backer=None, card=None, tier=None, amount="100", **kwargs):
    if backer is None:
        backer, card = backer_with_card()
    tier = tier or campaign.tiers.first()
    return pledge_create(actor=backer, campaign=campaign, tier=tier.pk, amount=amount,
                         payment_method=card.pk, **kwargs)


def test_pledge_reserves_a_unit_and_counts():
    campaign = live_campaign(goal="1000")
    pledge = _pledge(campaign, amount="150", anonymous=True)
    assert pledge.status == P.ACTIVE and pledge.anonymous
    assert pledge.amount.amount == 150
    assert tier_remaining(campaign.tiers.first()) == 49
    progress = campaign_progress(campaign)
    assert (progress.pledged.amount, progress.backers, progress.percent_funded) == (150, 1, 15)
    assert AuditEvent.objects.filter(action="crowdfunding.pledge.created",
                                     object_id=str(pledge.pk)).exists()


@pytest.mark.parametrize(("amount", "message"), [
    ("99.99", "at least the reward's price"),
    ("-100", "more than zero"),
    ("0", "more than zero"),
    ("lots", "must be a number"),
    ("100.001", "decimals"),
    ("NaN", "must be a number"),
])
def test_bad_amounts_write_nothing(amount, message):
    campaign = live_campaign()
    with pytest.raises(CrowdfundingValidationError, match=message):
        _pledge(campaign, amount=amount)
    assert not Pledge.objects.exists()
    assert tier_remaining(campaign.tiers.first()) == 50


def test_tier_of_another_campaign_card_of_another_user_and_add_ons_are_refused():
    campaign, other = live_campaign(), live_campaign()
    backer, card = backer_with_card()
    with pytest.raises(CrowdfundingValidationError, match="reward of this campaign"):
        _pledge(campaign, backer, card, tier=other.tiers.first())
    _, someone_elses = backer_with_card()
    with pytest.raises(CrowdfundingValidationError, match="your own saved cards"):
        _pledge(campaign, backer, someone_elses)
    with pytest.raises(CrowdfundingValidationError, match="no add-ons"):
        _pledge(campaign, backer, card, add_ons=["case"])
    removed = SavedPaymentMethodFactory(owner=backer, status=SavedPaymentMethod.Status.REMOVED)
    with pytest.raises(CrowdfundingValidationError, match="not ready"):
        _pledge(campaign, backer, removed)
    no_consent = SavedPaymentMethodFactory(owner=backer, status=SavedPaymentMethod.Status.ACTIVE,
                                           off_session_consent=False)
    with pytest.raises(CrowdfundingValidationError, match="charged at the campaign's deadline"):
        _pledge(campaign, backer, no_consent)
    assert not Pledge.objects.exists()


def test_campaign_not_live_or_past_its_deadline():
    draft = draft_campaign()
    with pytest.raises(CampaignNotOpen):
        _pledge(draft)
    campaign = live_campaign()
    Campaign.objects.filter(pk=campaign.pk).update(ends_at=timezone.now() - timedelta(seconds=1))
    with pytest.raises(CampaignNotOpen) as caught:
        _pledge(campaign)
    assert caught.value.status_code == 409
    assert not Pledge.objects.exists()


def test_the_makers_own_people_cannot_back_and_one_open_pledge_per_backer():
    campaign = live_campaign()
    insider = member_of(campaign.organisation)
    card = SavedPaymentMethodFactory(owner=insider, status=SavedPaymentMethod.Status.ACTIVE)
    with pytest.raises(PermissionDeniedError):
        _pledge(campaign, insider, card)
    backer, card = backer_with_card()
    _pledge(campaign, backer, card)
    with pytest.raises(AlreadyBacking):
        _pledge(campaign, backer, card)


def test_sold_out_is_409():
    campaign = live_campaign(tiers=(("Only one", "100", 1),))
    _pledge(campaign)
    with pytest.raises(TierSoldOut) as caught:
        _pledge(campaign)
    assert caught.value.status_code == 409


def test_change_tier_and_amount_moves_the_unit():
    campaign = live_campaign(tiers=(("Bird", "100", 5), ("Deluxe", "300", 1)))
    bird, deluxe = campaign.tiers.order_by("price_amount")
    pledge = _pledge(campaign, tier=bird)
    pledge_update(actor=pledge.backer, pledge=pledge, tier=deluxe.pk, amount="320")
    pledge.refresh_from_db()
    assert (pledge.tier_id, pledge.amount.amount) == (deluxe.pk, 320)
    assert (tier_remaining(bird), tier_remaining(deluxe)) == (5, 0)
    with pytest.raises(CrowdfundingValidationError, match="at least the reward's price"):
        pledge_update(actor=pledge.backer, pledge=pledge, amount="200")
    other = _pledge(campaign, tier=bird)
    with pytest.raises(TierSoldOut):
        pledge_update(actor=other.backer, pledge=other, tier=deluxe.pk, amount="300")
    other.refresh_from_db()
    assert other.tier_id == bird.pk and tier_remaining(bird) == 4
    with pytest.raises(PermissionDeniedError):
        pledge_update(actor=UserFactory(), pledge=pledge, anonymous=True)
    with pytest.raises(InvalidInput, match="cannot be changed"):
        pledge_update(actor=pledge.backer, pledge=pledge, status="active")


def test_cancel_until_the_deadline_only_and_only_once():
    campaign = live_campaign(goal="100")
    pledge = _pledge(campaign)
    with pytest.raises(PermissionDeniedError):
        pledge_cancel(actor=UserFactory(), pledge=pledge)
    pledge_cancel(actor=pledge.backer, pledge=pledge)
    assert pledge.status == P.CANCELED and tier_remaining(campaign.tiers.first()) == 50
    with pytest.raises(IllegalTransition, match="was canceled"):
        pledge_cancel(actor=pledge.backer, pledge=pledge)
    late = _pledge(campaign)
    campaign_close(campaign=campaign, now=campaign.ends_at)
    with pytest.raises(CampaignNotOpen):
        pledge_cancel(actor=late.backer, pledge=late)
    with pytest.raises(CampaignNotOpen):
        pledge_update(actor=late.backer, pledge=late, anonymous=True)


def test_pledge_without_reward_on_an_unlimited_tier():
    campaign = live_campaign()
    tier = tier_create(actor=campaign.maker, campaign=campaign, title="Just support",
                       price="0", no_reward=True)
    pledge = _pledge(campaign, tier=tier, amount="5")
    assert pledge.stock_shard is None and tier_remaining(tier) is None


# --- flexible: charged at pledge, refunded on cancel (the fake Stripe server) ----------


def _saved_card(backer, token="pm_card_visa"):
    return payment_method_save(user=backer, payment_method=token, off_session_consent=True)


def test_flexible_pledge_is_charged_then_refunded_on_cancel(payments_stripe, after_commit):
    campaign = live_campaign(funding_model="flexible")
    backer = UserFactory()
    card = _saved_card(backer)
    pledge = _pledge(campaign, backer, card, amount="120")
    assert pledge.status == P.ACTIVE
    attempt = PaymentAttempt.objects.get(pk=pledge.attempt_id)
    assert attempt.status == PaymentAttempt.Status.SUCCEEDED
    assert attempt.reference == f"crowdfunding.pledge:{pledge.pk}"
    assert attempt.scope == f"crowdfunding.campaign:{campaign.pk}"
    with pytest.raises(ConflictError, match="cancel it"):
        pledge_update(actor=backer, pledge=pledge, amount="200")
    with after_commit():
        pledge_cancel(actor=backer, pledge=pledge)
    refund = Refund.objects.get(attempt=attempt)
    assert refund.amount == attempt.amount
    assert refund.status == Refund.Status.SUCCEEDED  # sent by the payments task (eager), after the commit
    assert tier_remaining(campaign.tiers.first()) == 50


def test_flexible_decline_fails_the_pledge_and_gives_the_unit_back(payments_stripe):
    campaign = live_campaign(funding_model="flexible")
    backer = UserFactory()
    # a card saved earlier that the issuer now declines (Stripe's test token as its id)
    card = SavedPaymentMethodFactory(owner=backer, status=SavedPaymentMethod.Status.ACTIVE,
                                     provider_payment_method_id="pm_card_chargeDeclined")
    with pytest.raises(CardDeclined):
        _pledge(campaign, backer, card)
    pledge = Pledge.objects.get()
    assert pledge.status == P.FAILED
    assert PaymentAttempt.objects.get(pk=pledge.attempt_id).status == PaymentAttempt.Status.FAILED
    assert tier_remaining(campaign.tiers.first()) == 50
    assert campaign_progress(campaign).backers == 0
    # the backer may try again with another card
    _pledge(campaign, backer, _saved_card(backer))
