"""Output serializers of the voucher API (their names are the schema's components)."""

from __future__ import annotations

from rest_framework import serializers

from vouchers.models import PilotAdmission, Service, Voucher, VoucherApplication, VoucherOrder

AMOUNT = {"max_digits": 20, "decimal_places": 4}


class PilotAdmissionOutputSerializer(serializers.ModelSerializer):
    makerspace = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    programme = serializers.CharField(source="programme.region")

    class Meta:
        model = PilotAdmission
        fields = ["id", "makerspace", "programme", "status", "reason", "decided_at",
                  "created_at"]


class VoucherApplicationOutputSerializer(serializers.ModelSerializer):
    makerspace = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    organisation = serializers.SlugRelatedField(slug_field="slug", read_only=True,
                                                allow_null=True)
    amount = serializers.DecimalField(source="amount_requested", **AMOUNT)
    registered_on = serializers.DateField(source="organisation_registered_on", allow_null=True)
    voucher = serializers.SerializerMethodField()

    class Meta:
        model = VoucherApplication
        fields = ["id", "status", "applicant", "organisation", "registered_on", "makerspace",
                  "purpose", "category", "amount", "currency", "refusal_reason", "decided_at",
                  "created_at", "voucher"]

    def get_voucher(self, obj) -> int | None:
        voucher = getattr(obj, "voucher", None) if obj.status == obj.Status.ISSUED else None
        return voucher.pk if voucher is not None else None


class VoucherOutputSerializer(serializers.ModelSerializer):
    makerspace = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    organisation = serializers.SlugRelatedField(slug_field="slug", read_only=True,
                                                allow_null=True)
    amount = serializers.DecimalField(source="amount_issued", **AMOUNT)
    balance = serializers.DecimalField(source="balance_amount", **AMOUNT)

    class Meta:
        model = Voucher
        fields = ["id", "application", "status", "recipient", "organisation", "makerspace",
                  "year", "amount", "balance", "currency", "categories", "valid_until",
                  "issued_at"]


class CapOutputSerializer(serializers.Serializer):
    makerspace = serializers.CharField()
    year = serializers.IntegerField()
    currency = serializers.CharField()
    cap = serializers.DecimalField(**AMOUNT)
    used = serializers.DecimalField(**AMOUNT)
    remaining = serializers.DecimalField(**AMOUNT)


class ServiceOutputSerializer(serializers.ModelSerializer):
    provider = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    price = serializers.DecimalField(source="price_amount", **AMOUNT)

    class Meta:
        model = Service
        fields = ["id", "provider", "category", "name", "description", "price", "currency"]


class VoucherOrderOutputSerializer(serializers.ModelSerializer):
    provider = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    price = serializers.DecimalField(source="price_amount", **AMOUNT)
    voucher_part = serializers.DecimalField(source="voucher_amount", **AMOUNT)
    rest = serializers.DecimalField(source="rest_amount", **AMOUNT)
    has_invoice = serializers.SerializerMethodField()

    class Meta:
        model = VoucherOrder
        fields = ["id", "voucher", "service", "provider", "status", "price", "voucher_part",
                  "rest", "rest_payment", "currency", "invoice_number", "has_invoice",
                  "delivered_at", "confirmed_at", "claimed_at", "redeemed_at", "created_at"]

    def get_has_invoice(self, obj) -> bool:
        return bool(obj.invoice)


class ReimbursementOutputSerializer(serializers.Serializer):
    """The treasury payout reimbursing an order's voucher part (no document)."""

    id = serializers.IntegerField()
    status = serializers.CharField()
    payee = serializers.CharField(source="payee.slug", read_only=True)
    amount = serializers.DecimalField(source="amount_value", **AMOUNT)
    currency = serializers.CharField()
    transfer_reference = serializers.CharField()
    decision_reason = serializers.CharField()
    created_at = serializers.DateTimeField()
    decided_at = serializers.DateTimeField(allow_null=True)
