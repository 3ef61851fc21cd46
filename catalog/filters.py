"""Filters of the product and makerspace lists, shared by the API and the pages.

Unknown values (a district not in the region pack, a category that does not exist) are
refused with a 400 and a message, never silently ignored.
"""

from __future__ import annotations

import django_filters
from django import forms
from django.conf import settings
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from catalog.models import Makerspace, Product, ProductStage
from catalog.selectors import categories, category_subtree_ids, makerspaces_published
from marketplace.core.forms import currency_choices
from marketplace.core.money import LEGAL_TENDER
from marketplace.core.regions import district_choices, focus_area_choices

KNOWN_CURRENCIES = LEGAL_TENDER


class ProductFilterForm(forms.Form):
    def clean_currency(self):
        code = (self.cleaned_data.get("currency") or "").strip().upper()
        if code and code not in KNOWN_CURRENCIES:
            raise forms.ValidationError(_("Unknown currency: %(currency)s") % {"currency": code})
        return code


class LazyChoices:
    """Choices read when a form is built (the region pack's, in the reader's language),
    and iterable for the OpenAPI schema, which then lists them as the parameter's enum
    (drf-spectacular leaves callable choices out)."""

    def __init__(self, choices):
        self.choices = choices

    def __iter__(self):
        return iter(self.choices())


YES_NO = (("true", _("Yes")), ("false", _("No")))


@extend_schema_field(OpenApiTypes.BOOL)
class YesNoFilter(django_filters.ChoiceFilter):
    """``true`` or ``false`` (empty: any). Any other value is a 400, never silently no
    filter (the NullBooleanSelect of old took "null" for "any")."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("choices", YES_NO)
        kwargs.setdefault("empty_label", _("Any"))
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        if value in ("", None):
            return qs
        return super().filter(qs, value == "true")


class ProductFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_text", label=_("Text"), max_length=200)
    category = django_filters.ModelChoiceFilter(
        queryset=lambda request: categories(), to_field_name="slug", method="filter_category",
        label=_("Category"),
    )
    makerspace = django_filters.ModelChoiceFilter(
        queryset=lambda request: makerspaces_published(), to_field_name="slug",
        label=_("Makerspace"),
    )
    district = django_filters.ChoiceFilter(
        choices=LazyChoices(district_choices), field_name="makerspace__district",
        label=_("District"), empty_label=_("Any"),
    )
    stage = django_filters.ChoiceFilter(choices=ProductStage.choices, label=_("Stage"),
                                        empty_label=_("Any"))
    status = django_filters.ChoiceFilter(choices=Product.Status.choices, label=_("Status"),
                                         empty_label=_("Any"))
    certified = YesNoFilter(field_name="is_certified", label=_("Certified innovative"))
    first_set = YesNoFilter(field_name="is_first_set", label=_("First set of equipment"))
    price_min = django_filters.NumberFilter(
        field_name="price_amount", lookup_expr="gte", label=_("Minimum price"), min_value=0
    )
    price_max = django_filters.NumberFilter(
        field_name="price_amount", lookup_expr="lte", label=_("Maximum price"), min_value=0
    )
    # A price bound is meaningless without its currency: with price_min / price_max the
    # currency defaults to the marketplace's, so 100 CNY never matches 100 USD.
    currency = django_filters.CharFilter(
        method="filter_currency", label=_("Currency"), min_length=3, max_length=3,
        help_text=_("ISO 4217 code; defaults to the marketplace currency when a price is given"),
    )
    organisation = django_filters.CharFilter(
        field_name="organisation__slug", label=_("Maker"), max_length=80
    )

    class Meta:
        model = Product
        fields: list[str] = []
        form = ProductFilterForm

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        data = self.form.cleaned_data
        priced = data.get("price_min") is not None or data.get("price_max") is not None
        if priced and not data.get("currency"):
            queryset = self.filter_currency(queryset, "currency", settings.MARKETPLACE_CURRENCY)
        return queryset

    def filter_currency(self, queryset, name, value: str):
        return queryset.filter(price_currency=value)

    def filter_category(self, queryset, name, value):
        return queryset.filter(category_id__in=category_subtree_ids(value))

    def filter_text(self, queryset, name, value: str):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(name__icontains=value) | Q(name_en__icontains=value)
            | Q(summary__icontains=value) | Q(summary_en__icontains=value)
        )


class MakerspaceFilter(django_filters.FilterSet):
    district = django_filters.ChoiceFilter(choices=LazyChoices(district_choices),
                                           label=_("District"), empty_label=_("Any"))
    focus_area = django_filters.ChoiceFilter(
        choices=LazyChoices(focus_area_choices), method="filter_focus_area",
        label=_("Focus area"), empty_label=_("Any"),
    )

    class Meta:
        model = Makerspace
        fields: list[str] = []

    def filter_focus_area(self, queryset, name, value: str):
        # The list is stored as JSON; matching the quoted code works on SQLite and
        # PostgreSQL alike and never matches a longer code ("marine" vs "marine_x").
        return queryset.filter(focus_areas__icontains=f'"{value}"')


class PublicProductFilter(ProductFilter):
    """The catalogue page's filters: only choices that can match. The page lists published
    products, so there is no status to pick; the currency is one of the marketplace's; the
    maker comes from links (a maker's page), never typed."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters.pop("status", None)
        self.filters["currency"] = django_filters.ChoiceFilter(
            method="filter_currency", label=_("Currency"), choices=currency_choices,
            empty_label=_("Any"))
        self.filters["organisation"].extra["widget"] = forms.HiddenInput
