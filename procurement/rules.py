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


class ProcurementPerm(PermissionName):
    MANAGE_BUDGET = "procurement.manage_budget"
    VIEW_BUDGET = "procurement.view_budget"
    DRAFT_REQUEST = "procurement.draft_request"
    APPROVE_REQUEST = "procurement.approve_request"
    PUBLISH_REQUEST = "procurement.publish_request"
    CANCEL_REQUEST = "procurement.cancel_request"
    RESPOND_REQUEST = "procurement.respond_request"
    VIEW_REQUEST = "procurement.view_request"


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
    return (S.PUBLISHED, S.SUPPLIER_ACCEPTED, S.SUPPLIER_DECLINED, S.PRICE_AGREED)


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
