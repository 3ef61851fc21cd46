"""Permission rules of the catalogue (checked object by object with has_perm/require_perm).

Makers act through their organisation: an owner or member of the product's organisation
may change it. Makerspace operators (owner or member of the operator organisation) edit
their makerspace. Staff review certifications; staff do not edit makers' products.
First-set units are claimed by the maker and count once the buying organisation (or
staff) confirms them.
"""

from marketplace.accounts.models import MembershipRole, OrganisationKind
from marketplace.accounts.rules import BUYER_ROLES, is_org_member
from marketplace.accounts.selectors import memberships_for_user
from marketplace.core.permissions import permission_rule

MAKER_ROLES = {MembershipRole.OWNER, MembershipRole.MEMBER}


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


@permission_rule("catalog.moderate_product")
def _moderate_product(user, _product):
    """Staff correct listings from the admin (audited as moderation)."""
    return user.is_staff


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


def _is_maker(user, product) -> bool:
    return is_org_member(user, product.organisation, MAKER_ROLES)


@permission_rule("catalog.add_first_set_unit")
def _add_first_set_unit(user, unit):
    """The maker claims a unit for any buyer; the buying organisation's officers (for
    their own organisation) and staff record one too (and it is confirmed at once)."""
    return (
        user.is_staff
        or _is_maker(user, unit.product)
        or is_org_member(user, unit.buyer, BUYER_ROLES)
    )


@permission_rule("catalog.confirm_first_set_unit")
def _confirm_first_set_unit(user, unit):
    """Staff, or an owner / buyer officer / approver of the buying organisation when that
    organisation is verified by staff and the person is not also one of the maker's own
    people: otherwise a maker could count units bought by a shell organisation it runs."""
    if user.is_staff:
        return True
    return (
        unit.buyer.is_verified
        and unit.buyer_id != unit.product.organisation_id
        and is_org_member(user, unit.buyer, BUYER_ROLES)
        and not is_org_member(user, unit.product.organisation)
    )


@permission_rule("catalog.view_first_set_unit")
def _view_first_set_unit(user, unit):
    return (
        user.is_staff
        or _is_maker(user, unit.product)
        or is_org_member(user, unit.buyer, BUYER_ROLES)
    )


@permission_rule("catalog.view_first_set_records")
def _view_first_set_records(user, product):
    """Every unit and the insurance policies: the maker and staff."""
    return user.is_staff or _is_maker(user, product)


@permission_rule("catalog.view_first_set_units")
def _view_first_set_units(user, product):
    """The first-set page and unit list: the maker and staff see every unit; anyone who
    buys for an organisation (owner, buyer officer, approver of an organisation other
    than the maker) sees, records and confirms that organisation's units there."""
    return (
        user.is_staff
        or _is_maker(user, product)
        or memberships_for_user(user).filter(role__in=BUYER_ROLES)
        .exclude(organisation_id=product.organisation_id).exists()
    )


@permission_rule("catalog.add_first_set_insurance")
def _add_first_set_insurance(user, product):
    return user.is_staff or _is_maker(user, product)
