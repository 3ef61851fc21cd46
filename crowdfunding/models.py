"""Reward crowdfunding (实物众筹): campaigns, reward tiers, the tiers' stock counters and
pledges.

A tier's remaining units live in ``TierStock`` rows (``CROWDFUNDING_TIER_SHARDS`` per
limited tier), never in one column: a pledge takes one unit from any counter that still
has one, so concurrent pledges on a hot tier wait on different rows. The sum of a tier's
counters is its remaining count, exactly (see ``services/stock.py``).
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from catalog.models import Product
from marketplace.accounts.models import Organisation
from marketplace.core.money import amount_field, money_attribute


def default_currency() -> str:
    return settings.MARKETPLACE_CURRENCY


class FundingModel(models.TextChoices):
    ALL_OR_NOTHING = "all_or_nothing", _("All or nothing")
    FLEXIBLE = "flexible", _("Flexible (keep what is raised)")
    THRESHOLD = "threshold", _("Threshold (charged if N % of the goal is reached)")


PERCENT = {"max_digits": 5, "decimal_places": 2,
           "validators": [MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))]}


class Campaign(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted for review")
        CHANGES_REQUESTED = "changes_requested", _("Changes requested")
        APPROVED = "approved", _("Approved")
        LIVE = "live", _("Live")
        FUNDED = "funded", _("Funded")
        FAILED = "failed", _("Not funded")
        CANCELED = "canceled", _("Canceled")
        FULFILLING = "fulfilling", _("Fulfilling rewards")
        FULFILLED = "fulfilled", _("Rewards delivered")

    EDITABLE_STATUSES = (Status.DRAFT,)
    PUBLIC_STATUSES = (Status.LIVE, Status.FUNDED, Status.FAILED, Status.FULFILLING,
                       Status.FULFILLED)

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT,
                                     related_name="campaigns",
                                     verbose_name=_("maker organisation"))
    products = models.ManyToManyField(Product, related_name="campaigns",
                                      verbose_name=_("products"))
    title = models.CharField(_("title"), max_length=200)
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    story = models.TextField(_("story"), blank=True)
    goal_amount = amount_field(_("goal"))
    goal_currency = models.CharField(_("currency"), max_length=3, default=default_currency)
    goal = money_attribute("goal_amount", "goal_currency")
    duration_days = models.PositiveSmallIntegerField(
        _("duration in days"), validators=[MinValueValidator(1), MaxValueValidator(60)])
    launch_at = models.DateTimeField(_("launch at"), null=True, blank=True)
    funding_model = models.CharField(_("funding model"), max_length=20,
                                     choices=FundingModel.choices,
                                     default=FundingModel.ALL_OR_NOTHING)
    threshold_percent = models.PositiveSmallIntegerField(
        _("threshold (% of goal)"), null=True, blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(100)])
    platform_fee_percent = models.DecimalField(_("platform fee %"), **PERCENT)
    processing_fee_percent = models.DecimalField(_("processing fee %"), **PERCENT)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices,
                              default=Status.DRAFT, db_index=True)
    review_reason = models.TextField(_("review remarks"), blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(null=True, blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    launched_at = models.DateTimeField(_("launched at"), null=True, blank=True)
    # set once, when the campaign goes live; never changed afterwards
    ends_at = models.DateTimeField(_("ends at"), null=True, blank=True, db_index=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    cancel_reason = models.TextField(blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    # comments by backers only (the maker's choice); anyone signed in otherwise
    comments_backers_only = models.BooleanField(_("only backers may comment"), default=False)
    # the money released to the maker once every pledge is settled (staff approve it)
    payout = models.OneToOneField("payments.Payout", null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(duration_days__gte=1, duration_days__lte=60),
                name="campaign_duration_1_to_60"),
            models.CheckConstraint(
                condition=~Q(funding_model="threshold") | Q(threshold_percent__isnull=False),
                name="campaign_threshold_has_percent"),
            models.CheckConstraint(condition=Q(goal_amount__gt=0), name="campaign_goal_positive"),
        ]

    def __str__(self):
        return self.title

    @property
    def scope(self) -> str:
        """The escrow the campaign's money is held in (payments core)."""
        return f"crowdfunding.campaign:{self.pk}"


class Tier(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="tiers")
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    price_amount = amount_field(_("price"))
    price_currency = models.CharField(_("currency"), max_length=3)
    price = money_attribute("price_amount", "price_currency")
    # the first day of the estimated delivery month; none for a pledge without reward
    estimated_delivery = models.DateField(_("estimated delivery month"), null=True, blank=True)
    # None: unlimited; otherwise the number of units offered (sold + remaining)
    quantity = models.PositiveIntegerField(_("limited quantity"), null=True, blank=True)
    no_reward = models.BooleanField(_("pledge without reward"), default=False)
    position = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("reward tier")
        ordering = ["position", "price_amount", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(price_amount__gte=0), name="tier_price_not_negative"),
        ]

    def __str__(self):
        return self.title


