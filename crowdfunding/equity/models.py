"""Rows of equity crowdfunding: investor onboarding (classification, knowledge test, risk
warning). No behaviour beyond properties: services write, selectors read."""

from __future__ import annotations

import os
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from marketplace.core.money import amount_field, money_attribute
from marketplace.core.storage import private_storage


class Classification(models.TextChoices):
    RETAIL = "retail", _("Retail investor")
    SOPHISTICATED = "sophisticated", _("Sophisticated investor")
    QUALIFIED = "qualified", _("Qualified investor")


def evidence_path(instance, filename):
    # The stored name never contains the person's file name: it may hold personal data.
    ext = os.path.splitext(filename)[1].lower()
    return f"equity/evidence/{instance.user_id}/{uuid.uuid4().hex}{ext}"


class InvestorProfile(models.Model):
    """An investor's self-declaration and classification, reviewed by staff; an approved
    profile is valid for 2 years. A person renews by submitting a new one."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        APPROVED = "approved", _("Approved")
        REFUSED = "refused", _("Refused")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                             related_name="investor_profiles")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.SUBMITTED,
                              db_index=True)
    classification = models.CharField(_("classification"), max_length=20,
                                      choices=Classification.choices)
    rule_pack = models.CharField(_("rule pack"), max_length=20)
    currency = models.CharField(max_length=3)
    annual_income_amount = amount_field(_("annual income"))
    net_worth_amount = amount_field(_("net worth"))
    financial_assets_amount = amount_field(_("financial assets"))
    average_income_3y_amount = amount_field(_("average annual income, last 3 years"))
    invested_elsewhere_amount = amount_field(
        _("crowdfunding investments elsewhere, last 12 months"))
    annual_income = money_attribute("annual_income_amount", "currency")
    net_worth = money_attribute("net_worth_amount", "currency")
    financial_assets = money_attribute("financial_assets_amount", "currency")
    average_income_3y = money_attribute("average_income_3y_amount", "currency")
    invested_elsewhere_12m = money_attribute("invested_elsewhere_amount", "currency")
    evidence = models.FileField(_("evidence"), upload_to=evidence_path, storage=private_storage,
                                max_length=200, blank=True)
    evidence_name = models.CharField(max_length=200, blank=True)
    evidence_content_type = models.CharField(max_length=50, blank=True)
    evidence_size = models.PositiveIntegerField(default=0)
    submitted_at = models.DateTimeField(default=timezone.now)
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(_("reason"), blank=True)
    valid_until = models.DateTimeField(_("valid until"), null=True, blank=True)

    class Meta:
        verbose_name = _("investor profile")
        ordering = ["-submitted_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["user"], condition=models.Q(status="submitted"),
                                    name="equity_profile_one_open_per_user"),
            models.CheckConstraint(
                condition=~models.Q(status="approved") | models.Q(valid_until__isnull=False),
                name="equity_profile_approved_has_validity",
            ),
        ]

    def __str__(self):
        return f"{self.user} ({self.classification}, {self.status})"

    @property
    def sophisticated(self) -> bool:
        """Sophisticated or qualified: the investors the packs protect less."""
        return self.classification != Classification.RETAIL


class KnowledgeTestAttempt(models.Model):
    """One sitting of the entry knowledge test; a pass is valid for 2 years."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                             related_name="knowledge_test_attempts")
    test_version = models.CharField(max_length=20)
    answers = models.JSONField(default=dict)
    score = models.PositiveSmallIntegerField()
    total = models.PositiveSmallIntegerField()
    pass_mark = models.PositiveSmallIntegerField()
    passed = models.BooleanField()
    taken_at = models.DateTimeField(default=timezone.now)
    valid_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("knowledge test attempt")
        ordering = ["-taken_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(score__lte=models.F("total")),
                                   name="equity_knowledge_score_within_total"),
        ]

    def __str__(self):
        return f"{self.user}: {self.score}/{self.total} ({self.taken_at:%Y-%m-%d})"


