"""The offering API: thin views over the services (400 naming the field, 403, 404 for
what the viewer may not see, 409 for a refused transition) and the schema."""

from datetime import timedelta

import pytest
from django.utils import timezone

from crowdfunding.equity.models import Offering
from marketplace.accounts.models import VerificationStatus
from tests.factories import StaffFactory, UserFactory

from .offerings import draft, issuer, issuer_member, live

pytestmark = pytest.mark.django_db
URL = "/api/equity/offerings/"


def body(**overrides):
    now = timezone.now()
    values = {"title": "Series A", "instrument": "preferred", "price_per_share": "2.50",
              "pre_money_valuation": "1000000", "target": "50000", "maximum": "80000",
              "min_ticket": "500", "max_ticket": "10000", "allocation": "pro_rata",
              "holding": "spv", "vehicle": "lp",
              "starts_at": (now + timedelta(days=2)).isoformat(),
              "deadline": (now + timedelta(days=40)).isoformat()}
    values.update(overrides)
    return values


def test_create_edit_submit_and_approve(api_client):
    org = issuer()
    maker = issuer_member(org)
    api_client.force_authenticate(maker)
    created = api_client.post(URL, {**body(), "issuer": org.pk}, format="json")
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    assert created.json()["status"] == "draft" and created.json()["target"] == "50000.0000"
    edited = api_client.patch(f"{URL}{pk}/", {"maximum": "90000"}, format="json")
    assert edited.status_code == 200 and edited.json()["maximum"] == "90000.0000"
    assert api_client.post(f"{URL}{pk}/submit/").json()["status"] == "submitted"
    assert api_client.post(f"{URL}{pk}/approve/").status_code == 403
    api_client.force_authenticate(StaffFactory())
    approved = api_client.post(f"{URL}{pk}/approve/", {"reason": "ok"}, format="json")
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    again = api_client.post(f"{URL}{pk}/approve/", {}, format="json")
    assert again.status_code == 409


def test_bad_input_is_a_400_naming_the_field(api_client):
    org = issuer()
    api_client.force_authenticate(issuer_member(org))
    response = api_client.post(URL, {**body(min_ticket="20000"), "issuer": org.pk},
                               format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "min_ticket_above_max"
    assert response.json()["data"] == {"field": "min_ticket"}
    assert not Offering.objects.exists()


def test_an_outsider_cannot_create_for_a_company(api_client):
    org = issuer()
    api_client.force_authenticate(UserFactory())
    assert api_client.post(URL, {**body(), "issuer": org.pk}, format="json").status_code == 403
    assert api_client.post(URL, {**body(), "issuer": 999999}, format="json").status_code == 404


def test_anonymous_reads_public_live_offerings_only(api_client):
    shown = live()
    hidden = live(public=False)
    a_draft = draft()
    listed = [row["id"] for row in api_client.get(URL).json()["results"]]
    assert shown.pk in listed and hidden.pk not in listed and a_draft.pk not in listed
    assert api_client.get(f"{URL}{hidden.pk}/").status_code == 404
    assert api_client.get(f"{URL}{a_draft.pk}/").status_code == 404
    assert api_client.post(URL, body(), format="json").status_code in (401, 403)
    api_client.force_authenticate(UserFactory(verification_status=VerificationStatus.VERIFIED))
    assert api_client.get(f"{URL}{hidden.pk}/").status_code == 200


def test_the_schema_has_the_equity_paths(api_client):
    response = api_client.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert "/api/equity/offerings/" in paths
    assert "/api/equity/offerings/{id}/approve/" in paths


def test_commit_list_and_cancel_through_the_api(api_client):
    from .offerings import ready_investor

    offering = live()
    investor = ready_investor()
    api_client.force_authenticate(investor)
    url = f"{URL}{offering.pk}/commitments/"
    refused = api_client.post(url, {"amount": "1005"}, format="json")
    assert refused.status_code == 400
    assert refused.json()["code"] == "not_whole_shares"
    assert refused.json()["data"] == {"field": "amount"}
    created = api_client.post(url, {"amount": "1000"}, format="json")
    assert created.status_code == 201, created.content
    assert created.json()["shares"] == 100
    again = api_client.post(url, {"amount": "1000"}, format="json")
    assert again.status_code == 409
    listed = api_client.get("/api/equity/commitments/").json()["results"]
    assert [row["id"] for row in listed] == [created.json()["id"]]
    api_client.force_authenticate(UserFactory())
    cancel_url = f"/api/equity/commitments/{created.json()['id']}/cancel/"
    assert api_client.post(cancel_url).status_code == 404  # another's does not exist
    api_client.force_authenticate(investor)
    canceled = api_client.post(cancel_url)
    assert canceled.status_code == 200 and canceled.json()["status"] == "canceled"


def test_a_not_ready_investor_gets_a_400_listing_the_steps(api_client):
    offering = live()
    api_client.force_authenticate(UserFactory())
    response = api_client.post(f"{URL}{offering.pk}/commitments/", {"amount": "1000"},
                               format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "investor_not_ready"
    assert response.json()["data"]["missing"] == ["real_name", "classification",
                                                  "knowledge_test", "risk_warning"]
    assert "实名认证" in response.json()["detail"]  # in the person's language


def test_patch_changes_only_the_fields_given(api_client):
    offering = draft(public=False)
    api_client.force_authenticate(offering.created_by)
    response = api_client.patch(f"{URL}{offering.pk}/", {"title": "Seed"}, format="json")
    assert response.status_code == 200
    assert response.json()["title"] == "Seed" and response.json()["public"] is False


def test_issuers_see_their_book_and_others_do_not(api_client):
    from crowdfunding.equity.services.commitments import commitment_create

    from .offerings import ready_investor

    offering = live()
    commitment = commitment_create(actor=ready_investor(), offering=offering, amount="1000")
    api_client.force_authenticate(issuer_member(offering.organisation))
    rows = api_client.get("/api/equity/commitments/").json()["results"]
    assert [row["id"] for row in rows] == [commitment.pk]
    api_client.force_authenticate(issuer_member(issuer()))
    assert api_client.get("/api/equity/commitments/").json()["results"] == []
    assert api_client.get("/api/equity/commitments/").status_code == 200
    api_client.logout()
    assert api_client.get("/api/equity/commitments/").status_code in (401, 403)
