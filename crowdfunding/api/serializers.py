"""Input and output shapes of the crowdfunding API. Inputs are typed loosely where the
service owns the rule (an amount is a string the service parses, so a non-numeric one is
refused with the service's message in the request's language)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from crowdfunding.models import Campaign, FundingModel, Pledge, Tier
from crowdfunding.selectors import campaign_progress, tier_remaining
from marketplace.core.money import Money


class CrowdfundingMoneySerializer(serializers.Serializer):
    amount = serializers.CharField(help_text="Decimal string")
    currency = serializers.CharField()
    display = serializers.CharField(help_text="Formatted for the request's language")


def money_json(money: Money) -> dict:
    return money.as_json()


class TierOutputSerializer(serializers.ModelSerializer):
    price = serializers.SerializerMethodField()
    estimated_delivery = serializers.SerializerMethodField()
    remaining = serializers.SerializerMethodField()

    class Meta:
        model = Tier
        fields = ["id", "title", "description", "price", "estimated_delivery", "quantity",
                  "remaining", "no_reward"]

    @extend_schema_field(CrowdfundingMoneySerializer)
    def get_price(self, obj) -> dict:
        return money_json(obj.price)

    @extend_schema_field(serializers.CharField(allow_null=True, help_text="YYYY-MM"))
    def get_estimated_delivery(self, obj):
        return obj.estimated_delivery.strftime("%Y-%m") if obj.estimated_delivery else None

    @extend_schema_field(serializers.IntegerField(allow_null=True,
                                                  help_text="Units left; null when unlimited"))
    def get_remaining(self, obj):
        return tier_remaining(obj)


class CampaignOutputSerializer(serializers.ModelSerializer):
    organisation = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    goal = serializers.SerializerMethodField()
    pledged = serializers.SerializerMethodField()
    backers = serializers.SerializerMethodField()
    percent_funded = serializers.SerializerMethodField()
    funding_model = serializers.CharField(
        read_only=True, help_text=" | ".join(FundingModel.values))
    status = serializers.CharField(read_only=True, help_text=" | ".join(Campaign.Status.values))
    platform_fee_percent = serializers.CharField(read_only=True)
    processing_fee_percent = serializers.CharField(read_only=True)
    products = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    tiers = TierOutputSerializer(many=True, read_only=True)

    class Meta:
        model = Campaign
        fields = ["id", "title", "summary", "story", "organisation", "products", "status",
                  "funding_model", "threshold_percent", "goal", "pledged", "backers",
                  "percent_funded", "duration_days", "launch_at", "launched_at", "ends_at",
                  "platform_fee_percent", "processing_fee_percent", "tiers"]

    def _progress(self, obj):
        if not hasattr(obj, "_progress"):
            obj._progress = campaign_progress(obj)
        return obj._progress

    @extend_schema_field(CrowdfundingMoneySerializer)
    def get_goal(self, obj) -> dict:
        return money_json(obj.goal)

    @extend_schema_field(CrowdfundingMoneySerializer)
    def get_pledged(self, obj) -> dict:
        return money_json(self._progress(obj).pledged)

    def get_backers(self, obj) -> int:
        return self._progress(obj).backers

    def get_percent_funded(self, obj) -> int:
        return self._progress(obj).percent_funded


class CampaignListOutputSerializer(CampaignOutputSerializer):
    class Meta(CampaignOutputSerializer.Meta):
        fields = [f for f in CampaignOutputSerializer.Meta.fields if f not in ("story", "tiers")]


class PledgeCreateInputSerializer(serializers.Serializer):
    tier = serializers.IntegerField(help_text="A tier of this campaign")
    amount = serializers.CharField(max_length=40, help_text="Decimal string, at least the "
                                   "tier's price, in the campaign's currency")
    payment_method = serializers.IntegerField(help_text="One of your saved cards (active)")
    add_ons = serializers.ListField(child=serializers.CharField(max_length=100), required=False,
                                    default=list, max_length=20)
    anonymous = serializers.BooleanField(required=False, default=False)


class PledgeUpdateInputSerializer(serializers.Serializer):
    tier = serializers.IntegerField(required=False)
    amount = serializers.CharField(max_length=40, required=False)
    anonymous = serializers.BooleanField(required=False)


class PledgeOutputSerializer(serializers.ModelSerializer):
    amount = serializers.SerializerMethodField()
    status = serializers.CharField(read_only=True, help_text=" | ".join(Pledge.Status.values))
    next_action_url = serializers.SerializerMethodField()

    class Meta:
        model = Pledge
        fields = ["id", "campaign", "tier", "amount", "payment_method", "anonymous", "status",
                  "next_action_url", "created_at", "canceled_at"]

    @extend_schema_field(CrowdfundingMoneySerializer)
    def get_amount(self, obj) -> dict:
        return money_json(obj.amount)

    @extend_schema_field(serializers.CharField(allow_null=True, help_text=(
        "A flexible pledge whose card asks for 3-D Secure: where to confirm it")))
    def get_next_action_url(self, obj):
        if obj.attempt_id and obj.status == Pledge.Status.PENDING:
            return obj.attempt.next_action_url or None
        return None


class CampaignCreateInputSerializer(serializers.Serializer):
    organisation = serializers.SlugField(help_text="Your verified maker organisation")
    title = serializers.CharField(max_length=200)
    summary = serializers.CharField(max_length=300, required=False, allow_blank=True)
    story = serializers.CharField(max_length=50_000, required=False, allow_blank=True)
    goal_amount = serializers.CharField(max_length=40, help_text="Decimal string")
    currency = serializers.CharField(max_length=3, required=False)
    duration_days = serializers.IntegerField(help_text="1 to 60")
    funding_model = serializers.CharField(required=False, help_text=" | ".join(FundingModel.values))
    threshold_percent = serializers.IntegerField(required=False, allow_null=True)
    launch_at = serializers.DateTimeField(required=False, allow_null=True)
    products = serializers.ListField(child=serializers.IntegerField(), max_length=50)


class CampaignUpdateInputSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200, required=False)
    summary = serializers.CharField(max_length=300, required=False, allow_blank=True)
    story = serializers.CharField(max_length=50_000, required=False, allow_blank=True)
    goal_amount = serializers.CharField(max_length=40, required=False)
    duration_days = serializers.IntegerField(required=False)
    funding_model = serializers.CharField(required=False)
    threshold_percent = serializers.IntegerField(required=False, allow_null=True)
    launch_at = serializers.DateTimeField(required=False, allow_null=True)
    products = serializers.ListField(child=serializers.IntegerField(), max_length=50,
                                     required=False)


class CampaignReasonInputSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000, required=False, allow_blank=True)


class TierInputSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    description = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    price = serializers.CharField(max_length=40, help_text="Decimal string")
    estimated_delivery = serializers.CharField(max_length=7, required=False, allow_null=True,
                                               help_text="YYYY-MM")
    quantity = serializers.IntegerField(required=False, allow_null=True)
    no_reward = serializers.BooleanField(required=False, default=False)


class TierUpdateInputSerializer(TierInputSerializer):
    title = serializers.CharField(max_length=200, required=False)
    price = serializers.CharField(max_length=40, required=False)
    no_reward = serializers.BooleanField(required=False)


class FeeReceiptSerializer(serializers.Serializer):
    percent_of_goal = serializers.IntegerField()
    gross = CrowdfundingMoneySerializer()
    platform_fee = CrowdfundingMoneySerializer()
    processing_fee = CrowdfundingMoneySerializer()
    net = CrowdfundingMoneySerializer(help_text="What the maker receives")


def fee_receipt_json(receipt: dict) -> dict:
    return {key: (value.as_json() if isinstance(value, Money) else value)
            for key, value in receipt.items()}
