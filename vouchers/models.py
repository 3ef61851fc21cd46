"""Innovation vouchers (科技创新券): a region's programme, the makerspaces admitted to its
pilot, makers' applications and the vouchers makerspaces issue."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from marketplace.accounts.models import Organisation
from marketplace.core.money import amount_field, money_attribute
from marketplace.core.storage import private_storage


class Programme(models.Model):
    """A region's voucher programme. Its figures come from the region's voucher pack
    (``vouchers/packs/<region>.json``) when it is created, and are data from then on."""

    region = models.CharField(_("region"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    # [{"code": ..., "name": ..., "name_en": ...}]
    categories = models.JSONField(_("service categories"), default=list)
    annual_cap_amount = amount_field(_("annual cap per makerspace"))
    currency = models.CharField(_("currency"), max_length=3)
    annual_cap = money_attribute("annual_cap_amount", "currency")
    validity_days = models.PositiveIntegerField(_("voucher validity (days)"))
    max_share_percent = models.DecimalField(
        _("maximum share of a service's price (%)"), max_digits=5, decimal_places=2
    )
    company_age_limit_months = models.PositiveSmallIntegerField(
        _("company age limit (months)")
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("voucher programme")
        ordering = ["region"]
        constraints = [
            models.CheckConstraint(condition=models.Q(annual_cap_amount__gt=0),
                                   name="voucher_programme_cap_positive"),
            models.CheckConstraint(
                condition=models.Q(max_share_percent__gt=0)
                & models.Q(max_share_percent__lte=100),
                name="voucher_programme_share_in_range",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def category_codes(self) -> list[str]:
        return [c["code"] for c in self.categories]


class PilotAdmission(models.Model):
    """A makerspace's admission to a programme's pilot: only admitted makerspaces issue."""

    class Status(models.TextChoices):
        APPLIED = "applied", _("Applied")
        ADMITTED = "admitted", _("Admitted")
        REFUSED = "refused", _("Refused")
        SUSPENDED = "suspended", _("Suspended")

    makerspace = models.ForeignKey(
        "catalog.Makerspace", on_delete=models.PROTECT, related_name="voucher_admissions",
        verbose_name=_("makerspace"),
    )
    programme = models.ForeignKey(
        Programme, on_delete=models.PROTECT, related_name="admissions",
        verbose_name=_("programme"),
    )
    # through vouchers.states.PILOT_STATES only
    status = models.CharField(_("status"), max_length=20, choices=Status.choices,
                              default=Status.APPLIED, db_index=True)
    reason = models.TextField(_("reason"), blank=True)
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("pilot admission")
        ordering = ["-created_at"]
        constraints = [
            # a refused makerspace may apply again; otherwise one admission per programme
            models.UniqueConstraint(
                fields=["makerspace", "programme"],
                condition=~models.Q(status="refused"),
                name="voucher_pilot_one_open_per_makerspace",
            ),
        ]

    def __str__(self):
        return f"{self.makerspace} / {self.programme}"


class VoucherApplication(models.Model):
    """A maker's application to a makerspace for a voucher."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        ISSUED = "issued", _("Issued")
        REFUSED = "refused", _("Refused")

    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="voucher_applications",
        verbose_name=_("applicant"),
    )
    # none: an individual maker; else the maker team or company applied for
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT,
        related_name="voucher_applications", verbose_name=_("maker team or company"),
    )
    # a registered company's registration date (its business licence), as the applicant
    # declared it; the makerspace checks it at issue time
    organisation_registered_on = models.DateField(_("company registration date"), null=True,
                                                  blank=True)
    makerspace = models.ForeignKey(
        "catalog.Makerspace", on_delete=models.PROTECT, related_name="voucher_applications",
        verbose_name=_("makerspace"),
    )
    programme = models.ForeignKey(
        Programme, on_delete=models.PROTECT, related_name="applications",
        verbose_name=_("programme"),
    )
    purpose = models.TextField(_("purpose"))
    category = models.CharField(_("service category"), max_length=50)
    amount_requested = amount_field(_("amount requested"))
    currency = models.CharField(_("currency"), max_length=3)
    amount = money_attribute("amount_requested", "currency")
    # through vouchers.states.APPLICATION_STATES only
    status = models.CharField(_("status"), max_length=20, choices=Status.choices,
                              default=Status.SUBMITTED, db_index=True)
    refusal_reason = models.TextField(_("reason for refusing"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("voucher application")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount_requested__gt=0),
                                   name="voucher_application_amount_positive"),
        ]

    def __str__(self):
        return f"{self.applicant} → {self.makerspace} ({self.category})"


class IssuingAllowance(models.Model):
    """What a makerspace issued under a programme in one calendar year. ``issued`` never
    exceeds ``cap``: issuing locks this row (SELECT ... FOR UPDATE), and the database
    checks it as a backstop."""

    makerspace = models.ForeignKey(
        "catalog.Makerspace", on_delete=models.PROTECT, related_name="voucher_allowances",
        verbose_name=_("makerspace"),
    )
    programme = models.ForeignKey(
        Programme, on_delete=models.PROTECT, related_name="allowances",
        verbose_name=_("programme"),
    )
    year = models.PositiveSmallIntegerField(_("year"))
    cap_amount = amount_field(_("annual cap"))
    issued_amount = amount_field(_("issued"), default=0)
    currency = models.CharField(_("currency"), max_length=3)
    cap = money_attribute("cap_amount", "currency")
    issued = money_attribute("issued_amount", "currency")

    class Meta:
        verbose_name = _("issuing allowance")
        ordering = ["makerspace", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["makerspace", "programme", "year"],
                                    name="voucher_allowance_unique"),
            models.CheckConstraint(
                condition=models.Q(issued_amount__gte=0)
                & models.Q(issued_amount__lte=models.F("cap_amount")),
                name="voucher_allowance_within_cap",
            ),
        ]

    def __str__(self):
        return f"{self.makerspace} {self.year}"

    @property
    def remaining(self):
        return self.cap - self.issued


