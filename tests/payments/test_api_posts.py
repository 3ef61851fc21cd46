"""Every POST of the payments API and pages, by each role, with bad input: refunds
(create, over-refund refused), payouts approve / cancel (staff only; double approve is a
409 and one transfer), treasury transfers record / approve / reject (four eyes, MFA, the
same verified agency), payout accounts (owners set up; another organisation's member gets
a 404), cards. Refusals are 4xx with a message in zh-hans and in en, and write nothing."""

from __future__ import annotations

import json
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from marketplace.accounts.models import MembershipRole
from marketplace.payments.ledger.check import ledger_problems
from marketplace.payments.models import (
    ConnectedAccount,
    OfflineTransfer,
    PaymentAttempt,
    Payout,
    Refund,
    SavedPaymentMethod,
)
from marketplace.payments.services.accounts import payout_account_ensure, payout_account_sync
from marketplace.payments.services.attempts import attempt_confirm, attempt_create
from marketplace.payments.services.offline import offline_transfer_record
from marketplace.payments.services.payouts import payout_request
from tests.factories import (
    OrganisationFactory,
    StaffFactory,
    UserFactory,
    VerifiedGovernmentAgencyFactory,
    member_of,
)

pytestmark = pytest.mark.django_db
A = PaymentAttempt.Status
SCOPE = "crowdfunding.campaign:61"
CJK = re.compile(r"[\u4e00-\u9fff]")
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def _refused(send, status: int, en_words: str) -> None:
    """``send(language)`` is refused with ``status`` in both languages, naming the rule:
    in English with ``en_words``, in Chinese (the default) in Chinese characters."""
    for language in ("en", "zh-hans"):
        response = send(language)
        assert response.status_code == status, (language, response.content[:500])
        body = response.json()
        assert body["detail"], body
        if language == "en":  # the rule is named in the message or on its field
            assert en_words.lower() in json.dumps(body, ensure_ascii=False).lower(), body
        else:
            assert CJK.search(body["detail"]), body


def _lang(language: str) -> dict:
    return {"HTTP_ACCEPT_LANGUAGE": language}


def _charged(payer=None, amount="100.00"):
    return attempt_confirm(attempt=attempt_create(
        payer=payer or UserFactory(), amount=amount, currency="CNY", scope=SCOPE,
        provider_payment_method="pm_card_visa"))


def _onboarded(payments_stripe, organisation=None):
    organisation = organisation or OrganisationFactory(verified=True)
    owner = member_of(organisation)
    account = payout_account_ensure(actor=owner, organisation=organisation)
    payments_stripe.control.set_account(account.provider_account_id, onboard=True)
    return payout_account_sync(account=account), owner


# --- refunds ----------------------------------------------------------------------------


def test_staff_refund_through_the_api_and_an_over_refund_is_refused(
        api_client, payments_stripe, after_commit):
    attempt = _charged()
    api_client.force_authenticate(StaffFactory(mfa=True))
    url = f"/api/payments/attempts/{attempt.pk}/refunds/"
    with after_commit():
        response = api_client.post(url, {"amount": "30.00", "reason": "one reward less"},
                                   format="json")
    assert response.status_code == 201, response.content
    assert response.json()["amount"]["amount"] == "30.00"
    assert Refund.objects.get().status == Refund.Status.SUCCEEDED
    for body, words in [({"amount": "70.01"}, "more than what is left"),
                        ({"amount": "0"}, "more than zero"),
                        ({"amount": "-1"}, "more than zero"),
                        ({"amount": "1.001"}, "at most 2 decimals"),
                        ({"amount": "ten"}, "number"),
                        ({"amount": "5", "reason": "x" * 2001}, "2000")]:
        _refused(lambda lang, body=body: api_client.post(url, body, format="json",
                                                         **_lang(lang)), 400, words)
    assert Refund.objects.count() == 1
    with after_commit():
        response = api_client.post(url, {}, format="json")  # all that is left
    assert response.status_code == 201 and response.json()["amount"]["amount"] == "70.00"
    _refused(lambda lang: api_client.post(url, {}, format="json", **_lang(lang)), 400,
             "Nothing is left")
    assert Refund.objects.count() == 2
    assert ledger_problems() == []


