"""Labels of facet values in the reader's language. Category and makerspace labels
travel with the documents (they are data); districts come from the region pack; document
types, statuses and other enumerations (product stages) from the apps that registered
them (``search.documents``)."""

from __future__ import annotations

from decimal import Decimal
from functools import lru_cache

from babel.numbers import format_currency
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from django.utils.translation import override

from marketplace.core.locale import babel_locale, is_english
from marketplace.core.regions import region_pack
from search.contract import PRICE_BUCKETS
from search.documents import document_types, value_labels

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


def district_names() -> dict[str, tuple[str, str]]:
    return {d["code"]: (d["name"], d.get("name_en") or d["name"]) for d in
            region_pack()["districts"]}


_locale = babel_locale

def price_label(key: str, language: str) -> str:
    return _price_label(key, language, settings.MARKETPLACE_CURRENCY)


@lru_cache(maxsize=256)
def _price_label(key: str, language: str, currency: str) -> str:
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


class Labeller:
    """Labels of facet values in one language. Built once per search: the enumerations
    are translated once, not once per value (switching languages is not free)."""

    def __init__(self, language: str):
        self.language = language
        self.english = is_english(language)
        with override(language):
            self.maps = {
                "doc_type": {t.doc_type: str(t.label) for t in document_types()},
                "doc_type_item": {t.doc_type: str(t.item_label) for t in document_types()},
                "stage": {k: str(v) for k, v in value_labels("stage").items()},
                "status": {k: str(v) for k, v in value_labels("status").items()},
                **{facet: {k: str(v) for k, v in values.items()}
                   for facet, values in BOOLEAN_LABELS.items()},
            }
        self.maps["district"] = {code: (en if self.english else zh)
                                 for code, (zh, en) in district_names().items()}

    def __call__(self, facet: str, value: str, *, zh: str = "", en: str = "") -> str:
        """The label of one facet value; ``zh``/``en``: labels stored with the data."""
        if facet in self.maps:
            return self.maps[facet].get(value, value)
        if facet == "price":
            return price_label(value, self.language)
        if self.english:
            return en or zh or value
        return zh or en or value


def facet_title(facet: str, language: str) -> str:
    with override(language):
        return str(FACET_TITLES.get(facet, facet))
