"""Helpers of the voucher API views: what an input names, resolved or refused (400)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from catalog.models import Makerspace
from catalog.selectors import makerspace_by_slug
from marketplace.accounts.models import Organisation
from marketplace.accounts.selectors import organisation_get
from marketplace.core.errors import NotFoundError
from vouchers.errors import VoucherValidationError


def makerspace_named(slug: str) -> Makerspace:
    makerspace = makerspace_by_slug(slug)
    if makerspace is None:
        raise VoucherValidationError(_("Unknown makerspace “%(slug)s”.") % {"slug": slug},
                                     code="unknown_makerspace", data={"field": "makerspace"})
    return makerspace


def organisation_named(slug: str | None) -> Organisation | None:
    if not slug:
        return None
    try:
        return organisation_get(slug)
    except NotFoundError as exc:
        raise VoucherValidationError(
            _("Unknown organisation “%(slug)s”.") % {"slug": slug},
            code="unknown_organisation", data={"field": "organisation"},
        ) from exc
