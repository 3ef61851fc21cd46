"""What the catalogue makes searchable: products and makerspaces.

Imported (and registered) by ``CatalogConfig.ready()`` only when the search app is
installed, through search's one contract (``search.documents.register_document_type``):
the rows come from ``catalog.selectors``, changes from ``catalog.signals``.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from catalog import media
from catalog.models import ProductStage
from catalog.selectors import category_tree, makerspaces_for_index, products_for_index
from catalog.signals import makerspace_changed, product_changed
from marketplace.core.regions import region_pack
from search.documents import SearchDocument, register_document_type
from search.text import plain_text

PRODUCT_FACETS = ("category", "district", "makerspace", "stage", "certified", "first_set",
                  "price")
MAKERSPACE_FACETS = ("district", "makerspace")


def _join(*parts) -> str:
    return " ".join(str(p) for p in parts if p)


def _specifications(specs) -> str:
    if isinstance(specs, dict):
        return _join(*(f"{k} {v}" for k, v in specs.items()))
    if isinstance(specs, list):
        return _join(*(_join(*(item.values() if isinstance(item, dict) else [item]))
                       for item in specs))
    return ""


def build_product(product) -> SearchDocument:
    """``product`` as ``catalog.selectors.products_for_index`` gives it: organisation,
    makerspace and category selected; ``is_certified`` annotated;
    ``current_certifications`` prefetched."""
    organisation, makerspace, category = product.organisation, product.makerspace, product.category
    certificates = getattr(product, "current_certifications", None) or []
    certificate = certificates[0] if certificates else None
    extra = {
        "organisation": organisation.name,
        "organisation_en": organisation.name_en,
        "organisation_slug": organisation.slug,
        "slug": product.slug,
        "stock": product.stock,
    }
    until = certificate.valid_until if certificate is not None else getattr(
        product, "certified_until", None)
    if certificate is not None:
        extra["certificate_number"] = certificate.certificate_number
    if until:
        extra["certified_until"] = until.isoformat()
    if product.model_code:
        extra["model_code"] = product.model_code
    if product.is_first_set:
        extra["first_set_catalogue_ref"] = product.first_set_catalogue_ref
    image = media.product_image_url(getattr(product, "cover_thumbnail", None)
                                    or getattr(product, "cover_image", None))
    if image:
        extra["image"] = image
    return SearchDocument(
        doc_type="product",
        object_id=product.pk,
        url=reverse("catalog:product_detail", kwargs={"slug": product.slug}),
        title_zh=product.name,
        title_en=product.name_en,
        summary_zh=product.summary,
        summary_en=product.summary_en,
        body_zh=plain_text(product.description),
        body_en=plain_text(product.description_en),
        keywords=_join(
            organisation.name, organisation.name_en, category.name, category.name_en,
            makerspace.name if makerspace else "", makerspace.name_en if makerspace else "",
            _specifications(product.specifications),
        ),
        codes=[code for code in (
            product.model_code, product.first_set_catalogue_ref,
            *(c.certificate_number for c in certificates), organisation.unified_credit_code,
        ) if code],
        category=category.path,
        category_label_zh=category.name,
        category_label_en=category.name_en,
        district=(makerspace.district if makerspace else organisation.district) or "",
        makerspace=makerspace.slug if makerspace else "",
        makerspace_label_zh=makerspace.name if makerspace else "",
        makerspace_label_en=makerspace.name_en if makerspace else "",
        stage=product.stage,
        certified=bool(getattr(product, "is_certified", False)),
        first_set=bool(product.is_first_set),
        price=product.price_amount,
        currency=product.price_currency if product.price_amount is not None else "",
        created_at=product.published_at or product.created_at,
        suggest=[product.name, product.name_en],
        extra=extra,
    )


def _focus_area_names(codes) -> tuple[str, str]:
    areas = region_pack().get("focus_areas", {})
    zh, en = [], []
    for code in codes or []:
        area = areas.get(code) if isinstance(areas, dict) else None
        zh.append(area["name"] if area else code)
        en.append((area.get("name_en") or area["name"]) if area else code)
    return " ".join(zh), " ".join(en)


def build_makerspace(space) -> SearchDocument:
    focus_zh, focus_en = _focus_area_names(space.focus_areas)
    return SearchDocument(
        doc_type="makerspace",
        object_id=space.pk,
        url=reverse("catalog:makerspace_detail", kwargs={"slug": space.slug}),
        title_zh=space.name,
        title_en=space.name_en,
        summary_zh=_join(space.address, focus_zh),
        summary_en=focus_en,
        body_zh=plain_text(space.description),
        body_en=plain_text(space.description_en),
        keywords=_join(space.operator.name, space.operator.name_en,
                       _specifications(space.services), _specifications(space.equipment)),
        codes=[space.operator.unified_credit_code] if space.operator.unified_credit_code else [],
        district=space.district,
        makerspace=space.slug,
        makerspace_label_zh=space.name,
        makerspace_label_en=space.name_en,
        created_at=space.created_at,
        suggest=[space.name, space.name_en],
        extra={"address": space.address, "focus_areas": list(space.focus_areas or []),
               "opening_hours": space.opening_hours, "slug": space.slug,
               **({"image": image} if (image := media.makerspace_photo_url(
                   getattr(space, "cover_photo", None))) else {})},
    )


def products_of_makerspace(makerspace_id: int) -> dict[str, list[int]]:
    """Products show their makerspace's name and district: follow its changes."""
    ids = products_for_index().filter(makerspace_id=makerspace_id).values_list("pk", flat=True)
    return {"product": list(ids)}


def known_categories(paths: list[str]) -> set[str]:
    return {category.path for category in category_tree()} & set(paths)


def known_makerspaces(slugs: list[str]) -> set[str]:
    return set(makerspaces_for_index().filter(slug__in=slugs).values_list("slug", flat=True))


def register() -> None:
    """Register products and makerspaces with search (called by ``CatalogConfig.ready``)."""
    register_document_type(
        "product", label=_("Products"), item_label=_("Product"),
        rows=products_for_index, build=build_product,
        signal=product_changed, id_kwarg="product_id",
        facets=PRODUCT_FACETS, value_labels={"stage": dict(ProductStage.choices)},
        vocabularies={"category": known_categories, "makerspace": known_makerspaces},
        index_name="products", index_fields={"organisation_slug": "keyword"},
    )
    register_document_type(
        "makerspace", label=_("Makerspaces"), item_label=_("Makerspace"),
        rows=makerspaces_for_index, build=build_makerspace,
        signal=makerspace_changed, id_kwarg="makerspace_id", related=products_of_makerspace,
        facets=MAKERSPACE_FACETS, vocabularies={"makerspace": known_makerspaces},
        index_name="makerspaces", index_fields={"focus_areas": "keyword"},
    )
