"""Labels of facet values in the reader's language, and the vocabularies that validate
filter values. Category and makerspace labels travel with the documents (they are data);
enumerations are labelled here."""

from __future__ import annotations

from decimal import Decimal

from babel.numbers import format_currency
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from django.utils.translation import override

from marketplace.core.regions import region_pack
from search.contract import PRICE_BUCKETS

DOC_TYPE_LABELS = {
    "product": _("Products"),
    "makerspace": _("Makerspaces"),
    "campaign": _("Crowdfunding campaigns"),
    "notice": _("Procurement notices"),
}

FACET_TITLES = {
    "doc_type": _("Type"),
    "category": _("Category"),
    "district": _("District"),
    "makerspace": _("Makerspace"),
    "stage": _("Stage"),
    "certified": _("Innovation certification"),
    "first_set": _("First set of equipment"),
    "price": _("Price"),
    "status": _("Status"),
}

BOOLEAN_LABELS = {
    "certified": {"true": _("Certified"), "false": _("Not certified")},
    "first_set": {"true": _("First set"), "false": _("Not a first set")},
}

# Public states of campaigns and procurement notices (their apps own the machines; the
# search index only holds what may be shown).
STATUS_LABELS = {
    "live": _("Live"),
    "funded": _("Funded"),
    "failed": _("Not funded"),
    "fulfilling": _("Fulfilling rewards"),
    "fulfilled": _("Fulfilled"),
    "canceled": _("Canceled"),
    "open": _("Open for submissions"),
    "closed": _("Closed"),
    "awarded": _("Awarded"),
    "unsuccessful": _("Unsuccessful"),
}


def stage_labels() -> dict:
    from catalog.models import ProductStage

    return dict(ProductStage.choices)


def district_names() -> dict[str, tuple[str, str]]:
    return {d["code"]: (d["name"], d.get("name_en") or d["name"]) for d in
            region_pack()["districts"]}


def _is_english(language: str) -> bool:
    return (language or "").lower().startswith("en")


def _locale(language: str) -> str:
    return "en_US" if _is_english(language) else "zh_Hans_CN"


def price_label(key: str, language: str) -> str:
    currency = settings.MARKETPLACE_CURRENCY
    for bucket_key, low, high in PRICE_BUCKETS:
        if bucket_key != key:
            continue

        def fmt(amount: Decimal) -> str:
            return format_currency(amount, currency, locale=_locale(language),
                                   format="¤#,##0", currency_digits=False)

        with override(language):
            if high is None:
                return str(_("%(low)s and above")) % {"low": fmt(low)}
            if not low:
                return str(_("Under %(high)s")) % {"high": fmt(high)}
            return str(_("%(low)s to under %(high)s")) % {"low": fmt(low), "high": fmt(high)}
    return key


def value_label(facet: str, value: str, language: str, *, zh: str = "", en: str = "") -> str:
    """The label of one facet value; ``zh``/``en`` are labels stored with the documents."""
    with override(language):
        if facet == "doc_type":
            return str(DOC_TYPE_LABELS.get(value, value))
        if facet in BOOLEAN_LABELS:
            return str(BOOLEAN_LABELS[facet].get(value, value))
        if facet == "stage":
            return str(stage_labels().get(value, value))
        if facet == "status":
            return str(STATUS_LABELS.get(value, value))
        if facet == "district":
            names = district_names().get(value)
            if names:
                return names[1] if _is_english(language) else names[0]
            return value
    if facet == "price":
        return price_label(value, language)
    if _is_english(language):
        return en or zh or value
    return zh or en or value


def facet_title(facet: str, language: str) -> str:
    with override(language):
        return str(FACET_TITLES.get(facet, facet))
