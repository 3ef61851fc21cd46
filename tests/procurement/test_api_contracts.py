"""Contracts over the API and the private PDF: parties and staff only."""

import pytest
from django.urls import reverse

from procurement.models import Contract

pytestmark = pytest.mark.django_db


def api(name, pk):
    return reverse(f"procurement-api:{name}", args=[pk])


def test_generate_sign_and_read(api_client, agreed, officer, buyer_signer, supplier_signer):
    api_client.force_authenticate(officer)
    answer = api_client.post(api("contract-generate", agreed.pk))
    assert answer.status_code == 201
    body = answer.json()
    assert body["status"] == "generated" and body["number"]
    pk = body["id"]
    assert api_client.post(api("contract-generate", agreed.pk)).status_code == 409
    api_client.force_authenticate(buyer_signer)
    assert api_client.post(api("contract-sign", pk)).json()["status"] == "signed_by_buyer"
    api_client.force_authenticate(supplier_signer)
    answer = api_client.post(api("contract-sign", pk))
    assert answer.status_code == 200 and answer.json()["status"] == "signed"
    assert answer.json()["supplier_signatory"] == "张工程师"


def test_signing_without_mfa_is_a_403_naming_the_rule(api_client, contract, supplier):
    api_client.force_authenticate(supplier)
    answer = api_client.post(api("contract-sign", contract.pk))
    assert answer.status_code == 403 and answer.json()["code"] == "mfa_required"


def test_contract_is_hidden_from_others(api_client, contract, other_supplier, other_officer):
    assert api_client.get(api("contract", contract.pk)).status_code in (401, 403)
    for person in (other_supplier, other_officer):
        api_client.force_authenticate(person)
        assert api_client.get(api("contract", contract.pk)).status_code == 404
        assert api_client.post(api("contract-sign", contract.pk)).status_code == 404


def test_cancel_over_the_api(api_client, contract, officer):
    api_client.force_authenticate(officer)
    answer = api_client.post(api("contract-cancel", contract.pk), {"reason": ""}, format="json")
    assert answer.status_code == 400
    answer = api_client.post(api("contract-cancel", contract.pk), {"reason": "预算调整"},
                             format="json")
    assert answer.status_code == 200 and answer.json()["status"] == "cancelled"


@pytest.mark.parametrize("who,status", [("buyer_signer", 200), ("supplier", 200),
                                        ("staff", 200), ("other_supplier", 404),
                                        ("other_officer", 404), ("stranger", 404)])
def test_the_pdf_goes_to_parties_and_staff_only(request, client, contract, who, status):
    from allauth.mfa.totp.internal.auth import TOTP

    from tests.factories import TOTP_SECRET

    person = request.getfixturevalue(who)
    if who in ("staff", "other_officer"):  # the MFA middleware asks them for it first
        TOTP.activate(person, TOTP_SECRET)
    client.force_login(person)
    answer = client.get(reverse("procurement:contract-pdf", args=[contract.pk]))
    assert answer.status_code == status
    if status == 200:
        assert answer["Content-Type"] == "application/pdf"
        assert b"".join(answer.streaming_content).startswith(b"%PDF")
        assert "no-store" in answer["Cache-Control"]


def test_the_pdf_asks_anonymous_to_sign_in(client, contract):
    answer = client.get(reverse("procurement:contract-pdf", args=[contract.pk]))
    assert answer.status_code == 302
    assert Contract.objects.count() == 1
