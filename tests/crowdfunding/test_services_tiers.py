"""Reward tiers: create, change, delete; a tier with backers cannot be made worse."""

from datetime import date

import pytest

from crowdfunding.errors import CrowdfundingValidationError, TierChangeHurtsBackers
from crowdfunding.models import Tier, TierStock
from crowdfunding.selectors import tier_remaining
from crowdfunding.services.campaigns import campaign_close
from crowdfunding.services.pledges import pledge_cancel, pledge_create
from crowdfunding.services.tiers import tier_create, tier_delete, tier_update
from marketplace.core.errors import PermissionDeniedError
from tests.crowdfunding.factories import backer_with_card, draft_campaign, live_campaign

pytestmark = pytest.mark.django_db


def _back(campaign, tier, amount="100"):
    backer, card = backer_with_card()
    return pledge_create(actor=backer, campaign=campaign, tier=tier.pk, amount=amount,
                         payment_method=card.pk)


def test_create_limited_tier_spreads_units_over_counters(settings):
    settings.CROWDFUNDING_TIER_SHARDS = 8
    campaign = draft_campaign(tiers=())
    tier = tier_create(actor=campaign.maker, campaign=campaign, title="Bird", price="99.50",
                       estimated_delivery="2027-03", quantity=21, description="One sensor")
    rows = list(TierStock.objects.filter(tier=tier).values_list("remaining", flat=True))
    assert len(rows) == 8 and sum(rows) == 21 and max(rows) - min(rows) <= 1
    assert tier.estimated_delivery == date(2027, 3, 1)
    assert tier_remaining(tier) == 21


def test_pledge_without_reward_and_unlimited_tier():
    campaign = draft_campaign(tiers=())
    tier = tier_create(actor=campaign.maker, campaign=campaign, title="Support us", price="0",
                       no_reward=True)
    assert tier.no_reward and tier.quantity is None and tier.estimated_delivery is None
    assert tier_remaining(tier) is None
    assert not TierStock.objects.filter(tier=tier).exists()


@pytest.mark.parametrize(("values", "message"), [
    ({"price": "-1"}, "cannot be negative"),
    ({"price": "abc"}, "must be a number"),
    ({"price": "0"}, "price above zero"),
    ({"estimated_delivery": "June"}, "YYYY-MM"),
    ({"estimated_delivery": "2027-13"}, "YYYY-MM"),
    ({"estimated_delivery": None}, "delivery month"),
    ({"quantity": 0}, "from 1 to"),
    ({"quantity": "many"}, "from 1 to"),
    ({"title": ""}, "is required"),
])
def test_bad_tier_input(values, message):
    campaign = draft_campaign(tiers=())
    base = {"title": "Bird", "price": "10", "estimated_delivery": "2027-01", "quantity": 5}
    with pytest.raises(CrowdfundingValidationError, match=message):
        tier_create(actor=campaign.maker, campaign=campaign, **{**base, **values})
    assert not Tier.objects.exists()


def test_another_maker_cannot_add_or_change_tiers():
    campaign = draft_campaign()
    other = draft_campaign().maker
    with pytest.raises(PermissionDeniedError):
        tier_create(actor=other, campaign=campaign, title="x", price="1",
                    estimated_delivery="2027-01")
    with pytest.raises(PermissionDeniedError):
        tier_update(actor=other, tier=campaign.tiers.first(), price="1")


def test_tier_without_backers_changes_freely():
    campaign = live_campaign()
    tier = campaign.tiers.first()
    tier_update(actor=campaign.maker, tier=tier, price="150", estimated_delivery="2028-01",
                quantity=10)
    assert tier.price_amount == 150 and tier.quantity == 10
    assert tier_remaining(tier) == 10


def test_a_tier_with_backers_cannot_be_made_worse():
    campaign = live_campaign()
    tier = campaign.tiers.first()  # 100, 2027-06, 50 units
    _back(campaign, tier)
    _back(campaign, tier)
    maker = campaign.maker
    with pytest.raises(TierChangeHurtsBackers, match="price cannot go up"):
        tier_update(actor=maker, tier=tier, price="120")
    with pytest.raises(TierChangeHurtsBackers, match="cannot move later"):
        tier_update(actor=maker, tier=tier, estimated_delivery="2027-09")
    with pytest.raises(TierChangeHurtsBackers, match="2 units"):
        tier_update(actor=maker, tier=tier, quantity=1)
    with pytest.raises(TierChangeHurtsBackers, match="cannot be deleted"):
        tier_delete(actor=maker, tier=tier)
    # better for backers, or neutral: allowed
    tier_update(actor=maker, tier=tier, price="90", estimated_delivery="2027-05",
                quantity=2, description="Now with a case")
    assert tier_remaining(tier) == 0
    tier_update(actor=maker, tier=tier, quantity=40)
    assert tier_remaining(tier) == 38


def test_cancel_gives_the_unit_back_and_a_tier_without_pledges_is_deleted():
    campaign = live_campaign()
    tier = campaign.tiers.first()
    pledge = _back(campaign, tier)
    assert tier_remaining(tier) == 49
    pledge_cancel(actor=pledge.backer, pledge=pledge)
    assert tier_remaining(tier) == 50
    spare = tier_create(actor=campaign.maker, campaign=campaign, title="Spare", price="5",
                        estimated_delivery="2027-01")
    tier_delete(actor=campaign.maker, tier=spare)
    assert not Tier.objects.filter(pk=spare.pk).exists()


def test_no_tier_changes_after_the_campaign_ended():
    campaign = live_campaign(goal="100")
    tier = campaign.tiers.first()
    _back(campaign, tier)
    campaign_close(campaign=campaign, now=campaign.ends_at)
    with pytest.raises(CrowdfundingValidationError, match="ended campaign"):
        tier_update(actor=campaign.maker, tier=tier, description="late")
