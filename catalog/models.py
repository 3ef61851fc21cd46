"""Catalogue: makerspaces, categories, products, innovation certification, first sets."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from marketplace.accounts.models import Organisation
from marketplace.core.money import amount_field, money_attribute
from marketplace.core.storage import PublicOrPrivateStorage, private_storage


def default_currency() -> str:
    """The marketplace's currency (settings.MARKETPLACE_CURRENCY, from the region), read
    when a row is created, so a deployment in another region never gets "CNY" by accident."""
    return settings.MARKETPLACE_CURRENCY


class Makerspace(models.Model):
    """A makerspace (众创空间) of the programme."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        UNPUBLISHED = "unpublished", _("Unpublished")

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
    # through catalog.states.MAKERSPACE_STATES only
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("makerspace")
        ordering = ["name"]

    def __str__(self):
        return self.name

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED


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
        old_path = self.path
        self.path = f"{self.parent.path}/{self.slug}" if self.parent_id else self.slug
        super().save(*args, **kwargs)
        if old_path and old_path != self.path:
            # Keep the materialised path of the whole subtree in step (rename or move).
            for child in Category.objects.filter(path__startswith=f"{old_path}/", parent=self):
                child.save()

    @property
    def depth(self) -> int:
        return self.path.count("/")

    def clean(self):
        from django.core.exceptions import ValidationError

        if self.parent_id and self.pk and (
            self.parent_id == self.pk
            or Category.objects.filter(pk=self.parent_id, path__startswith=f"{self.path}/").exists()
        ):
            raise ValidationError({"parent": _("A category cannot be placed under itself.")})


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
    # The maker's model number (型号), e.g. "LS-147": buyers look products up by it.
    model_code = models.CharField(_("model number"), max_length=64, blank=True)
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    summary_en = models.CharField(_("English summary"), max_length=300, blank=True)
    description = models.TextField(_("description"), blank=True, help_text=_("Sanitised HTML"))
    description_en = models.TextField(_("English description"), blank=True)
    specifications = models.JSONField(_("specifications"), default=dict, blank=True)
    price_amount = amount_field(
        _("price"), null=True, blank=True, validators=[MinValueValidator(Decimal("0"))],
    )
    price_currency = models.CharField(_("currency"), max_length=3, default=default_currency)
    price = money_attribute("price_amount", "price_currency")
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


# Only published products' images live in the public upload folder (the proxy serves
# /media/products/); a draft's or a withdrawn product's live in private storage, outside
# MEDIA_ROOT, and go out through a checked view (catalog.views.products.product_image_file).
PUBLIC_PRODUCT_IMAGES = "products/"
HIDDEN_PRODUCT_IMAGES = "product-drafts/"
_product_image_storage = PublicOrPrivateStorage(private_prefixes=(HIDDEN_PRODUCT_IMAGES,))


def product_image_storage() -> PublicOrPrivateStorage:
    """Callable for the image fields (keeps migrations stable)."""
    return _product_image_storage


def product_image_path(instance, filename):
    folder = (PUBLIC_PRODUCT_IMAGES if instance.product.status == Product.Status.PUBLISHED
              else HIDDEN_PRODUCT_IMAGES)
    return f"{folder}{instance.product_id}/{filename}"


