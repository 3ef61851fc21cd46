"""Permission rules of the catalogue (checked object by object with has_perm/require_perm,
and as querysets with scope_for where a list shows what a rule allows).

Makers act through their organisation: an owner or member of the product's organisation
may change it. Makerspace operators (owner or member of the operator organisation) edit
their makerspace. Staff review certifications and onboard makerspaces; staff do not edit
makers' products (they moderate them). A first-set unit counts once both sides confirm it:
the maker and the buying organisation (verified, and not related to the maker), or staff
on the purchase document.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from marketplace.accounts.models import MembershipRole, OrganisationKind, OrganisationVerification
from marketplace.accounts.rules import (
    BUYER_ROLES,
    are_related,
    is_org_member,
    organisation_ids_of,
    related_exists,
)
from marketplace.core.names import PermissionName
from marketplace.core.permissions import permission_rule

MAKER_ROLES = frozenset({MembershipRole.OWNER, MembershipRole.MEMBER})


class CatalogPerm(PermissionName):
    ADD_PRODUCT = "catalog.add_product"
    CHANGE_PRODUCT = "catalog.change_product"
    MODERATE_PRODUCT = "catalog.moderate_product"
    VIEW_PRODUCT = "catalog.view_product"
    ADD_MAKERSPACE = "catalog.add_makerspace"
    CHANGE_MAKERSPACE = "catalog.change_makerspace"
    MODERATE_MAKERSPACE = "catalog.moderate_makerspace"
    VIEW_MAKERSPACE = "catalog.view_makerspace"
    PUBLISH_MAKERSPACE = "catalog.publish_makerspace"
    MANAGE_CATEGORIES = "catalog.manage_categories"
    APPLY_CERTIFICATION = "catalog.apply_certification"
    VIEW_CERTIFICATION = "catalog.view_certification"
    REVIEW_CERTIFICATION = "catalog.review_certification"
    ADD_FIRST_SET_UNIT = "catalog.add_first_set_unit"
    CONFIRM_FIRST_SET_UNIT = "catalog.confirm_first_set_unit"
    VIEW_FIRST_SET_UNIT = "catalog.view_first_set_unit"
    VIEW_FIRST_SET_UNITS = "catalog.view_first_set_units"
    VIEW_FIRST_SET_RECORDS = "catalog.view_first_set_records"
    ADD_FIRST_SET_INSURANCE = "catalog.add_first_set_insurance"


def _is_maker(user, product) -> bool:
    return is_org_member(user, product.organisation_id, MAKER_ROLES)


# --- products ---------------------------------------------------------------------------


@permission_rule(CatalogPerm.ADD_PRODUCT)
def _add_product(user, organisation):
    return (
        organisation is not None
        and organisation.kind == OrganisationKind.MAKER_COMPANY
        and is_org_member(user, organisation, MAKER_ROLES)
    )


@permission_rule(CatalogPerm.CHANGE_PRODUCT)
def _change_product(user, product):
    return _is_maker(user, product)


@permission_rule(CatalogPerm.MODERATE_PRODUCT)
def _moderate_product(user, _product):
    """Staff correct listings from the admin (audited as moderation)."""
    return user.is_staff


@permission_rule(CatalogPerm.VIEW_PRODUCT)
def _view_product(user, product):
    """Drafts and withdrawn products (published ones are public, decided by the
    selectors): their organisation and staff."""
    return user.is_staff or _is_maker(user, product)


@_view_product.scope
def _(user, products: QuerySet) -> QuerySet:
    if user.is_staff:
        return products
    return products.filter(organisation_id__in=organisation_ids_of(user, MAKER_ROLES))


# --- makerspaces and categories ----------------------------------------------------------


@permission_rule(CatalogPerm.ADD_MAKERSPACE)
def _add_makerspace(user, _obj):
    return user.is_staff


@permission_rule(CatalogPerm.CHANGE_MAKERSPACE)
def _change_makerspace(user, makerspace):
    return is_org_member(user, makerspace.operator_id, MAKER_ROLES)


@_change_makerspace.scope
def _(user, makerspaces: QuerySet) -> QuerySet:
    return makerspaces.filter(operator_id__in=organisation_ids_of(user, MAKER_ROLES))


@permission_rule(CatalogPerm.MODERATE_MAKERSPACE)
def _moderate_makerspace(user, _makerspace):
    """Staff correct a makerspace's details from the admin."""
    return user.is_staff


@permission_rule(CatalogPerm.VIEW_MAKERSPACE)
def _view_makerspace(user, makerspace):
    """An unpublished makerspace (published ones are public): its operator and staff."""
    return user.is_staff or _change_makerspace(user, makerspace)


