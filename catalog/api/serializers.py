"""Output and input serializers of the catalogue API. Names are unique so the OpenAPI
components do not collide; inputs only shape data, the services hold the rules."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from catalog.media import product_image_url
from catalog.models import (
    Category,
    Certification,
    FirstSetInsurance,
    FirstSetUnit,
    Makerspace,
    Product,
    ProductImage,
    ProductStage,
)
from catalog.validators import MAX_DOCUMENTS, sanitise_html
from marketplace.core.money import Money
from marketplace.core.regions import district_choices


def _file_url(storage, name) -> str | None:
    return storage.url(name) if name else None


class RichTextOutputField(serializers.CharField):
    """Sanitised HTML. Descriptions are sanitised on write; sanitising again on output, as
    the pages' ``rich_text`` filter does, also covers rows written outside the services."""

    def to_representation(self, value) -> str:
        return sanitise_html(value or "", enforce_limit=False)


class MoneySerializer(serializers.Serializer):
    amount = serializers.DecimalField(max_digits=14, decimal_places=2)
    currency = serializers.CharField()
    display = serializers.CharField(help_text="Formatted for the request's language")


def money_data(amount, currency) -> dict | None:
    if amount is None:
        return None
    money = Money(amount, currency).quantized()
    return {"amount": str(money.amount), "currency": money.currency, "display": money.format()}


# --- reference ------------------------------------------------------------------------


class OrganisationRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    slug = serializers.CharField()
    name = serializers.CharField()
    name_en = serializers.CharField()


class CategoryOutputSerializer(serializers.ModelSerializer):
    parent = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    depth = serializers.IntegerField(read_only=True)

    class Meta:
        model = Category
        fields = ["id", "slug", "name", "name_en", "parent", "path", "depth", "position"]


class CategoryRefSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()
    name_en = serializers.CharField()
    path = serializers.CharField()


class MakerspaceRefSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()
    name_en = serializers.CharField()
    district = serializers.CharField()


# --- makerspaces -----------------------------------------------------------------------


class MakerspacePhotoOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    url = serializers.SerializerMethodField()
    caption = serializers.CharField()

    def get_url(self, photo) -> str | None:
        return _file_url(photo.image.storage, photo.image.name)


class MakerspaceListOutputSerializer(serializers.ModelSerializer):
    operator = OrganisationRefSerializer()
    district_name = serializers.SerializerMethodField()
    resident_count = serializers.IntegerField(read_only=True)
    product_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Makerspace
        fields = [
            "id", "slug", "name", "name_en", "district", "district_name", "address",
            "focus_areas", "operator", "opening_hours", "resident_count", "product_count",
        ]

    def get_district_name(self, obj) -> str:
        return dict(district_choices()).get(obj.district, obj.district)


class MakerspaceDetailOutputSerializer(serializers.ModelSerializer):
    operator = OrganisationRefSerializer()
    description = RichTextOutputField(help_text="Sanitised HTML")
    description_en = RichTextOutputField(help_text="Sanitised HTML")
    photos = MakerspacePhotoOutputSerializer(many=True)
    residents = serializers.SerializerMethodField()

    class Meta:
        model = Makerspace
        fields = [
            "id", "slug", "name", "name_en", "district", "address", "focus_areas", "operator",
            "description", "description_en", "services", "equipment", "opening_hours",
            "photos", "residents", "is_published", "updated_at",
        ]

    @extend_schema_field(OrganisationRefSerializer(many=True))
    def get_residents(self, obj):
        residents = getattr(obj, "resident_list", None) or list(obj.residents.all())
        return OrganisationRefSerializer(residents, many=True).data


class MakerspaceInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200, required=False)
    name_en = serializers.CharField(max_length=200, required=False, allow_blank=True)
    district = serializers.CharField(max_length=50, required=False)
    address = serializers.CharField(max_length=300, required=False, allow_blank=True)
    focus_areas = serializers.ListField(child=serializers.CharField(max_length=50), required=False)
    description = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    description_en = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    services = serializers.ListField(child=serializers.CharField(max_length=200), required=False)
    equipment = serializers.ListField(child=serializers.CharField(max_length=200), required=False)
    opening_hours = serializers.CharField(max_length=200, required=False, allow_blank=True)


class MakerspaceCreateInputSerializer(MakerspaceInputSerializer):
    name = serializers.CharField(max_length=200)
    district = serializers.CharField(max_length=50)
    operator = serializers.SlugField(help_text="Slug of the operator organisation")
    slug = serializers.SlugField(max_length=80, required=False)


class MakerspaceResidentInputSerializer(serializers.Serializer):
    organisation = serializers.SlugField(help_text="Slug of the maker company")


class PhotoUploadInputSerializer(serializers.Serializer):
    image = serializers.FileField()
    caption = serializers.CharField(max_length=200, required=False, allow_blank=True)