class ProductImage(models.Model):
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="images")
    image = models.ImageField(upload_to=product_image_path, storage=product_image_storage)
    thumbnail = models.ImageField(upload_to=product_image_path, blank=True,
                                  storage=product_image_storage)
    alt = models.CharField(_("alternative text"), max_length=200, blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    width = models.PositiveIntegerField(default=0, editable=False)
    height = models.PositiveIntegerField(default=0, editable=False)
    format = models.CharField(max_length=10, blank=True, editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True, null=True)

    class Meta:
        verbose_name = _("product image")
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
    certificate_number = models.CharField(_("certificate number"), max_length=50, blank=True)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True, db_index=True)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    decision_reason = models.TextField(_("reason"), blank=True)
    submitted_at = models.DateTimeField(default=timezone.now)
    review_started_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)

    OPEN_STATUSES = ("submitted", "under_review")
    GRANTED_STATUSES = ("certified", "expired", "revoked")

    class Meta:
        verbose_name = _("innovation certification")
        ordering = ["-submitted_at"]
        constraints = [
            # Only one application per product may be open at a time.
            models.UniqueConstraint(
                fields=["product"], condition=models.Q(status__in=["submitted", "under_review"]),
                name="certification_one_open_per_product",
            ),
            models.UniqueConstraint(
                fields=["certificate_number"], condition=~models.Q(certificate_number=""),
                name="certification_number_unique",
            ),
            # A granted certification always carries its number and validity window.
            models.CheckConstraint(
                condition=~models.Q(status__in=["certified", "expired", "revoked"])
                | (
                    models.Q(valid_from__isnull=False, valid_until__isnull=False)
                    & ~models.Q(certificate_number="")
                ),
                name="certification_granted_has_window",
            ),
            models.CheckConstraint(
                condition=models.Q(valid_until__isnull=True)
                | models.Q(valid_from__isnull=True)
                | models.Q(valid_until__gte=models.F("valid_from")),
                name="certification_window_ordered",
            ),
        ]

    def __str__(self):
        return f"{self.product} ({self.status})"


def certification_document_path(instance, filename):
    return f"certifications/{instance.certification_id}/{filename}"


class CertificationDocument(models.Model):
    """A supporting document of an application. Kept in private storage: no URL serves
    it; the applicant's organisation and staff download it through a checked view."""

    certification = models.ForeignKey(
        Certification, on_delete=models.CASCADE, related_name="documents"
    )
    file = models.FileField(
        upload_to=certification_document_path, storage=private_storage, max_length=200
    )
    original_name = models.CharField(max_length=200, blank=True)
    content_type = models.CharField(max_length=50, blank=True)
    size = models.PositiveIntegerField(default=0)
    description = models.CharField(max_length=200, blank=True)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("certification document")
        ordering = ["pk"]

    def __str__(self):
        return self.file.name


FIRST_SETS_PER_BUYER = 3


