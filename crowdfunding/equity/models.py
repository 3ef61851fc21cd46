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
