"""Programmes: a region's voucher programme, created by staff from the region's pack."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from marketplace.core.audit import audit_log
from marketplace.core.db import unique_conflicts
from marketplace.core.money import Money
from marketplace.core.permissions import require_perm
from vouchers.errors import VoucherValidationError
from vouchers.models import Programme
from vouchers.names import VouchersAction, VouchersPerm
from vouchers.packs import voucher_pack


def _positive_int(value, field: str, *, maximum: int) -> int:
    try:
        number = int(value)
        if str(value).strip() != str(number):
            raise ValueError
    except (TypeError, ValueError):
        number = None
    if number is None or not 1 <= number <= maximum:
        raise VoucherValidationError(
            _("Give a whole number from 1 to %(max)s.") % {"max": maximum},
            code=f"bad_{field}", data={"field": field},
        )
    return number


def _clean_share(value) -> Decimal:
    try:
        share = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        share = None
    if share is None or not share.is_finite() or not Decimal(0) < share <= Decimal(100):
        raise VoucherValidationError(
            _("The maximum share of a price is a percentage above 0 and at most 100."),
            code="bad_max_share", data={"field": "max_share_percent"},
        )
    return share


def _clean_categories(categories) -> list[dict]:
    cleaned, seen = [], set()
    for entry in categories or ():
        code = str(entry.get("code", "")).strip() if isinstance(entry, dict) else ""
        name = str(entry.get("name", "")).strip() if isinstance(entry, dict) else ""
        if not code or not name or code in seen:
            raise VoucherValidationError(
                _("Each service category needs a code of its own and a name."),
                code="bad_categories", data={"field": "categories"},
            )
        seen.add(code)
        cleaned.append({"code": code, "name": name,
                        "name_en": str(entry.get("name_en", "")).strip()})
    if not cleaned:
        raise VoucherValidationError(_("A programme needs at least one service category."),
                                     code="bad_categories", data={"field": "categories"})
    return cleaned


def programme_create(*, actor, region: str | None = None, **overrides) -> Programme:
    """Create the region's programme from its voucher pack; ``overrides`` change the
    pack's figures (``name``, ``name_en``, ``categories``, ``annual_cap``,
    ``validity_days``, ``max_share_percent``, ``company_age_limit_months``)."""
    require_perm(actor, VouchersPerm.MANAGE_PROGRAMME, None)
    try:
        pack = voucher_pack(region)
    except LookupError as exc:
        raise VoucherValidationError(_("There is no voucher pack for this region."),
                                     code="no_pack", data={"field": "region"}) from exc
    allowed = {"name", "name_en", "categories", "annual_cap", "validity_days",
               "max_share_percent", "company_age_limit_months"}
    unknown = sorted(set(overrides) - allowed)
    if unknown:
        raise VoucherValidationError(
            _("These fields cannot be set: %(fields)s.") % {"fields": ", ".join(unknown)},
            code="unknown_fields", data={"fields": unknown},
        )
    values = {
        "name": pack["name"], "name_en": pack.get("name_en", ""),
        "categories": pack["categories"], "annual_cap": pack["annual_cap_per_makerspace"],
        "validity_days": pack["validity_days"], "max_share_percent": pack["max_share_percent"],
        "company_age_limit_months": pack["company_age_limit_months"], **overrides,
    }
    name = str(values["name"] or "").strip()
    if not name:
        raise VoucherValidationError(_("Give the programme's name."), code="required",
                                     data={"field": "name"})
    cap = Money.from_input(values["annual_cap"], pack["currency"],
                           label=_("The annual cap"), positive=True)
    programme = Programme(
        region=pack["region"], name=name[:200], name_en=str(values["name_en"] or "")[:200],
        categories=_clean_categories(values["categories"]), annual_cap=cap,
        validity_days=_positive_int(values["validity_days"], "validity_days", maximum=3650),
        max_share_percent=_clean_share(values["max_share_percent"]),
        company_age_limit_months=_positive_int(values["company_age_limit_months"],
                                               "company_age_limit_months", maximum=600),
    )
    with transaction.atomic(), unique_conflicts(Programme, {
        "region": _("This region already has a voucher programme."),
    }):
        programme.save()
        audit_log(actor=actor, action=VouchersAction.PROGRAMME_CREATED, obj=programme,
                  data={"region": programme.region, "annual_cap": str(cap.amount),
                        "currency": cap.currency})
    return programme