def test_a_refund_of_a_payment_that_did_not_succeed_is_a_409(api_client, payments_stripe):
    failed = attempt_confirm(attempt=attempt_create(
        payer=UserFactory(), amount="10", currency="CNY", scope=SCOPE,
        provider_payment_method="pm_card_chargeDeclined"))
    assert failed.status == A.FAILED
    api_client.force_authenticate(StaffFactory(mfa=True))
    _refused(lambda lang: api_client.post(f"/api/payments/attempts/{failed.pk}/refunds/",
                                          {}, format="json", **_lang(lang)),
             409, "Only a payment that succeeded")
    assert not Refund.objects.exists()


def test_only_staff_refund(api_client, payments_stripe):
    payer = UserFactory()
    attempt = _charged(payer)
    url = f"/api/payments/attempts/{attempt.pk}/refunds/"
    api_client.force_authenticate(payer)  # sees their payment, may not refund it
    assert api_client.post(url, {}, format="json").status_code == 403
    for other in (UserFactory(), member_of(OrganisationFactory(verified=True))):
        api_client.force_authenticate(other)
        assert api_client.post(url, {}, format="json").status_code == 404
    api_client.force_authenticate(None)
    assert api_client.post(url, {}, format="json").status_code in (401, 403)
    api_client.force_authenticate(StaffFactory(mfa=True))
    assert api_client.post("/api/payments/attempts/999999/refunds/", {},
                           format="json").status_code == 404
    assert not Refund.objects.exists()


# --- payouts ----------------------------------------------------------------------------


def _pending_payout(payments_stripe, gross="60"):
    payer = UserFactory()
    _charged(payer)
    account, owner = _onboarded(payments_stripe)
    requester = StaffFactory(mfa=True)
    payout = payout_request(account=account, scope=SCOPE, gross=gross, currency="CNY",
                            actor=requester)
    return payout, requester, owner, payer


def _transfers(payments_stripe) -> int:
    return len(payments_stripe.client().v1.transfers.list().data)


def test_payout_approve_then_approve_again_is_a_409_and_one_transfer(
        api_client, payments_stripe, after_commit):
    payout, requester, _owner, _payer = _pending_payout(payments_stripe)
    url = f"/api/payments/payouts/{payout.pk}/approve/"
    api_client.force_authenticate(requester)
    _refused(lambda lang: api_client.post(url, **_lang(lang)), 403, "Another staff member")
    api_client.force_authenticate(StaffFactory(mfa=True))
    with after_commit():
        response = api_client.post(url)
    assert response.status_code == 200, response.content
    payout.refresh_from_db()
    assert payout.status == Payout.Status.PAID
    for approver in (StaffFactory(mfa=True),):
        api_client.force_authenticate(approver)
        with after_commit():
            _refused(lambda lang: api_client.post(url, **_lang(lang)), 409, "")
            _refused(lambda lang: api_client.post(
                f"/api/payments/payouts/{payout.pk}/cancel/", **_lang(lang)), 409,
                "already sent")
    assert _transfers(payments_stripe) == 1
    assert ledger_problems() == []


@pytest.mark.parametrize("decision", ["approve", "cancel"])
def test_the_maker_a_backer_and_anonymous_cannot_decide_a_payout(
        api_client, client, payments_stripe, decision):
    payout, _requester, owner, payer = _pending_payout(payments_stripe)
    url = f"/api/payments/payouts/{payout.pk}/{decision}/"
    for user in (owner, payer, member_of(payout.account.organisation, MembershipRole.MEMBER)):
        api_client.force_authenticate(user)
        assert api_client.post(url).status_code == 403
        client.force_login(user)
        assert client.post(f"/payments/staff/payouts/{payout.pk}/decide/",
                           {"action": decision}).status_code == 403
    api_client.force_authenticate(None)
    assert api_client.post(url).status_code in (401, 403)
    client.logout()
    assert client.post(f"/payments/staff/payouts/{payout.pk}/decide/",
                       {"action": decision}).status_code == 302  # to log in
    payout.refresh_from_db()
    assert payout.status == Payout.Status.PENDING and _transfers(payments_stripe) == 0


