"""Reads of reward crowdfunding. ``*_get_for_viewer`` answer 404 for what the viewer may
not see (a draft of another maker, another backer's pledge), never 403: the object's
existence is not disclosed."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_DOWN

from django.db.models import Count, Prefetch, Q, QuerySet, Sum
from django.utils.translation import gettext_lazy as _

from crowdfunding.models import (
    Campaign,
    CampaignComment,
    CampaignUpdate,
    Pledge,
    Tier,
    TierStock,
)
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


# --- pages, live progress and search ----------------------------------------------------
# (imported here so that this section is appended to the module, not spliced into it)
from django.db.models.functions import TruncDate  # noqa: E402

from crowdfunding.rules import MAKER_ROLES  # noqa: E402
from marketplace.accounts.rules import organisation_ids_of  # noqa: E402
from marketplace.core.formatting import format_money  # noqa: E402
from marketplace.payments.models import SavedPaymentMethod  # noqa: E402

DISCOVER_ROWS = 6


def campaigns_live() -> QuerySet[Campaign]:
    return (Campaign.objects.filter(status=Campaign.Status.LIVE)
            .select_related("organisation").prefetch_related("products"))


def campaigns_with_totals(queryset: QuerySet[Campaign]) -> QuerySet[Campaign]:
    """``pledged_total`` and ``backer_total`` (active pledges) annotated, in one query."""
    active = Q(pledges__status=Pledge.Status.ACTIVE)
    return queryset.annotate(pledged_total=Sum("pledges__amount_value", filter=active),
                             backer_total=Count("pledges", filter=active))


def campaigns_discover(*, category: str = "", district: str = "") -> dict[str, list[Campaign]]:
    """The Discover page: featured (best funded), ending soon, newly launched, and the
    live campaigns filtered by the linked products' category path and district."""
    live = campaigns_live()
    # filters through subqueries: a join on products would multiply the totals
    if category:
        live = live.filter(pk__in=Campaign.objects.filter(
            Q(products__category__path=category)
            | Q(products__category__path__startswith=f"{category}/")).values("pk"))
    if district:
        live = live.filter(pk__in=Campaign.objects.filter(
            Q(products__makerspace__district=district)
            | Q(organisation__district=district)).values("pk"))
    live = campaigns_with_totals(live)
    return {
        "featured": list(live.order_by("-pledged_total", "pk")[:DISCOVER_ROWS]),
        "ending_soon": list(live.order_by("ends_at", "pk")[:DISCOVER_ROWS]),
        "new": list(live.order_by("-launched_at", "-pk")[:DISCOVER_ROWS]),
    }


def campaign_progress_payload(campaign_id: int) -> dict | None:
    """What an open campaign page shows live (amount, backers, % of goal, the deadline,
    each limited tier's remaining units); None for a campaign that is not public."""
    campaign = (Campaign.objects.filter(pk=campaign_id, status__in=Campaign.PUBLIC_STATUSES)
                .prefetch_related(Prefetch("tiers", queryset=_tiers_with_stock())).first())
    if campaign is None:
        return None
    progress = campaign_progress(campaign)
    return {
        "campaign": campaign.pk,
        "status": campaign.status,
        "pledged": str(progress.pledged.amount),
        "pledged_display": format_money(progress.pledged.amount, progress.pledged.currency),
        "backers": progress.backers,
        "percent_funded": progress.percent_funded,
        "ends_at": campaign.ends_at.isoformat() if campaign.ends_at else None,
        "remaining": {str(t.pk): tier_remaining(t) for t in campaign.tiers.all()
                      if t.quantity is not None},
    }


def campaigns_of_maker(user) -> QuerySet[Campaign]:
    return campaigns_with_totals(
        Campaign.objects.filter(organisation_id__in=organisation_ids_of(user, MAKER_ROLES))
        .select_related("organisation")).order_by("-created_at", "-pk")


def campaign_backers(campaign: Campaign) -> QuerySet[Pledge]:
    """The campaign's pledges for its maker (open ones first)."""
    return (Pledge.objects.filter(campaign=campaign)
            .select_related("backer", "tier").order_by("status", "-created_at", "-pk"))


