"""Contracts: generated from the agreed request, signed by a named MFA-verified person of
each side, then the request is contracted; every move allowed and refused, each role."""

import pytest

from marketplace.core.errors import IllegalTransition, PermissionDeniedError
from marketplace.core.models import AuditEvent
from marketplace.core.validation import InvalidInput
from procurement.errors import ContractExists, MfaRequired
from procurement.models import Contract, PurchaseRequest
from procurement.services.contracts import contract_cancel, contract_generate, contract_sign
from tests.factories import member_of

C, R = Contract.Status, PurchaseRequest.Status
pytestmark = pytest.mark.django_db


def test_generated_from_the_agreed_terms_with_a_private_pdf(contract, agreed):
    assert contract.status == C.GENERATED
    assert contract.amount == agreed.agreed
    assert contract.terms["number"] == contract.number
    assert contract.terms["quantity"] == agreed.quantity
    assert contract.terms["cost_reference"] == agreed.cost_reference
    with contract.pdf.open("rb") as handle:
        data = handle.read()
    assert data.startswith(b"%PDF") and contract.number.encode() in data
    assert AuditEvent.objects.filter(action="procurement.contract.generated").count() == 1


@pytest.mark.parametrize("who", ["owner", "approver"])
def test_any_buyer_of_the_agency_generates(request, who, agreed):
    assert contract_generate(actor=request.getfixturevalue(who), request=agreed).pk


@pytest.mark.parametrize("who", ["supplier", "other_officer", "staff", "stranger"])
def test_others_do_not_generate(request, who, agreed):
    with pytest.raises(PermissionDeniedError):
        contract_generate(actor=request.getfixturevalue(who), request=agreed)
    assert Contract.objects.count() == 0


def test_only_an_agreed_request_gets_a_contract(draft, officer):
    with pytest.raises(IllegalTransition) as caught:
        contract_generate(actor=officer, request=draft)
    assert caught.value.code == "not_price_agreed"
    assert Contract.objects.count() == 0


def test_one_contract_per_request(contract, officer, agreed):
    with pytest.raises(ContractExists):
        contract_generate(actor=officer, request=agreed)
    assert Contract.objects.count() == 1


@pytest.mark.parametrize("first,second", [("buyer_signer", "supplier_signer"),
                                          ("supplier_signer", "approver_signer")])
def test_both_sides_sign_in_either_order(request, contract, first, second):
    one, two = request.getfixturevalue(first), request.getfixturevalue(second)
    contract_sign(actor=one, contract=contract)
    contract.refresh_from_db()
    assert contract.status in (C.SIGNED_BY_BUYER, C.SIGNED_BY_SUPPLIER)
    assert contract.request.status == R.PRICE_AGREED
    contract_sign(actor=two, contract=contract)
    contract.refresh_from_db()
    contract.request.refresh_from_db()
    assert contract.status == C.SIGNED
    assert contract.request.status == R.CONTRACTED
    assert {contract.buyer_signatory, contract.supplier_signatory} >= {"张工程师"}
    assert contract.buyer_signed_at and contract.supplier_signed_at
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"procurement.contract.signed", "procurement.request.contracted"} <= actions


def test_a_side_signs_once(contract, buyer_signer, approver_signer):
    contract_sign(actor=buyer_signer, contract=contract)
    with pytest.raises(IllegalTransition) as caught:
        contract_sign(actor=approver_signer, contract=contract)
    assert caught.value.code == "already_signed"


def test_a_signed_contract_takes_no_more_signatures(signed, buyer_signer):
    with pytest.raises(IllegalTransition) as caught:
        contract_sign(actor=buyer_signer, contract=signed)
    assert caught.value.code == "signed"


@pytest.mark.parametrize("role_fixture", ["officer", "approver", "supplier"])
def test_signing_needs_mfa(request, contract, role_fixture):
    with pytest.raises(MfaRequired) as caught:
        contract_sign(actor=request.getfixturevalue(role_fixture), contract=contract)
    assert "two-factor" in str(caught.value)
    contract.refresh_from_db()
    assert contract.status == C.GENERATED and contract.buyer_signed_at is None


def test_owner_and_outsiders_are_not_signatories(contract, agency):
    from marketplace.accounts.models import MembershipRole
    from tests.factories import StaffFactory, UserFactory, VerifiedGovernmentAgencyFactory

    outsiders = [
        member_of(agency, MembershipRole.OWNER, mfa=True),
        member_of(VerifiedGovernmentAgencyFactory(), MembershipRole.APPROVER, mfa=True),
        StaffFactory(mfa=True),
        UserFactory(mfa=True),
    ]
    for person in outsiders:
        with pytest.raises(PermissionDeniedError) as caught:
            contract_sign(actor=person, contract=contract)
        assert caught.value.code == "not_a_signatory"
    contract.refresh_from_db()
    assert contract.status == C.GENERATED


def test_cancel_releases_the_budget_and_cancels_the_request(contract, buyer_signer, officer,
                                                           line):
    contract_sign(actor=buyer_signer, contract=contract)
    line.refresh_from_db()
    assert line.committed_amount == 250000
    contract_cancel(actor=officer, contract=contract, reason="供应商资质变更")
    contract.refresh_from_db()
    contract.request.refresh_from_db()
    line.refresh_from_db()
    assert contract.status == C.CANCELLED and contract.cancel_reason == "供应商资质变更"
    assert contract.request.status == R.CANCELLED
    assert line.committed_amount == 0 and contract.request.committed_amount == 0


def test_a_signed_contract_is_not_cancelled(signed, officer, line):
    with pytest.raises(IllegalTransition):
        contract_cancel(actor=officer, contract=signed, reason="x")
    line.refresh_from_db()
    assert line.committed_amount == 250000


@pytest.mark.parametrize("who", ["supplier", "other_officer", "staff", "stranger"])
def test_only_the_buyer_cancels(request, contract, who):
    with pytest.raises(PermissionDeniedError):
        contract_cancel(actor=request.getfixturevalue(who), contract=contract, reason="x")


def test_cancel_needs_a_reason(contract, officer):
    with pytest.raises(InvalidInput):
        contract_cancel(actor=officer, contract=contract, reason="  ")
    contract.refresh_from_db()
    assert contract.status == C.GENERATED
