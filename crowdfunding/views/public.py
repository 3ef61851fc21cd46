"""The public pages: Discover (live campaigns only) and the campaign page (public
campaigns for everyone; drafts and campaigns under review for their maker and staff,
404 for everyone else)."""

from __future__ import annotations

from django.shortcuts import render

from crowdfunding import selectors
from crowdfunding.charts import funding_chart_svg
from crowdfunding.forms import DiscoverFilterForm, UpdateForm
from crowdfunding.models import Campaign
from crowdfunding.rules import CrowdfundingPerm
from marketplace.core.pages import domain_errors_as_http
from marketplace.core.permissions import has_perm


def discover(request):
    form = DiscoverFilterForm(request.GET or None, categories=selectors.campaign_categories())
    status, filters = 200, {}
    if form.is_bound:
        if form.is_valid():
            filters = {k: v for k, v in form.cleaned_data.items() if v}
        else:
            status = 400
    rows = selectors.campaigns_discover(**filters) if status == 200 else \
        {"featured": [], "ending_soon": [], "new": []}
    return render(request, "crowdfunding/discover.html", {
        "form": form, "filtered": bool(filters), **rows,
        "empty": not any(rows.values()),
    }, status=status)


@domain_errors_as_http
def campaign_detail(request, pk):
    campaign = selectors.campaign_get_for_viewer(user=request.user, pk=pk)
    is_maker = has_perm(request.user, CrowdfundingPerm.CHANGE_CAMPAIGN, campaign)
    tiers = list(campaign.tiers.all())
    for tier in tiers:
        tier.remaining = selectors.tier_remaining(tier)
        tier.sold_out = tier.remaining == 0
    live = campaign.status == Campaign.Status.LIVE
    return render(request, "crowdfunding/campaign_detail.html", {
        "campaign": campaign,
        "progress": selectors.campaign_progress(campaign),
        "tiers": tiers,
        "products": selectors.campaign_products(campaign, request.user),
        "chart": funding_chart_svg(selectors.campaign_funding_by_day(campaign),
                                   goal=campaign.goal),
        "is_public": campaign.status in Campaign.PUBLIC_STATUSES,
        "is_live": live,
        "is_maker": is_maker,
        "my_pledge": selectors.pledge_open_of_backer(request.user, campaign) if live else None,
        "can_back": live and not is_maker and (
            not request.user.is_authenticated
            or has_perm(request.user, CrowdfundingPerm.BACK_CAMPAIGN, campaign)),
        "updates": selectors.campaign_updates_for_viewer(campaign, request.user),
        "comments": selectors.campaign_comments_for_viewer(campaign, request.user),
        "can_comment": has_perm(request.user, CrowdfundingPerm.COMMENT_CAMPAIGN, campaign),
        "update_form": UpdateForm() if is_maker and campaign.status in
        Campaign.PUBLIC_STATUSES else None,
    })
