"""The programme office's chart, drawn on the server as inline SVG (no script): per
makerspace, four bars for what was issued, spent, redeemed and lapsed in the year."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from marketplace.core.formatting import format_money
from vouchers.statistics import FIELDS

WIDTH, LABEL_W, BAR_H, GAP, PAD = 720, 220, 9, 14, 8
COLOURS = {"issued": "#1f6feb", "spent": "#2da44e", "redeemed": "#8250df", "lapsed": "#cf222e"}


def _n(value: float) -> str:
    return f"{value:.1f}"


def statistics_chart_svg(rows, *, currency: str) -> SafeString:
    """``rows``: ``statistics.statistics_for_viewer`` rows (summed per makerspace here)."""
    if not rows:
        return format_html('<p class="muted">{}</p>', _("No vouchers issued this year."))
    spaces: dict[str, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    for r in rows:
        for f in FIELDS:
            spaces[r.makerspace_name][f] += getattr(r, f)
    top = max([max(v.values()) for v in spaces.values()] + [Decimal(1)])
    labels = {"issued": _("Issued"), "spent": _("Spent"), "redeemed": _("Redeemed"),
              "lapsed": _("Lapsed")}
    group_h = len(FIELDS) * BAR_H + GAP
    inner_w = WIDTH - LABEL_W - 2 * PAD
    parts = []
    for i, (name, values) in enumerate(sorted(spaces.items())):
        y0 = PAD + i * group_h
        parts.append(format_html('<text x="{}" y="{}" font-size="12">{}</text>',
                                 PAD, _n(y0 + 2 * BAR_H), name))
        for j, f in enumerate(FIELDS):
            width = float(values[f] / top) * inner_w
            parts.append(format_html(
                '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"><title>{}: {}</title></rect>',
                LABEL_W, _n(y0 + j * BAR_H), _n(width), BAR_H - 1, COLOURS[f], labels[f],
                format_money(values[f], currency)))
    height = PAD * 2 + len(spaces) * group_h + 20
    legend_y = height - 8
    legend = format_html_join("", '<rect x="{}" y="{}" width="10" height="10" fill="{}"/>'
                              '<text x="{}" y="{}" font-size="11">{}</text>', (
        (LABEL_W + k * 110, legend_y - 9, COLOURS[f], LABEL_W + k * 110 + 14, legend_y,
         labels[f]) for k, f in enumerate(FIELDS)))
    return format_html(
        '<svg class="voucher-chart" viewBox="0 0 {w} {h}" role="img" aria-label="{label}" '
        'xmlns="http://www.w3.org/2000/svg">{bars}{legend}</svg>',
        w=WIDTH, h=height, label=_("Vouchers per makerspace: issued, spent, redeemed, lapsed"),
        bars=format_html_join("", "{}", ((p,) for p in parts)), legend=legend,
    )
