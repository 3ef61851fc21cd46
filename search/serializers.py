"""Output serializers of the search API (input: ``search.params``)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from search.contract import DOC_TYPES, MAX_QUERY_LENGTH, SUGGEST_LIMIT


class FacetValueSerializer(serializers.Serializer):
    value = serializers.CharField()
    label = serializers.CharField()
    count = serializers.IntegerField()
    selected = serializers.BooleanField()


class SearchHitSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    doc_type = serializers.ChoiceField(choices=DOC_TYPES)
    title = serializers.CharField()
    url = serializers.CharField()
    title_html = serializers.CharField(help_text=_("Escaped HTML; matches in <mark>."))
    snippet_html = serializers.CharField(help_text=_("Escaped HTML; matches in <mark>."))
    highlights = serializers.DictField(child=serializers.ListField(child=serializers.CharField()))
    price = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)
    currency = serializers.CharField(allow_blank=True)
    category = serializers.CharField(allow_blank=True)
    category_label = serializers.CharField(allow_blank=True)
    district = serializers.CharField(allow_blank=True)
    district_label = serializers.CharField(allow_blank=True)
    makerspace = serializers.CharField(allow_blank=True)
    makerspace_label = serializers.CharField(allow_blank=True)
    stage = serializers.CharField(allow_blank=True)
    stage_label = serializers.CharField(allow_blank=True)
    certified = serializers.BooleanField(allow_null=True)
    first_set = serializers.BooleanField(allow_null=True)
    status = serializers.CharField(allow_blank=True)
    status_label = serializers.CharField(allow_blank=True)
    created_at = serializers.DateTimeField(allow_null=True)
    score = serializers.FloatField(allow_null=True)
    extra = serializers.DictField()


class SearchResultSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    took_ms = serializers.FloatField()
    backend = serializers.CharField()
    page = serializers.IntegerField()
    page_size = serializers.IntegerField()
    next_cursor = serializers.CharField(
        allow_null=True,
        help_text=_("Pass as `cursor` with the same parameters for the next page."),
    )
    hits = SearchHitSerializer(many=True)
    facets = serializers.DictField(child=FacetValueSerializer(many=True))


class SuggestParamsSerializer(serializers.Serializer):
    q = serializers.CharField(
        max_length=MAX_QUERY_LENGTH, allow_blank=True, required=False, default="",
        error_messages={
            "max_length": _("The search text can be at most {max_length} characters long.")
        },
    )
    type = serializers.ListField(child=serializers.ChoiceField(choices=DOC_TYPES),
                                 required=False, max_length=len(DOC_TYPES))
    limit = serializers.IntegerField(min_value=1, max_value=20, default=SUGGEST_LIMIT,
                                     required=False)

    def validate(self, attrs):
        unknown = sorted(set(self.initial_data) - set(self.fields) - {"format"})
        if unknown:
            raise serializers.ValidationError(
                {name: [_("Unknown search parameter.")] for name in unknown}
            )
        return attrs


class SuggestionSerializer(serializers.Serializer):
    text = serializers.CharField()
    doc_type = serializers.ChoiceField(choices=DOC_TYPES)
    id = serializers.IntegerField()
    url = serializers.CharField()


class SuggestResultSerializer(serializers.Serializer):
    suggestions = SuggestionSerializer(many=True)