def test_staff_cancel_a_payout_and_its_money_goes_back(api_client, payments_stripe):
    payout, _requester, _owner, _payer = _pending_payout(payments_stripe)
    api_client.force_authenticate(StaffFactory(mfa=True))
    url = f"/api/payments/payouts/{payout.pk}/cancel/"
    _refused(lambda lang: api_client.post(url, {"reason": "x" * 2001}, format="json",
                                          **_lang(lang)), 400, "2000")
    for body in ({"reason": ["wrong", "account"]}, {"reason": {"a": 1}}, ["reason"]):
        assert api_client.post(url, body, format="json").status_code == 400, body
    payout.refresh_from_db()
    assert payout.status == Payout.Status.PENDING
    response = api_client.post(url, {"reason": "wrong account"}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "canceled"
    _refused(lambda lang: api_client.post(url, **_lang(lang)), 409, "")
    _refused(lambda lang: api_client.post(f"/api/payments/payouts/{payout.pk}/approve/",
                                          **_lang(lang)), 409, "")
    assert api_client.post("/api/payments/payouts/999999/approve/").status_code == 404
    assert _transfers(payments_stripe) == 0
    assert ledger_problems() == []


def test_the_staff_payouts_page_approves_cancels_and_refuses_an_unknown_action(
        client, payments_stripe, after_commit):
    payout, _requester, _owner, _payer = _pending_payout(payments_stripe, gross="30")
    other, *_ = _pending_payout(payments_stripe, gross="20")
    client.force_login(StaffFactory(mfa=True))
    for bad in ({"action": "bogus"}, {}):
        response = client.post(f"/payments/staff/payouts/{payout.pk}/decide/", bad,
                               HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 400
        assert b"approve or cancel" in response.content
        response = client.post(f"/payments/staff/payouts/{payout.pk}/decide/", bad)
        assert response.status_code == 400
        assert "请选择批准或取消" in response.content.decode()
    payout.refresh_from_db()
    assert payout.status == Payout.Status.PENDING
    with after_commit():
        response = client.post(f"/payments/staff/payouts/{payout.pk}/decide/",
                               {"action": "approve"})
    assert response.status_code == 302
    payout.refresh_from_db()
    assert payout.status == Payout.Status.PAID
    response = client.post(f"/payments/staff/payouts/{other.pk}/decide/",
                           {"action": "cancel", "reason": "duplicate"})
    assert response.status_code == 302
    other.refresh_from_db()
    assert other.status == Payout.Status.CANCELED
    response = client.post(f"/payments/staff/payouts/{payout.pk}/decide/",
                           {"action": "approve"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 409
    assert _transfers(payments_stripe) == 1
    assert ledger_problems() == []


# --- treasury transfers -----------------------------------------------------------------


def _document(content=PDF, name="transfer.pdf"):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def _form(paying, **change):
    return {"agency": paying.slug, "amount": "250000.00", "currency": "CNY", "scope": SCOPE,
            "transfer_reference": "GK-2026-0101", "document": _document(), **change}


def test_a_buyer_records_and_an_approver_of_the_agency_approves(api_client, after_commit):
    agency = VerifiedGovernmentAgencyFactory()
    officer = member_of(agency, MembershipRole.BUYER_OFFICER, mfa=True)
    api_client.force_authenticate(officer)
    response = api_client.post("/api/payments/offline-transfers/", _form(agency),
                               format="multipart")
    assert response.status_code == 201, response.content
    transfer = response.json()
    assert transfer["attempt"]["status"] == A.REQUIRES_ACTION
    api_client.force_authenticate(member_of(agency, MembershipRole.APPROVER, mfa=True))
    response = api_client.post(f"/api/payments/offline-transfers/{transfer['id']}/approve/")
    assert response.status_code == 200, response.content
    assert response.json()["attempt"]["status"] == A.SUCCEEDED
    _refused(lambda lang: api_client.post(
        f"/api/payments/offline-transfers/{transfer['id']}/approve/", **_lang(lang)), 409, "")
    assert ledger_problems() == []


def test_an_approver_rejects_with_a_reason(api_client):
    agency = VerifiedGovernmentAgencyFactory()
    transfer = _recorded(agency)
    api_client.force_authenticate(member_of(agency, MembershipRole.APPROVER, mfa=True))
    url = f"/api/payments/offline-transfers/{transfer.pk}/reject/"
    for body in ({}, {"reason": ""}, {"reason": "x" * 2001}):
        response = api_client.post(url, body, format="json", **_lang("en"))
        assert response.status_code == 400, response.content
        assert response.json()["detail"]
    transfer.attempt.refresh_from_db()
    assert transfer.attempt.status == A.REQUIRES_ACTION
    response = api_client.post(url, {"reason": "wrong amount"}, format="json")
    assert response.status_code == 200 and response.json()["attempt"]["status"] == A.FAILED


def _recorded(agency, recorder=None, reference="GK-2026-0202"):
    recorder = recorder or member_of(agency, MembershipRole.BUYER_OFFICER, mfa=True)
    return offline_transfer_record(actor=recorder, agency=agency, amount="1000", currency="CNY",
                                   scope=SCOPE, transfer_reference=reference,
                                   document=_document())


@pytest.mark.parametrize("decision", ["approve", "reject"])
@pytest.mark.parametrize(("who", "status", "words"), [
    ("recorder", 403, "cannot also approve"),
    ("approver_without_mfa", 403, ""),
    ("approver_of_another_agency", 404, ""),
    ("buyer_officer_of_the_agency", 403, "Only an approver"),
    ("staff", 403, "Only an approver"),
    ("stranger", 404, ""),
])
def test_anyone_but_another_approver_with_mfa_is_refused(api_client, decision, who, status,
                                                         words):
    agency = VerifiedGovernmentAgencyFactory()
    recorder = member_of(agency, MembershipRole.APPROVER, mfa=True)  # approvers may record
    transfer = _recorded(agency, recorder)
    actor = {
        "recorder": lambda: recorder,
        "approver_without_mfa": lambda: member_of(agency, MembershipRole.APPROVER),
        "approver_of_another_agency": lambda: member_of(VerifiedGovernmentAgencyFactory(),
                                                        MembershipRole.APPROVER, mfa=True),
        "buyer_officer_of_the_agency": lambda: member_of(agency, MembershipRole.BUYER_OFFICER,
                                                         mfa=True),
        "staff": lambda: StaffFactory(mfa=True),
        "stranger": UserFactory,
    }[who]()
    api_client.force_authenticate(actor)
    url = f"/api/payments/offline-transfers/{transfer.pk}/{decision}/"
    _refused(lambda lang: api_client.post(url, {"reason": "no"}, format="json",
                                          **_lang(lang)), status, words)
    api_client.force_authenticate(None)
    assert api_client.post(url, {"reason": "no"}, format="json").status_code in (401, 403)
    transfer.attempt.refresh_from_db()
    assert transfer.attempt.status == A.REQUIRES_ACTION
    assert OfflineTransfer.objects.get().decided_by is None


@pytest.mark.parametrize(("change", "status", "words"), [
    ({"amount": "0"}, 400, "more than zero"),
    ({"amount": "1.001"}, 400, "at most 2 decimals"),
    ({"currency": "XTS"}, 400, "Unknown currency"),
    ({"scope": "not a scope"}, 400, "app.model:id"),
    ({"transfer_reference": ""}, 400, ""),
    ({"transfer_reference": "GK-2026-0001"}, 409, "already been recorded"),
    ({"document": None}, 400, ""),
    ({"document": "text"}, 400, ""),
    ({"agency": "no-such-agency"}, 400, "Unknown agency"),
])
def test_bad_treasury_transfers_are_refused_and_nothing_is_written(
        api_client, change, status, words):
    agency = VerifiedGovernmentAgencyFactory()
    _recorded(agency, reference="GK-2026-0001")
    api_client.force_authenticate(member_of(agency, MembershipRole.BUYER_OFFICER, mfa=True))

    def send(lang):
        form = _form(agency, **change)
        if form["document"] is None:
            del form["document"]
        elif form["document"] == "text":
            form["document"] = _document(b"just some words, not a PDF")
        return api_client.post("/api/payments/offline-transfers/", form, format="multipart",
                               **_lang(lang))

    _refused(send, status, words)
    assert PaymentAttempt.objects.count() == 1 and OfflineTransfer.objects.count() == 1


@pytest.mark.parametrize("who", ["maker", "unverified_agency_officer", "staff"])
def test_only_a_buyer_of_the_verified_agency_records(api_client, who):
    from tests.factories import GovernmentAgencyFactory

    agency = VerifiedGovernmentAgencyFactory()
    unverified = GovernmentAgencyFactory()
    actor, target = {
        "maker": lambda: (member_of(OrganisationFactory(verified=True)), agency),
        "unverified_agency_officer": lambda: (
            member_of(unverified, MembershipRole.BUYER_OFFICER, mfa=True), unverified),
        "staff": lambda: (StaffFactory(mfa=True), agency),
    }[who]()
    api_client.force_authenticate(actor)
    _refused(lambda lang: api_client.post("/api/payments/offline-transfers/", _form(target),
                                          format="multipart", **_lang(lang)),
             403, "Only a buyer")
    assert not PaymentAttempt.objects.exists()


# --- payout accounts --------------------------------------------------------------------


def test_the_payout_account_page_is_the_organisations_own(client, payments_stripe):
    organisation = OrganisationFactory(verified=True)
    owner = member_of(organisation)
    member = member_of(organisation, MembershipRole.MEMBER)
    outsider = member_of(OrganisationFactory(verified=True))
    url = f"/payments/payout-account/{organisation.slug}/"
    client.force_login(owner)
    assert client.get(url).status_code == 200
    response = client.post(url)
    assert response.status_code == 302 and "/fake/connect/onboarding/" in response["Location"]
    account = ConnectedAccount.objects.get(organisation=organisation)
    assert account.provider_account_id.startswith("acct_")
    assert client.get(url).status_code == 200
    client.force_login(member)
    assert client.get(url).status_code == 200  # members see the status
    assert client.post(url).status_code == 403  # only owners set it up
    client.force_login(outsider)
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404
    assert client.get("/payments/payout-account/no-such-org/").status_code == 404
    client.logout()
    assert client.get(url).status_code == 302
    assert ConnectedAccount.objects.count() == 1


def test_the_payout_account_api_is_the_organisations_own(api_client, payments_stripe):
    organisation = OrganisationFactory(verified=True)
    owner = member_of(organisation)
    member = member_of(organisation, MembershipRole.MEMBER)
    outsider = member_of(OrganisationFactory(verified=True))
    url = f"/api/payments/payout-accounts/{organisation.slug}/"
    for user in (outsider, UserFactory()):
        api_client.force_authenticate(user)
        assert api_client.get(url).status_code == 404
        assert api_client.post(url).status_code == 404
        assert api_client.post(url + "onboarding-link/").status_code == 404
    api_client.force_authenticate(member)
    assert api_client.get(url).status_code == 404  # none yet
    _refused(lambda lang: api_client.post(url, **_lang(lang)), 403, "Only an owner")
    assert not ConnectedAccount.objects.exists()
    api_client.force_authenticate(owner)
    response = api_client.post(url)
    assert response.status_code == 200 and response.json()["status"] == "onboarding"
    link = api_client.post(url + "onboarding-link/")
    assert link.status_code == 200 and "/fake/connect/onboarding/" in link.json()["url"]
    api_client.force_authenticate(member)
    assert api_client.get(url).json()["refusal"]
    _refused(lambda lang: api_client.post(url + "onboarding-link/", **_lang(lang)), 403,
             "Only an owner")
    api_client.force_authenticate(None)
    assert api_client.post(url).status_code in (401, 403)
    assert ConnectedAccount.objects.count() == 1


# --- cards page -------------------------------------------------------------------------


def test_the_cards_page_saves_a_card_and_refuses_bad_input(client, payments_stripe):
    payer = UserFactory()
    client.force_login(payer)
    for bad in ({"payment_method": ""}, {"payment_method": "4242 4242 4242 4242"},
                {"payment_method": "x" * 101}):
        response = client.post("/payments/cards/", {**bad, "off_session_consent": "on"})
        assert response.status_code == 400, bad
    assert not SavedPaymentMethod.objects.exists()
    response = client.post("/payments/cards/", {"payment_method": "pm_card_chargeDeclined",
                                                "off_session_consent": "on"},
                           HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 402 and b"declined" in response.content
    assert not SavedPaymentMethod.objects.filter(status="active").exists()
    response = client.post("/payments/cards/", {"payment_method": "pm_card_visa",
                                                "off_session_consent": "on"})
    assert response.status_code == 302
    card = SavedPaymentMethod.objects.get(status="active")
    assert card.owner == payer and card.off_session_consent
    client.force_login(UserFactory())
    assert client.post(f"/payments/cards/{card.pk}/remove/").status_code == 404
    client.force_login(payer)
    assert client.post(f"/payments/cards/{card.pk}/remove/").status_code == 302
    card.refresh_from_db()
    assert card.status == SavedPaymentMethod.Status.REMOVED
