"""Reads of the catalogue. Other apps (search, crowdfunding, procurement) use these."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
)
from django.utils import timezone

from catalog.models import (
    Category,
    Certification,
    FirstSetInsurance,
    FirstSetUnit,
    Makerspace,
    MakerspacePhoto,
    Product,
    ProductImage,
)
from catalog.rules import MAKER_ROLES, CatalogPerm
from marketplace.accounts import rules as account_rules
from marketplace.accounts.models import OrganisationKind
from marketplace.core.errors import NotFoundError
from marketplace.core.money import Money, money_sum
from marketplace.core.permissions import has_perm, scope_for

# --- certification -------------------------------------------------------------------


def valid_certifications(on: date | None = None) -> QuerySet[Certification]:
    on = on or timezone.localdate()
    return Certification.objects.filter(
        status=Certification.Status.CERTIFIED, valid_from__lte=on, valid_until__gte=on
    )


def _first_purchase_rule(on: date | None = None) -> Q:
    """The one definition of first-purchase eligibility: a published product with a
    certification valid on ``on`` (today by default)."""
    valid = valid_certifications(on).filter(product=OuterRef("pk"))
    return Q(status=Product.Status.PUBLISHED) & Q(Exists(valid))


def products_with_certification(qs: QuerySet[Product], on: date | None = None) -> QuerySet:
    """Annotate ``is_certified`` (a valid certification today), ``certified_until`` (the
    latest end date among the valid certifications) and ``eligible_for_first_purchase``,
    as subqueries of the same query (a list stays one query)."""
    valid = valid_certifications(on).filter(product=OuterRef("pk"))
    return qs.annotate(
        is_certified=Exists(valid),
        certified_until=Subquery(valid.order_by("-valid_until").values("valid_until")[:1]),
        eligible_for_first_purchase=ExpressionWrapper(
            _first_purchase_rule(on), output_field=BooleanField()
        ),
    )


def product_current_certification(product: Product, on: date | None = None):
    return valid_certifications(on).filter(product=product).order_by("-valid_until").first()


def product_is_eligible_for_first_purchase(product: Product, on: date | None = None) -> bool:
    """Whether ``product`` may be bought through first-purchase on ``on`` (today by
    default); see ``_first_purchase_rule``."""
    return Product.objects.filter(_first_purchase_rule(on), pk=product.pk).exists()


def certification_review_queue(*, statuses=None) -> QuerySet[Certification]:
    statuses = statuses or Certification.OPEN_STATUSES
    return (
        Certification.objects.filter(status__in=statuses)
        .select_related("product", "product__organisation", "applicant", "reviewer")
        .annotate(document_count=Count("documents"))
        .order_by("submitted_at", "pk")
    )


def open_certifications_of(org_ids: list[int]) -> QuerySet[Certification]:
    """Applications under way (submitted or under review) of these organisations' products."""
    return Certification.objects.filter(
        product__organisation_id__in=org_ids, status__in=Certification.OPEN_STATUSES)


def certification_get_for_viewer(*, user, pk: int) -> Certification:
    """One certification with its product, people and documents, if ``user`` may see it
    (the applicant's organisation and staff); NotFoundError otherwise, so others cannot
    even learn that an application exists."""
    certification = (
        Certification.objects.select_related(
            "product", "product__organisation", "applicant", "reviewer"
        )
        .prefetch_related("documents")
        .filter(pk=pk)
        .first()
    )
    if certification is None or not has_perm(user, CatalogPerm.VIEW_CERTIFICATION, certification):
        raise NotFoundError()
    return certification


def certification_document_get(*, certification: Certification, pk: int):
    document = next((d for d in certification.documents.all() if d.pk == pk), None)
    if document is None:
        raise NotFoundError()
    return document


def certifications_of_product(product: Product) -> QuerySet[Certification]:
    return (
        Certification.objects.filter(product=product)
        .select_related("applicant", "reviewer")
        .prefetch_related("documents")
        .order_by("-submitted_at", "-pk")
    )


# --- products ------------------------------------------------------------------------


def organisation_ids_of(user, roles=MAKER_ROLES) -> list[int]:
    """Organisations where ``user`` holds one of ``roles`` (makers by default; any role
    when ``roles`` is None)."""
    return account_rules.organisation_ids_of(user, roles)


def maker_company_ids_of(user) -> list[int]:
    """Maker companies where ``user`` holds a maker role: the ones that list products
    (from the request's membership memo, no query of its own)."""
    return sorted({
        m.organisation_id for m in account_rules.user_memberships(user)
        if m.role in MAKER_ROLES and m.kind == OrganisationKind.MAKER_COMPANY
    })


def products_visible_to(user) -> QuerySet[Product]:
    """Published products for everyone; drafts and withdrawn products for those the
    view rule allows (their organisation, staff)."""
    others = scope_for(user, CatalogPerm.VIEW_PRODUCT, Product.objects.exclude(
        status=Product.Status.PUBLISHED))
    return Product.objects.filter(
        Q(status=Product.Status.PUBLISHED) | Q(pk__in=others.values("pk"))
    )


