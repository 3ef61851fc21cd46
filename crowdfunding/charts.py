"""The maker's funding chart, drawn on the server as inline SVG (no script, no CDN):
bars for the pledges of each day, a line for the cumulative amount, the goal dashed."""

from __future__ import annotations

from decimal import Decimal

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from marketplace.core.formatting import format_date, format_money

WIDTH, HEIGHT, PAD = 640, 240, 32


def _n(value: float) -> str:
    """A coordinate as SVG text (formatted before format_html, which escapes its args)."""
    return f"{value:.1f}"


def funding_chart_svg(days, *, goal) -> SafeString:
    """``days``: ``selectors.campaign_funding_by_day`` rows (day, pledges, cumulative)."""
    if not days:
        return format_html('<p class="muted">{}</p>', _("No pledges yet."))
    top_amount = max([days[-1].cumulative.amount, goal.amount, Decimal(1)])
    top_count = max(d.pledges for d in days) or 1
    inner_w, inner_h = WIDTH - 2 * PAD, HEIGHT - 2 * PAD
    step = inner_w / len(days)

    def y_amount(amount) -> float:
        return PAD + inner_h - float(amount / top_amount) * inner_h

    bars = format_html_join("", (
        '<rect class="bar" x="{}" y="{}" width="{}" height="{}">'
        "<title>{}: {}</title></rect>"), (
        (_n(PAD + i * step + step * 0.15),
         _n(PAD + inner_h - d.pledges / top_count * inner_h * 0.5),
         _n(step * 0.7), _n(d.pledges / top_count * inner_h * 0.5), format_date(d.day),
         _("%(n)s pledges") % {"n": d.pledges}) for i, d in enumerate(days)))
    points = " ".join(f"{PAD + (i + 0.5) * step:.1f},{y_amount(d.cumulative.amount):.1f}"
                      for i, d in enumerate(days))
    goal_y = y_amount(goal.amount)
    label = _("Pledges per day and cumulative amount")
    return format_html(
        '<svg class="funding-chart" viewBox="0 0 {w} {h}" role="img" aria-label="{label}" '
        'xmlns="http://www.w3.org/2000/svg">'
        '<line class="axis" x1="{p}" y1="{base}" x2="{right}" y2="{base}"/>'
        '<line class="goal" x1="{p}" y1="{gy}" x2="{right}" y2="{gy}"/>'
        '<text x="{p}" y="{gty}" class="goal-label">{goal_text}</text>'
        "{bars}"
        '<polyline class="cumulative" fill="none" points="{points}"/>'
        '<text x="{p}" y="{bottom}">{first}</text>'
        '<text x="{right}" y="{bottom}" text-anchor="end">{last}</text>'
        '<text x="{right}" y="{p}" text-anchor="end">{total}</text>'
        "</svg>",
        w=WIDTH, h=HEIGHT, label=label, p=PAD, base=PAD + inner_h, right=WIDTH - PAD,
        gy=_n(goal_y), gty=_n(goal_y - 4), goal_text=_("Goal %(goal)s") % {"goal": format_money(goal)},
        bars=bars, points=mark_safe(points),  # noqa: S308  (numbers formatted above)
        bottom=HEIGHT - 8, first=format_date(days[0].day), last=format_date(days[-1].day),
        total=format_money(days[-1].cumulative))
