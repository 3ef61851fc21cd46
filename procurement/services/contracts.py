"""Contracts of first purchases: generated from the agreed request, signed by both sides.

A buyer of the agency generates the contract once the price is agreed: the agreed terms
are copied into the contract (``terms``), the PDF is made from that copy
(``contracts_pdf``) and kept in private storage. A named buyer officer or approver of the
agency and a named member of the supplier each record their acceptance; each must have an
active authenticator (MFA), refused otherwise. The second signature makes the contract
``signed`` and moves the request to ``contracted`` in the same transaction. Until then the
buyer may cancel the contract, which cancels the request and gives its budget back.
"""

from __future__ import annotations

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from marketplace.accounts.selectors import user_has_mfa
from marketplace.core.audit import audit_log
from marketplace.core.db import unique_conflicts
from marketplace.core.errors import PermissionDeniedError
from marketplace.core.money import Money
from marketplace.core.permissions import has_perm, require_perm
from marketplace.core.signals import announce
from marketplace.core.transitions import transition
from marketplace.core.validation import clean_reason
from procurement.contracts_pdf import contract_pdf_bytes
from procurement.errors import ContractExists, MfaRequired
from procurement.models import Contract, PurchaseRequest
from procurement.rules import ProcurementPerm
from procurement.services.budget import budget_release
from procurement.services.ocds import release_record
from procurement.signals import contract_changed, request_listing_changed
from procurement.states import CONTRACT_STATES, REQUEST_STATES, ProcurementAction

C = Contract.Status
R = PurchaseRequest.Status


def contract_number(request: PurchaseRequest) -> str:
    """Unique and readable: agency, year of the agreement, request."""
    year = (request.price_agreed_at or timezone.now()).year
    return f"SG-{request.agency_id}-{year}-{request.pk:06d}"


def contract_terms(request: PurchaseRequest, number: str) -> dict:
    """The snapshot of what was agreed: the contract and its PDF show this, never the
    live rows."""
    return {
        "number": number,
        "ocid": request.ocid,
        "buyer": request.agency.name,
        "supplier": request.supplier.name if request.supplier else "",
        "title": request.title,
        "product": request.product.name if request.product else "",
        "quantity": request.quantity,
        "amount": f"{request.agreed_amount} {request.currency}",
        "amount_value": str(request.agreed_amount),
        "currency": request.currency,
        "budget_line": f"{request.budget_line.code} ({request.budget_line.year}) "
                       f"{request.budget_line.name}",
        "delivery_place": request.delivery_place,
        "delivery_date": request.delivery_date.isoformat(),
        "acceptance_criteria": request.acceptance_criteria,
        "cost_reference": request.cost_reference,
    }


def contract_generate(*, actor, request: PurchaseRequest) -> Contract:
    """Generate the contract (and its PDF) of a request whose price is agreed."""
    require_perm(actor, ProcurementPerm.GENERATE_CONTRACT, request)
    request = PurchaseRequest.objects.select_related(
        "agency", "supplier", "product", "budget_line").get(pk=request.pk)
    REQUEST_STATES.check(request.status, R.CONTRACTED)  # the price must be agreed
    if Contract.objects.filter(request=request).exists():
        raise ContractExists()
    number = contract_number(request)
    terms = contract_terms(request, number)
    pdf = contract_pdf_bytes(terms)  # before the transaction: no lock held while it renders
    contract = Contract(request=request, number=number, amount_value=request.agreed_amount,
                        currency=request.currency, terms=terms, status=C.GENERATED,
                        generated_by=actor)
    stored = None
    try:
        with transaction.atomic():
            locked = PurchaseRequest.objects.select_for_update().get(pk=request.pk)
            REQUEST_STATES.check(locked.status, R.CONTRACTED)
            contract.pdf.save(f"{number}.pdf", ContentFile(pdf), save=False)
            stored = contract.pdf
            with unique_conflicts(Contract, {"request": ContractExists(),
                                             "number": ContractExists()}):
                contract.save()
            audit_log(actor=actor, action=ProcurementAction.CONTRACT_GENERATED, obj=contract,
                      data={"request": request.pk, "number": number,
                            "amount": str(request.agreed_amount), "currency": request.currency})
            announce(contract_changed, contract_id=contract.pk)
    except BaseException:
        if stored is not None and stored.name:
            stored.storage.delete(stored.name)
        raise
    return contract