# --- products --------------------------------------------------------------------------


class ProductImageOutputSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()
    thumbnail_url = serializers.SerializerMethodField()

    class Meta:
        model = ProductImage
        fields = ["id", "url", "thumbnail_url", "alt", "width", "height", "format", "position"]

    def get_url(self, obj) -> str | None:
        return product_image_url(obj.image.name)

    def get_thumbnail_url(self, obj) -> str | None:
        return product_image_url(obj.thumbnail.name)


class ProductListOutputSerializer(serializers.ModelSerializer):
    organisation = OrganisationRefSerializer()
    makerspace = MakerspaceRefSerializer(allow_null=True)
    category = CategoryRefSerializer()
    price = serializers.SerializerMethodField()
    certified = serializers.BooleanField(source="is_certified", read_only=True)
    certified_until = serializers.DateField(read_only=True, allow_null=True)
    cover_thumbnail_url = serializers.SerializerMethodField()

    class Meta:
        model = Product
        fields = [
            "id", "slug", "name", "name_en", "model_code", "summary", "summary_en",
            "organisation", "makerspace", "category", "price", "stage", "stock", "status", "is_first_set",
            "first_set_catalogue_ref", "certified", "certified_until", "cover_thumbnail_url",
            "published_at", "created_at", "updated_at",
        ]

    @extend_schema_field(MoneySerializer(allow_null=True))
    def get_price(self, obj):
        return money_data(obj.price_amount, obj.price_currency)

    def get_cover_thumbnail_url(self, obj) -> str | None:
        return product_image_url(
            getattr(obj, "cover_thumbnail", None) or getattr(obj, "cover_image", None))


class ProductDetailExtraOutputSerializer(serializers.Serializer):
    """What the detail adds to the list item (its own schema component, see schema.py)."""

    description = RichTextOutputField(help_text="Sanitised HTML")
    description_en = RichTextOutputField(help_text="Sanitised HTML")
    specifications = serializers.DictField(child=serializers.CharField())
    images = ProductImageOutputSerializer(many=True, read_only=True)
    eligible_for_first_purchase = serializers.BooleanField(
        read_only=True, help_text="Published with a certification valid today"
    )


class ProductDetailOutputSerializer(ProductListOutputSerializer):
    """Needs a product from ``catalog.selectors.product_list`` (its annotations)."""

    description = RichTextOutputField()
    description_en = RichTextOutputField()
    images = ProductImageOutputSerializer(many=True, read_only=True)
    specifications = serializers.DictField(child=serializers.CharField())
    eligible_for_first_purchase = serializers.BooleanField(read_only=True)

    class Meta(ProductListOutputSerializer.Meta):
        fields = [*ProductListOutputSerializer.Meta.fields, *ProductDetailExtraOutputSerializer().fields]


class ProductInputSerializer(serializers.Serializer):
    """Fields a maker sets. Rules (sanitising, price, specifications, first set) are
    applied by the service; messages come back as 400."""

    category = serializers.SlugField(required=False)
    makerspace = serializers.SlugField(required=False, allow_null=True, allow_blank=True)
    name = serializers.CharField(max_length=200, required=False)
    name_en = serializers.CharField(max_length=200, required=False, allow_blank=True)
    model_code = serializers.CharField(max_length=64, required=False, allow_blank=True,
                                       help_text="Model number, e.g. LS-147")
    summary = serializers.CharField(max_length=300, required=False, allow_blank=True)
    summary_en = serializers.CharField(max_length=300, required=False, allow_blank=True)
    description = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False)
    description_en = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False)
    specifications = serializers.JSONField(
        required=False, help_text="Object of text to text, at most 50 entries"
    )
    price_amount = serializers.DecimalField(
        max_digits=14, decimal_places=2, required=False, allow_null=True
    )
    price_currency = serializers.CharField(max_length=3, required=False)
    stage = serializers.ChoiceField(choices=ProductStage.choices, required=False)
    stock = serializers.IntegerField(min_value=0, required=False)
    is_first_set = serializers.BooleanField(required=False)
    first_set_catalogue_ref = serializers.CharField(max_length=100, required=False, allow_blank=True)


class ProductCreateInputSerializer(ProductInputSerializer):
    organisation = serializers.SlugField(help_text="Slug of the maker organisation")
    category = serializers.SlugField()
    name = serializers.CharField(max_length=200)
    stage = serializers.ChoiceField(choices=ProductStage.choices)


class ProductWithdrawInputSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True)


class ImageUploadInputSerializer(serializers.Serializer):
    image = serializers.FileField(help_text="JPEG, PNG or WebP, at most 5 MB and 8000 x 8000 px")
    alt = serializers.CharField(max_length=200, required=False, allow_blank=True)


# --- certification -----------------------------------------------------------------------


class CertificationDocumentOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    original_name = serializers.CharField()
    content_type = serializers.CharField()
    size = serializers.IntegerField()


