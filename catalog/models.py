"""Catalogue: makerspaces, categories, products, innovation certification, first sets."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from marketplace.accounts.models import Organisation


class Makerspace(models.Model):
    """A makerspace (众创空间) of the programme."""

    slug = models.SlugField(max_length=80, unique=True)
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    district = models.CharField(_("district"), max_length=50, db_index=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    focus_areas = models.JSONField(_("focus areas"), default=list, blank=True)
    operator = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="operated_makerspaces",
        verbose_name=_("operator"),
    )
    description = models.TextField(_("description"), blank=True)
    description_en = models.TextField(_("English description"), blank=True)
    services = models.JSONField(_("services"), default=list, blank=True)
    equipment = models.JSONField(_("equipment"), default=list, blank=True)
    opening_hours = models.CharField(_("opening hours"), max_length=200, blank=True)
    residents = models.ManyToManyField(
        Organisation, blank=True, related_name="resident_makerspaces",
        verbose_name=_("resident makers"),
    )
    is_published = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("makerspace")
        ordering = ["name"]

    def __str__(self):
        return self.name


def makerspace_photo_path(instance, filename):
    return f"makerspaces/{instance.makerspace_id}/{filename}"


class MakerspacePhoto(models.Model):
    makerspace = models.ForeignKey(Makerspace, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(upload_to=makerspace_photo_path)
    caption = models.CharField(max_length=200, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self):
        return self.caption or self.image.name


class Category(models.Model):
    """A node of the category tree (materialised path for cheap subtree queries)."""

    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    slug = models.SlugField(max_length=80, unique=True)
    name = models.CharField(_("name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=100, blank=True)
    path = models.CharField(max_length=500, db_index=True, editable=False)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["path"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.path = f"{self.parent.path}/{self.slug}" if self.parent_id else self.slug
        super().save(*args, **kwargs)


class ProductStage(models.TextChoices):
    PROTOTYPE = "prototype", _("Prototype")
    FIRST_BATCH = "first_batch", _("First batch")
    ON_MARKET = "on_market", _("On the market")


class Product(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="products",
        verbose_name=_("maker organisation"),
    )
    makerspace = models.ForeignKey(
        Makerspace, null=True, blank=True, on_delete=models.SET_NULL, related_name="products",
        verbose_name=_("makerspace"),
    )
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="products", verbose_name=_("category")
    )
    slug = models.SlugField(max_length=120, unique=True)
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    summary_en = models.CharField(_("English summary"), max_length=300, blank=True)
    description = models.TextField(_("description"), blank=True, help_text=_("Sanitised HTML"))
    description_en = models.TextField(_("English description"), blank=True)
    specifications = models.JSONField(_("specifications"), default=dict, blank=True)
    price_amount = models.DecimalField(
        _("price"), max_digits=14, decimal_places=2, null=True, blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    price_currency = models.CharField(_("currency"), max_length=3, default="CNY")
    stage = models.CharField(_("stage"), max_length=20, choices=ProductStage.choices)
    stock = models.PositiveIntegerField(_("stock"), default=0)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    # First sets of equipment (首台(套))
    is_first_set = models.BooleanField(_("first set of equipment"), default=False)
    first_set_catalogue_ref = models.CharField(
        _("first-set catalogue reference"), max_length=100, blank=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("product")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(price_amount__gte=0) | models.Q(price_amount__isnull=True),
                name="product_price_not_negative",
            ),
            models.CheckConstraint(
                condition=~models.Q(is_first_set=True, first_set_catalogue_ref=""),
                name="product_first_set_needs_reference",
            ),
        ]

    def __str__(self):
        return self.name


def product_image_path(instance, filename):
    return f"products/{instance.product_id}/{filename}"


class ProductImage(models.Model):
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="images")
    image = models.ImageField(upload_to=product_image_path)
    thumbnail = models.ImageField(upload_to=product_image_path, blank=True)
    alt = models.CharField(max_length=200, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self):
        return self.alt or self.image.name


class Certification(models.Model):
    """Innovation certification (认定) of a product, reviewed by staff."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        UNDER_REVIEW = "under_review", _("Under review")
        CERTIFIED = "certified", _("Certified")
        REJECTED = "rejected", _("Rejected")
        EXPIRED = "expired", _("Expired")
        REVOKED = "revoked", _("Revoked")

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="certifications")
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.SUBMITTED, db_index=True
    )
    statement = models.TextField(_("innovation statement"), blank=True)
    certificate_number = models.CharField(max_length=50, blank=True)
    valid_from = models.DateField(null=True, blank=True)
    valid_until = models.DateField(null=True, blank=True, db_index=True)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    decision_reason = models.TextField(blank=True)
    submitted_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("innovation certification")
        ordering = ["-submitted_at"]

    def __str__(self):
        return f"{self.product} ({self.status})"


def certification_document_path(instance, filename):
    return f"certifications/{instance.certification_id}/{filename}"


class CertificationDocument(models.Model):
    certification = models.ForeignKey(
        Certification, on_delete=models.CASCADE, related_name="documents"
    )
    file = models.FileField(upload_to=certification_document_path)
    description = models.CharField(max_length=200, blank=True)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return self.file.name


class FirstSetUnit(models.Model):
    """A unit of a first-set product put into use by a buying organisation. The first
    three units per buying organisation count as first sets."""

    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="units_in_use")
    buyer = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    serial_number = models.CharField(max_length=100)
    put_into_use_on = models.DateField()
    sequence = models.PositiveSmallIntegerField(editable=False)
    counts_as_first_set = models.BooleanField(editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["product", "serial_number"], name="unit_serial_unique"),
            models.UniqueConstraint(
                fields=["product", "buyer", "sequence"], name="unit_sequence_unique"
            ),
        ]

    def __str__(self):
        return f"{self.product} #{self.serial_number}"


class FirstSetInsurance(models.Model):
    """Insurance of a first set: rate capped at 3 %, 80 % premium subsidy, at most 3 years,
    continuous."""

    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="insurances")
    insurer = models.CharField(_("insurer"), max_length=200)
    policy_number = models.CharField(_("policy number"), max_length=100)
    insured_amount = models.DecimalField(max_digits=14, decimal_places=2)
    premium_amount = models.DecimalField(max_digits=14, decimal_places=2)
    currency = models.CharField(max_length=3, default="CNY")
    rate = models.DecimalField(
        max_digits=6, decimal_places=4,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("0.03"))],
    )
    subsidy_amount = models.DecimalField(max_digits=14, decimal_places=2)
    starts_on = models.DateField()
    ends_on = models.DateField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(rate__lte=Decimal("0.03")) & models.Q(rate__gte=0),
                name="insurance_rate_at_most_3_percent",
            ),
            models.CheckConstraint(
                condition=models.Q(ends_on__gt=models.F("starts_on")),
                name="insurance_period_positive",
            ),
        ]

    def __str__(self):
        return f"{self.insurer} {self.policy_number}"