class FirstSetUnit(models.Model):
    """A unit of a first-set product put into use by a buying organisation.

    A record (by the maker or by the buyer, with the purchase document) is a claim: it
    counts once the other side confirms it too, or staff confirm it on the document. The
    buyer is a verified organisation unrelated to the maker. The sequence per (product,
    buyer) is handed out at confirmation, and the first three confirmed units per buyer
    count as first sets. Claimed and rejected units have no sequence and never count."""

    class Status(models.TextChoices):
        CLAIMED = "claimed", _("Awaiting confirmation")
        CONFIRMED = "confirmed", _("Confirmed")
        REJECTED = "rejected", _("Rejected")

    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="units_in_use")
    buyer = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("buyer")
    )
    serial_number = models.CharField(_("serial number"), max_length=100)
    put_into_use_on = models.DateField(_("put into use on"))
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.CLAIMED,
        db_index=True,
    )
    sequence = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)
    counts_as_first_set = models.BooleanField(default=False, editable=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    # The evidence: a contract or invoice, private (the two sides and staff only).
    purchase_document = models.FileField(
        _("purchase document"), upload_to="first-sets/", storage=private_storage,
        max_length=200, blank=True,
    )
    purchase_document_name = models.CharField(max_length=200, blank=True)
    purchase_document_type = models.CharField(max_length=50, blank=True)
    # Each side's confirmation; the unit counts when both are there (or staff confirmed).
    maker_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", verbose_name=_("confirmed for the maker by"),
    )
    maker_confirmed_at = models.DateTimeField(null=True, blank=True)
    buyer_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", verbose_name=_("confirmed for the buyer by"),
    )
    buyer_confirmed_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", verbose_name=_("confirmed or rejected by"),
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(_("reason"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("first-set unit in use")
        ordering = ["product", "buyer", "sequence", "pk"]
        constraints = [
            # a rejected claim frees its serial number (e.g. it named the wrong buyer)
            models.UniqueConstraint(
                fields=["product", "serial_number"], condition=~models.Q(status="rejected"),
                name="unit_serial_unique",
            ),
            models.UniqueConstraint(
                fields=["product", "buyer", "sequence"], name="unit_sequence_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(sequence__isnull=True) | models.Q(sequence__gte=1),
                name="unit_sequence_positive",
            ),
            models.CheckConstraint(
                # (sequence__isnull=False: a NULL comparison would let the check pass)
                condition=models.Q(
                    status="confirmed", sequence__isnull=False,
                    sequence__lte=FIRST_SETS_PER_BUYER, counts_as_first_set=True,
                )
                | models.Q(
                    status="confirmed", sequence__isnull=False,
                    sequence__gt=FIRST_SETS_PER_BUYER, counts_as_first_set=False,
                )
                | (
                    ~models.Q(status="confirmed")
                    & models.Q(sequence__isnull=True, counts_as_first_set=False)
                ),
                name="unit_first_three_count",
            ),
        ]

    def __str__(self):
        return f"{self.product} #{self.serial_number}"


class FirstSetUnitCounter(models.Model):
    """The last sequence handed out per (product, buyer). Confirming a unit locks this one
    row, so concurrent confirmations for the same pair queue up while other pairs proceed."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="+")
    buyer = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    last_sequence = models.PositiveSmallIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["product", "buyer"], name="unit_counter_unique")
        ]

    def __str__(self):
        return f"{self.product_id}/{self.buyer_id}: {self.last_sequence}"


MAX_INSURANCE_RATE = Decimal("0.03")
INSURANCE_SUBSIDY_SHARE = Decimal("0.8")
MAX_INSURANCE_YEARS = 3


class FirstSetInsurance(models.Model):
    """Insurance of a first set: rate capped at 3 %, 80 % premium subsidy, at most 3 years,
    continuous. Policies form a chain: each follows the previous one (``follows``), which
    the database keeps linear (one first policy per product, one successor per policy)."""

    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="insurances")
    follows = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="followed_by",
        verbose_name=_("previous policy"),
    )
    insurer = models.CharField(_("insurer"), max_length=200)
    policy_number = models.CharField(_("policy number"), max_length=100)
    insured_amount = amount_field(_("insured amount"))
    premium_amount = amount_field(_("premium"))
    currency = models.CharField(_("currency"), max_length=3, default=default_currency)
    rate = models.DecimalField(
        _("premium rate"), max_digits=6, decimal_places=4,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(MAX_INSURANCE_RATE)],
    )
    subsidy_amount = amount_field(_("premium subsidy"))
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("first-set insurance policy")
        verbose_name_plural = _("first-set insurance policies")
        ordering = ["starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(rate__lte=MAX_INSURANCE_RATE) & models.Q(rate__gte=0),
                name="insurance_rate_at_most_3_percent",
            ),
            models.CheckConstraint(
                condition=models.Q(ends_on__gt=models.F("starts_on")),
                name="insurance_period_positive",
            ),
            models.CheckConstraint(
                condition=models.Q(premium_amount__gt=0) & models.Q(insured_amount__gt=0),
                name="insurance_amounts_positive",
            ),
            # premium / insured <= 3 %, whatever rate was declared
            models.CheckConstraint(
                condition=models.Q(
                    premium_amount__lte=models.F("insured_amount") * MAX_INSURANCE_RATE
                ),
                name="insurance_premium_at_most_3_percent",
            ),
            models.CheckConstraint(
                condition=models.Q(subsidy_amount__gte=0)
                & models.Q(
                    subsidy_amount__lte=models.F("premium_amount") * INSURANCE_SUBSIDY_SHARE
                ),
                name="insurance_subsidy_at_most_80_percent",
            ),
            models.UniqueConstraint(
                fields=["product"], condition=models.Q(follows__isnull=True),
                name="insurance_one_first_policy_per_product",
            ),
            models.UniqueConstraint(
                fields=["insurer", "policy_number"], name="insurance_policy_number_unique"
            ),
        ]

    insured = money_attribute("insured_amount", "currency")
    premium = money_attribute("premium_amount", "currency")
    subsidy = money_attribute("subsidy_amount", "currency")

    def __str__(self):
        return f"{self.insurer} {self.policy_number}"