class TierStock(models.Model):
    """One counter of a limited tier's remaining units. The tier's remaining count is the
    sum of its counters; none goes below zero (the database refuses it too)."""

    tier = models.ForeignKey(Tier, on_delete=models.CASCADE, related_name="stock")
    shard = models.PositiveSmallIntegerField()
    remaining = models.IntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["tier", "shard"], name="tier_stock_one_per_shard"),
            models.CheckConstraint(condition=Q(remaining__gte=0), name="tier_stock_not_negative"),
        ]

    def __str__(self):
        return f"{self.tier_id}/{self.shard}: {self.remaining}"


class Pledge(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Payment being confirmed")
        ACTIVE = "active", _("Active")
        CANCELED = "canceled", _("Canceled")
        FAILED = "failed", _("Payment failed")
        # settlement of a funded all-or-nothing or threshold campaign
        CHARGING = "charging", _("Being charged")
        CHARGED = "charged", _("Charged")
        PAYMENT_FAILED = "payment_failed", _("Payment failed: fix it within the window")
        DROPPED = "dropped", _("Dropped (payment not fixed)")
        REFUNDED = "refunded", _("Refunded (the campaign was not funded after all)")

    # statuses that hold a unit (a dropped pledge gave its unit back)
    HOLDING_STATUSES = (Status.PENDING, Status.ACTIVE, Status.CHARGING, Status.CHARGED,
                        Status.PAYMENT_FAILED)
    # what counts as pledged and as a backer: before the deadline the active pledges, after
    # it the ones being charged, charged, or in their fix window
    COUNTED_STATUSES = (Status.ACTIVE, Status.CHARGING, Status.CHARGED, Status.PAYMENT_FAILED)

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="pledges")
    tier = models.ForeignKey(Tier, null=True, blank=True, on_delete=models.PROTECT,
                             related_name="pledges")
    # the counter the pledge's unit was taken from (None: unlimited tier or no reward)
    stock_shard = models.PositiveSmallIntegerField(null=True, blank=True)
    backer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                               related_name="pledges")
    amount_value = amount_field(_("amount"))
    currency = models.CharField(_("currency"), max_length=3)
    amount = money_attribute("amount_value", "currency")
    payment_method = models.ForeignKey("payments.SavedPaymentMethod", on_delete=models.PROTECT,
                                       related_name="+")
    # flexible campaigns: the charge made at pledge
    attempt = models.ForeignKey("payments.PaymentAttempt", null=True, blank=True,
                                on_delete=models.PROTECT, related_name="+")
    refund = models.ForeignKey("payments.Refund", null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")
    anonymous = models.BooleanField(_("back anonymously"), default=False)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices,
                              default=Status.ACTIVE, db_index=True)
    canceled_at = models.DateTimeField(null=True, blank=True)
    # settlement: the end of the fix window after a failed charge
    fix_until = models.DateTimeField(_("fix the payment until"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("pledge")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "backer"], condition=Q(status__in=["pending", "active"]),
                name="pledge_one_open_per_backer"),
            models.CheckConstraint(condition=Q(amount_value__gt=0), name="pledge_amount_positive"),
        ]
        indexes = [models.Index(fields=["campaign", "status"], name="pledge_campaign_status")]

    def __str__(self):
        return f"pledge {self.pk}"

    @property
    def reference(self) -> str:
        return f"crowdfunding.pledge:{self.pk}"


class CampaignUpdate(models.Model):
    """A creator update: news from the maker, for everyone or for backers only."""

    class Audience(models.TextChoices):
        PUBLIC = "public", _("Everyone")
        BACKERS = "backers", _("Backers only")

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="updates")
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("update"))  # sanitised HTML
    audience = models.CharField(_("who may read it"), max_length=10, choices=Audience.choices,
                                default=Audience.PUBLIC)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                               related_name="+")
    published_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("creator update")
        ordering = ["-published_at", "-pk"]

    def __str__(self):
        return self.title


class CampaignComment(models.Model):
    """A comment on a campaign. Staff hide a comment (with the reason) and may show it
    again; anyone signed in may report one."""

    class Status(models.TextChoices):
        VISIBLE = "visible", _("Visible")
        HIDDEN = "hidden", _("Hidden by the moderators")

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                               related_name="+")
    body = models.TextField(_("comment"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices,
                              default=Status.VISIBLE, db_index=True)
    moderation_reason = models.CharField(_("reason"), max_length=500, blank=True)
    report_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("comment")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"comment {self.pk}"


class CommentReport(models.Model):
    """One person's report of a comment (once each)."""

    comment = models.ForeignKey(CampaignComment, on_delete=models.PROTECT, related_name="reports")
    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                 related_name="+")
    reason = models.CharField(_("reason"), max_length=500)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["comment", "reporter"],
                                               name="comment_report_once")]

    def __str__(self):
        return f"report {self.pk} of comment {self.comment_id}"
