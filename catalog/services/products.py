"""Writes of products: create, update, publish, withdraw.

Every write checks the actor's permission, validates, changes the row and its audit
event in one transaction, and announces ``product_changed`` after commit.
"""

from __future__ import annotations

import secrets
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from catalog.errors import CatalogValidationError
from catalog.models import Category, Makerspace, Product, ProductStage
from catalog.rules import CatalogPerm
from catalog.services.common import clean_price, clean_text
from catalog.services.images import product_image_add, product_images_moved
from catalog.signals import product_changed
from catalog.states import PRODUCT_STATES, CatalogAction
from catalog.validators import check_image, clean_specifications, sanitise_html
from marketplace.accounts.models import Organisation
from marketplace.core.audit import audit_log
from marketplace.core.db import unique_conflicts
from marketplace.core.errors import ConflictError
from marketplace.core.permissions import require_perm
from marketplace.core.signals import announce
from marketplace.core.transitions import transition
from marketplace.core.validation import clean_reason, refuse_unknown_fields

EDITABLE_FIELDS = (
    "category", "makerspace", "name", "name_en", "model_code", "summary", "summary_en",
    "description",
    "description_en", "specifications", "price_amount", "price_currency", "stage", "stock",
    "is_first_set", "first_set_catalogue_ref",
)
_TEXT_FIELDS = ("name", "name_en", "model_code", "summary", "summary_en")


def _clean_stage(stage) -> str:
    if stage not in ProductStage.values:
        raise CatalogValidationError(
            _("Choose a stage: %(stages)s.")
            % {"stages": ", ".join(str(label) for label in ProductStage.labels)}
        )
    return stage


def _clean_stock(stock) -> int:
    try:
        stock = int(stock)
    except (TypeError, ValueError) as exc:
        raise CatalogValidationError(_("Stock must be a whole number.")) from exc
    if stock < 0:
        raise CatalogValidationError(_("Stock cannot be negative."))
    if stock > 2_147_483_647:
        raise CatalogValidationError(_("Stock is too large."))
    return stock


def _check_makerspace(makerspace: Makerspace | None, organisation: Organisation) -> None:
    if makerspace is None:
        return
    if not makerspace.is_published:
        raise CatalogValidationError(_("This makerspace is not open for listings."))
    if not makerspace.residents.filter(pk=organisation.pk).exists():
        raise CatalogValidationError(
            _("Your organisation is not a resident of %(makerspace)s; ask its operator to add "
              "you first.") % {"makerspace": makerspace.name}
        )


def _clean_first_set(is_first_set: bool, reference: str) -> str:
    reference = clean_text(Product, "first_set_catalogue_ref", reference)
    if is_first_set and not reference:
        raise CatalogValidationError(
            _("A first set of equipment needs its catalogue reference.")
        )
    return reference if is_first_set else ""


RESERVED_SLUGS = frozenset({"new", "mine"})  # page routes under /catalog/products/


def _unique_slug(name_en: str, name: str) -> str:
    base = slugify(name_en)[:100] or slugify(name, allow_unicode=False)[:100] or "product"
    slug = base
    while slug in RESERVED_SLUGS or Product.objects.filter(slug=slug).exists():
        slug = f"{base}-{secrets.token_hex(3)}"
    return slug


def product_create(
    *,
    actor,
    organisation: Organisation,
    category: Category,
    name: str,
    stage: str,
    name_en: str = "",
    model_code: str = "",
    summary: str = "",
    summary_en: str = "",
    description: str = "",
    description_en: str = "",
    specifications: dict | None = None,
    price_amount: Decimal | None = None,
    price_currency: str | None = None,
    stock: int = 0,
    makerspace: Makerspace | None = None,
    is_first_set: bool = False,
    first_set_catalogue_ref: str = "",
    image=None,
) -> Product:
    """Create a draft product of ``organisation``, with a first image if ``image`` is
    given (checked before anything is written; product and image are stored together or
    not at all)."""
    require_perm(
        actor, CatalogPerm.ADD_PRODUCT, organisation,
        message=_("Only members of a maker company can list products for it."),
    )
    if category is None:
        raise CatalogValidationError(_("Choose a category."))
    values = {
        "name": clean_text(Product, "name", name, required=True),
        "name_en": clean_text(Product, "name_en", name_en),
        "model_code": clean_text(Product, "model_code", model_code),
        "summary": clean_text(Product, "summary", summary),
        "summary_en": clean_text(Product, "summary_en", summary_en),
    }
    price_amount, price_currency = clean_price(
        price_amount, price_currency or settings.MARKETPLACE_CURRENCY
    )
    _check_makerspace(makerspace, organisation)
    product = Product(
        organisation=organisation,
        category=category,
        makerspace=makerspace,
        description=sanitise_html(description),
        description_en=sanitise_html(description_en),
        specifications=clean_specifications(specifications),
        price_amount=price_amount,
        price_currency=price_currency,
        stage=_clean_stage(stage),
        stock=_clean_stock(stock),
        is_first_set=bool(is_first_set),
        first_set_catalogue_ref=_clean_first_set(bool(is_first_set), first_set_catalogue_ref),
        created_by=actor,
        status=Product.Status.DRAFT,
        **values,
    )
    if image:
        check_image(image, field="image")
    with transaction.atomic():
        product.slug = _unique_slug(product.name_en, product.name)
        # two makers naming a product alike at the same moment: a 409, not a 500
        with unique_conflicts(Product, {"slug": _("Another product just took this web "
                                                  "address; save again.")}):
            product.save()
        audit_log(
            actor=actor, action=CatalogAction.PRODUCT_CREATED, obj=product,
            data={"organisation": organisation.pk, "name": product.name},
        )
        if image:
            product_image_add(actor=actor, product=product, file=image)
        announce(product_changed, product_id=product.pk)
    return product


