"""The boundary: request parameters -> a validated :class:`SearchQuery`.

The page and the API use the same serializer, so both refuse the same things with the
same messages: over-long text, unknown parameters, unknown filter values, negative or
inverted price ranges, pages beyond the offset window, malformed cursors (the signature
is checked by the service).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from search.contract import (
    DEFAULT_PAGE_SIZE,
    MAX_PAGE_SIZE,
    MAX_PRICE,
    MAX_QUERY_LENGTH,
    MAX_RESULT_WINDOW,
    MAX_VALUES_PER_FILTER,
    SORTS,
    SearchQuery,
)
from search.cursor import MAX_CURSOR_LENGTH
from search.documents import type_names, value_labels
from search.labels import district_names
from search.serializers import search_text_field, validated_text

LIST_PARAMS = ("type", "category", "district", "makerspace", "stage", "certified",
               "first_set", "status")
SCALAR_PARAMS = ("q", "price_min", "price_max", "sort", "page", "page_size", "cursor")
# Harmless parameters added by clients and tools, accepted and ignored.
IGNORED_PARAMS = ("format",)
CATEGORY_PATH = r"^[a-z0-9][a-z0-9_-]*(/[a-z0-9][a-z0-9_-]*)*$"
BOOLEAN_VALUES = ("true", "false")


def _values(child, help_text):
    return serializers.ListField(
        child=child, required=False, max_length=MAX_VALUES_PER_FILTER, help_text=help_text,
        error_messages={"max_length": _("Choose at most {max_length} values.")},
    )


class SearchParamsSerializer(serializers.Serializer):
    q = search_text_field(
        required=False, allow_blank=True, default="", max_length=MAX_QUERY_LENGTH,
        help_text=_("Search text (Chinese and/or English), at most 200 characters."),
        error_messages={
            "max_length": _("The search text can be at most {max_length} characters long.")
        },
    )
    type = _values(serializers.ChoiceField(choices=()),
                   _("Restrict to document types (repeatable)."))
    category = _values(
        serializers.RegexField(CATEGORY_PATH, max_length=500, error_messages={
            "invalid": _("“%(value)s” is not a category path.")}),
        _("Category path; a node also matches its subcategories (repeatable)."),
    )
    district = _values(serializers.ChoiceField(choices=()), _("District code (repeatable)."))
    makerspace = _values(serializers.SlugField(max_length=80),
                         _("Makerspace slug (repeatable)."))
    stage = _values(serializers.ChoiceField(choices=()), _("Product stage (repeatable)."))
    certified = _values(serializers.ChoiceField(choices=BOOLEAN_VALUES),
                        _("Has a valid innovation certification: true or false."))
    first_set = _values(serializers.ChoiceField(choices=BOOLEAN_VALUES),
                        _("Is a first set of equipment: true or false."))
    status = _values(serializers.ChoiceField(choices=()),
                     _("Public status of a document type that has one (repeatable)."))
    price_min = serializers.DecimalField(
        max_digits=14, decimal_places=2, min_value=0, max_value=MAX_PRICE, required=False,
        help_text=_("Lowest price (inclusive)."),
        error_messages={"min_value": _("Prices cannot be negative.")},
    )
    price_max = serializers.DecimalField(
        max_digits=14, decimal_places=2, min_value=0, max_value=MAX_PRICE, required=False,
        help_text=_("Price limit (exclusive)."),
        error_messages={"min_value": _("Prices cannot be negative.")},
    )
    sort = serializers.ChoiceField(choices=SORTS, default="relevance", required=False,
                                   allow_blank=True)  # blank: the default, as a form sends it
    page = serializers.IntegerField(min_value=1, max_value=MAX_RESULT_WINDOW, default=1,
                                    required=False)
    page_size = serializers.IntegerField(min_value=1, max_value=MAX_PAGE_SIZE,
                                         default=DEFAULT_PAGE_SIZE, required=False)
    cursor = serializers.CharField(
        required=False, max_length=MAX_CURSOR_LENGTH,
        help_text=_("The next_cursor of a previous result, for deep pagination."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Vocabularies read at request time: the region is configuration, document
        # types, stages and statuses are what the apps registered.
        self.fields["district"].child.choices = list(district_names())
        self.fields["type"].child.choices = list(type_names())
        self.fields["stage"].child.choices = list(value_labels("stage"))
        self.fields["status"].child.choices = list(value_labels("status"))

    def validate_q(self, value):
        return validated_text(value)

    def to_internal_value(self, data):
        try:
            return super().to_internal_value(data)
        except serializers.ValidationError as exc:
            raise serializers.ValidationError(flatten_errors(exc.detail)) from exc

    def validate(self, attrs):
        unknown = sorted(
            set(self.initial_data) - set(self.fields) - set(IGNORED_PARAMS)
        )
        if unknown:
            raise serializers.ValidationError(
                {name: [_("Unknown search parameter.")] for name in unknown}
            )
        # A category or makerspace that is well formed but does not exist simply matches
        # nothing (an empty result, as a search engine answers), never a 400.
        errors = {}
        low, high = attrs.get("price_min"), attrs.get("price_max")
        if low is not None and high is not None and low >= high:
            errors["price_max"] = [_("The price limit must be above the lowest price.")]
        if attrs.get("page", 1) * attrs.get("page_size", DEFAULT_PAGE_SIZE) > MAX_RESULT_WINDOW:
            errors["page"] = [
                _("Pages beyond the first %(max)s results are reached with the cursor.")
                % {"max": MAX_RESULT_WINDOW}
            ]
        if errors:
            raise serializers.ValidationError(errors)
        return attrs

    def to_query(self, language: str) -> SearchQuery:
        data = self.validated_data
        filters = {
            name: tuple(dict.fromkeys(data[name]))
            for name in LIST_PARAMS
            if name != "type" and data.get(name)
        }
        return SearchQuery(
            text=data.get("q") or "",
            doc_types=tuple(dict.fromkeys(data.get("type") or ())),
            filters=filters,
            price_min=data.get("price_min"),
            price_max=data.get("price_max"),
            sort=data.get("sort") or "relevance",
            page=data.get("page") or 1,
            page_size=data.get("page_size") or DEFAULT_PAGE_SIZE,
            cursor=data.get("cursor") or None,
            language=language,
        )


def flatten_errors(detail) -> dict:
    """``{"stage": {0: ["..."]}}`` (a repeated parameter's per-value errors) ->
    ``{"stage": ["..."]}``: one list of messages per parameter."""
    if not isinstance(detail, dict):
        return detail

    def messages(value):
        if isinstance(value, dict):
            return [m for item in value.values() for m in messages(item)]
        if isinstance(value, list):
            return [m for item in value for m in messages(item)]
        return [value]

    return {field: messages(value) for field, value in detail.items()}


def params_from_querydict(querydict) -> dict:
    """QueryDict -> plain data: lists for repeatable filters, the last value otherwise;
    empty values dropped (an empty form field means "not set")."""
    data: dict = {}
    for key in querydict:
        values = [v for v in querydict.getlist(key) if v.strip()]
        if not values:
            continue
        data[key] = values if key in LIST_PARAMS else values[-1]
    return data


def parse_search_params(querydict, language: str) -> SearchQuery:
    """Validate request parameters; raises ``rest_framework.exceptions.ValidationError``."""
    serializer = SearchParamsSerializer(data=params_from_querydict(querydict))
    serializer.is_valid(raise_exception=True)
    return serializer.to_query(language)
