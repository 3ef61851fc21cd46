"""The Elasticsearch backend (``elasticsearch.dsl`` of the ``elasticsearch`` 9 client).

One index per document type behind an alias: ``<prefix>-products`` points at
``<prefix>-products-v<timestamp>``. ``reindex`` builds a new versioned index, bulk-loads
it, swaps the alias in one atomic ``_aliases`` call and deletes the old index, so
searches never see a half-built index. Writes that arrive during a rebuild go to both
the live index and the one being built.

Queries (``search.backends.es_query``): one clause per term of ``search.terms`` over
bilingual fields with boosts (title^3, summary^2, body), ``fuzziness: AUTO`` for words,
codes as whole tokens; a strict query, and the most-terms fallback
(``minimum_should_match``) when it finds too little; exact codes and titles boosted.
Facet filters as ``post_filter`` with one ``filter`` aggregation per facet (disjunctive
counts); highlights; "did you mean" from the term suggester in the same request;
completion suggestions; ``search_after`` for deep pages.
"""

from __future__ import annotations

import contextlib
import logging
import struct
from collections.abc import Iterable
from decimal import Decimal

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.module_loading import import_string
from elastic_transport import TransportError
from elasticsearch import ApiError, BadRequestError, Elasticsearch, NotFoundError
from elasticsearch.dsl import Index, Q, Search
from elasticsearch.helpers import BulkIndexError, bulk, streaming_bulk

from search.backends.base import Progress, ReindexReport, SearchBackend, SearchUnavailable
from search.backends.es_documents import LABEL_SEPARATOR, index_document
from search.backends.es_query import SUGGEST_FIELD, suggest_words, text_query
from search.contract import (
    FACET_SIZE,
    MAX_RESULT_WINDOW,
    PRICE_BUCKETS,
    BackendQuery,
    RawFacetValue,
    RawHit,
    RawResult,
    RawSuggestion,
)
from search.cursor import bad_cursor
from search.documents import SearchDocument, document_types, get_document_type
from search.terms import FALLBACK_BELOW, QueryTerms
from search.text import MARK_CLOSE, MARK_OPEN, auto_fuzziness, edit_distance, mark_sentinels

logger = logging.getLogger(__name__)

HIGHLIGHT_FIELDS = ("title_zh", "title_en", "summary_zh", "summary_en", "body_zh", "body_en")
# facet -> field it filters on / aggregates on
FILTER_FIELDS = {"doc_type": "doc_type", "category": "category_paths", "district": "district",
                 "makerspace": "makerspace", "stage": "stage", "certified": "certified",
                 "first_set": "first_set", "status": "status"}
AGG_FIELDS = {**FILTER_FIELDS, "category": "category_facet", "makerspace": "makerspace_facet"}
SORTS = {
    "relevance": ["_score", {"created_at": "desc"}, {"doc_key": "asc"}],
    "newest": [{"created_at": "desc"}, {"doc_key": "desc"}],
    "price_asc": [{"price": {"order": "asc", "missing": "_last"}}, {"doc_key": "asc"}],
    "price_desc": [{"price": {"order": "desc", "missing": "_last"}}, {"doc_key": "desc"}],
}
REINDEX_MARKER_TTL = 6 * 3600
ERRORS = (ApiError, TransportError, BulkIndexError)


def _float32(value: float) -> float:
    """The exact value of a float32 score (the JSON gives it rounded to 8 digits)."""
    return struct.unpack("f", struct.pack("f", value))[0]


def _position(query: BackendQuery) -> tuple[list | None, int, int]:
    """``search_after`` values, ``from`` and the absolute position of the page.

    A relevance cursor also carries the offset of its page. Within the result window
    the page is fetched by offset: scores are floats, and not every server compares a
    ``_score`` cursor exactly (osmem ignores it on ties); beyond the window,
    ``search_after`` on score, date and key, as Elasticsearch does correctly."""
    if query.after is None:
        return None, query.offset, query.offset
    if query.sort != "relevance":
        return list(query.after), 0, 0
    if len(query.after) != 4:
        raise bad_cursor()
    *sort_values, offset = query.after
    if not isinstance(offset, int) or isinstance(offset, bool) or offset < 0:
        raise bad_cursor()
    if offset + query.size < MAX_RESULT_WINDOW:
        return None, offset, offset
    return sort_values, 0, offset