def _cover(qs: QuerySet[Product]) -> QuerySet[Product]:
    first = ProductImage.objects.filter(product=OuterRef("pk")).order_by("position", "pk")
    return qs.annotate(
        cover_image=Subquery(first.values("image")[:1]),
        cover_thumbnail=Subquery(first.values("thumbnail")[:1]),
    )


def product_list(*, user, base: QuerySet[Product] | None = None) -> QuerySet[Product]:
    """Products the user may see, with what a list needs in one query: maker, makerspace,
    category, certification flag and expiry, cover image."""
    qs = base if base is not None else products_visible_to(user)
    qs = qs.select_related("organisation", "makerspace", "category")
    return _cover(products_with_certification(qs)).order_by(
        F("published_at").desc(nulls_last=True), "-pk"
    )


def product_get(*, user, slug: str | None = None, pk: int | None = None) -> Product:
    """One product the user may see, else NotFoundError (drafts of others are not found,
    never forbidden: their existence is not revealed)."""
    lookup = {"slug": slug} if slug is not None else {"pk": pk}
    product = (
        products_with_certification(
            Product.objects.select_related("organisation", "makerspace", "category")
        )
        .filter(**lookup)
        .first()
    )
    if product is None or not product_is_visible(product, user):
        raise NotFoundError()
    return product


def product_is_visible(product: Product, user) -> bool:
    return product.status == Product.Status.PUBLISHED or has_perm(
        user, CatalogPerm.VIEW_PRODUCT, product)


def product_detail_get(*, user, pk: int) -> Product:
    """One product for its detail view: what a list row has, plus its images."""
    product_get(user=user, pk=pk)  # visibility: 404 for others' drafts
    return (
        product_list(user=user, base=Product.objects.filter(pk=pk))
        .prefetch_related(Prefetch("images", queryset=ProductImage.objects.order_by(
            "position", "pk")))
        .get()
    )


def product_images(product: Product) -> list[ProductImage]:
    return list(product.images.order_by("position", "pk"))


def product_image_get(*, user, product: Product, pk: int) -> ProductImage:
    """An image of a product ``user`` may see (draft images only for whoever sees the
    draft)."""
    image = ProductImage.objects.filter(product=product, pk=pk).first()
    if image is None or not product_is_visible(product, user):
        raise NotFoundError()
    return image


def product_image_by_file(*, user, name: str):
    """The image (or thumbnail) stored under ``name`` with its field file, if ``user`` may
    see its product; NotFoundError otherwise (a draft's images exist for nobody else)."""
    image = (
        ProductImage.objects.select_related("product")
        .filter(Q(image=name) | Q(thumbnail=name)).first()
    )
    if image is None or not product_is_visible(image.product, user):
        raise NotFoundError()
    return image, (image.image if image.image.name == name else image.thumbnail)


def products_of_organisations(org_ids: list[int]) -> QuerySet[Product]:
    return product_list(user=None, base=Product.objects.filter(organisation_id__in=org_ids))


def products_for_index(*, ids: list[int] | None = None) -> QuerySet[Product]:
    """Published products with everything a search document needs, in one query plus
    one prefetch for the current certification."""
    qs = Product.objects.filter(status=Product.Status.PUBLISHED)
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    qs = qs.select_related("organisation", "makerspace", "category").prefetch_related(
        Prefetch(
            "certifications",
            queryset=valid_certifications().order_by("-valid_until"),
            to_attr="current_certifications",
        )
    )
    return _cover(products_with_certification(qs)).order_by("pk")


# --- first sets ----------------------------------------------------------------------


@dataclass(frozen=True)
class FirstSetSummary:
    units_in_use: int
    first_sets: int
    buyers: int
    policies: list
    coverage_from: date | None
    coverage_until: date | None
    premium_total: Money | None
    subsidy_total: Money | None


def product_first_set_summary(product: Product) -> FirstSetSummary | None:
    """Public figures of a first set: only confirmed units are counted."""
    if not product.is_first_set:
        return None
    confirmed = Q(status=FirstSetUnit.Status.CONFIRMED)
    counts = FirstSetUnit.objects.filter(product=product).aggregate(
        units=Count("pk", filter=confirmed),
        first_sets=Count("pk", filter=confirmed & Q(counts_as_first_set=True)),
        buyers=Count("buyer", filter=confirmed, distinct=True),
    )
    policies = list(first_set_policies_of(product))
    currency = policies[0].currency if policies else None
    same_currency = all(p.currency == currency for p in policies)
    return FirstSetSummary(
        units_in_use=counts["units"],
        first_sets=counts["first_sets"],
        buyers=counts["buyers"],
        policies=policies,
        coverage_from=policies[0].starts_on if policies else None,
        coverage_until=policies[-1].ends_on if policies else None,
        premium_total=money_sum((Money(p.premium_amount, p.currency) for p in policies), currency)
        if policies and same_currency else None,
        subsidy_total=money_sum((Money(p.subsidy_amount, p.currency) for p in policies), currency)
        if policies and same_currency else None,
    )