@permission_rule(CatalogPerm.PUBLISH_MAKERSPACE)
def _publish_makerspace(user, _makerspace):
    return user.is_staff


@permission_rule(CatalogPerm.MANAGE_CATEGORIES)
def _manage_categories(user, _category):
    return user.is_staff


# --- certification -----------------------------------------------------------------------


@permission_rule(CatalogPerm.APPLY_CERTIFICATION)
def _apply_certification(user, product):
    return _is_maker(user, product)


@permission_rule(CatalogPerm.VIEW_CERTIFICATION)
def _view_certification(user, certification):
    return user.is_staff or _is_maker(user, certification.product)


@permission_rule(CatalogPerm.REVIEW_CERTIFICATION)
def _review_certification(user, _obj):
    return user.is_staff


# --- first sets --------------------------------------------------------------------------


def _buyer_side(user, unit) -> bool:
    """``user`` acts for the unit's buyer: a buyer role there, the buyer verified, not
    also one of the maker's people, and the buyer not related to the maker."""
    return (
        unit.buyer.is_verified
        and is_org_member(user, unit.buyer_id, BUYER_ROLES)
        and not is_org_member(user, unit.product.organisation_id)
        and not are_related(unit.buyer, unit.product.organisation)
    )


@permission_rule(CatalogPerm.ADD_FIRST_SET_UNIT)
def _add_first_set_unit(user, unit):
    """The maker (for a buyer), the buyer (naming the maker's product) or staff record a
    unit; either way it waits for the other side's confirmation."""
    return user.is_staff or _is_maker(user, unit.product) or _buyer_side(user, unit)


@permission_rule(CatalogPerm.CONFIRM_FIRST_SET_UNIT)
def _confirm_first_set_unit(user, unit):
    """The side that has not confirmed yet (the maker, or the buyer's officers), or staff
    on the purchase document. Decides rejection too."""
    if user.is_staff:
        return bool(unit.purchase_document)
    if unit.maker_confirmed_at is None and _is_maker(user, unit.product):
        return True
    return unit.buyer_confirmed_at is None and _buyer_side(user, unit)


@_confirm_first_set_unit.scope
def _(user, units: QuerySet) -> QuerySet:
    """Claims ``user`` is asked to decide: as the maker without its confirmation, as the
    buyer without its confirmation (verified buyer, never the user's own maker), or every
    claim with its document for staff."""
    if user.is_staff:
        return units.exclude(purchase_document="")
    makers = organisation_ids_of(user, MAKER_ROLES)
    own = organisation_ids_of(user, None)
    as_maker = Q(maker_confirmed_at__isnull=True, product__organisation_id__in=makers)
    as_buyer = (
        Q(buyer_confirmed_at__isnull=True, buyer_id__in=organisation_ids_of(user, BUYER_ROLES),
          buyer__verification_status=OrganisationVerification.VERIFIED)
        & ~Q(product__organisation_id__in=own)
    )
    return units.filter(as_maker | as_buyer).exclude(
        related_exists("buyer_id", "product__organisation_id")
    )


@permission_rule(CatalogPerm.VIEW_FIRST_SET_UNIT)
def _view_first_set_unit(user, unit):
    return (
        user.is_staff
        or _is_maker(user, unit.product)
        or is_org_member(user, unit.buyer_id, BUYER_ROLES)
    )


@permission_rule(CatalogPerm.VIEW_FIRST_SET_RECORDS)
def _view_first_set_records(user, product):
    """Every unit and the insurance policies: the maker and staff."""
    return user.is_staff or _is_maker(user, product)


@permission_rule(CatalogPerm.VIEW_FIRST_SET_UNITS)
def _view_first_set_units(user, product):
    """The first-set page and unit list: the maker and staff see every unit; anyone who
    buys for an organisation other than the maker (owner, buyer officer, approver) sees,
    records and confirms that organisation's units there."""
    return (
        _view_first_set_records(user, product)
        or any(org != product.organisation_id for org in organisation_ids_of(user, BUYER_ROLES))
    )


@_view_first_set_units.scope
def _(user, units: QuerySet) -> QuerySet:
    """Of a product's units: all for the maker and staff, the buyer's own otherwise."""
    if user.is_staff:
        return units
    return units.filter(
        Q(product__organisation_id__in=organisation_ids_of(user, MAKER_ROLES))
        | Q(buyer_id__in=organisation_ids_of(user, BUYER_ROLES))
    )


@permission_rule(CatalogPerm.ADD_FIRST_SET_INSURANCE)
def _add_first_set_insurance(user, product):
    return user.is_staff or _is_maker(user, product)