def product_update(*, actor, product: Product, image=None, **changes) -> Product:
    """Change the given editable fields (any status) and add ``image`` if given, all or
    nothing. Unknown fields are refused."""
    require_perm(actor, CatalogPerm.CHANGE_PRODUCT, product)
    refuse_unknown_fields(changes, EDITABLE_FIELDS)
    if image:
        check_image(image, field="image")
    with transaction.atomic():
        product = _update_fields(actor, product, changes)
        if image:
            product_image_add(actor=actor, product=product, file=image)
    return product


def product_moderate(*, actor, product: Product, **changes) -> Product:
    """Staff correct a product's editable fields (the admin): same cleaning, audit and
    search announcement as the maker's own edits, recorded as a moderation."""
    require_perm(actor, CatalogPerm.MODERATE_PRODUCT, product)
    refuse_unknown_fields(changes, EDITABLE_FIELDS)
    with transaction.atomic():
        return _update_fields(actor, product, changes, action=CatalogAction.PRODUCT_MODERATED)


def product_changes_clean(product: Product, changes: dict) -> dict:
    """The cleaned value of every field in ``changes`` (refusing bad values with a
    CatalogValidationError / ConflictError); writes nothing."""
    cleaned: dict = {}
    for field in _TEXT_FIELDS:
        if field in changes:
            cleaned[field] = clean_text(Product, field, changes[field], required=field == "name")
    for field in ("description", "description_en"):
        if field in changes:
            cleaned[field] = sanitise_html(changes[field] or "")
    if "specifications" in changes:
        cleaned["specifications"] = clean_specifications(changes["specifications"])
    if "price_amount" in changes or "price_currency" in changes:
        cleaned["price_amount"], cleaned["price_currency"] = clean_price(
            changes.get("price_amount", product.price_amount),
            changes.get("price_currency", product.price_currency),
        )
    if "stage" in changes:
        cleaned["stage"] = _clean_stage(changes["stage"])
    if "stock" in changes:
        cleaned["stock"] = _clean_stock(changes["stock"])
    if "category" in changes:
        if changes["category"] is None:
            raise CatalogValidationError(_("Choose a category."))
        cleaned["category"] = changes["category"]
    if "makerspace" in changes:
        _check_makerspace(changes["makerspace"], product.organisation)
        cleaned["makerspace"] = changes["makerspace"]
    if "is_first_set" in changes or "first_set_catalogue_ref" in changes:
        is_first_set = bool(changes.get("is_first_set", product.is_first_set))
        reference = changes.get("first_set_catalogue_ref", product.first_set_catalogue_ref)
        if product.is_first_set and not is_first_set and (
            product.units_in_use.exists() or product.insurances.exists()
        ):
            raise ConflictError(
                _("Units in use or insurance policies are recorded for this first set; "
                  "it cannot be unflagged.")
            )
        cleaned["is_first_set"] = is_first_set
        cleaned["first_set_catalogue_ref"] = _clean_first_set(is_first_set, reference)
    return cleaned


def _update_fields(actor, product: Product, changes: dict,
                   action: CatalogAction = CatalogAction.PRODUCT_UPDATED) -> Product:
    """Clean and save ``changes`` in the caller's transaction, with the row locked; audit
    and announce the change after commit."""
    product = Product.objects.select_for_update().get(pk=product.pk)
    cleaned = product_changes_clean(product, changes)
    changed = [f for f, v in cleaned.items() if getattr(product, f) != v]
    if not changed:
        return product
    for field in changed:
        setattr(product, field, cleaned[field])
    product.save(update_fields=[*changed, "updated_at"])
    audit_log(actor=actor, action=action, obj=product, data={"fields": sorted(changed)})
    announce(product_changed, product_id=product.pk)
    return product


def product_publish(*, actor, product: Product) -> Product:
    require_perm(actor, CatalogPerm.CHANGE_PRODUCT, product)
    if not (product.summary or product.summary_en):
        raise CatalogValidationError(_("Add a short summary before publishing."))
    with product_images_moved(product, public=True) as move_images, transaction.atomic():
        transition(
            product, PRODUCT_STATES, Product.Status.PUBLISHED, actor=actor,
            action=CatalogAction.PRODUCT_PUBLISHED, changes={"published_at": timezone.now()},
        )
        move_images()
        announce(product_changed, product_id=product.pk)
    return product


def product_withdraw(*, actor, product: Product, reason: str = "") -> Product:
    require_perm(actor, CatalogPerm.CHANGE_PRODUCT, product)
    reason = clean_reason(reason, required=False, max_chars=500, error=CatalogValidationError)
    with product_images_moved(product, public=False) as move_images, transaction.atomic():
        transition(
            product, PRODUCT_STATES, Product.Status.WITHDRAWN, actor=actor,
            action=CatalogAction.PRODUCT_WITHDRAWN, data={"reason": reason} if reason else None,
        )
        move_images()
        announce(product_changed, product_id=product.pk)
    return product
