"""The search service: one contract (``search.contract``), two backends.

``search()`` and ``suggest()`` are what pages and the API call; ``get_backend()`` gives
the configured backend (``settings.SEARCH_BACKEND``; ``ELASTICSEARCH_URL`` set ->
Elasticsearch). Writes to the index live in ``search.indexing``.

Errors: bad input raises ``InvalidSearch`` (400); a backend fault
(``SearchUnavailable``) is logged here and raised as ``SearchOutage`` (503), a
``DomainError`` that the API's exception handler and the page turn into their error
shapes, so no view handles search outages on its own.
"""

from __future__ import annotations

import logging
import time
from dataclasses import replace
from functools import lru_cache

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

from marketplace.core.locale import is_english
from search.backends.base import SearchBackend, SearchUnavailable
from search.contract import (
    FACETS,
    PRICE_BUCKETS,
    SUGGEST_LIMIT,
    BackendQuery,
    FacetValue,
    InvalidSearch,
    RawFacetValue,
    RawHit,
    SearchHit,
    SearchOutage,
    SearchQuery,
    SearchResult,
    Suggestion,
    clean_search_text,
)
from search.corrections import did_you_mean
from search.cursor import decode_cursor, encode_cursor
from search.documents import pick, type_names
from search.labels import Labeller
from search.text import excerpt

logger = logging.getLogger(__name__)

_BACKEND_SETTINGS = {"SEARCH_BACKEND", "ELASTICSEARCH_URL", "SEARCH_INDEX_PREFIX",
                     "ELASTICSEARCH_NODE_CLASS"}


@lru_cache(maxsize=1)
def get_backend() -> SearchBackend:
    return import_string(settings.SEARCH_BACKEND)()


@receiver(setting_changed)
def _forget_backend(sender, setting, **kwargs):
    if setting in _BACKEND_SETTINGS:
        get_backend.cache_clear()


# ---------------------------------------------------------------------------------------


def search(query: SearchQuery, *, backend: SearchBackend | None = None) -> SearchResult:
    """One page of results for a validated query. Raises ``InvalidSearch`` (a bad
    cursor, bad text) or ``SearchOutage``."""
    backend = backend or get_backend()
    started = time.perf_counter()
    text = clean_search_text(query.text)
    if text != query.text:
        query = replace(query, text=text)
    after, fallback = decode_cursor(query.cursor, query, backend.name) if query.cursor else (
        None, None)
    offset = 0 if after is not None else (query.page - 1) * query.page_size
    try:
        raw = backend.search(BackendQuery(query=query, after=after, offset=offset,
                                          fallback=fallback))
    except SearchUnavailable as exc:
        raise _outage(backend, exc) from exc
    labeller = Labeller(query.language)
    hits = [_present_hit(hit, query, labeller) for hit in raw.hits]
    facets = _present_facets(raw.facets, query, labeller)
    next_cursor = encode_cursor(query, backend.name, raw.next_after,
                                fallback=raw.fallback) if raw.next_after else None
    return SearchResult(
        total=raw.total, hits=hits, facets=facets, next_cursor=next_cursor,
        took_ms=round((time.perf_counter() - started) * 1000, 2),
        page=1 if query.cursor else query.page, page_size=query.page_size,
        backend=backend.name, query=query,
        suggestion=did_you_mean(query.text, raw.corrections), partial=raw.fallback,
    )


def suggest(text: str, *, language: str, doc_types: tuple[str, ...] = (),
            limit: int = SUGGEST_LIMIT, backend: SearchBackend | None = None) -> list[Suggestion]:
    """Titles completing ``text`` while the reader types. Raises ``InvalidSearch`` or
    ``SearchOutage``."""
    text = clean_search_text(text)
    known = type_names()
    unknown = [t for t in doc_types if t not in known]
    if unknown:
        raise InvalidSearch(_("Unknown document type: %(value)s.") % {"value": unknown[0]},
                            param="type")
    if not text:
        return []
    backend = backend or get_backend()
    try:
        found = backend.suggest(text, doc_types=tuple(doc_types), limit=limit)
    except SearchUnavailable as exc:
        raise _outage(backend, exc) from exc
    return [Suggestion(text=s.text, doc_type=s.doc_type, id=s.object_id, url=s.url)
            for s in found]


def _outage(backend: SearchBackend, exc: Exception) -> SearchOutage:
    logger.error("search backend %s unavailable: %s", backend.name, exc)
    return SearchOutage()


# ---------------------------------------------------------------------------------------


def _present_hit(raw: RawHit, query: SearchQuery, label: Labeller) -> SearchHit:
    doc = raw.document
    lang = query.language
    mine, other = ("en", "zh") if is_english(lang) else ("zh", "en")
    title = doc.title(lang)
    title_field = f"title_{mine}" if getattr(doc, f"title_{mine}") else f"title_{other}"
    hl = raw.highlights
    title_html = (hl.get(title_field) or [None])[0] or excerpt(title, 300)
    snippet = None
    for name in (f"summary_{mine}", f"body_{mine}", f"title_{other}", f"summary_{other}",
                 f"body_{other}"):
        if name == title_field:
            continue
        if hl.get(name):
            snippet = hl[name][0]
            break
    if snippet is None:
        summary = pick(doc.summary_zh, doc.summary_en, lang) or pick(doc.body_zh, doc.body_en,
                                                                      lang)
        snippet = excerpt(summary)
    return SearchHit(
        id=doc.object_id, doc_type=doc.doc_type,
        doc_type_label=label("doc_type_item", doc.doc_type),
        title=title, url=doc.url,
        title_html=title_html, snippet_html=snippet, highlights=hl,
        price=doc.price, currency=doc.currency,
        category=doc.category,
        category_label=label("category", doc.category, zh=doc.category_label_zh,
                             en=doc.category_label_en) if doc.category else "",
        district=doc.district,
        district_label=label("district", doc.district) if doc.district else "",
        makerspace=doc.makerspace,
        makerspace_label=label("makerspace", doc.makerspace, zh=doc.makerspace_label_zh,
                               en=doc.makerspace_label_en) if doc.makerspace else "",
        stage=doc.stage,
        stage_label=label("stage", doc.stage) if doc.stage else "",
        certified=doc.certified, first_set=doc.first_set, status=doc.status,
        status_label=label("status", doc.status) if doc.status else "",
        created_at=doc.created_at, score=raw.score, extra=doc.extra,
    )


def _selected(facet: str, query: SearchQuery) -> set[str]:
    if facet == "doc_type":
        return set(query.doc_types)
    if facet == "price":
        return {key for key, low, high in PRICE_BUCKETS
                if query.price_min == low and query.price_max == high}
    return set(query.filters.get(facet, ()))


def _present_facets(raw: dict[str, list[RawFacetValue]], query: SearchQuery,
                    label: Labeller) -> dict[str, list[FacetValue]]:
    out: dict[str, list[FacetValue]] = {}
    for facet in FACETS:
        selected = _selected(facet, query)
        values = list(raw.get(facet, []))
        if facet == "price":
            order = [key for key, _low, _high in PRICE_BUCKETS]
            values.sort(key=lambda v: order.index(v.value) if v.value in order else len(order))
        present = {v.value for v in values}
        # a chosen value stays visible (and can be unchosen) even when nothing matches
        values += [RawFacetValue(v, 0) for v in sorted(selected - present)]
        out[facet] = [
            FacetValue(value=v.value, label=label(facet, v.value, zh=v.label_zh, en=v.label_en),
                       count=v.count, selected=v.value in selected)
            for v in values
        ]
    return out
