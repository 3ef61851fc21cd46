"""Input and output serializers of the payments API (component names start with
``Payments`` so they never collide with other apps'). Inputs only shape data; the
services hold the rules (amounts, currencies, what is left or held)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.pagination import PageNumberPagination

from marketplace.core.schema import error_responses
from marketplace.payments.ledger.models import JournalLine, LedgerAccount
from marketplace.payments.models import (
    ConnectedAccount,
    PaymentAttempt,
    Payout,
    ReconciliationDifference,
    Refund,
    SavedPaymentMethod,
)


class PaymentsPagination(PageNumberPagination):
    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 100


def errors(*codes: int) -> dict:
    return error_responses(*codes)


class PaymentsMoneySerializer(serializers.Serializer):
    amount = serializers.CharField()
    currency = serializers.CharField()
    display = serializers.CharField()


def _money(value):
    return value.as_json() if value is not None else None


class PaymentsCardOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = SavedPaymentMethod
        fields = ["id", "status", "brand", "last4", "exp_month", "exp_year",
                  "off_session_consent", "next_action_url", "created_at"]


class PaymentsCardInputSerializer(serializers.Serializer):
    payment_method = serializers.CharField(
        max_length=100, help_text="A Stripe payment method id (from Stripe Elements) or a "
                                  "test payment method such as pm_card_visa")
    off_session_consent = serializers.BooleanField(
        help_text="The owner agrees that the card may be charged while they are away")


class PaymentsAttemptOutputSerializer(serializers.ModelSerializer):
    amount = serializers.SerializerMethodField()
    refunded = serializers.SerializerMethodField()
    refund_state = serializers.CharField(read_only=True)

    class Meta:
        model = PaymentAttempt
        fields = ["id", "provider", "status", "scope", "reference", "amount", "refunded",
                  "refund_state", "session", "failure_code", "decline_code",
                  "provider_payment_id", "next_action_url", "created_at", "succeeded_at"]

    @extend_schema_field(PaymentsMoneySerializer)
    def get_amount(self, obj):
        return _money(obj.amount)

    @extend_schema_field(PaymentsMoneySerializer)
    def get_refunded(self, obj):
        from marketplace.core.money import Money

        return Money(getattr(obj, "refunded_value", 0) or 0, obj.currency).as_json()


class PaymentsRefundInputSerializer(serializers.Serializer):
    amount = serializers.CharField(required=False, allow_blank=True,
                                   help_text="Leave out to refund all that is left")
    reason = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class PaymentsRefundOutputSerializer(serializers.ModelSerializer):
    amount = serializers.SerializerMethodField()

    class Meta:
        model = Refund
        fields = ["id", "attempt", "status", "amount", "reason", "provider_refund_id",
                  "failure_code", "created_at"]

    @extend_schema_field(PaymentsMoneySerializer)
    def get_amount(self, obj):
        return _money(obj.amount)


class PaymentsPayoutAccountOutputSerializer(serializers.ModelSerializer):
    organisation = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    refusal = serializers.SerializerMethodField(
        help_text="Why the account cannot receive payouts now (null when it can)")

    class Meta:
        model = ConnectedAccount
        fields = ["organisation", "status", "provider_account_id", "details_submitted",
                  "charges_enabled", "payouts_enabled", "disabled_reason", "requirements_due",
                  "refusal", "synced_at"]

    def get_refusal(self, obj) -> str | None:
        from marketplace.payments.services.accounts import payout_refusal

        return payout_refusal(obj)


class PaymentsOnboardingLinkOutputSerializer(serializers.Serializer):
    url = serializers.URLField()


class PaymentsPayoutOutputSerializer(serializers.ModelSerializer):
    organisation = serializers.CharField(source="account.organisation.slug")
    gross = serializers.SerializerMethodField()
    platform_fee = serializers.SerializerMethodField()
    processing_fee = serializers.SerializerMethodField()
    net = serializers.SerializerMethodField()

    class Meta:
        model = Payout
        fields = ["id", "organisation", "scope", "status", "gross", "platform_fee",
                  "processing_fee", "net", "provider_transfer_id", "failure_code",
                  "failure_message", "requested_by", "approved_by", "created_at"]

    @extend_schema_field(PaymentsMoneySerializer)
    def get_gross(self, obj):
        return _money(obj.gross)

    @extend_schema_field(PaymentsMoneySerializer)
    def get_platform_fee(self, obj):
        return _money(obj.platform_fee)

    @extend_schema_field(PaymentsMoneySerializer)
    def get_processing_fee(self, obj):
        return _money(obj.processing_fee)

    @extend_schema_field(PaymentsMoneySerializer)
    def get_net(self, obj):
        return _money(obj.net)


class PaymentsOfflineTransferInputSerializer(serializers.Serializer):
    agency = serializers.SlugField(help_text="The paying government agency's slug")
    amount = serializers.CharField()
    currency = serializers.CharField(max_length=3)
    scope = serializers.CharField(max_length=100, help_text="What the money is for, app.model:id")
    reference = serializers.CharField(max_length=100, required=False, allow_blank=True)
    transfer_reference = serializers.CharField(max_length=100)
    document = serializers.FileField()


class PaymentsOfflineTransferOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    transfer_reference = serializers.CharField()
    attempt = PaymentsAttemptOutputSerializer()
    recorded_by = serializers.IntegerField(source="recorded_by_id")
    decided_by = serializers.IntegerField(source="decided_by_id", allow_null=True)
    decided_at = serializers.DateTimeField(allow_null=True)


class PaymentsReasonInputSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


class PaymentsOptionalReasonInputSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000, required=False, allow_blank=True)


class PaymentsDifferenceOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = ReconciliationDifference
        fields = ["id", "run", "kind", "object_type", "object_id", "provider_id", "ours",
                  "theirs", "created_at"]


class PaymentsLedgerAccountOutputSerializer(serializers.ModelSerializer):
    balance = serializers.DecimalField(max_digits=20, decimal_places=4, read_only=True,
                                       help_text="Sum of the lines, debit positive")

    class Meta:
        model = LedgerAccount
        fields = ["id", "kind", "scope", "currency", "balance"]


class PaymentsLedgerLineOutputSerializer(serializers.ModelSerializer):
    entry_kind = serializers.CharField(source="entry.kind")
    source = serializers.SerializerMethodField()
    posted_at = serializers.DateTimeField(source="entry.created_at")

    class Meta:
        model = JournalLine
        fields = ["id", "entry", "entry_kind", "source", "amount", "currency", "posted_at"]

    def get_source(self, obj) -> str:
        return f"{obj.entry.source_type}:{obj.entry.source_id}"