class Voucher(models.Model):
    """A voucher a makerspace issued: its balance is what is left to spend."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        SPENT = "spent", _("Spent")
        LAPSED = "lapsed", _("Lapsed")

    application = models.OneToOneField(
        VoucherApplication, on_delete=models.PROTECT, related_name="voucher",
        verbose_name=_("application"),
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="vouchers",
        verbose_name=_("recipient"),
    )
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="vouchers",
        verbose_name=_("maker team or company"),
    )
    makerspace = models.ForeignKey(
        "catalog.Makerspace", on_delete=models.PROTECT, related_name="vouchers",
        verbose_name=_("makerspace"),
    )
    programme = models.ForeignKey(
        Programme, on_delete=models.PROTECT, related_name="vouchers",
        verbose_name=_("programme"),
    )
    year = models.PositiveSmallIntegerField(_("year"))
    amount_issued = amount_field(_("amount"))
    balance_amount = amount_field(_("balance"))
    currency = models.CharField(_("currency"), max_length=3)
    amount = money_attribute("amount_issued", "currency")
    balance = money_attribute("balance_amount", "currency")
    categories = models.JSONField(_("service categories"), default=list)
    valid_until = models.DateField(_("valid until"), db_index=True)
    # through vouchers.states.VOUCHER_STATES only
    status = models.CharField(_("status"), max_length=20, choices=Status.choices,
                              default=Status.ACTIVE, db_index=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    issued_at = models.DateTimeField(_("issued at"))
    # what was left unspent when the voucher lapsed (moved out of the balance)
    lapsed_amount = amount_field(_("lapsed"), default=0)
    lapsed = money_attribute("lapsed_amount", "currency")

    class Meta:
        verbose_name = _("voucher")
        ordering = ["-issued_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount_issued__gt=0),
                                   name="voucher_amount_positive"),
            models.CheckConstraint(
                condition=models.Q(balance_amount__gte=0)
                & models.Q(balance_amount__lte=models.F("amount_issued")),
                name="voucher_balance_within_amount",
            ),
        ]

    def __str__(self):
        return f"{self.recipient} {self.amount}"


class Service(models.Model):
    """A service a verified service provider offers under one of the programme's
    categories, at a price."""

    provider = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="voucher_services",
        verbose_name=_("service provider"),
    )
    programme = models.ForeignKey(
        Programme, on_delete=models.PROTECT, related_name="services",
        verbose_name=_("programme"),
    )
    category = models.CharField(_("service category"), max_length=50)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    price_amount = amount_field(_("price"))
    currency = models.CharField(_("currency"), max_length=3)
    price = money_attribute("price_amount", "currency")
    is_active = models.BooleanField(_("offered"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("voucher service")
        ordering = ["provider", "category", "name"]
        constraints = [
            models.CheckConstraint(condition=models.Q(price_amount__gt=0),
                                   name="voucher_service_price_positive"),
        ]

    def __str__(self):
        return self.name


def invoice_path(instance, filename):
    return f"vouchers/invoices/{instance.pk}/{filename}"


class VoucherOrder(models.Model):
    """A maker's order of a service, paid partly or wholly with a voucher. The voucher
    part was taken from the balance when ordering (under the voucher's row lock); the
    rest is paid by card or outside the platform, and recorded."""

    class Status(models.TextChoices):
        ORDERED = "ordered", _("Ordered")
        DELIVERED = "delivered", _("Delivered")
        CONFIRMED = "confirmed", _("Confirmed by the maker")
        CLAIMED = "claimed", _("Redemption claimed")
        REDEEMED = "redeemed", _("Redeemed")

    class RestPayment(models.TextChoices):
        NONE = "none", _("Nothing left to pay")
        CARD = "card", _("By card on the platform")
        OUTSIDE = "outside", _("Outside the platform")

    voucher = models.ForeignKey(Voucher, on_delete=models.PROTECT, related_name="orders",
                                verbose_name=_("voucher"))
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="orders",
                                verbose_name=_("service"))
    provider = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="voucher_orders",
        verbose_name=_("service provider"),
    )
    price_amount = amount_field(_("price"))
    voucher_amount = amount_field(_("paid with the voucher"))
    rest_amount = amount_field(_("rest of the price"))
    currency = models.CharField(_("currency"), max_length=3)
    price = money_attribute("price_amount", "currency")
    voucher_part = money_attribute("voucher_amount", "currency")
    rest = money_attribute("rest_amount", "currency")
    rest_payment = models.CharField(_("rest paid"), max_length=20, choices=RestPayment.choices)
    # through vouchers.states.ORDER_STATES only
    status = models.CharField(_("status"), max_length=20, choices=Status.choices,
                              default=Status.ORDERED, db_index=True)
    ordered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    delivered_at = models.DateTimeField(null=True, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    invoice = models.FileField(upload_to=invoice_path, storage=private_storage,
                               max_length=200, blank=True)
    invoice_number = models.CharField(_("invoice number"), max_length=100, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    redeemed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    redeemed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("voucher order")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(voucher_amount__gt=0)
                & models.Q(voucher_amount__lte=models.F("price_amount"))
                & models.Q(rest_amount=models.F("price_amount") - models.F("voucher_amount")),
                name="voucher_order_parts_add_up",
            ),
        ]

    def __str__(self):
        return f"{self.service} ({self.voucher_part})"
