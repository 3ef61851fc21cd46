"""Campaigns in search: a campaign is found once it goes live and drops out when it is
canceled; drafts are never indexed; pledges queue no index task (a launch-day rush would
queue one per pledge), status changes do."""

import pytest

from crowdfunding.services.campaigns import campaign_cancel
from crowdfunding.services.pledges import pledge_create
from search.service import get_backend
from tests.crowdfunding.factories import backer_with_card, draft_campaign, live_campaign
from tests.search.helpers import ids, run

pytestmark = pytest.mark.django_db


def _campaign_hits(text):
    result = run(get_backend(), text)
    return [hit for hit in result.hits if hit.doc_type == "campaign"]


def test_a_campaign_is_found_while_public_and_gone_when_canceled(
        django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        campaign = live_campaign()
    result = run(get_backend(), "海洋传感器")
    assert ids(result, "campaign") == [campaign.pk]
    hit = next(h for h in result.hits if h.doc_type == "campaign")
    assert hit.url == f"/crowdfunding/{campaign.pk}/"
    with django_capture_on_commit_callbacks(execute=True):
        campaign_cancel(actor=campaign.maker, campaign=campaign, reason="Supplier stopped")
    assert _campaign_hits("海洋传感器") == []


def test_a_draft_is_never_indexed(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        draft_campaign()
    assert _campaign_hits("海洋传感器") == []


def test_a_pledge_queues_no_index_task_a_launch_does(monkeypatch, django_capture_on_commit_callbacks):
    from search import receivers

    queued = []
    monkeypatch.setattr(receivers, "enqueue", lambda name, doc_type, pks: queued.append(
        (doc_type, pks)))
    campaign = live_campaign()
    assert ("campaign", [campaign.pk]) in queued  # submitted, approved, launched
    queued.clear()
    backer, card = backer_with_card()
    pledge_create(actor=backer, campaign=campaign, tier=campaign.tiers.first().pk,
                  amount="100", payment_method=card.pk)
    assert [q for q in queued if q[0] == "campaign"] == []
