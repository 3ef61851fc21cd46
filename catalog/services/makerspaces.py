"""Writes of makerspaces: staff onboard a makerspace, its operator keeps it up to date."""

from __future__ import annotations

from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from catalog.models import Makerspace, Product
from catalog.services.common import clean_text
from catalog.signals import makerspace_changed, product_changed, send_after_commit
from catalog.validators import CatalogValidationError
from marketplace.accounts.models import Organisation, OrganisationKind
from marketplace.core.audit import audit_log
from marketplace.core.permissions import require_perm
from marketplace.core.regions import district_choices, focus_area_choices

MAX_LIST_ITEMS = 50
MAX_LIST_ITEM_CHARS = 200

EDITABLE_FIELDS = (
    "name", "name_en", "district", "address", "focus_areas", "description", "description_en",
    "services", "equipment", "opening_hours",
)


def _clean_district(value: str) -> str:
    if value not in dict(district_choices()):
        raise CatalogValidationError(
            _("Unknown district “%(value)s”.") % {"value": value}, code="unknown_district"
        )
    return value


def _clean_focus_areas(values) -> list[str]:
    if not isinstance(values, list | tuple):
        raise CatalogValidationError(_("Focus areas must be a list."))
    known = dict(focus_area_choices())
    unknown = [v for v in values if v not in known]
    if unknown:
        raise CatalogValidationError(
            _("Unknown focus area(s): %(values)s.") % {"values": ", ".join(map(str, unknown))},
            code="unknown_focus_area",
        )
    return list(dict.fromkeys(values))


def _clean_list(values, label) -> list[str]:
    if values is None:
        return []
    if not isinstance(values, list | tuple) or not all(isinstance(v, str) for v in values):
        raise CatalogValidationError(_("%(field)s must be a list of text.") % {"field": label})
    values = [v.strip() for v in values if v.strip()]
    if len(values) > MAX_LIST_ITEMS:
        raise CatalogValidationError(
            _("%(field)s: at most %(max)s entries.") % {"field": label, "max": MAX_LIST_ITEMS}
        )
    if any(len(v) > MAX_LIST_ITEM_CHARS for v in values):
        raise CatalogValidationError(
            _("%(field)s: each entry has at most %(max)s characters.")
            % {"field": label, "max": MAX_LIST_ITEM_CHARS}
        )
    return values


def _clean(changes: dict) -> dict:
    cleaned = {}
    for field in ("name", "name_en", "address", "opening_hours"):
        if field in changes:
            cleaned[field] = clean_text(Makerspace, field, changes[field], required=field == "name")
    for field in ("description", "description_en"):
        if field in changes:
            cleaned[field] = clean_text(Makerspace, field, changes[field])[:5000]
    if "district" in changes:
        cleaned["district"] = _clean_district(changes["district"])
    if "focus_areas" in changes:
        cleaned["focus_areas"] = _clean_focus_areas(changes["focus_areas"])
    if "services" in changes:
        cleaned["services"] = _clean_list(changes["services"], _("Services"))
    if "equipment" in changes:
        cleaned["equipment"] = _clean_list(changes["equipment"], _("Equipment"))
    return cleaned


def makerspace_create(
    *, actor, operator: Organisation, name: str, district: str, slug: str = "", **fields
) -> Makerspace:
    """Staff onboard a makerspace run by ``operator`` (an organisation of kind makerspace)."""
    require_perm(actor, "catalog.add_makerspace", None)
    if operator.kind != OrganisationKind.MAKERSPACE:
        raise CatalogValidationError(_("The operator must be a makerspace organisation."))
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise CatalogValidationError(
            _("These fields cannot be set: %(fields)s.") % {"fields": ", ".join(sorted(unknown))}
        )
    cleaned = _clean({"name": name, "district": district, **fields})
    slug = slugify(slug or cleaned.get("name_en", "") or operator.slug)[:80]
    if not slug:
        raise CatalogValidationError(_("Give the makerspace a web address (slug)."))
    if Makerspace.objects.filter(slug=slug).exists():
        raise CatalogValidationError(_("This web address (slug) is already taken."))
    with transaction.atomic():
        makerspace = Makerspace.objects.create(operator=operator, slug=slug, **cleaned)
        audit_log(actor=actor, action="catalog.makerspace.created", obj=makerspace,
                  data={"operator": operator.pk})
        send_after_commit(makerspace_changed, makerspace_id=makerspace.pk)
    return makerspace


def makerspace_update(*, actor, makerspace: Makerspace, **changes) -> Makerspace:
    require_perm(actor, "catalog.change_makerspace", makerspace)
    unknown = set(changes) - set(EDITABLE_FIELDS)
    if unknown:
        raise CatalogValidationError(
            _("These fields cannot be changed: %(fields)s.") % {"fields": ", ".join(sorted(unknown))}
        )
    cleaned = _clean(changes)
    with transaction.atomic():
        makerspace = Makerspace.objects.select_for_update().get(pk=makerspace.pk)
        changed = [f for f, v in cleaned.items() if getattr(makerspace, f) != v]
        if not changed:
            return makerspace
        for field in changed:
            setattr(makerspace, field, cleaned[field])
        makerspace.save(update_fields=[*changed, "updated_at"])
        audit_log(actor=actor, action="catalog.makerspace.updated", obj=makerspace,
                  data={"fields": sorted(changed)})
        send_after_commit(makerspace_changed, makerspace_id=makerspace.pk)
    return makerspace


def makerspace_resident_add(*, actor, makerspace: Makerspace, organisation: Organisation) -> None:
    require_perm(actor, "catalog.change_makerspace", makerspace)
    if organisation.kind != OrganisationKind.MAKER_COMPANY:
        raise CatalogValidationError(_("Only maker companies can be residents."))
    with transaction.atomic():
        if makerspace.residents.filter(pk=organisation.pk).exists():
            return
        makerspace.residents.add(organisation)
        audit_log(actor=actor, action="catalog.makerspace.resident_added", obj=makerspace,
                  data={"organisation": organisation.pk})
        send_after_commit(makerspace_changed, makerspace_id=makerspace.pk)


def makerspace_resident_remove(
    *, actor, makerspace: Makerspace, organisation: Organisation
) -> None:
    """A maker that leaves keeps its products; they simply no longer name this space."""
    require_perm(actor, "catalog.change_makerspace", makerspace)
    with transaction.atomic():
        if not makerspace.residents.filter(pk=organisation.pk).exists():
            return
        makerspace.residents.remove(organisation)
        moved = list(
            Product.objects.filter(makerspace=makerspace, organisation=organisation)
            .values_list("pk", flat=True)
        )
        Product.objects.filter(pk__in=moved).update(makerspace=None)
        audit_log(actor=actor, action="catalog.makerspace.resident_removed", obj=makerspace,
                  data={"organisation": organisation.pk, "products_detached": moved})
        send_after_commit(makerspace_changed, makerspace_id=makerspace.pk)
        for product_id in moved:
            send_after_commit(product_changed, product_id=product_id)