class RiskWarningAcknowledgement(models.Model):
    """The investor read and acknowledged this version of the risk warning. A new
    version of the warning needs a new acknowledgement."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                             related_name="risk_warning_acknowledgements")
    warning_version = models.CharField(max_length=20)
    acknowledged_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("risk warning acknowledgement")
        constraints = [
            models.UniqueConstraint(fields=["user", "warning_version"],
                                    name="equity_risk_warning_once_per_version"),
        ]

    def __str__(self):
        return f"{self.user}: {self.warning_version}"


class Instrument(models.TextChoices):
    ORDINARY = "ordinary", _("Ordinary shares")
    PREFERRED = "preferred", _("Preferred shares")
    SAFE = "safe", _("SAFE")
    CONVERTIBLE_NOTE = "convertible_note", _("Convertible note")


# Instruments sold as a number of shares at a price per share; the others (SAFE, note)
# are sold as an amount converting later at a valuation cap and a discount.
SHARE_INSTRUMENTS = frozenset({Instrument.ORDINARY, Instrument.PREFERRED})


class Allocation(models.TextChoices):
    FIRST_COME = "first_come", _("First come, first served")
    PRO_RATA = "pro_rata", _("Pro rata")


class Holding(models.TextChoices):
    DIRECT = "direct", _("Direct holding")
    NOMINEE = "nominee", _("Nominee holding")
    SPV = "spv", _("Special purpose vehicle")


class Vehicle(models.TextChoices):
    # the rule packs' vocabulary (rulepacks.base.VEHICLES)
    COMPANY = "company_limited_by_shares", _("Company limited by shares")
    LLC = "llc", _("Limited liability company")
    LP = "lp", _("Limited partnership")


class Offering(models.Model):
    """An issuer's offer of securities to the crowd, under the rule pack recorded at its
    creation. Its terms are fixed once submitted (a later change is an amendment)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted for review")
        CHANGES_REQUESTED = "changes_requested", _("Changes requested")
        APPROVED = "approved", _("Approved")
        LIVE = "live", _("Live")
        CLOSING = "closing", _("Closing")
        CLOSED_SUCCESSFUL = "closed_successful", _("Closed: target met")
        CLOSED_UNSUCCESSFUL = "closed_unsuccessful", _("Closed: target missed")
        CANCELED = "canceled", _("Canceled")

    organisation = models.ForeignKey("accounts.Organisation", on_delete=models.PROTECT,
                                     related_name="equity_offerings",
                                     verbose_name=_("issuer"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT,
                              db_index=True)
    rule_pack = models.CharField(_("rule pack"), max_length=20)
    title = models.CharField(_("title"), max_length=200)
    summary = models.CharField(_("summary"), max_length=500, blank=True)
    instrument = models.CharField(_("instrument"), max_length=20, choices=Instrument.choices)
    currency = models.CharField(max_length=3)
    price_per_share_amount = amount_field(_("price per share"), null=True, blank=True)
    valuation_cap_amount = amount_field(_("valuation cap"), null=True, blank=True)
    discount_percent = models.DecimalField(_("discount"), max_digits=5, decimal_places=2,
                                           null=True, blank=True)
    pre_money_valuation_amount = amount_field(_("pre-money valuation"))
    target_amount = amount_field(_("target"))
    maximum_amount = amount_field(_("maximum"))
    min_ticket_amount = amount_field(_("minimum ticket"))
    max_ticket_amount = amount_field(_("maximum ticket"))
    price_per_share = money_attribute("price_per_share_amount", "currency")
    valuation_cap = money_attribute("valuation_cap_amount", "currency")
    pre_money_valuation = money_attribute("pre_money_valuation_amount", "currency")
    target = money_attribute("target_amount", "currency")
    maximum = money_attribute("maximum_amount", "currency")
    min_ticket = money_attribute("min_ticket_amount", "currency")
    max_ticket = money_attribute("max_ticket_amount", "currency")
    allocation = models.CharField(_("allocation method"), max_length=20,
                                  choices=Allocation.choices)
    holding = models.CharField(_("holding"), max_length=20, choices=Holding.choices)
    vehicle = models.CharField(_("vehicle"), max_length=30, choices=Vehicle.choices)
    is_public = models.BooleanField(_("public offering"), default=True)
    lead_investor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                      on_delete=models.PROTECT, related_name="+",
                                      verbose_name=_("lead investor"))
    starts_at = models.DateTimeField(_("start"))
    deadline = models.DateTimeField(_("deadline"))
    submitted_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_reason = models.TextField(blank=True)
    launched_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    cancel_reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("equity offering")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(deadline__gt=models.F("starts_at")),
                                   name="equity_offering_deadline_after_start"),
            models.CheckConstraint(
                condition=models.Q(target_amount__lte=models.F("maximum_amount")),
                name="equity_offering_target_within_maximum"),
            models.CheckConstraint(
                condition=models.Q(min_ticket_amount__lte=models.F("max_ticket_amount")),
                name="equity_offering_min_ticket_within_max"),
        ]

    def __str__(self):
        return self.title

    @property
    def sells_shares(self) -> bool:
        return self.instrument in SHARE_INSTRUMENTS


class Commitment(models.Model):
    """An investor's commitment to an offering, within the pack's limits at the time."""

    class Status(models.TextChoices):
        COMMITTED = "committed", _("Committed")
        REVOKED = "revoked", _("Revoked in the reflection period")
        CANCELED = "canceled", _("Canceled")
        ALLOCATED = "allocated", _("Allocated")

    offering = models.ForeignKey(Offering, on_delete=models.PROTECT,
                                 related_name="commitments")
    investor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                 related_name="equity_commitments")
    status = models.CharField(max_length=20, choices=Status.choices,
                              default=Status.COMMITTED, db_index=True)
    currency = models.CharField(max_length=3)
    amount_value = amount_field(_("amount"))
    amount = money_attribute("amount_value", "currency")
    shares = models.PositiveBigIntegerField(_("shares"), null=True, blank=True)
    sophisticated = models.BooleanField(default=False)
    warning_consent = models.BooleanField(default=False)
    committed_at = models.DateTimeField(default=timezone.now)
    cancellation_ends_at = models.DateTimeField()
    reflection_ends_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("equity commitment")
        ordering = ["committed_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["offering", "investor"],
                                    condition=models.Q(status="committed"),
                                    name="equity_commitment_one_open_per_investor"),
            models.CheckConstraint(condition=models.Q(amount_value__gt=0),
                                   name="equity_commitment_amount_positive"),
        ]

    def __str__(self):
        return f"{self.investor} -> {self.offering}: {self.amount}"
