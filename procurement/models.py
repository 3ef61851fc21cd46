"""Procurement: agencies' budget lines and first-purchase (首购) requests."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from marketplace.accounts.models import Organisation
from marketplace.core.money import amount_field, money_attribute
from marketplace.core.storage import private_storage


def default_currency() -> str:
    return getattr(settings, "DEFAULT_CURRENCY", "CNY")


class BudgetLine(models.Model):
    """What an agency may spend in a year under one budget code. ``committed`` is what
    approved requests hold (their ceiling until a price is agreed, then the agreed price);
    it never exceeds ``total`` (checked under a row lock, and by the database)."""

    agency = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="budget_lines",
        verbose_name=_("agency"),
    )
    year = models.PositiveSmallIntegerField(_("year"))
    code = models.CharField(_("budget code"), max_length=50)
    name = models.CharField(_("name"), max_length=200)
    total_amount = amount_field(_("total"))
    committed_amount = amount_field(_("committed"), default=0)
    currency = models.CharField(_("currency"), max_length=3, default=default_currency)
    total = money_attribute("total_amount", "currency")
    committed = money_attribute("committed_amount", "currency")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("budget line")
        ordering = ["agency", "-year", "code"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "year", "code"], name="budget_line_unique"),
            models.CheckConstraint(
                condition=models.Q(committed_amount__gte=0)
                & models.Q(committed_amount__lte=models.F("total_amount")),
                name="budget_line_within_total",
            ),
        ]

    def __str__(self):
        return f"{self.code} ({self.year})"

    @property
    def remaining(self):
        return self.total - self.committed


class PurchaseRequest(models.Model):
    """One procedure: an agency's request to buy a listed innovative product through
    first-purchase, or an ordinary request (drafted only: it is where the platform shows
    the listed products of its category)."""

    class Kind(models.TextChoices):
        FIRST_PURCHASE = "first_purchase", _("First purchase")
        ORDINARY = "ordinary", _("Ordinary purchase")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        APPROVED = "approved", _("Approved")
        PUBLISHED = "published", _("Notice published")
        SUPPLIER_ACCEPTED = "supplier_accepted", _("Accepted by the supplier")
        SUPPLIER_DECLINED = "supplier_declined", _("Declined by the supplier")
        PRICE_AGREED = "price_agreed", _("Price agreed")
        CONTRACTED = "contracted", _("Contract signed")
        DELIVERED = "delivered", _("Delivered")
        RECTIFICATION = "rectification", _("Rectification")
        ACCEPTED = "accepted", _("Accepted")
        PAID = "paid", _("Paid")
        TERMINATED = "terminated", _("Terminated")
        CANCELLED = "cancelled", _("Cancelled")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices,
                            default=Kind.FIRST_PURCHASE)
    agency = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="purchase_requests",
        verbose_name=_("agency"),
    )
    budget_line = models.ForeignKey(
        BudgetLine, on_delete=models.PROTECT, related_name="requests",
        verbose_name=_("budget line"),
    )
    product = models.ForeignKey(
        "catalog.Product", null=True, blank=True, on_delete=models.PROTECT,
        related_name="purchase_requests", verbose_name=_("product"),
    )
    category = models.ForeignKey(
        "catalog.Category", on_delete=models.PROTECT, related_name="purchase_requests",
        verbose_name=_("category"),
    )
    supplier = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("supplier"),
    )
    ocid = models.CharField(_("OCID"), max_length=100, unique=True)
    title = models.CharField(_("title"), max_length=200)
    quantity = models.PositiveIntegerField(_("quantity"))
    ceiling_amount = amount_field(_("budget ceiling"))
    currency = models.CharField(_("currency"), max_length=3, default=default_currency)
    ceiling = money_attribute("ceiling_amount", "currency")
    delivery_place = models.CharField(_("delivery place"), max_length=300)
    delivery_date = models.DateField(_("delivery date"))
    acceptance_criteria = models.TextField(_("acceptance criteria"))
    status = models.CharField(_("status"), max_length=30, choices=Status.choices,
                              default=Status.DRAFT, db_index=True)
    # what the budget line holds for this request (0 until approved, 0 again once released)
    committed_amount = amount_field(_("committed"), default=0)
    committed = money_attribute("committed_amount", "currency")
    drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    supplier_decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    supplier_decided_at = models.DateTimeField(null=True, blank=True)
    decline_reason = models.TextField(_("reason for declining"), blank=True)
    agreed_amount = amount_field(_("agreed price"), null=True, blank=True)
    agreed = money_attribute("agreed_amount", "currency")
    cost_reference = models.TextField(_("cost reference"), blank=True)
    price_agreed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    price_agreed_at = models.DateTimeField(null=True, blank=True)
    cancel_reason = models.TextField(_("reason for cancelling"), blank=True)
    paid_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("purchase request")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=models.Q(quantity__gte=1),
                                   name="request_quantity_positive"),
            models.CheckConstraint(condition=models.Q(ceiling_amount__gt=0),
                                   name="request_ceiling_positive"),
            models.CheckConstraint(
                condition=models.Q(agreed_amount__isnull=True)
                | models.Q(agreed_amount__lte=models.F("ceiling_amount")),
                name="request_agreed_within_ceiling",
            ),
            models.CheckConstraint(
                condition=~models.Q(kind="first_purchase", product__isnull=True),
                name="request_first_purchase_names_product",
            ),
        ]

    def __str__(self):
        return self.title


class Contract(models.Model):
    """The contract of a request whose price is agreed: generated as a PDF (private: the
    parties and staff only) from a snapshot of the agreed terms, then signed by a named,
    MFA-verified officer of each side. Both signatures make it ``signed``."""

    class Status(models.TextChoices):
        GENERATED = "generated", _("Generated")
        SIGNED_BY_BUYER = "signed_by_buyer", _("Signed by the buyer")
        SIGNED_BY_SUPPLIER = "signed_by_supplier", _("Signed by the supplier")
        SIGNED = "signed", _("Signed")
        CANCELLED = "cancelled", _("Cancelled")

    request = models.OneToOneField(PurchaseRequest, on_delete=models.PROTECT,
                                   related_name="contract", verbose_name=_("request"))
    number = models.CharField(_("contract number"), max_length=60, unique=True)
    amount_value = amount_field(_("amount"))
    currency = models.CharField(_("currency"), max_length=3, default=default_currency)
    amount = money_attribute("amount_value", "currency")
    terms = models.JSONField(_("terms"), default=dict)
    pdf = models.FileField(_("contract document"), upload_to="procurement/contracts/",
                           storage=private_storage, max_length=200)
    status = models.CharField(_("status"), max_length=30, choices=Status.choices,
                              default=Status.GENERATED, db_index=True)
    generated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True,
                                     on_delete=models.SET_NULL, related_name="+")
    buyer_signed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                        on_delete=models.PROTECT, related_name="+")
    buyer_signatory = models.CharField(_("buyer's signatory"), max_length=200, blank=True)
    buyer_signed_at = models.DateTimeField(null=True, blank=True)
    supplier_signed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                           on_delete=models.PROTECT, related_name="+")
    supplier_signatory = models.CharField(_("supplier's signatory"), max_length=200,
                                          blank=True)
    supplier_signed_at = models.DateTimeField(null=True, blank=True)
    cancel_reason = models.TextField(_("reason for cancelling"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("contract")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount_value__gt=0),
                                   name="contract_amount_positive"),
        ]

    def __str__(self):
        return self.number


class Delivery(models.Model):
    """One delivery under a signed contract and the buyer's acceptance (验收) of it, with
    the experts who took part: passed, or failed with reasons, which asks for
    rectification (the supplier delivers again: a new delivery) or terminates the
    contract."""

    class Status(models.TextChoices):
        RECORDED = "recorded", _("Waiting for acceptance")
        PASSED = "passed", _("Acceptance passed")
        FAILED = "failed", _("Acceptance failed")

    class FailureAction(models.TextChoices):
        RECTIFY = "rectify", _("Rectify and deliver again")
        TERMINATE = "terminate", _("Terminate the contract")

    request = models.ForeignKey(PurchaseRequest, on_delete=models.PROTECT,
                                related_name="deliveries", verbose_name=_("request"))
    quantity = models.PositiveIntegerField(_("quantity delivered"))
    delivered_on = models.DateField(_("delivery date"))
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True,
                                    on_delete=models.SET_NULL, related_name="+")
    status = models.CharField(_("status"), max_length=20, choices=Status.choices,
                              default=Status.RECORDED, db_index=True)
    experts = models.JSONField(_("acceptance experts"), default=list, blank=True)
    reasons = models.TextField(_("reasons"), blank=True)
    failure_action = models.CharField(_("after the failure"), max_length=20, blank=True,
                                      choices=FailureAction.choices)
    serial_numbers = models.JSONField(_("serial numbers of first-set units"), default=list,
                                      blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("delivery")
        ordering = ["request", "created_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(quantity__gte=1),
                                   name="delivery_quantity_positive"),
            # at most one delivery of a request waits for its acceptance
            models.UniqueConstraint(fields=["request"], condition=models.Q(status="recorded"),
                                    name="delivery_one_waiting"),
        ]

    def __str__(self):
        return f"{self.request} / {self.delivered_on}"


class ContractPayment(models.Model):
    """The payment of an accepted request from its budget line: an offline treasury
    transfer in the payments core (its attempt holds the state; "paid" is derived from
    it and recorded on the request when the agency's approver confirms it)."""

    request = models.ForeignKey(PurchaseRequest, on_delete=models.PROTECT,
                                related_name="payments", verbose_name=_("request"))
    budget_line = models.ForeignKey(BudgetLine, on_delete=models.PROTECT,
                                    related_name="payments", verbose_name=_("budget line"))
    transfer = models.OneToOneField("payments.OfflineTransfer", on_delete=models.PROTECT,
                                    related_name="procurement_payment")
    amount_value = amount_field(_("amount"))
    currency = models.CharField(_("currency"), max_length=3, default=default_currency)
    amount = money_attribute("amount_value", "currency")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True,
                                    on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("contract payment")
        ordering = ["request", "created_at", "pk"]

    def __str__(self):
        return f"{self.request} / {self.amount_value} {self.currency}"


class Release(models.Model):
    """One OCDS 1.1 release of a procedure, stored when its event happens (in the same
    transaction): what the public ``/api/ocds/`` answers. Releases are never changed;
    a later event is a new release."""

    ocid = models.CharField(_("OCID"), max_length=100, db_index=True)
    release_id = models.CharField(_("release ID"), max_length=160, unique=True)
    tag = models.JSONField(_("tags"), default=list)
    date = models.DateTimeField(_("date"))
    data = models.JSONField(_("release"))
    request = models.ForeignKey(PurchaseRequest, null=True, blank=True,
                                on_delete=models.PROTECT, related_name="releases")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("OCDS release")
        ordering = ["ocid", "date", "pk"]

    def __str__(self):
        return self.release_id
