"""Display helpers of the crowdfunding pages: a campaign's percent funded and time left,
a tier's delivery month, the funding model in words."""

from __future__ import annotations

from datetime import date
from decimal import ROUND_DOWN, Decimal

from babel import dates as babel_dates
from django import template
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from crowdfunding.models import FundingModel
from marketplace.core.locale import babel_locale

register = template.Library()


@register.filter
def funded_percent(campaign) -> int:
    """Percent of the goal pledged, rounded down, from the ``pledged_total`` annotation
    (``selectors.campaigns_with_totals``) or a ``Progress``."""
    pledged = getattr(campaign, "pledged_total", None) or Decimal(0)
    goal = campaign.goal_amount
    if not goal:
        return 0
    return int((Decimal(pledged) * 100 / goal).to_integral_value(ROUND_DOWN))


@register.filter
def backers_form(count) -> str:
    """The backers label's plural form for ``count`` with its ``%(counter)s`` left in, for
    the live page to fill with the pushed number."""
    return ngettext("%(counter)s backer", "%(counter)s backers", int(count))


@register.filter
def bar_value(percent) -> int:
    """The progress bar's fill: the percent, capped at 100 (150 % funded is a full bar)."""
    try:
        return max(0, min(int(percent), 100))
    except (TypeError, ValueError):
        return 0


@register.filter
def time_left(ends_at) -> str:
    """"12 days left" / "5 hours left" / "Ended"; "" before the deadline is set."""
    if ends_at is None:
        return ""
    seconds = (ends_at - timezone.now()).total_seconds()
    if seconds <= 0:
        return _("Ended")
    days = int(seconds // 86400)
    if days >= 1:
        return ngettext("%(n)s day left", "%(n)s days left", days) % {"n": days}
    hours = int(seconds // 3600)
    if hours >= 1:
        return ngettext("%(n)s hour left", "%(n)s hours left", hours) % {"n": hours}
    minutes = max(int(seconds // 60), 1)
    return ngettext("%(n)s minute left", "%(n)s minutes left", minutes) % {"n": minutes}


@register.filter
def delivery_month(value) -> str:
    """An estimated delivery month in the reader's locale: "2027年6月" / "June 2027"."""
    if not isinstance(value, date):
        return ""
    return babel_dates.format_skeleton("yMMMM", value, locale=babel_locale())


@register.filter
def funding_model_explained(campaign) -> str:
    if campaign.funding_model == FundingModel.FLEXIBLE:
        return _("Flexible: the maker keeps what is raised, even below the goal. Your card "
                 "is charged when you pledge and refunded if you cancel before the deadline.")
    if campaign.funding_model == FundingModel.THRESHOLD:
        return _("Threshold: cards are charged at the deadline only if at least %(n)s %% of "
                 "the goal has been pledged; otherwise nobody is charged.") % {
            "n": campaign.threshold_percent}
    return _("All or nothing: cards are charged at the deadline only if the goal is "
             "reached; otherwise nobody is charged.")
