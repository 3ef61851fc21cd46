"""Treasury payouts to an organisation, in the core alone: a cause registered by a test
(the core knows no app), four eyes and MFA, never above what is owed, ledger_check."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from marketplace.accounts.models import Organisation
from marketplace.core.errors import DomainError, PermissionDeniedError
from marketplace.core.money import Money
from marketplace.payments.ledger.check import ledger_problems
from marketplace.payments.ledger.models import AccountKind, EntryKind, JournalEntry
from marketplace.payments.ledger.posting import (
    entry_post,
    ledger_account,
    organisation_payee_scope,
)
from marketplace.payments.models import OfflinePayout
from marketplace.payments.payout_causes import _CAUSES, PayoutCause, register_payout_cause
from marketplace.payments.services.offline_payouts import (
    offline_payout_approve,
    offline_payout_record,
)
from tests.factories import OrganisationFactory, StaffFactory, UserFactory

pytestmark = pytest.mark.django_db
CNY = "CNY"


def _document():
    return SimpleUploadedFile("t.pdf", b"%PDF-1.4\n%transfer\n", content_type="application/pdf")


@pytest.fixture
def cause():
    """``tests.grant:<organisation>``: staff owe each organisation CNY 100."""
    registered = register_payout_cause(PayoutCause(
        kind="tests.grant", get=lambda pk: Organisation.objects.get(pk=pk),
        due=lambda org: (org, Money(Decimal(100), CNY)),
        may_record=lambda user, _org: user.is_staff,
        may_approve=lambda user, _org: user.is_staff))
    yield registered
    _CAUSES.pop("tests.grant", None)


@pytest.fixture
def payee(cause):
    org = OrganisationFactory()
    scope = organisation_payee_scope(org.pk)
    entry_post(kind=EntryKind.CHARGE, source_type="tests.owed", source_id=org.pk, scope=scope,
               lines=[(ledger_account(AccountKind.TREASURY, CNY), Money(Decimal(100), CNY)),
                      (ledger_account(AccountKind.PAYEE_PAYABLE, CNY, scope),
                       Money(Decimal(-100), CNY))])
    return org


def test_unknown_causes_are_refused(cause):
    staff = StaffFactory(mfa=True)
    for label in ("nothing:1", "tests.grant:x", "tests.grant:999999", ""):
        with pytest.raises(DomainError) as err:
            offline_payout_record(actor=staff, cause=label, transfer_reference="GK",
                                  document=_document())
        assert err.value.code == "unknown_cause" and err.value.status_code == 400
    assert not OfflinePayout.objects.exists()


def test_record_then_approve_by_someone_else_with_mfa(payee):
    recorder, approver = StaffFactory(mfa=True), StaffFactory(mfa=True)
    with pytest.raises(PermissionDeniedError):
        offline_payout_record(actor=UserFactory(), cause=f"tests.grant:{payee.pk}",
                              transfer_reference="GK-1", document=_document())
    payout = offline_payout_record(actor=recorder, cause=f"tests.grant:{payee.pk}",
                                   transfer_reference="GK-1", document=_document())
    assert payout.amount == Money(Decimal(100), CNY) and payout.payee == payee
    for who in (recorder, StaffFactory(), UserFactory(mfa=True)):
        with pytest.raises(PermissionDeniedError):
            offline_payout_approve(actor=who, payout=payout)
    offline_payout_approve(actor=approver, payout=payout)
    entry = JournalEntry.objects.get(source_type="offline_payout", source_id=payout.pk)
    assert entry.kind == EntryKind.OFFLINE_PAYOUT_PAID
    problems = ledger_problems()
    # the test's own "owed" entry names a source type nobody registered: still found
    assert any("unknown source type 'tests.owed'" in p for p in problems)
    assert not any("offline_payout" in p for p in problems)


def test_a_payout_above_what_is_owed_is_refused(cause):
    org = OrganisationFactory()  # owed nothing
    payout = offline_payout_record(actor=StaffFactory(mfa=True), cause=f"tests.grant:{org.pk}",
                                   transfer_reference="GK-2", document=_document())
    with pytest.raises(DomainError) as err:
        offline_payout_approve(actor=StaffFactory(mfa=True), payout=payout)
    assert err.value.code == "payout_above_owed" and err.value.status_code == 409
    assert not JournalEntry.objects.filter(source_type="offline_payout").exists()
