"""Writes of makerspaces and categories.

Staff onboard a makerspace (a draft), publish and unpublish it and correct it from the
admin; its operator keeps it up to date and manages its residents. Categories are
reference data staff keep in the admin, through the services here.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import Q
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from catalog.errors import CatalogValidationError
from catalog.models import Category, Makerspace, Product
from catalog.rules import CatalogPerm
from catalog.services.common import clean_text
from catalog.signals import makerspace_changed, product_changed
from catalog.states import MAKERSPACE_STATES, CatalogAction
from catalog.validators import sanitise_html
from marketplace.accounts.models import Organisation, OrganisationKind
from marketplace.core.audit import audit_log
from marketplace.core.db import unique_conflicts
from marketplace.core.errors import ConflictError
from marketplace.core.permissions import require_perm
from marketplace.core.regions import district_choices, focus_area_choices
from marketplace.core.signals import announce
from marketplace.core.transitions import transition
from marketplace.core.validation import refuse_unknown_fields

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
            # rich text, sanitised like a product's: the page and the API show the same
            cleaned[field] = sanitise_html(changes[field] or "")
    if "district" in changes:
        cleaned["district"] = _clean_district(changes["district"])
    if "focus_areas" in changes:
        cleaned["focus_areas"] = _clean_focus_areas(changes["focus_areas"])
    if "services" in changes:
        cleaned["services"] = _clean_list(changes["services"], _("Services"))
    if "equipment" in changes:
        cleaned["equipment"] = _clean_list(changes["equipment"], _("Equipment"))
    return cleaned


def makerspace_changes_clean(makerspace: Makerspace | None, changes: dict) -> dict:
    """The cleaned value of every editable field in ``changes`` (refusing bad ones, the
    region pack's districts and focus areas included); writes nothing."""
    refuse_unknown_fields(changes, EDITABLE_FIELDS)
    return _clean(changes)


def _slug_taken() -> ConflictError:
    return ConflictError(_("This web address (slug) is already taken."), code="slug_taken",
                         data={"field": "slug"})


def makerspace_create(
    *, actor, operator: Organisation, name: str, district: str, slug: str = "", **fields
) -> Makerspace:
    """Staff onboard a makerspace run by ``operator`` (an organisation of kind
    makerspace), as a draft: ``makerspace_publish`` makes it public."""
    require_perm(actor, CatalogPerm.ADD_MAKERSPACE, None)
    if operator is None or operator.kind != OrganisationKind.MAKERSPACE:
        raise CatalogValidationError(_("The operator must be a makerspace organisation."),
                                     data={"field": "operator"})
    refuse_unknown_fields(fields, EDITABLE_FIELDS)
    cleaned = _clean({"name": name, "district": district, **fields})
    slug = slugify(slug or cleaned.get("name_en", "") or operator.slug)[:80]
    if not slug:
        raise CatalogValidationError(_("Give the makerspace a web address (slug)."),
                                     data={"field": "slug"})
    if Makerspace.objects.filter(slug=slug).exists():
        raise _slug_taken()
    with transaction.atomic():
        with unique_conflicts(Makerspace, {"slug": _slug_taken()}):
            makerspace = Makerspace.objects.create(operator=operator, slug=slug, **cleaned)
        audit_log(actor=actor, action=CatalogAction.MAKERSPACE_CREATED, obj=makerspace,
                  data={"operator": operator.pk})
        announce(makerspace_changed, makerspace_id=makerspace.pk)
    return makerspace


def makerspace_update(*, actor, makerspace: Makerspace, **changes) -> Makerspace:
    """The operator keeps its makerspace up to date."""
    require_perm(actor, CatalogPerm.CHANGE_MAKERSPACE, makerspace)
    return _makerspace_change(actor, makerspace, changes, CatalogAction.MAKERSPACE_UPDATED)


def makerspace_moderate(*, actor, makerspace: Makerspace, **changes) -> Makerspace:
    """Staff correct a makerspace (the admin): the same cleaning, audited as moderation."""
    require_perm(actor, CatalogPerm.MODERATE_MAKERSPACE, makerspace)
    return _makerspace_change(actor, makerspace, changes, CatalogAction.MAKERSPACE_MODERATED)


def _makerspace_change(actor, makerspace: Makerspace, changes: dict, action) -> Makerspace:
    cleaned = makerspace_changes_clean(makerspace, changes)
    with transaction.atomic():
        locked = Makerspace.objects.select_for_update().get(pk=makerspace.pk)
        changed = [f for f, v in cleaned.items() if getattr(locked, f) != v]
        if not changed:
            return locked
        for field in changed:
            setattr(locked, field, cleaned[field])
        locked.save(update_fields=[*changed, "updated_at"])
        audit_log(actor=actor, action=action, obj=locked, data={"fields": sorted(changed)})
        announce(makerspace_changed, makerspace_id=locked.pk)
    return locked


def makerspace_publish(*, actor, makerspace: Makerspace) -> Makerspace:
    require_perm(actor, CatalogPerm.PUBLISH_MAKERSPACE, makerspace,
                 message=_("Only platform staff may publish makerspaces."))
    with transaction.atomic():
        transition(makerspace, MAKERSPACE_STATES, Makerspace.Status.PUBLISHED, actor=actor,
                   action=CatalogAction.MAKERSPACE_PUBLISHED)
        announce(makerspace_changed, makerspace_id=makerspace.pk)
    return makerspace


def makerspace_unpublish(*, actor, makerspace: Makerspace) -> Makerspace:
    """Hides the makerspace; its residents and products stay (new listings cannot name it)."""
    require_perm(actor, CatalogPerm.PUBLISH_MAKERSPACE, makerspace,
                 message=_("Only platform staff may unpublish makerspaces."))
    with transaction.atomic():
        transition(makerspace, MAKERSPACE_STATES, Makerspace.Status.UNPUBLISHED, actor=actor,
                   action=CatalogAction.MAKERSPACE_UNPUBLISHED)
        announce(makerspace_changed, makerspace_id=makerspace.pk)
    return makerspace


def makerspace_resident_add(*, actor, makerspace: Makerspace, organisation: Organisation) -> None:
    require_perm(actor, CatalogPerm.CHANGE_MAKERSPACE, makerspace)
    if organisation.kind != OrganisationKind.MAKER_COMPANY:
        raise CatalogValidationError(_("Only maker companies can be residents."))
    with transaction.atomic():
        if makerspace.residents.filter(pk=organisation.pk).exists():
            return
        makerspace.residents.add(organisation)
        audit_log(actor=actor, action=CatalogAction.MAKERSPACE_RESIDENT_ADDED, obj=makerspace,
                  data={"organisation": organisation.pk})
        announce(makerspace_changed, makerspace_id=makerspace.pk)


def makerspace_resident_remove(
    *, actor, makerspace: Makerspace, organisation: Organisation
) -> None:
    """A maker that leaves keeps its products; they simply no longer name this space."""
    require_perm(actor, CatalogPerm.CHANGE_MAKERSPACE, makerspace)
    with transaction.atomic():
        if not makerspace.residents.filter(pk=organisation.pk).exists():
            return
        makerspace.residents.remove(organisation)
        moved = list(
            Product.objects.filter(makerspace=makerspace, organisation=organisation)
            .values_list("pk", flat=True)
        )
        Product.objects.filter(pk__in=moved).update(makerspace=None)
        audit_log(actor=actor, action=CatalogAction.MAKERSPACE_RESIDENT_REMOVED, obj=makerspace,
                  data={"organisation": organisation.pk, "products_detached": moved})
        announce(makerspace_changed, makerspace_id=makerspace.pk)
        for product_id in moved:
            announce(product_changed, product_id=product_id)


# --- categories (reference data) -------------------------------------------------------

CATEGORY_FIELDS = ("parent", "slug", "name", "name_en", "position")


def category_changes_clean(category: Category | None, changes: dict) -> dict:
    """Cleaned category fields: a slug, names within their lengths, a parent that is not
    the category itself or below it."""
    refuse_unknown_fields(changes, CATEGORY_FIELDS)
    cleaned = {}
    for field in ("name", "name_en"):
        if field in changes:
            cleaned[field] = clean_text(Category, field, changes[field], required=field == "name")
    if "slug" in changes:
        slug = slugify(changes["slug"] or "")[:80]
        if not slug:
            raise CatalogValidationError(_("Give the category a web address (slug)."),
                                         data={"field": "slug"})
        if Category.objects.filter(slug=slug).exclude(pk=getattr(category, "pk", None)).exists():
            raise _slug_taken()
        cleaned["slug"] = slug
    if "position" in changes:
        cleaned["position"] = int(changes["position"] or 0)
    if "parent" in changes:
        parent = changes["parent"]
        if parent is not None and category is not None and category.pk and (
            parent.pk == category.pk or parent.path.startswith(f"{category.path}/")
        ):
            raise CatalogValidationError(_("A category cannot be placed under itself."),
                                         data={"field": "parent"})
        cleaned["parent"] = parent
    return cleaned


def category_save(*, actor, category: Category | None = None, **changes) -> Category:
    """Create (``category`` None) or change a category; the materialised paths of its
    subtree follow (``Category.save``), and the products below it are re-indexed."""
    require_perm(actor, CatalogPerm.MANAGE_CATEGORIES, category,
                 message=_("Only platform staff may change categories."))
    cleaned = category_changes_clean(category, changes)
    creating = category is None
    with transaction.atomic():
        if creating:
            category = Category(**cleaned)
        else:
            category = Category.objects.select_for_update().get(pk=category.pk)
            for field, value in cleaned.items():
                setattr(category, field, value)
        with unique_conflicts(Category, {"slug": _slug_taken()}):
            category.save()
        audit_log(actor=actor, obj=category, data={"fields": sorted(cleaned)},
                  action=CatalogAction.CATEGORY_CREATED if creating
                  else CatalogAction.CATEGORY_UPDATED)
        if not creating:
            below = Product.objects.filter(
                Q(category=category) | Q(category__path__startswith=f"{category.path}/")
            )
            for product_id in below.values_list("pk", flat=True):
                announce(product_changed, product_id=product_id)
    return category
