"""Campaign lifecycle: every allowed and refused move, each role, bad input, the fee
preview, launch and close by the chronograph (exactly once, also with two ticks)."""

import threading
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from crowdfunding.deadlines import campaign_close_due, campaign_launch_due
from crowdfunding.errors import CrowdfundingValidationError, SettlementPending
from crowdfunding.models import Campaign, Pledge
from crowdfunding.services.campaigns import (
    campaign_approve,
    campaign_cancel,
    campaign_close,
    campaign_create,
    campaign_mark_fulfilled,
    campaign_request_changes,
    campaign_revise,
    campaign_start_fulfilment,
    campaign_submit,
    campaign_update,
    fee_receipt,
)
from marketplace.core.errors import IllegalTransition, PermissionDeniedError
from marketplace.core.models import AuditEvent
from marketplace.core.money import Money
from tests.catalog.factories import PublishedProductFactory
from tests.crowdfunding.factories import (
    backer_with_card,
    draft_campaign,
    live_campaign,
    maker_setup,
)
from tests.factories import StaffFactory, UserFactory

S = Campaign.Status
pytestmark = pytest.mark.django_db


def _create(**overrides):
    organisation, maker, product = maker_setup()
    values = {"actor": maker, "organisation": organisation, "title": "Sea sensor",
              "goal_amount": "5000", "duration_days": 30, "products": [product.pk],
              "launch_at": timezone.now() + timedelta(days=2)}
    values.update(overrides)
    return campaign_create(**values)


def test_create_a_draft_with_fees_and_audit():
    campaign = _create()
    assert campaign.status == S.DRAFT
    assert campaign.goal == Money(Decimal("5000"), "CNY")
    assert campaign.funding_model == "all_or_nothing"
    assert campaign.platform_fee_percent == Decimal("5")
    assert AuditEvent.objects.filter(action="crowdfunding.campaign.created",
                                     object_id=str(campaign.pk)).exists()


def test_only_a_verified_maker_company_member_creates():
    organisation, maker, product = maker_setup(verified=False)
    with pytest.raises(PermissionDeniedError):
        campaign_create(actor=maker, organisation=organisation, title="x", goal_amount="10",
                        duration_days=10, products=[product.pk])
    organisation, maker, product = maker_setup()
    with pytest.raises(PermissionDeniedError):
        campaign_create(actor=UserFactory(), organisation=organisation, title="x",
                        goal_amount="10", duration_days=10, products=[product.pk])
    assert not Campaign.objects.exists()


@pytest.mark.parametrize(("field", "value", "message"), [
    ("duration_days", 0, "from 1 to 60"),
    ("duration_days", 61, "from 1 to 60"),
    ("duration_days", "ten", "from 1 to 60"),
    ("goal_amount", "-5", "more than zero"),
    ("goal_amount", "abc", "must be a number"),
    ("goal_amount", "10.001", "decimals"),
    ("title", "  ", "is required"),
    ("funding_model", "lottery", "funding model"),
    ("funding_model", "threshold", "percentage of the goal"),
    ("threshold_percent", 150, "from 1 to 100"),
    ("products", [], "at least one product"),
    ("currency", "XYZ", "Unknown currency"),
])
def test_bad_input_is_refused_and_nothing_written(field, value, message):
    with pytest.raises(CrowdfundingValidationError, match=message):
        _create(**{field: value})
    assert not Campaign.objects.exists()


def test_products_of_another_organisation_are_refused():
    other = PublishedProductFactory()
    with pytest.raises(CrowdfundingValidationError, match="its own organisation"):
        _create(products=[other.pk])


def test_threshold_model_keeps_its_percent():
    campaign = _create(funding_model="threshold", threshold_percent=60)
    assert campaign.threshold_percent == 60


def test_fee_receipt_at_100_and_150_percent():
    campaign = _create(goal_amount="10000")
    at_100 = fee_receipt(campaign, 100)
    at_150 = fee_receipt(campaign, 150)
    assert at_100["gross"] == Money(Decimal("10000"), "CNY")
    assert at_100["platform_fee"] == Money(Decimal("500"), "CNY")
    assert at_100["processing_fee"] == Money(Decimal("300"), "CNY")
    assert at_100["net"] == Money(Decimal("9200"), "CNY")
    assert at_150["net"] == Money(Decimal("13800"), "CNY")