@dataclass(frozen=True)
class FundingDay:
    day: object  # date
    pledges: int
    cumulative: Money


def campaign_funding_by_day(campaign: Campaign) -> list[FundingDay]:
    """Pledges made per day (active ones, by creation day) and the cumulative amount."""
    rows = (Pledge.objects.filter(campaign=campaign, status=Pledge.Status.ACTIVE)
            .annotate(day=TruncDate("created_at")).values("day")
            .annotate(n=Count("pk"), total=Sum("amount_value")).order_by("day"))
    days, running = [], Money(0, campaign.goal_currency)
    for row in rows:
        running = running + Money(row["total"] or 0, campaign.goal_currency)
        days.append(FundingDay(day=row["day"], pledges=row["n"], cumulative=running))
    return days


def pledges_needing_action(user) -> QuerySet[Pledge]:
    """A backer's pledges that need them: a failed payment, a declined charge in its fix
    window, or an open pledge whose card is no longer active."""
    from django.utils import timezone

    return pledges_of_backer(user).filter(
        Q(status=Pledge.Status.FAILED, campaign__status=Campaign.Status.LIVE)
        | Q(status=Pledge.Status.PAYMENT_FAILED, fix_until__gt=timezone.now())
        | (Q(status__in=Pledge.HOLDING_STATUSES)
           & ~Q(payment_method__status=SavedPaymentMethod.Status.ACTIVE)))


def campaigns_for_product(product) -> list[Campaign]:
    """Public campaigns linking ``product`` (the product page's section)."""
    return list(campaigns_with_totals(campaigns_public().filter(products=product)))


def campaigns_for_index(ids=None) -> QuerySet[Campaign]:
    """The campaigns search may find: public ones, in primary-key order, with their
    products' category and makerspace, and their totals."""
    queryset = campaigns_with_totals(
        Campaign.objects.filter(status__in=Campaign.PUBLIC_STATUSES)
        .select_related("organisation")
        .prefetch_related("products__category", "products__makerspace")).order_by("pk")
    if ids is not None:
        queryset = queryset.filter(pk__in=ids)
    return queryset


def campaign_products(campaign: Campaign, user=None) -> list:
    """The campaign's linked products with their certification and first-set badges (the
    catalogue's own list read), the ones the viewer may see."""
    from catalog.selectors import product_list, products_visible_to

    base = campaign.products.all()
    if user is not None:
        base = base.filter(pk__in=products_visible_to(user).values("pk"))
    return list(product_list(user=user, base=base))


def campaign_categories() -> list:
    """The categories of products that live campaigns link (Discover's filter)."""
    from catalog.models import Category

    return list(Category.objects.filter(
        products__campaigns__status=Campaign.Status.LIVE).distinct().order_by("path"))


def maker_products_for_campaign(organisation) -> list:
    """Products a campaign of ``organisation`` may link (not withdrawn)."""
    from catalog.models import Product

    return list(Product.objects.filter(organisation=organisation)
                .exclude(status=Product.Status.WITHDRAWN).order_by("name", "pk"))


def organisations_that_may_start(user) -> list:
    """The verified maker companies whose campaigns ``user`` may start."""
    from marketplace.accounts.models import (
        Organisation,
        OrganisationKind,
        OrganisationVerification,
    )

    return list(Organisation.objects.filter(
        pk__in=organisation_ids_of(user, MAKER_ROLES), kind=OrganisationKind.MAKER_COMPANY,
        verification_status=OrganisationVerification.VERIFIED).order_by("name"))


def pledge_open_of_backer(user, campaign: Campaign) -> Pledge | None:
    """The backer's open (pending or active) pledge on ``campaign``, if any."""
    if not getattr(user, "is_authenticated", False):
        return None
    return (pledges_of_backer(user).filter(
        campaign=campaign, status__in=(Pledge.Status.PENDING, Pledge.Status.ACTIVE)).first())


def campaign_tiers_for_pledge(campaign: Campaign) -> list[Tier]:
    """The campaign's tiers with their remaining units and a ``sold_out`` flag (the
    pledge forms' choices), in one query."""
    tiers = list(_tiers_with_stock().filter(campaign=campaign))
    for tier in tiers:
        tier.remaining = tier_remaining(tier)
        tier.sold_out = tier.remaining == 0
    return tiers


