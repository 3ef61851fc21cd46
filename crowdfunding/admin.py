"""Admin of reward crowdfunding: read-only. Campaigns, tiers and pledges change only
through their services (transitions, stock counters, audit); staff review through the
API's review queue."""

from django.contrib import admin

from crowdfunding.models import (
    Campaign,
    CampaignComment,
    CampaignUpdate,
    CommentReport,
    Pledge,
    Tier,
    TierStock,
)
from marketplace.core.admin import ReadOnlyAdmin, ReadOnlyInline


class TierInline(ReadOnlyInline):
    model = Tier
    fields = ("title", "price_amount", "price_currency", "estimated_delivery", "quantity",
              "no_reward")


class TierStockInline(ReadOnlyInline):
    model = TierStock
    fields = ("shard", "remaining")


@admin.register(Campaign)
class CampaignAdmin(ReadOnlyAdmin):
    list_display = ("pk", "title", "organisation", "status", "funding_model", "goal_amount",
                    "goal_currency", "launch_at", "ends_at")
    list_filter = ("status", "funding_model")
    list_select_related = ("organisation",)
    search_fields = ("title", "organisation__name")
    inlines = [TierInline]


@admin.register(Tier)
class TierAdmin(ReadOnlyAdmin):
    list_display = ("pk", "title", "campaign", "price_amount", "quantity", "no_reward")
    list_select_related = ("campaign",)
    inlines = [TierStockInline]


@admin.register(Pledge)
class PledgeAdmin(ReadOnlyAdmin):
    list_display = ("pk", "campaign", "tier", "backer", "amount_value", "currency", "status",
                    "created_at")
    list_filter = ("status",)
    list_select_related = ("campaign", "tier", "backer")


@admin.register(CampaignUpdate)
class CampaignUpdateAdmin(ReadOnlyAdmin):
    list_display = ("pk", "title", "campaign", "audience", "published_at")
    list_filter = ("audience",)
    list_select_related = ("campaign",)


@admin.register(CampaignComment)
class CampaignCommentAdmin(ReadOnlyAdmin):
    """Moderation happens on the site (hide with a reason, restore), audited."""

    list_display = ("pk", "campaign", "author", "status", "report_count", "created_at")
    list_filter = ("status",)
    list_select_related = ("campaign", "author")


@admin.register(CommentReport)
class CommentReportAdmin(ReadOnlyAdmin):
    list_display = ("pk", "comment", "reporter", "created_at")
    list_select_related = ("comment", "reporter")