def test_full_lifecycle_with_changes_requested():
    campaign = draft_campaign()
    maker, staff = campaign.maker, StaffFactory()
    campaign_submit(actor=maker, campaign=campaign)
    assert campaign.status == S.SUBMITTED
    with pytest.raises(CrowdfundingValidationError, match="Only a draft"):
        campaign_update(actor=maker, campaign=campaign, title="Changed")
    with pytest.raises(CrowdfundingValidationError, match="what needs to change"):
        campaign_request_changes(actor=staff, campaign=campaign, reason=" ")
    campaign_request_changes(actor=staff, campaign=campaign, reason="Show the prototype")
    assert campaign.status == S.CHANGES_REQUESTED
    assert campaign.review_reason == "Show the prototype"
    campaign_revise(actor=maker, campaign=campaign)
    campaign_update(actor=maker, campaign=campaign, story="With a prototype video")
    campaign_submit(actor=maker, campaign=campaign)
    campaign_approve(actor=staff, campaign=campaign, reason="Looks good")
    assert campaign.status == S.APPROVED
    assert campaign.reviewed_by == staff


def test_review_is_for_staff_only_and_the_maker_only_edits_its_own():
    campaign = draft_campaign()
    campaign_submit(actor=campaign.maker, campaign=campaign)
    with pytest.raises(PermissionDeniedError):
        campaign_approve(actor=campaign.maker, campaign=campaign)
    other_maker = draft_campaign().maker
    with pytest.raises(PermissionDeniedError):
        campaign_revise(actor=other_maker, campaign=campaign)
    with pytest.raises(PermissionDeniedError):
        campaign_update(actor=other_maker, campaign=draft_campaign(), title="mine now")


def test_refused_moves():
    campaign = draft_campaign()
    staff = StaffFactory()
    with pytest.raises(IllegalTransition, match="Submit the campaign"):
        campaign_approve(actor=staff, campaign=campaign)
    with pytest.raises(IllegalTransition):
        campaign_start_fulfilment(actor=campaign.maker, campaign=campaign)
    campaign_submit(actor=campaign.maker, campaign=campaign)
    with pytest.raises(IllegalTransition, match="already waiting"):
        campaign_submit(actor=campaign.maker, campaign=campaign)


def test_submit_needs_tiers_and_a_future_launch():
    campaign = draft_campaign(tiers=())
    with pytest.raises(CrowdfundingValidationError, match="at least one reward"):
        campaign_submit(actor=campaign.maker, campaign=campaign)
    campaign = draft_campaign(launch_in=timedelta(days=-1))
    with pytest.raises(CrowdfundingValidationError, match="launch time in the future"):
        campaign_submit(actor=campaign.maker, campaign=campaign)


def test_launch_at_the_chosen_time_freezes_the_deadline():
    campaign = draft_campaign(duration_days=10)
    campaign_submit(actor=campaign.maker, campaign=campaign)
    campaign_approve(actor=StaffFactory(), campaign=campaign)
    assert campaign_launch_due(timezone.now()) == 0  # not yet
    at = campaign.launch_at + timedelta(seconds=5)
    assert campaign_launch_due(at) == 1
    campaign.refresh_from_db()
    assert campaign.status == S.LIVE
    assert campaign.ends_at == at + timedelta(days=10)
    assert campaign_launch_due(at) == 0
    with pytest.raises(CrowdfundingValidationError, match="Only a draft"):
        campaign_update(actor=campaign.maker, campaign=campaign, duration_days=20)


def _pledge(campaign, amount):
    from crowdfunding.services.pledges import pledge_create

    backer, card = backer_with_card()
    return pledge_create(actor=backer, campaign=campaign, tier=campaign.tiers.first().pk,
                         amount=amount, payment_method=card.pk)


@pytest.mark.parametrize(("model", "threshold", "amounts", "outcome"), [
    ("all_or_nothing", None, ["600", "400"], S.FUNDED),
    ("all_or_nothing", None, ["600", "399"], S.FAILED),
    ("threshold", 50, ["500"], S.FUNDED),
    ("threshold", 50, ["499"], S.FAILED),
    ("flexible", None, [], S.FAILED),
])
def test_close_by_funding_model(model, threshold, amounts, outcome):
    campaign = live_campaign(goal="1000", funding_model=model, threshold_percent=threshold)
    for amount in amounts:
        _pledge(campaign, amount)
    with pytest.raises(CrowdfundingValidationError, match="not reached its deadline"):
        campaign_close(campaign=campaign, now=timezone.now())
    assert campaign_close_due(campaign.ends_at) == 1
    campaign.refresh_from_db()
    assert campaign.status == outcome
    assert campaign_close_due(campaign.ends_at) == 0
    assert AuditEvent.objects.filter(
        action=f"crowdfunding.campaign.{outcome}", object_id=str(campaign.pk)).count() == 1


