"""The maker and staff API: a campaign from draft to live through HTTP, the fee preview,
tiers, review with reasons; the wrong role gets 403/404 and nothing changes."""

from datetime import timedelta

import pytest
from django.utils import timezone

from crowdfunding.deadlines import campaign_launch_due
from crowdfunding.models import Campaign, Tier
from tests.crowdfunding.factories import draft_campaign, maker_setup
from tests.factories import StaffFactory, UserFactory

pytestmark = pytest.mark.django_db
BASE = "/api/crowdfunding/campaigns/"


def _as(api_client, user):
    api_client.force_authenticate(user)
    return api_client


def test_maker_to_live_through_the_api(api_client):
    organisation, maker, product = maker_setup()
    client = _as(api_client, maker)
    launch = (timezone.now() + timedelta(days=1)).isoformat()
    response = client.post(BASE, {
        "organisation": organisation.slug, "title": "潮汐能手电", "goal_amount": "20000",
        "duration_days": 20, "products": [product.pk], "launch_at": launch,
        "funding_model": "threshold", "threshold_percent": 70}, format="json")
    assert response.status_code == 201, response.content
    pk = response.json()["id"]
    assert response.json()["status"] == "draft"
    fees = client.get(f"{BASE}{pk}/fees/").json()
    assert [f["net"]["amount"] for f in fees] == ["18400.00", "27600.00"]
    response = client.post(f"{BASE}{pk}/tiers/", {
        "title": "早鸟", "price": "199", "estimated_delivery": "2027-08", "quantity": 100},
        format="json")
    assert response.status_code == 201, response.content
    tier_id = response.json()["id"]
    assert response.json()["remaining"] == 100
    assert client.patch(f"/api/crowdfunding/tiers/{tier_id}/", {"quantity": 120},
                        format="json").json()["remaining"] == 120
    assert client.patch(f"{BASE}{pk}/", {"summary": "Light from the tide"},
                        format="json").status_code == 200
    assert client.post(f"{BASE}{pk}/submit/").json()["status"] == "submitted"
    assert client.post(f"{BASE}{pk}/approve/").status_code == 403  # not staff
    staff = _as(api_client, StaffFactory())
    queue = staff.get(f"{BASE}review-queue/").json()["results"]
    assert [c["id"] for c in queue] == [pk]
    response = staff.post(f"{BASE}{pk}/request-changes/", {"reason": ""}, format="json")
    assert response.status_code == 400
    response = staff.post(f"{BASE}{pk}/request-changes/", {"reason": "Add a photo"},
                          format="json")
    assert response.json()["status"] == "changes_requested"
    client = _as(api_client, maker)
    assert client.post(f"{BASE}{pk}/revise/").json()["status"] == "draft"
    client.post(f"{BASE}{pk}/submit/")
    staff = _as(api_client, StaffFactory())
    assert staff.post(f"{BASE}{pk}/approve/", {}, format="json").json()["status"] == "approved"
    campaign = Campaign.objects.get(pk=pk)
    campaign_launch_due(campaign.launch_at)
    detail = api_client.get(f"{BASE}{pk}/").json()
    assert detail["status"] == "live" and detail["ends_at"]


def test_another_maker_and_anonymous_are_refused(api_client):
    campaign = draft_campaign()
    other = draft_campaign().maker
    client = _as(api_client, other)
    assert client.patch(f"{BASE}{campaign.pk}/", {"title": "x"}, format="json").status_code == 404
    assert client.post(f"{BASE}{campaign.pk}/submit/").status_code == 404
    assert client.post(f"{BASE}{campaign.pk}/tiers/", {"title": "x", "price": "1"},
                       format="json").status_code == 404
    tier = campaign.tiers.first()
    assert client.delete(f"/api/crowdfunding/tiers/{tier.pk}/").status_code == 404
    api_client.force_authenticate(None)
    assert api_client.post(BASE, {"organisation": campaign.organisation.slug, "title": "x",
                                  "goal_amount": "1", "duration_days": 1, "products": []},
                           format="json").status_code == 403
    assert Tier.objects.filter(pk=tier.pk).exists()
    assert Campaign.objects.get(pk=campaign.pk).title != "x"


def test_bad_campaign_input_in_both_languages(api_client):
    organisation, maker, product = maker_setup()
    client = _as(api_client, maker)
    body = {"organisation": organisation.slug, "title": "x", "goal_amount": "100",
            "duration_days": 90, "products": [product.pk]}
    en = client.post(BASE, body, format="json", HTTP_ACCEPT_LANGUAGE="en").json()
    zh = client.post(BASE, body, format="json", HTTP_ACCEPT_LANGUAGE="zh-hans").json()
    assert "from 1 to 60" in en["detail"]
    assert "1 到 60" in zh["detail"]
    assert client.post(BASE, {**body, "organisation": "nope", "duration_days": 5},
                       format="json").status_code == 400
    assert not Campaign.objects.exists()


def test_staff_only_review_queue(api_client):
    assert _as(api_client, UserFactory()).get(f"{BASE}review-queue/").status_code == 403