def pledge_is_changeable(pledge: Pledge, now=None) -> bool:
    """An open pledge of a live campaign before its deadline may be changed or canceled."""
    from django.utils import timezone

    now = now or timezone.now()
    campaign = pledge.campaign
    return (pledge.status in (Pledge.Status.PENDING, Pledge.Status.ACTIVE)
            and campaign.status == Campaign.Status.LIVE
            and campaign.ends_at is not None and campaign.ends_at > now)


def campaign_get_for_maker(*, user, pk: int) -> Campaign:
    """A campaign its maker manages (any status); 404 for everyone else, staff included
    (staff review, they do not edit)."""
    campaign = (scope_for(user, CrowdfundingPerm.CHANGE_CAMPAIGN, Campaign.objects.all())
                .select_related("organisation")
                .prefetch_related(Prefetch("tiers", queryset=_tiers_with_stock()), "products")
                .filter(pk=pk).first())
    if campaign is None:
        raise NotFoundError(_("No such campaign."))
    return campaign


def tier_get_for_maker(*, user, pk: int) -> Tier:
    tier = (Tier.objects.select_related("campaign", "campaign__organisation")
            .filter(pk=pk, campaign__in=scope_for(user, CrowdfundingPerm.CHANGE_CAMPAIGN,
                                                  Campaign.objects.all())).first())
    if tier is None:
        raise NotFoundError(_("No such reward."))
    return tier


def campaign_get_for_review(*, user, pk: int) -> Campaign:
    """A campaign for staff review (any status, so a decided one shows its outcome)."""
    campaign = (Campaign.objects.select_related("organisation", "reviewed_by")
                .prefetch_related(Prefetch("tiers", queryset=_tiers_with_stock()), "products")
                .filter(pk=pk).first())
    if campaign is None or not has_perm(user, CrowdfundingPerm.REVIEW_CAMPAIGN, campaign):
        raise NotFoundError(_("No such campaign."))
    return campaign


def campaign_updates_for_viewer(campaign: Campaign, user) -> list:
    """The campaign's updates, newest first; a backers-only update is ``locked`` (title and
    date, no body) for anyone who is not a backer, one of the campaign's people or staff."""
    from crowdfunding.rules import is_backer

    updates = list(CampaignUpdate.objects.filter(campaign=campaign).order_by("-published_at",
                                                                             "-pk"))
    insider = None
    for update in updates:
        if update.audience == CampaignUpdate.Audience.BACKERS:
            if insider is None:  # asked once per page, only when an update needs it
                insider = bool(getattr(user, "is_authenticated", False)) and (
                    user.is_staff or has_perm(user, CrowdfundingPerm.POST_UPDATE, campaign)
                    or is_backer(user, campaign))
            update.locked = not insider
        else:
            update.locked = False
    return updates


def campaign_comments_for_viewer(campaign: Campaign, user) -> list:
    """Visible comments, oldest first; staff also see hidden ones (flagged), with the
    number of reports."""
    comments = CampaignComment.objects.filter(campaign=campaign).select_related("author")
    if not getattr(user, "is_staff", False):
        comments = comments.filter(status=CampaignComment.Status.VISIBLE)
    return list(comments.order_by("created_at", "pk"))


def comment_get_for_viewer(*, user, pk: int):
    """A comment of a public campaign (hidden ones for staff only); 404 otherwise."""
    comments = CampaignComment.objects.select_related("campaign").filter(
        campaign__status__in=Campaign.PUBLIC_STATUSES)
    if not getattr(user, "is_staff", False):
        comments = comments.filter(status=CampaignComment.Status.VISIBLE)
    comment = comments.filter(pk=pk).first()
    if comment is None:
        raise NotFoundError(_("No such comment."))
    return comment


def comments_reported() -> QuerySet:
    """Staff's moderation queue: visible comments with reports, most reported first."""
    return (CampaignComment.objects.filter(status=CampaignComment.Status.VISIBLE,
                                           report_count__gt=0)
            .select_related("campaign", "author").order_by("-report_count", "created_at"))