def test_fulfilment_after_funding_once_every_pledge_is_settled():
    campaign = live_campaign(goal="100")
    pledge = _pledge(campaign, "100")
    campaign_close(campaign=campaign, now=campaign.ends_at)
    # the card is not charged yet: no rewards go out
    with pytest.raises(SettlementPending):
        campaign_start_fulfilment(actor=campaign.maker, campaign=campaign)
    Pledge.objects.filter(pk=pledge.pk).update(status=Pledge.Status.CHARGING)
    with pytest.raises(SettlementPending):
        campaign_start_fulfilment(actor=campaign.maker, campaign=campaign)
    Pledge.objects.filter(pk=pledge.pk).update(status=Pledge.Status.CHARGED)
    campaign_start_fulfilment(actor=campaign.maker, campaign=campaign)
    campaign_mark_fulfilled(actor=campaign.maker, campaign=campaign)
    assert campaign.status == S.FULFILLED
    with pytest.raises(IllegalTransition, match="delivered its rewards"):
        campaign_cancel(actor=campaign.maker, campaign=campaign, reason="late")


def test_cancel_a_live_campaign_releases_every_pledge():
    campaign = live_campaign()
    pledge = _pledge(campaign, "100")
    with pytest.raises(PermissionDeniedError):
        campaign_cancel(actor=UserFactory(), campaign=campaign, reason="no")
    with pytest.raises(CrowdfundingValidationError, match="reason"):
        campaign_cancel(actor=campaign.maker, campaign=campaign, reason="")
    campaign_cancel(actor=StaffFactory(), campaign=campaign, reason="Fraud report confirmed")
    pledge.refresh_from_db()
    assert campaign.status == S.CANCELED
    assert pledge.status == Pledge.Status.CANCELED
    from crowdfunding.selectors import tier_remaining

    assert tier_remaining(campaign.tiers.first()) == 50


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_ticks_close_once(requires_postgres):
    campaign = live_campaign(goal="100")
    _pledge(campaign, "100")
    barrier = threading.Barrier(2)
    results = []

    def tick():
        try:
            barrier.wait()
            results.append(campaign_close_due(campaign.ends_at))
        finally:
            connection.close()

    threads = [threading.Thread(target=tick) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [0, 1]
    assert AuditEvent.objects.filter(action="crowdfunding.campaign.funded",
                                     object_id=str(campaign.pk)).count() == 1


@pytest.mark.django_db(transaction=True)
def test_no_pledge_lands_after_the_close_decided(requires_postgres):
    """Pledges keep coming while the close runs (its time passed as the deadline, so only
    the status read FOR KEY SHARE stops them): the total the close recorded is exactly the
    sum of the pledges that exist, none was added after it."""
    from crowdfunding.errors import CampaignNotOpen
    from crowdfunding.services.pledges import pledge_create

    campaign = live_campaign(goal="100000", tiers=(("Open", "10", None),))
    tier = campaign.tiers.get()
    backers = [backer_with_card() for _ in range(60)]
    start = threading.Barrier(7)
    refused = []

    def pledge_all(chunk):
        try:
            start.wait()
            for backer, card in chunk:
                try:
                    pledge_create(actor=backer, campaign=campaign, tier=tier.pk, amount="10",
                                  payment_method=card.pk)
                except CampaignNotOpen:
                    refused.append(backer.pk)
        finally:
            connection.close()

    def close():
        try:
            start.wait()
            campaign_close(campaign=Campaign.objects.get(pk=campaign.pk), now=campaign.ends_at)
        finally:
            connection.close()

    threads = [threading.Thread(target=pledge_all, args=(backers[i::6],)) for i in range(6)]
    threads.append(threading.Thread(target=close))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    event = AuditEvent.objects.get(object_id=str(campaign.pk),
                                   action__in=["crowdfunding.campaign.funded",
                                               "crowdfunding.campaign.failed"])
    pledges = Pledge.objects.filter(campaign=campaign, status=Pledge.Status.ACTIVE)
    assert Decimal(event.data["pledged"]) == sum((p.amount_value for p in pledges), Decimal(0))
    assert event.data["backers"] == pledges.count()
    assert pledges.count() + len(refused) == 60
