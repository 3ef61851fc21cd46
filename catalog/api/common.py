"""Helpers of the catalogue API views."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from catalog import selectors
from catalog.errors import CatalogValidationError
from catalog.models import Category, Makerspace
from marketplace.accounts.models import Organisation
from marketplace.accounts.selectors import organisation_get
from marketplace.core.errors import NotFoundError
from marketplace.core.schema import error_responses


def errors(*codes: int) -> dict:
    return error_responses(*codes)


def organisation_by_slug(slug: str) -> Organisation:
    """The organisation an input names (accounts' selector); an unknown slug is bad input
    (400), not a missing page."""
    try:
        return organisation_get(slug)
    except NotFoundError as exc:
        raise CatalogValidationError(
            _("Unknown organisation “%(slug)s”.") % {"slug": slug}, code="unknown_organisation"
        ) from exc


def category_by_slug(slug: str) -> Category:
    category = selectors.category_by_slug(slug)
    if category is None:
        raise CatalogValidationError(_("Unknown category “%(slug)s”.") % {"slug": slug})
    return category


def makerspace_by_slug(slug: str | None) -> Makerspace | None:
    if not slug:
        return None
    makerspace = selectors.makerspace_by_slug(slug)
    if makerspace is None:
        raise CatalogValidationError(_("Unknown makerspace “%(slug)s”.") % {"slug": slug})
    return makerspace


def resolve_product_refs(data: dict) -> dict:
    """Turn the slugs of an input into objects for the service."""
    data = dict(data)
    if "category" in data:
        data["category"] = category_by_slug(data["category"])
    if "makerspace" in data:
        data["makerspace"] = makerspace_by_slug(data["makerspace"])
    return data