class CertificationOutputSerializer(serializers.ModelSerializer):
    product = serializers.SerializerMethodField()
    documents = CertificationDocumentOutputSerializer(many=True, read_only=True)

    class Meta:
        model = Certification
        fields = [
            "id", "product", "status", "statement", "certificate_number", "valid_from",
            "valid_until", "decision_reason", "submitted_at", "review_started_at",
            "decided_at", "ended_at", "documents",
        ]

    @extend_schema_field(OpenApiTypes.OBJECT)
    def get_product(self, obj):
        return {"id": obj.product_id, "slug": obj.product.slug, "name": obj.product.name}


class CertificationApplyInputSerializer(serializers.Serializer):
    statement = serializers.CharField(required=False, allow_blank=True, max_length=10_000)
    documents = serializers.ListField(
        child=serializers.FileField(), min_length=1, max_length=MAX_DOCUMENTS,
        help_text="PDF, JPEG or PNG files, at most 10 MB each",
    )


class CertifyInputSerializer(serializers.Serializer):
    certificate_number = serializers.CharField(max_length=50)
    valid_from = serializers.DateField()
    valid_until = serializers.DateField()


class ReasonInputSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


# --- first sets -------------------------------------------------------------------------


class FirstSetUnitOutputSerializer(serializers.ModelSerializer):
    buyer = OrganisationRefSerializer()
    product = serializers.SerializerMethodField()
    sequence = serializers.IntegerField(
        allow_null=True, read_only=True,
        help_text="Handed out when both sides (or staff) confirmed; null while claimed or if "
                  "rejected",
    )
    maker_confirmed = serializers.SerializerMethodField()
    buyer_confirmed = serializers.SerializerMethodField()
    has_purchase_document = serializers.SerializerMethodField()

    class Meta:
        model = FirstSetUnit
        fields = [
            "id", "product", "buyer", "serial_number", "put_into_use_on", "status", "sequence",
            "counts_as_first_set", "maker_confirmed", "buyer_confirmed",
            "has_purchase_document", "decided_at", "decision_reason", "created_at",
        ]

    def get_maker_confirmed(self, obj) -> bool:
        return obj.maker_confirmed_at is not None

    def get_buyer_confirmed(self, obj) -> bool:
        return obj.buyer_confirmed_at is not None

    def get_has_purchase_document(self, obj) -> bool:
        return bool(obj.purchase_document)

    @extend_schema_field(OpenApiTypes.OBJECT)
    def get_product(self, obj):
        return {"id": obj.product_id, "slug": obj.product.slug, "name": obj.product.name}


class FirstSetUnitInputSerializer(serializers.Serializer):
    buyer = serializers.SlugField(help_text="Slug of the buying organisation")
    serial_number = serializers.CharField(max_length=100)
    put_into_use_on = serializers.DateField()
    purchase_document = serializers.FileField(
        help_text="The purchase contract or invoice (PDF, JPEG or PNG, at most 10 MB); private")


class FirstSetInsuranceOutputSerializer(serializers.ModelSerializer):
    insured = serializers.SerializerMethodField()
    premium = serializers.SerializerMethodField()
    subsidy = serializers.SerializerMethodField()
    rate_percent = serializers.SerializerMethodField()

    class Meta:
        model = FirstSetInsurance
        fields = [
            "id", "insurer", "policy_number", "insured", "premium", "rate_percent", "subsidy",
            "starts_on", "ends_on", "created_at",
        ]

    @extend_schema_field(MoneySerializer)
    def get_insured(self, obj):
        return money_data(obj.insured_amount, obj.currency)

    @extend_schema_field(MoneySerializer)
    def get_premium(self, obj):
        return money_data(obj.premium_amount, obj.currency)

    @extend_schema_field(MoneySerializer)
    def get_subsidy(self, obj):
        return money_data(obj.subsidy_amount, obj.currency)

    @extend_schema_field({"type": "string", "format": "decimal", "example": "2.50"})
    def get_rate_percent(self, obj) -> str:
        return str((obj.rate * 100).quantize(obj.rate.__class__("0.01")))


class FirstSetInsuranceInputSerializer(serializers.Serializer):
    insurer = serializers.CharField(max_length=200)
    policy_number = serializers.CharField(max_length=100)
    insured_amount = serializers.DecimalField(max_digits=14, decimal_places=2)
    rate_percent = serializers.DecimalField(
        max_digits=7, decimal_places=4, help_text="Premium rate in percent, at most 3"
    )
    premium_amount = serializers.DecimalField(
        max_digits=14, decimal_places=2, required=False, allow_null=True,
        help_text="Optional: insured amount x rate when left out; when given it must agree "
                  "with them to one minor unit and be at most 3 % of the insured amount",
    )
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()
    currency = serializers.CharField(max_length=3, required=False)