def _signing_side(actor, contract: Contract) -> str:
    if has_perm(actor, ProcurementPerm.SIGN_CONTRACT_FOR_BUYER, contract):
        return "buyer"
    if has_perm(actor, ProcurementPerm.SIGN_CONTRACT_FOR_SUPPLIER, contract):
        return "supplier"
    raise PermissionDeniedError(
        _("Only a buyer officer or approver of the agency, or a member of the supplier, "
          "signs this contract."), code="not_a_signatory",
    )


def contract_sign(*, actor, contract: Contract) -> Contract:
    """Record ``actor``'s acceptance for their side. Needs MFA. The second side's
    signature makes the contract signed and the request contracted."""
    side = _signing_side(actor, contract)
    if not user_has_mfa(actor):
        raise MfaRequired()
    now = timezone.now()
    name = actor.display_name or actor.email
    with transaction.atomic():
        fresh = Contract.objects.select_for_update().get(pk=contract.pk)
        if side == "buyer":
            changes = {"buyer_signed_by": actor, "buyer_signatory": name, "buyer_signed_at": now}
            target = C.SIGNED if fresh.status == C.SIGNED_BY_SUPPLIER else C.SIGNED_BY_BUYER
        else:
            changes = {"supplier_signed_by": actor, "supplier_signatory": name,
                       "supplier_signed_at": now}
            target = C.SIGNED if fresh.status == C.SIGNED_BY_BUYER else C.SIGNED_BY_SUPPLIER
        action = {C.SIGNED: ProcurementAction.CONTRACT_SIGNED,
                  C.SIGNED_BY_BUYER: ProcurementAction.CONTRACT_SIGNED_BY_BUYER,
                  C.SIGNED_BY_SUPPLIER: ProcurementAction.CONTRACT_SIGNED_BY_SUPPLIER}[target]
        transition(contract, CONTRACT_STATES, target, actor=actor, action=action,
                   changes=changes, data={"side": side, "signatory": name})
        if target == C.SIGNED:
            transition(contract.request, REQUEST_STATES, R.CONTRACTED, actor=actor,
                       action=ProcurementAction.REQUEST_CONTRACTED,
                       data={"contract": contract.number})
            contract.refresh_from_db()  # both signatures, for the release
            release_record(request=contract.request, tag="contract", contract=contract)
            announce(request_listing_changed, request_id=contract.request_id)
        announce(contract_changed, contract_id=contract.pk)
    return contract


def contract_cancel(*, actor, contract: Contract, reason) -> Contract:
    """The buyer withdraws a contract not signed by both sides: the request is cancelled
    with it and its budget released."""
    require_perm(actor, ProcurementPerm.CANCEL_CONTRACT, contract)
    reason = clean_reason(reason)
    with transaction.atomic():
        request = PurchaseRequest.objects.select_for_update().get(pk=contract.request_id)
        transition(contract, CONTRACT_STATES, C.CANCELLED, actor=actor,
                   action=ProcurementAction.CONTRACT_CANCELLED,
                   changes={"cancel_reason": reason})
        if request.committed_amount:
            budget_release(line_id=request.budget_line_id,
                           amount=Money(request.committed_amount, request.currency))
        transition(contract.request, REQUEST_STATES, R.CANCELLED, actor=actor,
                   action=ProcurementAction.REQUEST_CANCELLED,
                   changes={"cancel_reason": reason, "committed_amount": 0},
                   data={"contract": contract.number})
        release_record(request=contract.request, tag="tenderCancellation")
        announce(request_listing_changed, request_id=contract.request_id)
        announce(contract_changed, contract_id=contract.pk)
    return contract
