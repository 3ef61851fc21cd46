"""The crowdfunding demo: campaigns of the demo makers in every state, with rewards and
backers, each moved through the services (audited); funded ones settled after the seed
against the fake Stripe server (the tasks run eagerly after the commit), the ones sending
rewards only once settled; one live campaign that ends a few minutes after the seed and
is closed by the chronograph; a second seed adds nothing."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from crowdfunding.deadlines import campaign_close_due
from crowdfunding.demo import CAMPAIGNS, ENDING_SOON
from crowdfunding.models import Campaign, Pledge
from marketplace.core.models import AuditEvent

S = Campaign.Status


@pytest.fixture
def seeded(transactional_db, payments_stripe):
    call_command("seed_demo", verbosity=0)
    return payments_stripe


def test_every_state_is_shown_with_backers_and_an_audit_trail(seeded):
    statuses = set(Campaign.objects.values_list("status", flat=True))
    assert {S.DRAFT, S.SUBMITTED, S.CHANGES_REQUESTED, S.APPROVED, S.LIVE, S.FUNDED, S.FAILED,
            S.FULFILLING, S.FULFILLED, S.CANCELED} <= statuses
    assert Campaign.objects.count() == len(CAMPAIGNS)
    live = Campaign.objects.filter(status=S.LIVE)
    assert Pledge.objects.filter(campaign__in=live, status=Pledge.Status.ACTIVE).count() >= 8
    # every campaign's status came through its transitions
    for campaign in Campaign.objects.exclude(status=S.DRAFT):
        assert AuditEvent.objects.filter(object_type="crowdfunding.campaign",
                                         object_id=str(campaign.pk)).count() >= 2
    # the canceled campaign released its backers
    canceled = Campaign.objects.get(status=S.CANCELED)
    assert not Pledge.objects.filter(campaign=canceled, status=Pledge.Status.ACTIVE).exists()
    # settled after the commit: every pledge of a campaign past funding charged, once
    for campaign in Campaign.objects.filter(status__in=[S.FUNDED, S.FULFILLING, S.FULFILLED]):
        pledges = Pledge.objects.filter(campaign=campaign)
        assert pledges.exists()
        assert set(pledges.values_list("status", flat=True)) == {Pledge.Status.CHARGED}
    assert seeded.control.ledger()["count"] == Pledge.objects.filter(
        status=Pledge.Status.CHARGED).count()


def test_one_live_campaign_ends_minutes_after_the_seed_and_the_chronograph_closes_it(seeded):
    now = timezone.now()
    soon = Campaign.objects.get(status=S.LIVE, ends_at__lte=now + ENDING_SOON)
    assert soon.ends_at > now
    assert Pledge.objects.filter(campaign=soon, status=Pledge.Status.ACTIVE).count() == 5
    assert campaign_close_due(soon.ends_at + timedelta(seconds=1)) == 1
    soon.refresh_from_db()
    assert soon.status == S.FUNDED  # 5 x 499 over a goal of 1,500


def test_a_second_seed_adds_no_campaign(seeded):
    before = (Campaign.objects.count(), Pledge.objects.count())
    call_command("seed_demo", verbosity=0)
    assert (Campaign.objects.count(), Pledge.objects.count()) == before
