"""Output serializers of the search API (input: ``search.params``)."""

from __future__ import annotations

from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from search.contract import (
    CONTROL_CHARACTERS,
    MAX_QUERY_LENGTH,
    MAX_VALUES_PER_FILTER,
    SEARCH_TEXT_PATTERN,
    SUGGEST_LIMIT,
    InvalidSearch,
    clean_search_text,
)
from search.documents import type_names


class FacetValueSerializer(serializers.Serializer):
    value = serializers.CharField()
    label = serializers.CharField()
    count = serializers.IntegerField()
    selected = serializers.BooleanField()


class SearchHitSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    doc_type = serializers.CharField(help_text=_("A registered document type."))
    doc_type_label = serializers.CharField()
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
    suggestion = serializers.CharField(
        allow_null=True,
        help_text=_("Did you mean: the query with its misspelt words corrected, or null."),
    )
    partial = serializers.BooleanField(
        help_text=_("No result matches every search term; these match most of them."),
    )
    hits = SearchHitSerializer(many=True)
    facets = serializers.DictField(child=FacetValueSerializer(many=True))


def validated_text(value: str) -> str:
    """``clean_search_text`` as a serializer field check (a 400 naming ``q``)."""
    try:
        return clean_search_text(value)
    except InvalidSearch as exc:
        raise serializers.ValidationError(str(exc.message)) from exc


def search_text_field(**kwargs) -> serializers.CharField:
    """The ``q`` parameter: its control-character rule is in the schema (a pattern) and
    checked with the same message as ``clean_search_text``'s."""
    return serializers.CharField(
        validators=[RegexValidator(SEARCH_TEXT_PATTERN, message=CONTROL_CHARACTERS)], **kwargs)


class SuggestParamsSerializer(serializers.Serializer):
    q = search_text_field(
        max_length=MAX_QUERY_LENGTH, allow_blank=True, required=False, default="",
        error_messages={
            "max_length": _("The search text can be at most {max_length} characters long.")
        },
    )
    type = serializers.ListField(child=serializers.ChoiceField(choices=()), required=False,
                                 max_length=MAX_VALUES_PER_FILTER)
    limit = serializers.IntegerField(min_value=1, max_value=20, default=SUGGEST_LIMIT,
                                     required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["type"].child.choices = list(type_names())

    def validate_q(self, value):
        return validated_text(value)

    def validate(self, attrs):
        unknown = sorted(set(self.initial_data) - set(self.fields) - {"format"})
        if unknown:
            raise serializers.ValidationError(
                {name: [_("Unknown search parameter.")] for name in unknown}
            )
        return attrs


class SuggestionSerializer(serializers.Serializer):
    text = serializers.CharField()
    doc_type = serializers.CharField()
    id = serializers.IntegerField()
    url = serializers.CharField()


class SuggestResultSerializer(serializers.Serializer):
    suggestions = SuggestionSerializer(many=True)