def first_set_policies_of(product: Product) -> QuerySet[FirstSetInsurance]:
    return FirstSetInsurance.objects.filter(product=product).order_by("starts_on", "pk")


def _units() -> QuerySet[FirstSetUnit]:
    return FirstSetUnit.objects.select_related("buyer", "product", "product__organisation")


def first_set_units_for_viewer(*, user, product: Product) -> QuerySet[FirstSetUnit]:
    """Units of ``product`` ``user`` may see: all of them for the maker and staff, those
    of the organisations they buy for otherwise. One query however many rows."""
    qs = _units().filter(product=product).order_by(
        "buyer__name", "buyer_id", F("sequence").asc(nulls_last=True), "pk"
    )
    return scope_for(user, CatalogPerm.VIEW_FIRST_SET_UNITS, qs)


def first_set_unit_get(*, user, pk: int) -> FirstSetUnit:
    unit = _units().filter(pk=pk).first()
    if unit is None or not has_perm(user, CatalogPerm.VIEW_FIRST_SET_UNIT, unit):
        raise NotFoundError()
    return unit


def first_set_units_awaiting(user) -> QuerySet[FirstSetUnit]:
    """Claims ``user`` is asked to confirm, oldest first: the rule of
    catalog.confirm_first_set_unit decides (the side that has not confirmed yet; staff on
    the purchase document)."""
    qs = _units().filter(status=FirstSetUnit.Status.CLAIMED).order_by("created_at", "pk")
    return scope_for(user, CatalogPerm.CONFIRM_FIRST_SET_UNIT, qs)


# --- makerspaces and categories ------------------------------------------------------


def makerspace_list(*, include_unpublished: bool = False) -> QuerySet[Makerspace]:
    qs = Makerspace.objects.all() if include_unpublished else Makerspace.objects.filter(
        status=Makerspace.Status.PUBLISHED
    )
    return _cover_photo(qs.select_related("operator")).annotate(
        resident_count=Count("residents", distinct=True),
        product_count=Count(
            "products", filter=Q(products__status=Product.Status.PUBLISHED), distinct=True
        ),
    ).order_by("district", "name")


def makerspaces_published() -> QuerySet[Makerspace]:
    """Published makerspaces by name (filter and form choices)."""
    return Makerspace.objects.filter(status=Makerspace.Status.PUBLISHED).order_by("name")


def makerspace_get(*, user, slug: str) -> Makerspace:
    makerspace = (
        Makerspace.objects.select_related("operator")
        .prefetch_related("photos", Prefetch("residents", to_attr="resident_list"))
        .filter(slug=slug)
        .first()
    )
    if makerspace is None or (
        not makerspace.is_published and not has_perm(user, CatalogPerm.VIEW_MAKERSPACE, makerspace)
    ):
        raise NotFoundError()
    return makerspace


def makerspace_by_slug(slug: str) -> Makerspace | None:
    return Makerspace.objects.filter(slug=slug).first()


def makerspace_photo_get(*, makerspace: Makerspace, pk: int):
    photo = makerspace.photos.filter(pk=pk).first()
    if photo is None:
        raise NotFoundError()
    return photo


def makerspace_products(makerspace: Makerspace) -> QuerySet[Product]:
    return product_list(
        user=None,
        base=Product.objects.filter(makerspace=makerspace, status=Product.Status.PUBLISHED),
    )


def _cover_photo(qs: QuerySet[Makerspace]) -> QuerySet[Makerspace]:
    first = MakerspacePhoto.objects.filter(makerspace=OuterRef("pk")).order_by("position", "pk")
    return qs.annotate(cover_photo=Subquery(first.values("image")[:1]))


def makerspaces_for_index(*, ids: list[int] | None = None) -> QuerySet[Makerspace]:
    qs = Makerspace.objects.filter(status=Makerspace.Status.PUBLISHED).select_related("operator")
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    return _cover_photo(qs).order_by("pk")


def makerspaces_operated_by(user) -> QuerySet[Makerspace]:
    return scope_for(user, CatalogPerm.CHANGE_MAKERSPACE, Makerspace.objects.all()).order_by(
        "name")


def makerspaces_for_resident(organisations) -> QuerySet[Makerspace]:
    """Published makerspaces where any of ``organisations`` is a resident (the only ones a
    maker may name on a product)."""
    return makerspaces_published().filter(residents__in=organisations).distinct()


def categories() -> QuerySet[Category]:
    """Every category in tree order (form and filter choices)."""
    return Category.objects.order_by("path")


def category_tree() -> list[Category]:
    """Every category in tree order (by materialised path), with ``depth``."""
    return list(Category.objects.order_by("path"))


def category_by_slug(slug: str) -> Category | None:
    return Category.objects.filter(slug=slug).first()


def category_subtree_ids(category: Category) -> QuerySet:
    return Category.objects.filter(
        Q(pk=category.pk) | Q(path__startswith=f"{category.path}/")
    ).values("pk")
