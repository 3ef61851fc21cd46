"""Permission rules of the catalogue (checked object by object with has_perm/require_perm).

Makers act through their organisation: an owner or member of the product's organisation
may change it. Makerspace operators (owner or member of the operator organisation) edit
their makerspace. Staff review certifications; staff do not edit makers' products.
"""

from marketplace.accounts.models import MembershipRole, OrganisationKind
from marketplace.accounts.rules import is_org_member
from marketplace.core.permissions import permission_rule

MAKER_ROLES = {MembershipRole.OWNER, MembershipRole.MEMBER}
BUYER_ROLES = {MembershipRole.OWNER, MembershipRole.BUYER_OFFICER, MembershipRole.APPROVER}


@permission_rule("catalog.add_product")
def _add_product(user, organisation):
    return (
        organisation is not None
        and organisation.kind == OrganisationKind.MAKER_COMPANY
        and is_org_member(user, organisation, MAKER_ROLES)
    )


@permission_rule("catalog.change_product")
def _change_product(user, product):
    return is_org_member(user, product.organisation, MAKER_ROLES)


@permission_rule("catalog.view_product")
def _view_product(user, product):
    """Published products are public (checked before this rule); drafts and withdrawn
    products are seen by their organisation and by staff."""
    return user.is_staff or is_org_member(user, product.organisation, MAKER_ROLES)


@permission_rule("catalog.add_makerspace")
def _add_makerspace(user, _obj):
    return user.is_staff


@permission_rule("catalog.change_makerspace")
def _change_makerspace(user, makerspace):
    return is_org_member(user, makerspace.operator, MAKER_ROLES)


@permission_rule("catalog.apply_certification")
def _apply_certification(user, product):
    return is_org_member(user, product.organisation, MAKER_ROLES)


@permission_rule("catalog.view_certification")
def _view_certification(user, certification):
    return user.is_staff or is_org_member(user, certification.product.organisation, MAKER_ROLES)


@permission_rule("catalog.review_certification")
def _review_certification(user, _obj):
    return user.is_staff


@permission_rule("catalog.add_first_set_unit")
def _add_first_set_unit(user, unit):
    """The maker, the buying organisation's officers, or staff record a unit in use."""
    return (
        user.is_staff
        or is_org_member(user, unit.product.organisation, MAKER_ROLES)
        or is_org_member(user, unit.buyer, BUYER_ROLES)
    )


@permission_rule("catalog.view_first_set_records")
def _view_first_set_records(user, product):
    return user.is_staff or is_org_member(user, product.organisation, MAKER_ROLES)


@permission_rule("catalog.add_first_set_insurance")
def _add_first_set_insurance(user, product):
    return user.is_staff or is_org_member(user, product.organisation, MAKER_ROLES)
