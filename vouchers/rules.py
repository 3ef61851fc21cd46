"""Permission rules of the voucher programme.

Staff run the programme and decide pilot admissions. A makerspace acts through the people
of its operating organisation (owners and members): they apply to the pilot, and issue or
refuse vouchers for their own makerspace only. A maker sees their own applications and
vouchers, and those of the maker team or company they belong to.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from marketplace.accounts.models import MembershipRole, OrganisationKind
from marketplace.accounts.rules import is_org_member, organisation_ids_of
from marketplace.core.permissions import permission_rule
from vouchers.names import VouchersPerm

OPERATOR_ROLES = frozenset({MembershipRole.OWNER, MembershipRole.MEMBER})
MAKER_ROLES = frozenset({MembershipRole.OWNER, MembershipRole.MEMBER})
PROVIDER_ROLES = frozenset({MembershipRole.OWNER, MembershipRole.MEMBER})


def operates(user, makerspace) -> bool:
    """``user`` acts for ``makerspace``: an owner or member of its operator."""
    return makerspace is not None and is_org_member(user, makerspace.operator_id, OPERATOR_ROLES)


def _operated_scope(user, prefix: str = "") -> Q:
    return Q(**{f"{prefix}makerspace__operator_id__in": organisation_ids_of(user, OPERATOR_ROLES)})


@permission_rule(VouchersPerm.MANAGE_PROGRAMME)
def _manage_programme(user, _programme):
    return user.is_staff


@permission_rule(VouchersPerm.APPLY_PILOT)
def _apply_pilot(user, makerspace):
    return operates(user, makerspace)


@permission_rule(VouchersPerm.DECIDE_PILOT)
def _decide_pilot(user, _admission):
    return user.is_staff


@permission_rule(VouchersPerm.VIEW_PILOT)
def _view_pilot(user, admission):
    return user.is_staff or operates(user, admission.makerspace)


@_view_pilot.scope
def _view_pilot_scope(user, qs: QuerySet) -> QuerySet:
    return qs if user.is_staff else qs.filter(_operated_scope(user))


@permission_rule(VouchersPerm.APPLY_VOUCHER)
def _apply_voucher(user, organisation):
    """Anyone signed in applies for themselves; for a team or company, its owners and
    members."""
    return organisation is None or is_org_member(user, organisation, MAKER_ROLES)


@permission_rule(VouchersPerm.ISSUE_VOUCHER)
def _issue_voucher(user, application):
    return operates(user, application.makerspace)


def _maker_scope(user, owner_field: str) -> Q:
    return Q(**{owner_field: user.pk}) | Q(
        organisation_id__in=organisation_ids_of(user, MAKER_ROLES)
    )


def _sees_as_maker(user, obj, owner_id) -> bool:
    return owner_id == user.pk or (
        obj.organisation_id is not None and is_org_member(user, obj.organisation_id, MAKER_ROLES)
    )


@permission_rule(VouchersPerm.VIEW_APPLICATION)
def _view_application(user, application):
    return (user.is_staff or operates(user, application.makerspace)
            or _sees_as_maker(user, application, application.applicant_id))


@_view_application.scope
def _view_application_scope(user, qs: QuerySet) -> QuerySet:
    if user.is_staff:
        return qs
    return qs.filter(_operated_scope(user) | _maker_scope(user, "applicant_id"))


@permission_rule(VouchersPerm.VIEW_VOUCHER)
def _view_voucher(user, voucher):
    return (user.is_staff or operates(user, voucher.makerspace)
            or _sees_as_maker(user, voucher, voucher.recipient_id))


@_view_voucher.scope
def _view_voucher_scope(user, qs: QuerySet) -> QuerySet:
    if user.is_staff:
        return qs
    return qs.filter(_operated_scope(user) | _maker_scope(user, "recipient_id"))


@permission_rule(VouchersPerm.VIEW_CAP)
def _view_cap(user, makerspace):
    return user.is_staff or operates(user, makerspace)


def provides(user, provider) -> bool:
    """``user`` acts for ``provider``: an owner or member of a service-provider
    organisation (whether staff verified it is the services' rule, with its own message)."""
    return (provider is not None and provider.kind == OrganisationKind.SERVICE_PROVIDER
            and is_org_member(user, provider.pk, PROVIDER_ROLES))


@permission_rule(VouchersPerm.MANAGE_SERVICES)
def _manage_services(user, provider):
    return provides(user, provider)


@permission_rule(VouchersPerm.ORDER_SERVICE)
def _order_service(user, voucher):
    """The recipient, or an owner or member of the team or company it was issued to."""
    return _sees_as_maker(user, voucher, voucher.recipient_id)


@permission_rule(VouchersPerm.DELIVER_ORDER)
def _deliver_order(user, order):
    return provides(user, order.provider)


@permission_rule(VouchersPerm.CONFIRM_ORDER)
def _confirm_order(user, order):
    return _sees_as_maker(user, order.voucher, order.voucher.recipient_id)


@permission_rule(VouchersPerm.CLAIM_REDEMPTION)
def _claim_redemption(user, order):
    return provides(user, order.provider)


@permission_rule(VouchersPerm.APPROVE_REDEMPTION)
def _approve_redemption(user, order):
    """The issuing makerspace's people, or the programme office (staff)."""
    return user.is_staff or operates(user, order.voucher.makerspace)


@permission_rule(VouchersPerm.VIEW_ORDER)
def _view_order(user, order):
    return (_approve_redemption(user, order) or provides(user, order.provider)
            or _confirm_order(user, order))


@_view_order.scope
def _view_order_scope(user, qs: QuerySet) -> QuerySet:
    if user.is_staff:
        return qs
    return qs.filter(
        _operated_scope(user, "voucher__")
        | Q(provider_id__in=organisation_ids_of(user, PROVIDER_ROLES))
        | Q(voucher__recipient_id=user.pk)
        | Q(voucher__organisation_id__in=organisation_ids_of(user, MAKER_ROLES))
    )


@permission_rule(VouchersPerm.VIEW_INVOICE)
def _view_invoice(user, order):
    """The invoice is private: the provider who sent it, the approving makerspace, staff."""
    return _approve_redemption(user, order) or provides(user, order.provider)


@permission_rule(VouchersPerm.VIEW_STATISTICS)
def _view_statistics(user, _programme):
    """The programme office: staff."""
    return user.is_staff
