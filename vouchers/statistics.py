"""The programme office's statistics: per makerspace and service category, what was
issued, spent, redeemed and lapsed in a calendar year (the vouchers of that year)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Sum

from marketplace.core.locale import pick
from marketplace.core.permissions import require_perm
from vouchers.models import Programme, Voucher, VoucherOrder
from vouchers.names import VouchersPerm
from vouchers.packs import category_label

FIELDS = ("issued", "spent", "redeemed", "lapsed")


@dataclass
class StatisticsRow:
    makerspace: str
    makerspace_name: str
    category: str
    category_name: str
    currency: str
    issued: Decimal = Decimal(0)
    spent: Decimal = Decimal(0)
    redeemed: Decimal = Decimal(0)
    lapsed: Decimal = Decimal(0)


def statistics_for_viewer(*, user, programme: Programme, year: int) -> list[StatisticsRow]:
    """Issued and lapsed count under the category applied for; spent and redeemed under
    the category of the service ordered. Two grouped queries, whatever the data."""
    require_perm(user, VouchersPerm.VIEW_STATISTICS, programme)
    vouchers = Voucher.objects.filter(programme=programme, year=year)
    orders = VoucherOrder.objects.filter(voucher__in=vouchers)
    rows: dict[tuple[str, str], StatisticsRow] = {}
    names: dict[str, str] = {}

    def row(slug, name, name_en, category) -> StatisticsRow:
        names.setdefault(slug, pick(name, name_en))
        key = (slug, category)
        if key not in rows:
            rows[key] = StatisticsRow(slug, names[slug], category,
                                      category_label(programme, category), programme.currency)
        return rows[key]

    space = ("makerspace__slug", "makerspace__name", "makerspace__name_en")
    for r in (vouchers.values(*space, "application__category")
              .annotate(issued=Sum("amount_issued"), lapsed=Sum("lapsed_amount"))):
        target = row(r["makerspace__slug"], r["makerspace__name"], r["makerspace__name_en"],
                     r["application__category"])
        target.issued += r["issued"] or 0
        target.lapsed += r["lapsed"] or 0
    order_space = tuple(f"voucher__{f}" for f in space)
    for r in orders.values(*order_space, "service__category", "status").annotate(
            total=Sum("voucher_amount")):
        target = row(r["voucher__makerspace__slug"], r["voucher__makerspace__name"],
                     r["voucher__makerspace__name_en"], r["service__category"])
        target.spent += r["total"]
        if r["status"] == VoucherOrder.Status.REDEEMED:
            target.redeemed += r["total"]
    return sorted(rows.values(), key=lambda r: (r.makerspace_name, r.category))
