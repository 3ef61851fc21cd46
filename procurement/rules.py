"""Permission rules of procurement.

An agency acts through its people once staff verified it: owners and approvers keep its
budget lines; buyer officers and owners draft and publish requests; approvers and owners
approve them, never the request they drafted themselves. The supplier of a first purchase
is the maker organisation of the product: its owners and members answer the notice and
negotiate. Staff see every request; nobody outside sees a draft.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from marketplace.accounts.models import MembershipRole
from marketplace.accounts.rules import is_buyer_of, is_org_member, organisation_ids_of
from marketplace.core.names import PermissionName
from marketplace.core.permissions import permission_rule

DRAFTER_ROLES = frozenset({MembershipRole.OWNER, MembershipRole.BUYER_OFFICER})
APPROVER_ROLES = frozenset({MembershipRole.OWNER, MembershipRole.APPROVER})
SUPPLIER_ROLES = frozenset({MembershipRole.OWNER, MembershipRole.MEMBER})
BUYER_SIDE_ROLES = DRAFTER_ROLES | APPROVER_ROLES
# who signs a contract for the agency: a named buyer officer or approver (with MFA)
BUYER_SIGNER_ROLES = frozenset({MembershipRole.BUYER_OFFICER, MembershipRole.APPROVER})


class ProcurementPerm(PermissionName):
    MANAGE_BUDGET = "procurement.manage_budget"
    VIEW_BUDGET = "procurement.view_budget"
    DRAFT_REQUEST = "procurement.draft_request"
    APPROVE_REQUEST = "procurement.approve_request"
    PUBLISH_REQUEST = "procurement.publish_request"
    CANCEL_REQUEST = "procurement.cancel_request"
    RESPOND_REQUEST = "procurement.respond_request"
    VIEW_REQUEST = "procurement.view_request"
    GENERATE_CONTRACT = "procurement.generate_contract"
    SIGN_CONTRACT_FOR_BUYER = "procurement.sign_contract_for_buyer"
    SIGN_CONTRACT_FOR_SUPPLIER = "procurement.sign_contract_for_supplier"
    CANCEL_CONTRACT = "procurement.cancel_contract"
    VIEW_CONTRACT = "procurement.view_contract"
    RECORD_DELIVERY = "procurement.record_delivery"
    RECORD_ACCEPTANCE = "procurement.record_acceptance"
    RECORD_PAYMENT = "procurement.record_payment"


def _agency_role(user, agency, roles) -> bool:
    return is_buyer_of(user, agency) and is_org_member(user, agency, roles)


@permission_rule(ProcurementPerm.MANAGE_BUDGET)
def _manage_budget(user, agency):
    return _agency_role(user, agency, APPROVER_ROLES)


@permission_rule(ProcurementPerm.VIEW_BUDGET)
def _view_budget(user, agency):
    return user.is_staff or _agency_role(user, agency, BUYER_SIDE_ROLES)


@permission_rule(ProcurementPerm.DRAFT_REQUEST)
def _draft_request(user, agency):
    return _agency_role(user, agency, DRAFTER_ROLES)


@permission_rule(ProcurementPerm.APPROVE_REQUEST)
def _approve_request(user, request):
    """The drafter is refused by the service with its own message (SelfApproval)."""
    return _agency_role(user, request.agency, APPROVER_ROLES)


@permission_rule(ProcurementPerm.PUBLISH_REQUEST)
def _publish_request(user, request):
    return _agency_role(user, request.agency, BUYER_SIDE_ROLES)


@permission_rule(ProcurementPerm.CANCEL_REQUEST)
def _cancel_request(user, request):
    return _agency_role(user, request.agency, BUYER_SIDE_ROLES)


@permission_rule(ProcurementPerm.RESPOND_REQUEST)
def _respond_request(user, request):
    return request.supplier_id is not None and is_org_member(
        user, request.supplier_id, SUPPLIER_ROLES
    )


def _public_statuses():
    from procurement.models import PurchaseRequest

    S = PurchaseRequest.Status
    return (S.PUBLISHED, S.SUPPLIER_ACCEPTED, S.SUPPLIER_DECLINED, S.PRICE_AGREED,
            S.CONTRACTED, S.DELIVERED, S.RECTIFICATION, S.ACCEPTED, S.PAID, S.TERMINATED)


def _view_scope(user, qs: QuerySet) -> QuerySet:
    if user.is_staff:
        return qs
    agencies = organisation_ids_of(user, BUYER_SIDE_ROLES)
    suppliers = organisation_ids_of(user, SUPPLIER_ROLES)
    return qs.filter(
        Q(agency_id__in=agencies, agency__verification_status="verified")
        | Q(supplier_id__in=suppliers, status__in=_public_statuses())
    )


@permission_rule(ProcurementPerm.VIEW_REQUEST)
def _view_request(user, request):
    return (
        user.is_staff
        or _agency_role(user, request.agency, BUYER_SIDE_ROLES)
        or (request.status in _public_statuses()
            and _respond_request(user, request))
    )


_view_request.scope(_view_scope)


# --- contracts, delivery, acceptance, payment (objects: the contract or the request) ---


def _request_of(obj):
    return getattr(obj, "request", obj)


def _is_supplier(user, request) -> bool:
    return request.supplier_id is not None and is_org_member(
        user, request.supplier_id, SUPPLIER_ROLES
    )


@permission_rule(ProcurementPerm.GENERATE_CONTRACT)
def _generate_contract(user, request):
    return _agency_role(user, request.agency, BUYER_SIDE_ROLES)


@permission_rule(ProcurementPerm.SIGN_CONTRACT_FOR_BUYER)
def _sign_for_buyer(user, contract):
    """A named buyer officer or approver of the agency (MFA is checked by the service,
    with its own message)."""
    return _agency_role(user, _request_of(contract).agency, BUYER_SIGNER_ROLES)


@permission_rule(ProcurementPerm.SIGN_CONTRACT_FOR_SUPPLIER)
def _sign_for_supplier(user, contract):
    return _is_supplier(user, _request_of(contract))


@permission_rule(ProcurementPerm.CANCEL_CONTRACT)
def _cancel_contract(user, contract):
    return _agency_role(user, _request_of(contract).agency, BUYER_SIDE_ROLES)


@permission_rule(ProcurementPerm.VIEW_CONTRACT)
def _view_contract(user, contract):
    """The contract and its PDF: the two parties and staff, nobody else."""
    request = _request_of(contract)
    return (user.is_staff or _agency_role(user, request.agency, BUYER_SIDE_ROLES)
            or _is_supplier(user, request))


@permission_rule(ProcurementPerm.RECORD_DELIVERY)
def _record_delivery(user, request):
    return _is_supplier(user, _request_of(request))


@permission_rule(ProcurementPerm.RECORD_ACCEPTANCE)
def _record_acceptance(user, request):
    return _agency_role(user, _request_of(request).agency, BUYER_SIDE_ROLES)


@permission_rule(ProcurementPerm.RECORD_PAYMENT)
def _record_payment(user, request):
    return _agency_role(user, _request_of(request).agency, BUYER_SIDE_ROLES)