def _corrections(suggest: dict) -> dict[str, str]:
    """The term suggester's best option per misspelt word, within the AUTO edit
    distance the search itself allows (as the database backend's lexicon)."""
    out = {}
    for entry in suggest.get("did_you_mean", []):
        word = entry.get("text", "")
        for option in entry.get("options", []):
            candidate = option.get("text", "")
            if candidate and edit_distance(word, candidate) <= auto_fuzziness(word):
                out[word] = candidate
                break
    return out


def _unavailable(exc: Exception) -> SearchUnavailable:
    return SearchUnavailable(f"Elasticsearch: {type(exc).__name__}: {exc}"[:500])


class ElasticsearchBackend(SearchBackend):
    name = "elasticsearch"

    def __init__(self, url: str | None = None, *, index_prefix: str | None = None,
                 node_class=None, refresh: bool | str = "wait_for", replicas: int | None = None,
                 client: Elasticsearch | None = None, request_timeout: float = 10.0):
        url = url or settings.ELASTICSEARCH_URL
        if node_class is None and getattr(settings, "ELASTICSEARCH_NODE_CLASS", ""):
            node_class = import_string(settings.ELASTICSEARCH_NODE_CLASS)
        options = {"request_timeout": request_timeout, "max_retries": 1,
                   "retry_on_timeout": False}
        if node_class is not None:
            options["node_class"] = node_class
        self.client = client or Elasticsearch(url, **options)
        self.prefix = index_prefix or settings.SEARCH_INDEX_PREFIX
        self.refresh = refresh
        self.replicas = (replicas if replicas is not None
                         else getattr(settings, "ELASTICSEARCH_REPLICAS", 0))
        self._ready: set[str] = set()

    # -- names ----------------------------------------------------------------------------
    def alias(self, doc_type: str) -> str:
        return f"{self.prefix}-{get_document_type(doc_type).index_name}"

    def _new_index_name(self, doc_type: str) -> str:
        return f"{self.alias(doc_type)}-v{timezone.now():%Y%m%d%H%M%S%f}"

    def _marker_key(self, doc_type: str) -> str:
        return f"search:es:reindex:{self.alias(doc_type)}"

    def indices_behind(self, doc_type: str) -> list[str]:
        try:
            return sorted(self.client.indices.get_alias(name=self.alias(doc_type)).keys())
        except NotFoundError:
            return []

    # -- health and setup ---------------------------------------------------------------
    def health(self) -> dict:
        try:
            health = self.client.cluster.health()
        except ERRORS as exc:
            raise _unavailable(exc) from exc
        if health.get("status") == "red":
            raise SearchUnavailable("Elasticsearch cluster status is red")
        # fuzziness AUTO on every word, the term suggester for "did you mean"
        return {"cluster_status": health.get("status"), "typo_tolerance": True}

    def _create_index(self, doc_type: str, name: str) -> None:
        index = Index(name, using=self.client)
        index.settings(number_of_shards=1, number_of_replicas=self.replicas,
                       max_result_window=MAX_RESULT_WINDOW)
        index.document(index_document(get_document_type(doc_type)))
        index.create()

    def _ensure(self, doc_type: str) -> None:
        if doc_type in self._ready:
            return
        alias = self.alias(doc_type)
        try:
            if not self.client.indices.exists_alias(name=alias):
                name = self._new_index_name(doc_type)
                self._create_index(doc_type, name)
                self.client.indices.update_aliases(actions=[{"add": {"index": name,
                                                                     "alias": alias}}])
        except ERRORS as exc:
            raise _unavailable(exc) from exc
        self._ready.add(doc_type)

    def setup(self) -> None:
        for document_type in document_types():
            self._ensure(document_type.doc_type)

    def count(self, doc_type: str) -> int:
        try:
            return int(self.client.count(index=self.alias(doc_type))["count"])
        except NotFoundError:
            return 0
        except ERRORS as exc:
            raise _unavailable(exc) from exc

    # -- writing ------------------------------------------------------------------------
    def _targets(self, doc_type: str) -> list[str]:
        building = cache.get(self._marker_key(doc_type))
        return [self.alias(doc_type), *([building] if building else [])]

    def upsert(self, documents: Iterable[SearchDocument]) -> int:
        actions = []
        for doc in documents:
            self._ensure(doc.doc_type)
            source = index_document(get_document_type(doc.doc_type)).source(doc)
            for target in self._targets(doc.doc_type):
                actions.append({"_op_type": "index", "_index": target, "_id": doc.key,
                                "_source": source})
        if not actions:
            return 0
        try:
            written, _ = bulk(self.client, actions, refresh=self.refresh)
        except ERRORS as exc:
            raise _unavailable(exc) from exc
        return written

    def delete(self, doc_type: str, object_ids: Iterable[int]) -> int:
        ids = list(object_ids)
        if not ids:
            return 0
        self._ensure(doc_type)
        actions = [
            {"_op_type": "delete", "_index": target, "_id": f"{doc_type}:{object_id}"}
            for target in self._targets(doc_type) for object_id in ids
        ]
        try:
            deleted, errors = bulk(self.client, actions, refresh=self.refresh,
                                   raise_on_error=False)
        except ERRORS as exc:
            raise _unavailable(exc) from exc
        failures = [e for e in errors if (e.get("delete") or {}).get("status") != 404]
        if failures:
            raise SearchUnavailable(f"Elasticsearch refused deletes: {failures[:3]}")
        return deleted

    def reindex(self, doc_type: str, documents: Iterable[SearchDocument], *, total: int,
                progress: Progress | None = None, chunk_size: int = 500) -> ReindexReport:
        alias = self.alias(doc_type)
        new = self._new_index_name(doc_type)
        mapping = index_document(get_document_type(doc_type))
        try:
            old = self.indices_behind(doc_type)
            self._drop_leftovers(doc_type, keep=old)
            self._create_index(doc_type, new)
            self.client.indices.put_settings(index=new,
                                             settings={"index": {"refresh_interval": "-1"}})
        except ERRORS as exc:
            raise _unavailable(exc) from exc
        cache.set(self._marker_key(doc_type), new, REINDEX_MARKER_TTL)
        indexed = errors = 0
        try:
            actions = (
                {"_op_type": "index", "_index": new, "_id": doc.key,
                 "_source": mapping.source(doc)}
                for doc in documents
            )
            for ok, item in streaming_bulk(self.client, actions, chunk_size=chunk_size,
                                           raise_on_error=False, max_retries=3):
                if ok:
                    indexed += 1
                else:
                    errors += 1
                    logger.error("search reindex %s: %s", new, item)
                if progress and (indexed + errors) % chunk_size == 0:
                    progress(indexed + errors, total)
            if progress:
                progress(indexed + errors, total)
            self.client.indices.put_settings(index=new,
                                             settings={"index": {"refresh_interval": "1s"}})
            self.client.indices.refresh(index=new)
            # the swap: one atomic call, the alias never points at nothing
            actions = [{"remove": {"index": name, "alias": alias}} for name in old]
            actions.append({"add": {"index": new, "alias": alias}})
            self.client.indices.update_aliases(actions=actions)
        except BaseException as exc:
            cache.delete(self._marker_key(doc_type))
            with contextlib.suppress(*ERRORS):
                self.client.indices.delete(index=new)
            if isinstance(exc, ERRORS):
                raise _unavailable(exc) from exc
            raise
        cache.delete(self._marker_key(doc_type))
        removed = []
        for name in old:
            try:
                self.client.indices.delete(index=name)
                removed.append(name)
            except ERRORS:
                logger.exception("search reindex: could not delete old index %s", name)
        self._ready.add(doc_type)
        return ReindexReport(doc_type=doc_type, indexed=indexed, errors=errors, target=new,
                             removed=removed)

    def _drop_leftovers(self, doc_type: str, keep: list[str]) -> None:
        """Versioned indices of this alias that nothing points at (a crashed rebuild)."""
        pattern = f"{self.alias(doc_type)}-v*"
        building = cache.get(self._marker_key(doc_type))
        try:
            existing = self.client.indices.get(index=pattern).keys()
        except NotFoundError:
            return
        for name in existing:
            if name not in keep and name != building:
                self.client.indices.delete(index=name)

    # -- reading ------------------------------------------------------------------------
    def _indices(self, doc_types) -> list[str]:
        return [self.alias(t) for t in (doc_types or [d.doc_type for d in document_types()])]

    @staticmethod
    def _filter_clauses(query: BackendQuery) -> dict[str, Q]:
        clauses: dict[str, Q] = {}
        for name, values in query.filters.items():
            field = FILTER_FIELDS[name]
            if name in ("certified", "first_set"):
                values = [v == "true" for v in values]
            clauses[name] = Q("terms", **{field: list(values)})
        q = query.query
        if q.price_min is not None or q.price_max is not None:
            bounds = {}
            if q.price_min is not None:
                bounds["gte"] = float(q.price_min)
            if q.price_max is not None:
                bounds["lt"] = float(q.price_max)
            clauses["price"] = Q("range", price=bounds)
        return clauses

    def search(self, query: BackendQuery) -> RawResult:
        """The strict query; when it finds fewer than ``FALLBACK_BELOW`` documents, the
        most-terms fallback instead (a cursor says which one its pages came from)."""
        terms = QueryTerms.parse(query.text)
        result = self._search_once(query, terms, fallback=bool(query.fallback))
        if (query.fallback is None and query.text and result.total < FALLBACK_BELOW
                and terms.can_fall_back):
            corrections = result.corrections
            result = self._search_once(query, terms, fallback=True, suggest=False)
            result.corrections = corrections
        return result

    def _search_once(self, query: BackendQuery, terms: QueryTerms, *, fallback: bool,
                     suggest: bool = True) -> RawResult:
        clauses = self._filter_clauses(query)
        # every type's index: the type is a (disjunctive) facet like the others
        s = Search(using=self.client, index=self._indices(None)).params(
            ignore_unavailable=True, allow_no_indices=True
        )
        s = s.query(text_query(terms, fallback=fallback) if query.text else Q("match_all"))
        if clauses:
            s = s.post_filter(Q("bool", filter=list(clauses.values())))
        for facet, field in AGG_FIELDS.items():
            others = [c for name, c in clauses.items() if name != facet]
            bucket = s.aggs.bucket(facet, "filter", filter=Q("bool", filter=others))
            bucket.bucket("values", "terms", field=field, size=FACET_SIZE)
        others = [c for name, c in clauses.items() if name != "price"]
        ranges = [{"key": key, **({"from": float(low)} if low else {}),
                   **({"to": float(high)} if high is not None else {})}
                  for key, low, high in PRICE_BUCKETS]
        s.aggs.bucket("price", "filter", filter=Q("bool", filter=others)).bucket(
            "values", "range", field="price", ranges=ranges)
        search_after, offset, position = _position(query)
        # one extra hit says whether there is a next page
        s = s.sort(*SORTS[query.sort]).extra(track_total_hits=True, size=query.size + 1)
        if search_after is not None:
            s = s.extra(search_after=search_after)
        elif offset:
            s = s.extra(from_=offset)
        if query.text:
            s = s.highlight_options(pre_tags=[MARK_OPEN], post_tags=[MARK_CLOSE],
                                    fragment_size=160, number_of_fragments=1,
                                    no_match_size=0)
            s = s.highlight(*HIGHLIGHT_FIELDS)
            s = s.highlight("title_zh", "title_en", number_of_fragments=0)
        words = suggest_words(terms) if suggest else []
        if words:
            s = s.suggest("did_you_mean", " ".join(words), term={
                "field": SUGGEST_FIELD, "suggest_mode": "missing", "size": 3,
                "prefix_length": 1, "min_word_length": 3, "max_edits": 2})
        try:
            response = s.execute()
        except BadRequestError as exc:
            if query.after is not None:
                raise bad_cursor() from exc
            raise _unavailable(exc) from exc
        except ERRORS as exc:
            raise _unavailable(exc) from exc
        hits = list(response.hits)
        more = len(hits) > query.size
        hits = hits[: query.size]
        raw_hits = [self._hit(hit, query.text) for hit in hits]
        facets = self._facets(response.aggregations.to_dict())
        next_after = None
        if more and hits:
            next_after = list(hits[-1].meta.sort)
            if query.sort == "relevance":
                next_after[0] = _float32(float(next_after[0]))
                next_after.append(position + len(hits))
            next_after = tuple(next_after)
        corrections = _corrections(response.to_dict().get("suggest") or {}) if words else {}
        return RawResult(total=int(response.hits.total.value), hits=raw_hits, facets=facets,
                         next_after=next_after, corrections=corrections, fallback=fallback)

    @staticmethod
    def _facets(aggs: dict) -> dict[str, list[RawFacetValue]]:
        facets: dict[str, list[RawFacetValue]] = {}
        for facet in [*AGG_FIELDS, "price"]:
            values = []
            for bucket in aggs.get(facet, {}).get("values", {}).get("buckets", []):
                if not bucket.get("doc_count"):
                    continue
                key = bucket.get("key_as_string", bucket["key"]) if facet in (
                    "certified", "first_set") else bucket["key"]
                key = str(key).lower() if facet in ("certified", "first_set") else str(key)
                zh = en = ""
                if facet in ("category", "makerspace"):
                    key, zh, en = (key.split(LABEL_SEPARATOR) + ["", ""])[:3]
                values.append(RawFacetValue(key, int(bucket["doc_count"]), zh, en))
            values.sort(key=lambda v: (-v.count, v.value))
            if values:
                facets[facet] = values[:FACET_SIZE]
        return facets

    @staticmethod
    def _hit(hit, text: str) -> RawHit:
        src = hit.to_dict()
        created = parse_datetime(src.get("created_at") or "") or timezone.now()
        price = src.get("price")
        suggest = src.get("suggest") or {}
        doc = SearchDocument(
            doc_type=src["doc_type"], object_id=int(src["object_id"]), url=src.get("url", ""),
            title_zh=src.get("title_zh") or "", title_en=src.get("title_en") or "",
            summary_zh=src.get("summary_zh") or "", summary_en=src.get("summary_en") or "",
            body_zh=src.get("body_zh") or "", body_en=src.get("body_en") or "",
            keywords=src.get("keywords") or "", category=src.get("category") or "",
            category_label_zh=src.get("category_label_zh") or "",
            category_label_en=src.get("category_label_en") or "",
            district=src.get("district") or "", makerspace=src.get("makerspace") or "",
            makerspace_label_zh=src.get("makerspace_label_zh") or "",
            makerspace_label_en=src.get("makerspace_label_en") or "",
            stage=src.get("stage") or "", certified=src.get("certified"),
            first_set=src.get("first_set"),
            price=None if price is None else Decimal(str(price)),
            currency=src.get("currency") or "", status=src.get("status") or "",
            created_at=created, suggest=list(suggest.get("input") or []),
            extra=src.get("extra") or {},
        )
        highlights = {}
        raw = getattr(hit.meta, "highlight", None)
        if raw is not None:
            for field, fragments in raw.to_dict().items():
                marked = [mark_sentinels(f) for f in fragments if MARK_OPEN in f]
                if marked:
                    highlights[field] = marked
        score = getattr(hit.meta, "score", None)
        return RawHit(document=doc, score=float(score) if text and score is not None else None,
                      highlights=highlights)

    def suggest(self, text: str, *, doc_types: tuple[str, ...], limit: int) -> list[
        RawSuggestion
    ]:
        text = " ".join(text.split())
        if not text:
            return []
        completion = {"field": "suggest", "size": limit, "skip_duplicates": True}
        if len(text) >= 4 and text.isascii():
            completion["fuzzy"] = {"fuzziness": "AUTO"}
        s = (Search(using=self.client, index=self._indices(doc_types))
             .params(ignore_unavailable=True, allow_no_indices=True)
             .source(["doc_type", "object_id", "url"])
             .extra(size=0)
             .suggest("titles", text, completion=completion))
        try:
            response = s.execute()
        except ERRORS as exc:
            raise _unavailable(exc) from exc
        out, seen = [], set()
        for entry in response.suggest.to_dict().get("titles", []):
            for option in entry.get("options", []):
                src = option.get("_source") or {}
                key = (src.get("doc_type"), src.get("object_id"))
                if key in seen or not src:
                    continue
                seen.add(key)
                out.append(RawSuggestion(text=option["text"], doc_type=src["doc_type"],
                                         object_id=int(src["object_id"]),
                                         url=src.get("url", "")))
        return out[:limit]
