"""The payments API and pages: a payer's cards (another payer's are 404, removing them
refused), staff lists, the schema."""

from __future__ import annotations

import pytest

from marketplace.payments.models import SavedPaymentMethod
from tests.factories import StaffFactory, UserFactory
from tests.payments.factories import SavedPaymentMethodFactory

pytestmark = pytest.mark.django_db


def test_a_payer_saves_lists_and_removes_their_own_card(api_client, payments_stripe,
                                                         after_commit):
    payer = UserFactory()
    api_client.force_authenticate(payer)
    response = api_client.post("/api/payments/cards/", {"payment_method": "pm_card_visa",
                                                        "off_session_consent": True},
                               format="json")
    assert response.status_code == 201, response.content
    card = response.json()
    assert card["status"] == "active" and card["last4"] == "4242"
    assert [c["id"] for c in api_client.get("/api/payments/cards/").json()] == [card["id"]]
    with after_commit():
        assert api_client.delete(f"/api/payments/cards/{card['id']}/").status_code == 204
    assert api_client.get("/api/payments/cards/").json() == []


def test_a_declined_card_is_a_402_with_its_decline_code(api_client, payments_stripe, english):
    api_client.force_authenticate(UserFactory())
    response = api_client.post("/api/payments/cards/", {
        "payment_method": "pm_card_chargeDeclinedInsufficientFunds",
        "off_session_consent": True}, format="json")
    assert response.status_code == 402
    body = response.json()
    assert body["code"] == "insufficient_funds"
    assert body["data"]["decline_code"] == "insufficient_funds"
    assert "insufficient funds" in body["detail"]


def test_a_payer_cannot_see_or_remove_another_payers_card(api_client, client):
    card = SavedPaymentMethodFactory(status=SavedPaymentMethod.Status.ACTIVE)
    other = UserFactory()
    api_client.force_authenticate(other)
    assert api_client.get(f"/api/payments/cards/{card.pk}/").status_code == 404
    assert api_client.delete(f"/api/payments/cards/{card.pk}/").status_code == 404
    assert api_client.get("/api/payments/cards/").json() == []
    client.force_login(other)
    assert client.post(f"/payments/cards/{card.pk}/remove/").status_code == 404
    card.refresh_from_db()
    assert card.status == SavedPaymentMethod.Status.ACTIVE


def test_bad_card_input_is_a_400(api_client, english):
    api_client.force_authenticate(UserFactory())
    response = api_client.post("/api/payments/cards/", {"payment_method": "4242 4242",
                                                        "off_session_consent": True},
                               format="json")
    assert response.status_code == 400
    assert "pm_card_visa" in response.json()["detail"]
    assert not SavedPaymentMethod.objects.exists()


@pytest.mark.parametrize("path", ["/api/payments/refunds/", "/api/payments/payouts/",
                                  "/api/payments/reconciliation/differences/",
                                  "/api/payments/ledger/accounts/"])
def test_staff_lists_are_for_staff_only(api_client, path, django_assert_max_num_queries):
    api_client.force_authenticate(UserFactory())
    assert api_client.get(path).status_code == 403
    api_client.force_authenticate(StaffFactory(mfa=True))
    with django_assert_max_num_queries(8):
        assert api_client.get(path).status_code == 200


@pytest.mark.parametrize("path", ["/payments/staff/attempts/", "/payments/staff/refunds/",
                                  "/payments/staff/payouts/", "/payments/staff/reconciliation/",
                                  "/payments/staff/ledger/"])
def test_staff_pages(client, path):
    client.force_login(UserFactory())
    assert client.get(path).status_code == 403
    client.force_login(StaffFactory(mfa=True))
    assert client.get(path).status_code == 200


def test_the_cards_page_offers_test_cards_offline(client, payments_stripe):
    client.force_login(UserFactory())
    response = client.get("/payments/cards/")
    assert response.status_code == 200
    assert b"pm_card_visa" in response.content and b"js.stripe.com" not in response.content


def test_the_schema_documents_the_payments_api(api_client):
    schema = api_client.get("/api/schema/").content.decode()
    for path in ("/api/payments/cards/", "/api/payments/payouts/{id}/approve/",
                 "/api/payments/offline-transfers/", "/api/payments/ledger/accounts/"):
        assert path in schema
