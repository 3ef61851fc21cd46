"""Treasury transfers: recorded by a buyer of the paying agency, approved only by an
approver of the same agency, with MFA, who did not record it."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from marketplace.accounts.models import MembershipRole
from marketplace.core.errors import PermissionDeniedError
from marketplace.core.money import Money
from marketplace.payments.errors import PaymentsValidationError
from marketplace.payments.ledger.check import ledger_problems
from marketplace.payments.ledger.posting import held_in_escrow
from marketplace.payments.models import PaymentAttempt
from marketplace.payments.services.offline import (
    offline_transfer_approve,
    offline_transfer_record,
    offline_transfer_reject,
)
from tests.factories import VerifiedGovernmentAgencyFactory, member_of

pytestmark = pytest.mark.django_db
SCOPE = "procurement.contract:4"
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def _document():
    return SimpleUploadedFile("transfer.pdf", PDF, content_type="application/pdf")


def _recorded(agency, reference="GK-2026-0001"):
    officer = member_of(agency, MembershipRole.BUYER_OFFICER)
    return offline_transfer_record(actor=officer, agency=agency, amount="250000.00",
                                   currency="CNY", scope=SCOPE, transfer_reference=reference,
                                   document=_document())


def test_an_approver_of_the_same_agency_with_mfa_approves(english):
    agency = VerifiedGovernmentAgencyFactory()
    transfer = _recorded(agency)
    assert transfer.attempt.status == PaymentAttempt.Status.REQUIRES_ACTION
    approver = member_of(agency, MembershipRole.APPROVER, mfa=True)
    offline_transfer_approve(actor=approver, transfer=transfer)
    transfer.attempt.refresh_from_db()
    assert transfer.attempt.status == PaymentAttempt.Status.SUCCEEDED
    assert transfer.decided_by == approver
    assert held_in_escrow(SCOPE, "CNY") == Money(Decimal("250000.00"), "CNY")
    assert ledger_problems() == []


@pytest.mark.parametrize(("who", "words"), [
    ("approver_without_mfa", "two-factor"),
    ("approver_of_another_agency", "Only an approver"),
    ("buyer_officer_with_mfa", "Only an approver"),
    ("staff", "Only an approver"),
])
def test_anyone_else_is_refused(who, words, english):
    from tests.factories import StaffFactory

    agency = VerifiedGovernmentAgencyFactory()
    transfer = _recorded(agency)
    actor = {
        "approver_without_mfa": lambda: member_of(agency, MembershipRole.APPROVER),
        "approver_of_another_agency": lambda: member_of(VerifiedGovernmentAgencyFactory(),
                                                        MembershipRole.APPROVER, mfa=True),
        "buyer_officer_with_mfa": lambda: member_of(agency, MembershipRole.BUYER_OFFICER,
                                                    mfa=True),
        "staff": lambda: StaffFactory(mfa=True),
    }[who]()
    with pytest.raises(PermissionDeniedError, match=words):
        offline_transfer_approve(actor=actor, transfer=transfer)
    transfer.attempt.refresh_from_db()
    assert transfer.attempt.status == PaymentAttempt.Status.REQUIRES_ACTION


def test_the_recorder_cannot_approve_their_own_transfer(english):
    agency = VerifiedGovernmentAgencyFactory()
    owner = member_of(agency, MembershipRole.OWNER, mfa=True)  # a buyer role: may record
    transfer = offline_transfer_record(actor=owner, agency=agency, amount="10", currency="CNY",
                                       scope=SCOPE, transfer_reference="GK-10",
                                       document=_document())
    with pytest.raises(PermissionDeniedError, match="Only an approver"):
        offline_transfer_approve(actor=owner, transfer=transfer)


def test_rejection_fails_the_attempt_and_posts_nothing(english):
    agency = VerifiedGovernmentAgencyFactory()
    transfer = _recorded(agency)
    approver = member_of(agency, MembershipRole.APPROVER, mfa=True)
    with pytest.raises(PaymentsValidationError):
        offline_transfer_reject(actor=approver, transfer=transfer, reason="  ")
    offline_transfer_reject(actor=approver, transfer=transfer, reason="wrong amount")
    transfer.attempt.refresh_from_db()
    assert transfer.attempt.status == PaymentAttempt.Status.FAILED
    assert held_in_escrow(SCOPE, "CNY").is_zero()
    assert ledger_problems() == []


def test_bad_input_is_refused_and_nothing_is_written(english):
    agency = VerifiedGovernmentAgencyFactory()
    _recorded(agency, "GK-1")
    officer = member_of(agency, MembershipRole.BUYER_OFFICER)
    cases = [({"amount": "0"}, "more than zero"), ({"currency": "XTS"}, "Unknown currency"),
             ({"transfer_reference": ""}, "reference"),
             ({"transfer_reference": "GK-1"}, "already been recorded")]
    for change, words in cases:
        args = {"actor": officer, "agency": agency, "amount": "10", "currency": "CNY",
                "scope": SCOPE, "transfer_reference": "GK-2", "document": _document(), **change}
        with pytest.raises(Exception, match=words):
            offline_transfer_record(**args)
    assert PaymentAttempt.objects.count() == 1


def test_an_officer_promoted_to_approver_still_cannot_approve_what_they_recorded(english):
    from allauth.mfa.totp.internal.auth import TOTP

    from marketplace.accounts.models import Membership
    from tests.factories import TOTP_SECRET

    agency = VerifiedGovernmentAgencyFactory()
    transfer = _recorded(agency)
    recorder = transfer.recorded_by
    Membership.objects.filter(user=recorder, organisation=agency).update(
        role=MembershipRole.APPROVER)
    TOTP.activate(recorder, TOTP_SECRET)
    with pytest.raises(PermissionDeniedError, match="cannot also approve"):
        offline_transfer_approve(actor=recorder, transfer=transfer)
