"""Payment of an accepted request from its budget line through the offline treasury
provider: four eyes with MFA, the request paid, the ledger right (ledger_check)."""

import pytest
from django.core.management import call_command

from marketplace.core.errors import IllegalTransition, PermissionDeniedError
from marketplace.payments.ledger.check import ledger_problems
from marketplace.payments.ledger.models import AccountKind, LedgerAccount
from marketplace.payments.ledger.posting import account_balance, held_in_escrow
from marketplace.payments.models import OfflineTransfer, PaymentAttempt
from marketplace.payments.services.offline import offline_transfer_approve, offline_transfer_reject
from procurement.errors import PaymentPending
from procurement.models import ContractPayment, PurchaseRequest
from procurement.services.payments import payment_approve, payment_record, payment_scope
from tests.catalog.factories import pdf_upload

R, A = PurchaseRequest.Status, PaymentAttempt.Status
pytestmark = pytest.mark.django_db


@pytest.fixture
def recorded(accepted, officer, transfer_document):
    return payment_record(actor=officer, request=accepted, transfer_reference="GK-2026-0001",
                          document=transfer_document)


def test_the_transfer_is_recorded_against_the_budget_line(recorded, accepted, line):
    assert recorded.budget_line == line and recorded.amount == accepted.agreed
    attempt = recorded.transfer.attempt
    assert attempt.provider == "offline" and attempt.status == A.REQUIRES_ACTION
    assert attempt.amount == accepted.agreed and attempt.scope == payment_scope(accepted)
    accepted.refresh_from_db()
    assert accepted.status == R.ACCEPTED  # paid only once approved


def test_the_approver_confirms_and_the_request_is_paid(recorded, approver_signer, accepted,
                                                       line):
    payment_approve(actor=approver_signer, payment=recorded)
    accepted.refresh_from_db()
    assert accepted.status == R.PAID and accepted.paid_at is not None
    assert recorded.transfer.attempt.status == A.SUCCEEDED
    assert held_in_escrow(payment_scope(accepted), "CNY") == accepted.agreed
    treasury = LedgerAccount.objects.get(kind=AccountKind.TREASURY, currency="CNY")
    assert account_balance(treasury) == accepted.agreed
    assert ledger_problems() == []
    call_command("ledger_check")
    line.refresh_from_db()
    assert line.committed_amount == accepted.agreed_amount


def test_approval_in_the_payments_core_also_marks_the_request_paid(
        recorded, approver_signer, accepted, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        offline_transfer_approve(actor=approver_signer, transfer=recorded.transfer)
    accepted.refresh_from_db()
    assert accepted.status == R.PAID
    assert ledger_problems() == []


def test_approval_needs_mfa_and_another_person(recorded, approver, accepted, officer):
    with pytest.raises(PermissionDeniedError):
        payment_approve(actor=approver, payment=recorded)  # no authenticator
    with pytest.raises(PermissionDeniedError):
        payment_approve(actor=officer, payment=recorded)  # not an approver, the recorder
    accepted.refresh_from_db()
    assert accepted.status == R.ACCEPTED
    assert recorded.transfer.attempt.status == A.REQUIRES_ACTION


def test_a_rejected_transfer_leaves_the_request_accepted_for_a_new_one(
        recorded, approver_signer, accepted, officer):
    offline_transfer_reject(actor=approver_signer, transfer=recorded.transfer,
                            reason="金额与合同不符")
    accepted.refresh_from_db()
    assert accepted.status == R.ACCEPTED
    again = payment_record(actor=officer, request=accepted, transfer_reference="GK-2026-0002",
                           document=pdf_upload("second.pdf"))
    payment_approve(actor=approver_signer, payment=again)
    accepted.refresh_from_db()
    assert accepted.status == R.PAID
    assert ledger_problems() == []


def test_one_payment_at_a_time(recorded, accepted, officer):
    with pytest.raises(PaymentPending):
        payment_record(actor=officer, request=accepted, transfer_reference="GK-2026-0009",
                       document=pdf_upload())
    assert ContractPayment.objects.count() == 1 and OfflineTransfer.objects.count() == 1


def test_a_paid_request_takes_no_more_payments(recorded, approver_signer, accepted, officer):
    payment_approve(actor=approver_signer, payment=recorded)
    with pytest.raises(IllegalTransition) as caught:
        payment_record(actor=officer, request=accepted, transfer_reference="GK-2026-0003",
                       document=pdf_upload())
    assert caught.value.code == "paid"


def test_no_payment_before_acceptance(delivered, officer, transfer_document):
    with pytest.raises(IllegalTransition) as caught:
        payment_record(actor=officer, request=delivered, transfer_reference="GK-1",
                       document=transfer_document)
    assert caught.value.code == "not_accepted"
    assert PaymentAttempt.objects.count() == 0


@pytest.mark.parametrize("who", ["supplier", "other_officer", "staff", "stranger"])
def test_only_the_buyer_records_the_payment(request, accepted, who, transfer_document):
    with pytest.raises(PermissionDeniedError):
        payment_record(actor=request.getfixturevalue(who), request=accepted,
                       transfer_reference="GK-1", document=transfer_document)
    assert PaymentAttempt.objects.count() == 0


@pytest.mark.parametrize("reference,document", [("", "pdf"), ("GK-1", None),
                                                ("x" * 101, "pdf")])
def test_bad_payment_input_writes_nothing(accepted, officer, reference, document):
    from marketplace.core.errors import DomainError

    with pytest.raises(DomainError) as caught:
        payment_record(actor=officer, request=accepted, transfer_reference=reference,
                       document=pdf_upload() if document else None)
    assert caught.value.status_code == 400
    assert PaymentAttempt.objects.count() == 0 and ContractPayment.objects.count() == 0
