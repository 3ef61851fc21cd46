"""Reads of reward crowdfunding. ``*_get_for_viewer`` answer 404 for what the viewer may
not see (a draft of another maker, another backer's pledge), never 403: the object's
existence is not disclosed."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_DOWN

from django.db.models import Count, Prefetch, Q, QuerySet, Sum
from django.utils.translation import gettext_lazy as _

from crowdfunding.models import Campaign, Pledge, Tier, TierStock
from crowdfunding.rules import CrowdfundingPerm
from marketplace.core.errors import NotFoundError
from marketplace.core.money import Money
from marketplace.core.permissions import has_perm, scope_for


def campaigns_public() -> QuerySet[Campaign]:
    return (Campaign.objects.filter(status__in=Campaign.PUBLIC_STATUSES)
            .select_related("organisation").order_by("ends_at", "pk"))


def campaigns_visible_to(user) -> QuerySet[Campaign]:
    public = Q(status__in=Campaign.PUBLIC_STATUSES)
    own = Q(pk__in=scope_for(user, CrowdfundingPerm.VIEW_CAMPAIGN, Campaign.objects.all())
            .values("pk"))
    return Campaign.objects.filter(public | own).select_related("organisation")


def campaign_get_for_viewer(*, user, pk: int) -> Campaign:
    campaign = (Campaign.objects.select_related("organisation")
                .prefetch_related(Prefetch("tiers", queryset=_tiers_with_stock()), "products")
                .filter(pk=pk).first())
    if campaign is None or (campaign.status not in Campaign.PUBLIC_STATUSES
                            and not has_perm(user, CrowdfundingPerm.VIEW_CAMPAIGN, campaign)):
        raise NotFoundError(_("No such campaign."))
    return campaign


def _tiers_with_stock() -> QuerySet[Tier]:
    return Tier.objects.annotate(
        stock_left=Sum("stock__remaining"),
        backer_count=Count("pledges", filter=Q(pledges__status__in=Pledge.HOLDING_STATUSES),
                           distinct=True),
    ).order_by("position", "price_amount", "pk")


def tier_remaining(tier: Tier) -> int | None:
    """Units left (None: unlimited). Uses the annotation when the tier came from
    ``campaign_get_for_viewer``."""
    if tier.quantity is None:
        return None
    if hasattr(tier, "stock_left"):
        return tier.stock_left or 0
    return TierStock.objects.filter(tier=tier).aggregate(t=Sum("remaining"))["t"] or 0


@dataclass(frozen=True)
class Progress:
    pledged: Money
    backers: int
    percent_funded: int


def campaign_progress(campaign: Campaign) -> Progress:
    """Pledged and backers count active pledges (a flexible pledge counts once charged),
    and after the deadline those being settled (``Pledge.COUNTED_STATUSES``)."""
    row = Pledge.objects.filter(campaign=campaign, status__in=Pledge.COUNTED_STATUSES).aggregate(
        total=Sum("amount_value"), backers=Count("pk"))
    pledged = Money(row["total"] or 0, campaign.goal_currency)
    percent = int((pledged.amount * 100 / campaign.goal_amount).to_integral_value(ROUND_DOWN)) \
        if campaign.goal_amount else 0
    return Progress(pledged=pledged, backers=row["backers"] or 0, percent_funded=percent)


def pledge_get_for_viewer(*, user, pk: int) -> Pledge:
    pledge = (scope_for(user, CrowdfundingPerm.CHANGE_PLEDGE, Pledge.objects.all())
              .select_related("campaign", "tier").filter(pk=pk).first())
    if pledge is None:
        raise NotFoundError(_("No such pledge."))
    return pledge


def pledges_of_backer(user) -> QuerySet[Pledge]:
    return (scope_for(user, CrowdfundingPerm.CHANGE_PLEDGE, Pledge.objects.all())
            .select_related("campaign", "tier").order_by("-created_at", "-pk"))


def campaign_review_queue() -> QuerySet[Campaign]:
    return (Campaign.objects.filter(status=Campaign.Status.SUBMITTED)
            .select_related("organisation").order_by("submitted_at", "pk"))


