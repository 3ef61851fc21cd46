"""Reads of the catalogue. Other apps (search, crowdfunding, procurement) use these."""

from __future__ import annotations

from datetime import date

from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django.utils import timezone

from catalog.models import Certification, Makerspace, Product


def valid_certifications(on: date | None = None) -> QuerySet[Certification]:
    on = on or timezone.localdate()
    return Certification.objects.filter(
        status=Certification.Status.CERTIFIED, valid_from__lte=on, valid_until__gte=on
    )


def products_with_certification(qs: QuerySet[Product], on: date | None = None) -> QuerySet:
    """Annotate ``is_certified`` (a valid certification today)."""
    return qs.annotate(
        is_certified=Exists(valid_certifications(on).filter(product=OuterRef("pk")))
    )


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
    return products_with_certification(qs).order_by("pk")


def makerspaces_for_index(*, ids: list[int] | None = None) -> QuerySet[Makerspace]:
    qs = Makerspace.objects.filter(is_published=True).select_related("operator")
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    return qs.order_by("pk")
