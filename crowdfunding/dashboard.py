"""Dashboard panels of reward crowdfunding (registered from CrowdfundingConfig.ready):
the backer's pledges and what needs their action, the maker's campaigns, the staff
review queue. Each panel reads through the selectors in a constant number of queries."""

from __future__ import annotations

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from crowdfunding import selectors
from crowdfunding.models import Campaign, Pledge
from crowdfunding.navigation import is_campaign_maker
from marketplace.core.dashboard import Link, Panel, dashboard_panel
from marketplace.core.formatting import format_money
from marketplace.core.locale import localized

PANEL_ITEMS = 5


def _campaign_url(campaign_id: int) -> str:
    return reverse("crowdfunding:campaign_detail", args=[campaign_id])


def _needed_action(pledge: Pledge) -> str:
    if pledge.status == Pledge.Status.FAILED:
        return _("The payment failed: pledge again with another card")
    return _("Your card can no longer be charged: add another one")


@dashboard_panel("crowdfunding.pledges", order=40)
def my_pledges(user) -> Panel | None:
    pledges = selectors.pledges_of_backer(user)
    counts = pledges.aggregate(
        all=Count("pk"), open=Count("pk", filter=Q(status__in=Pledge.HOLDING_STATUSES)))
    if not counts["all"]:
        return None
    needing = list(selectors.pledges_needing_action(user)[:PANEL_ITEMS])
    items = [Link(p.campaign.title, _campaign_url(p.campaign_id), _needed_action(p))
             for p in needing]
    needing_ids = {p.pk for p in needing}
    items += [Link(p.campaign.title, _campaign_url(p.campaign_id),
                   f"{format_money(p.amount)} · {p.get_status_display()}")
              for p in pledges[:PANEL_ITEMS] if p.pk not in needing_ids]
    return Panel(title=_("Your pledges"), count=counts["open"], count_label=_("open"),
                 items=items[:PANEL_ITEMS * 2],
                 action=Link(_("Discover campaigns"), reverse("crowdfunding:discover")),
                 more=Link(_("All your pledges"), reverse("crowdfunding:pledge_list")))


@dashboard_panel("crowdfunding.campaigns", order=22)
def my_campaigns(user) -> Panel | None:
    if not is_campaign_maker(user):
        return None
    campaigns = selectors.campaigns_of_maker(user)
    counts = Campaign.objects.filter(pk__in=campaigns.values("pk")).aggregate(
        all=Count("pk"),
        drafts=Count("pk", filter=Q(status__in=(Campaign.Status.DRAFT,
                                                 Campaign.Status.CHANGES_REQUESTED))),
        review=Count("pk", filter=Q(status=Campaign.Status.SUBMITTED)),
        live=Count("pk", filter=Q(status=Campaign.Status.LIVE)))
    may_start = bool(selectors.organisations_that_may_start(user))
    if not counts["all"] and not may_start:
        return None
    items = [Link(c.title, reverse("crowdfunding:campaign_manage", args=[c.pk]), " · ".join((
                  c.get_status_display(), format_money(c.pledged_total or 0, c.goal_currency),
                  ngettext("%(n)s backer", "%(n)s backers", c.backer_total)
                  % {"n": c.backer_total})))
             for c in campaigns[:PANEL_ITEMS]]
    if counts["drafts"]:
        items.append(Link(ngettext("%(n)s draft to finish and submit",
                                   "%(n)s drafts to finish and submit", counts["drafts"])
                          % {"n": counts["drafts"]}, ""))
    if counts["review"]:
        items.append(Link(ngettext("%(n)s campaign waiting for review",
                                   "%(n)s campaigns waiting for review", counts["review"])
                          % {"n": counts["review"]}, ""))
    return Panel(title=_("Your campaigns"), count=counts["live"], count_label=_("live"),
                 items=items,
                 action=Link(_("Start a campaign"), reverse("crowdfunding:campaign_create"))
                 if may_start else None,
                 more=Link(_("All your campaigns"), reverse("crowdfunding:my_campaigns")))


@dashboard_panel("crowdfunding.staff_review", order=3)
def review_queue(user) -> Panel | None:
    if not user.is_staff:
        return None
    queue = selectors.campaign_review_queue()
    return Panel(
        title=_("Campaigns to review"), count=queue.count(), count_label=_("waiting"),
        items=[Link(c.title, reverse("crowdfunding:review", args=[c.pk]),
                    localized(c.organisation, "name")) for c in queue[:PANEL_ITEMS]],
        more=Link(_("The whole queue"), reverse("crowdfunding:review_queue")))


@dashboard_panel("crowdfunding.staff_comments", order=4)
def reported_comments(user) -> Panel | None:
    """Staff: reported comments waiting for a decision."""
    if not user.is_staff:
        return None
    reported = selectors.comments_reported()
    return Panel(
        title=_("Reported comments"), count=reported.count(), count_label=_("waiting"),
        items=[Link(c.body[:80], reverse("crowdfunding:moderation") + f"#comment-{c.pk}",
                    c.campaign.title) for c in reported[:PANEL_ITEMS]],
        more=Link(_("The moderation queue"), reverse("crowdfunding:moderation")))
