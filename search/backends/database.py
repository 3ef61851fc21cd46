"""The database backend: the embedded default, and a capable one on PostgreSQL.

Documents live in ``search.SearchEntry`` (narrow: what matching, filters, facets and
ranking read), ``search.SearchEntryText`` (what a hit shows) and
``search.SearchFacetLabel``; ``search.SearchLexicon`` holds the index's words for typo
tolerance and "did you mean". On PostgreSQL: tsvector full text (Chinese as bigrams
segmented in Python, English through the ``english`` configuration, codes as whole
lexemes) with the facet values as lexemes, ts_rank with exact-code and exact-title
boosts, typos widened through the trigram-indexed lexicon, ts_headline for English
highlights. On SQLite: LIKE matching with a field-weighted rank, the same boosts, typos
widened over the lexicon in Python. Same facets, sorting, keyset pagination and result
shape either way: one SQL statement per search on PostgreSQL (see ``database_sql``),
two when the strict query finds too little and the most-terms fallback runs.
"""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Iterable
from datetime import UTC, datetime
from decimal import Decimal

from django.core.cache import cache
from django.core.serializers.json import DjangoJSONEncoder
from django.db import ProgrammingError, connections, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from search.backends import database_sql as q
from search.backends.base import Progress, ReindexReport, SearchBackend
from search.backends.database_match import typo_words
from search.contract import (
    FACET_SIZE,
    BackendQuery,
    RawFacetValue,
    RawHit,
    RawResult,
    RawSuggestion,
)
from search.corrections import did_you_mean
from search.cursor import bad_cursor
from search.documents import SearchDocument, get_document_type
from search.terms import (
    FALLBACK_BELOW,
    DocumentKeys,
    QueryTerms,
    document_keys,
    key_hash,
    normalise,
)
from search.text import (
    MAX_INDEXED_CHARS,
    WORD,
    auto_fuzziness,
    cjk_lexemes_literal,
    cjk_runs,
    cjk_tsvector_literal,
    edit_distance,
    has_marks,
    highlight,
    light_stem,
    mark_sentinels,
    without_cjk,
)

BATCH = 500
FRAGMENT = 160
ENTRY_WRITE = ("doc_type", "object_id", "category_path", "district", "makerspace", "stage",
               "certified", "first_set", "price", "status", "created_at")
TEXT_WRITE = ("doc_type", "object_id", "url", "title_zh", "title_en", "summary_zh",
              "summary_en", "body_zh", "body_en", "keywords", "codes", "title_keys", "currency",
              "suggest", "extra", "indexed_at")
HIGHLIGHT_FIELDS = ("title_zh", "title_en", "summary_zh", "summary_en", "body_zh", "body_en")
# What is matched needs no positions or weights (ranking reads rank_vector): stripped,
# the vector is a third smaller, and so are the rows a search reads.
VECTOR_SQL = "(%s::tsvector || strip(to_tsvector('english', %s)))"
RANK_VECTOR_SQL = "(%s::tsvector || setweight(to_tsvector('english', %s), 'A'))"
# The words of the documents just written, for typo tolerance and "did you mean": on
# PostgreSQL keyed by their English lexeme (what the vector holds), with the shortest
# spelling seen as the word to propose ("sensor" rather than "sensors").
LEXICON_SQL = (
    "INSERT INTO search_searchlexicon (word, surface) "
    "SELECT DISTINCT ON (stem) stem, w FROM ("
    "SELECT w, (ts_lexize('english_stem', w))[1] AS stem FROM unnest(%s::text[]) AS w) x "
    "WHERE stem ~ '^[0-9a-z\u00e0-\u024f]+$' AND length(stem) <= 100 "
    "ORDER BY stem, length(w), w "
    "ON CONFLICT (word) DO UPDATE SET surface = excluded.surface "
    "WHERE search_searchlexicon.surface = '' "
    "OR length(excluded.surface) < length(search_searchlexicon.surface)"
)
SQLITE_LEXICON_SQL = (
    "INSERT INTO search_searchlexicon (word, surface) VALUES (%s, %s) "
    "ON CONFLICT (word) DO NOTHING"
)
MAX_LEXICON_WORD = 100
LEXICON_CHARS = re.compile(r"^[0-9a-z\u00e0-\u024f]+$")
LABEL_SQL = (
    "INSERT INTO search_searchfacetlabel (facet, value, label_zh, label_en) "
    "VALUES (%s, %s, %s, %s) ON CONFLICT (facet, value) DO UPDATE SET "
    "label_zh = excluded.label_zh, label_en = excluded.label_en"
)


def _upsert(table: str, columns: list[str], placeholders: list[str], *,
            keep_existing: bool = False) -> str:
    updates = ", ".join(f"{c} = excluded.{c}" for c in columns
                        if c not in ("doc_type", "object_id"))
    action = "DO NOTHING" if keep_existing else f"DO UPDATE SET {updates}"
    return (f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join(placeholders)}) "  # noqa: S608
            f"ON CONFLICT (doc_type, object_id) {action}")


_DASHES = re.compile(r"[-\u2010-\u2015\u2212]")


def _latin(*texts) -> str:
    """English text plus the Latin words inside Chinese text ("5G 模组"), normalised
    (full-width letters) and with dashes as spaces: PostgreSQL's parser reads "LS-147"
    as "ls" and "-147", a query word "147" would not match it."""
    text = " ".join(without_cjk(t) if cjk_runs(t) else t for t in texts if t)
    return _DASHES.sub(" ", normalise(text))


def searchable_latin(doc: SearchDocument) -> str:
    """The Latin text of every field of ``doc``, as the English parser reads it."""
    return _latin(doc.title_zh, doc.title_en, doc.summary_zh, doc.summary_en,
                  doc.body_zh[:MAX_INDEXED_CHARS], doc.body_en[:MAX_INDEXED_CHARS],
                  doc.matching_keywords)


def lexicon_words(latin_texts: Iterable[str]) -> list[str]:
    """The distinct words (lower case) of texts already reduced to their Latin part."""
    found: dict[str, None] = {}
    for text in latin_texts:
        found.update(dict.fromkeys(WORD.findall(text.lower())))
    return [w for w in found if len(w) <= MAX_LEXICON_WORD and LEXICON_CHARS.match(w)]


class DatabaseBackend(SearchBackend):
    name = "database"

    def __init__(self, using: str = "default"):
        self.using = using

    @property
    def connection(self):
        return connections[self.using]

    @property
    def postgres(self) -> bool:
        return self.connection.vendor == "postgresql"

    # -- health and setup ---------------------------------------------------------------
    def health(self) -> dict:
        with self.connection.cursor() as cursor:
            cursor.execute(f"SELECT 1 FROM {q.ENTRY} LIMIT 1")  # noqa: S608 (constant)
            cursor.fetchall()
        # PostgreSQL widens through the lexicon in SQL, SQLite over it in Python
        return {"vendor": self.connection.vendor, "typo_tolerance": True}

    def setup(self) -> None:
        """The tables and their indexes come from the migrations."""

    def count(self, doc_type: str) -> int:
        from search.models import SearchEntry

        return SearchEntry.objects.using(self.using).filter(doc_type=doc_type).count()

    # -- writing ------------------------------------------------------------------------
    def _entry_row(self, doc: SearchDocument, keys: DocumentKeys, latin: str) -> list:
        row = [doc.doc_type, doc.object_id, doc.category, doc.district, doc.makerspace,
               doc.stage, doc.certified, doc.first_set,
               None if doc.price is None else Decimal(doc.price), doc.status,
               self.connection.ops.adapt_datetimefield_value(doc.created_at)]
        if self.postgres:
            texts = [doc.title_zh, doc.title_en, doc.summary_zh, doc.summary_en, doc.body_zh,
                     doc.body_en, doc.matching_keywords]
            ranking = (*(f"__c:{c}" for c in keys.title_codes),
                       *(f"__t:{key_hash(k)}" for k in keys.title_keys))
            row += [cjk_lexemes_literal(texts, extra=(*q.document_lexemes(doc),
                                                      *keys.all_codes)),
                    latin[: 3 * MAX_INDEXED_CHARS],
                    cjk_tsvector_literal([(doc.title_zh, "A"), (doc.title_en, "A")],
                                         extra=ranking),
                    _latin(doc.title_en, doc.title_zh)]
        return row

    def _text_row(self, doc: SearchDocument, now, keys: DocumentKeys) -> list:
        return [doc.doc_type, doc.object_id, doc.url[:300], doc.title_zh[:300],
                doc.title_en[:300], doc.summary_zh, doc.summary_en, doc.body_zh, doc.body_en,
                doc.matching_keywords, " ".join(keys.title_codes), " ".join(keys.title_keys),
                doc.currency, json.dumps(doc.suggest, ensure_ascii=False),
                json.dumps(doc.extra, cls=DjangoJSONEncoder, ensure_ascii=False),
                self.connection.ops.adapt_datetimefield_value(now)]

    def entry_targets(self) -> list[str]:
        """Entry tables a write must reach besides the live one: the table a rebuild is
        loading, so the write survives the swap."""
        if not self.postgres:
            return []
        from search.backends.database_rebuild import marker_key

        building = cache.get(marker_key(self.using))
        return [building] if building else []

    def write(self, documents: list[SearchDocument], *, bulk_into: str | None = None) -> int:
        """Write one batch. ``bulk_into``: a rebuild's table, where a row already there
        is newer (a concurrent write reached it first) and is kept."""
        if not documents:
            return 0
        for doc_type in {d.doc_type for d in documents}:
            get_document_type(doc_type)  # ValueError for a type no app registered
        entry_columns, entry_values = list(ENTRY_WRITE), ["%s"] * len(ENTRY_WRITE)
        if self.postgres:
            entry_columns += ["search_vector", "rank_vector"]
            entry_values += [VECTOR_SQL, RANK_VECTOR_SQL]
        text_values = [("%s::jsonb" if self.postgres and c in ("suggest", "extra") else "%s")
                       for c in TEXT_WRITE]
        now = timezone.now()
        labels = {}
        for doc in documents:
            if doc.category:
                labels[("category", doc.category)] = (doc.category_label_zh,
                                                      doc.category_label_en)
            if doc.makerspace:
                labels[("makerspace", doc.makerspace)] = (doc.makerspace_label_zh,
                                                          doc.makerspace_label_en)
        keys = [document_keys(d) for d in documents]
        latin = [searchable_latin(d) for d in documents]
        entry_rows = [self._entry_row(d, k, t)
                      for d, k, t in zip(documents, keys, latin, strict=True)]
        with self.connection.cursor() as cursor:
            cursor.executemany(_upsert(q.TEXT, list(TEXT_WRITE), text_values),
                               [self._text_row(d, now, k)
                                for d, k in zip(documents, keys, strict=True)])
            if labels:
                cursor.executemany(LABEL_SQL, [[f, v, zh[:300], en[:300]]
                                               for (f, v), (zh, en) in sorted(labels.items())])
            if bulk_into:
                cursor.executemany(
                    _upsert(bulk_into, entry_columns, entry_values, keep_existing=True),
                    entry_rows)
                self._add_to_lexicon(cursor, latin)
                return len(documents)
            for table in self.entry_targets():
                # before the live table: if the rebuild swaps in between, this write
                # fails harmlessly and the live write below reaches the new table
                with contextlib.suppress(ProgrammingError), \
                        transaction.atomic(using=self.using):
                    cursor.executemany(_upsert(table, entry_columns, entry_values),
                                       entry_rows)
            cursor.executemany(_upsert(q.ENTRY, entry_columns, entry_values), entry_rows)
            self._add_to_lexicon(cursor, latin)
        return len(documents)

    def _add_to_lexicon(self, cursor, latin_texts: list[str]) -> None:
        """The words a misspelt query word may be widened to. Words are only added: a
        word no document uses any more widens a typo to nothing, which costs nothing."""
        words = lexicon_words(latin_texts)
        if not words:
            return
        if self.postgres:
            cursor.execute(LEXICON_SQL, [words])
        else:
            cursor.executemany(SQLITE_LEXICON_SQL, [[w, w] for w in words])

    def upsert(self, documents: Iterable[SearchDocument]) -> int:
        written, batch = 0, []
        with transaction.atomic(using=self.using):
            for doc in documents:
                batch.append(doc)
                if len(batch) >= BATCH:
                    written += self.write(batch)
                    batch = []
            written += self.write(batch)
        return written

    def delete(self, doc_type: str, object_ids: Iterable[int]) -> int:
        from search.models import SearchEntry, SearchEntryText

        ids = list(object_ids)
        if not ids:
            return 0
        with transaction.atomic(using=self.using):
            SearchEntryText.objects.using(self.using).filter(
                doc_type=doc_type, object_id__in=ids).delete()
            for table in self.entry_targets():
                with contextlib.suppress(ProgrammingError), \
                        transaction.atomic(using=self.using), self.connection.cursor() as cursor:
                    cursor.execute(f"DELETE FROM {table} WHERE doc_type = %s "  # noqa: S608
                                   "AND object_id = ANY(%s)", [doc_type, ids])
            deleted, _ = SearchEntry.objects.using(self.using).filter(
                doc_type=doc_type, object_id__in=ids).delete()
        return deleted

    def reindex(self, doc_type: str, documents: Iterable[SearchDocument], *, total: int,
                progress: Progress | None = None) -> ReindexReport:
        """Without downtime: on PostgreSQL a new table swapped in (see
        ``database_rebuild``); elsewhere one transaction, readers seeing the old rows
        until it commits."""
        if self.postgres:
            from search.backends.database_rebuild import rebuild_postgres

            return rebuild_postgres(self, doc_type, documents, total=total, progress=progress,
                                    batch=BATCH)
        from search.models import SearchEntry, SearchEntryText

        indexed, batch = 0, []
        with transaction.atomic(using=self.using):
            SearchEntryText.objects.using(self.using).filter(doc_type=doc_type).delete()
            SearchEntry.objects.using(self.using).filter(doc_type=doc_type).delete()
            for doc in documents:
                batch.append(doc)
                if len(batch) >= BATCH:
                    indexed += self.write(batch)
                    batch = []
                    if progress:
                        progress(indexed, total)
            indexed += self.write(batch)
            if progress:
                progress(indexed, total)
        return ReindexReport(doc_type=doc_type, indexed=indexed, errors=0, target=q.ENTRY,
                             removed=[])

    def settle(self) -> None:
        """After a bulk load (PostgreSQL): move the GIN indexes' pending entries into
        the index proper (until then every search scans the pending list) and refresh
        the planner's statistics; VACUUM the in-place tables when no transaction is
        open (it cannot run inside one; autovacuum does it later)."""
        with self.connection.cursor() as cursor:
            for index in ("search_entry_vector", "search_text_titles_trgm",
                          "search_lexicon_trgm"):
                cursor.execute("SELECT gin_clean_pending_list(%s::regclass)", [index])
            command = "ANALYZE" if self.connection.in_atomic_block else "VACUUM (ANALYZE)"
            for table in (q.ENTRY, q.TEXT, "search_searchlexicon", q.LABEL):
                cursor.execute(f"{command} {table}")

    # -- reading ------------------------------------------------------------------------
    def search(self, query: BackendQuery) -> RawResult:
        """The strict statement; when it finds fewer than ``FALLBACK_BELOW`` documents,
        the most-terms statement instead (a cursor says which one its pages came
        from). On SQLite one more statement first reads the lexicon for typos."""
        terms = QueryTerms.parse(query.text)
        widened, corrections = ({}, {}) if self.postgres else self._widen(terms)
        result = self._search_once(query, terms, fallback=bool(query.fallback),
                                   widened=widened)
        if (query.fallback is None and query.text and result.total < FALLBACK_BELOW
                and terms.can_fall_back):
            result = self._search_once(query, terms, fallback=True, widened=widened)
        if corrections:
            result.corrections = corrections
        return result

    def _search_once(self, query: BackendQuery, terms: QueryTerms, *, fallback: bool,
                     widened: dict[str, list[str]]) -> RawResult:
        try:
            sql = q.search_sql(q.Dialect(self.connection.vendor), query, terms, query.after,
                               query.size + 1, self.connection.ops.adapt_datetimefield_value,
                               fallback=fallback, widened=widened)
        except (ValueError, TypeError, IndexError, ArithmeticError) as exc:
            raise bad_cursor() from exc
        with self.connection.cursor() as cursor:
            cursor.execute(sql.sql, sql.params)
            hits_json, facets_json, corrections_json = cursor.fetchone()
        hits = [self._decode_hit(h) for h in _json(hits_json, [])]
        hits.sort(key=lambda h: q.sort_key(query.sort, h))
        more = len(hits) > query.size
        hits = hits[: query.size]
        total, facets = 0, {}
        for row in _json(facets_json, []):
            if row["facet"] == "#total":
                total = int(row["n"])
                continue
            facets.setdefault(row["facet"], []).append(
                RawFacetValue(str(row["value"]), int(row["n"]), row.get("zh") or "",
                              row.get("en") or ""))
        for name, values in facets.items():
            values.sort(key=lambda v: (-v.count, v.value))
            facets[name] = values[:FACET_SIZE]
        next_after = q.sort_values(query.sort, hits[-1]) if more and hits else None
        typo = typo_words(terms)
        corrections = {typo[int(c["i"])]: c["w"] for c in _json(corrections_json, [])
                       if 0 <= int(c["i"]) < len(typo) and c.get("w")}
        return RawResult(total=total, hits=[self._hit(h, terms) for h in hits], facets=facets,
                         next_after=next_after, corrections=corrections, fallback=fallback)

    def _widen(self, terms: QueryTerms) -> tuple[dict[str, list[str]], dict[str, str]]:
        """Each query word the lexicon does not know -> the known words within
        its AUTO edit distance (nearest first, at most five), and the nearest as its
        correction. One statement reads the candidates: same first letter (as
        Elasticsearch's ``prefix_length: 1``), length within the allowed edits. Searches
        on SQLite use it; on PostgreSQL the search statement does the same in SQL (and
        suggestions use this when nothing else is found)."""
        words = typo_words(terms)
        if not words:
            return {}, {}
        where, params = [], []
        for word in words:
            edits = auto_fuzziness(word)
            where.append("word = %s OR (word >= %s AND word < %s AND length(word) BETWEEN %s "
                         "AND %s)")
            params += [light_stem(word), word[0], chr(ord(word[0]) + 1), len(word) - edits,
                       len(word) + edits]
        with self.connection.cursor() as cursor:
            cursor.execute("SELECT word, surface FROM search_searchlexicon WHERE "  # noqa: S608
                           + " OR ".join(where), params)
            known = {word: surface or word for word, surface in cursor.fetchall()}
        widened, corrections = {}, {}
        for word in words:
            if word in known or light_stem(word) in known:  # "sensors" when "sensor" is
                continue
            near = sorted((edit_distance(word, k), k) for k in known
                          if k[0] == word[0] and abs(len(k) - len(word)) <= auto_fuzziness(word))
            near = [k for d, k in near if d <= auto_fuzziness(word)][:5]
            if near:
                widened[word] = near
                corrections[word] = known[near[0]]
        return widened, corrections

    @staticmethod
    def _decode_hit(hit: dict) -> dict:
        created = hit["created_at"]
        if not isinstance(created, datetime):
            created = parse_datetime(str(created))
        if created is not None and timezone.is_naive(created):
            created = timezone.make_aware(created, UTC)
        hit["created_at"] = created
        price = hit.get("price")
        hit["price"] = None if price is None else Decimal(str(price))
        hit["rank"] = 0.0 if hit.get("rank") is None else float(hit["rank"])
        return hit

    def _hit(self, row: dict, terms: QueryTerms) -> RawHit:
        doc = SearchDocument(
            doc_type=row["doc_type"], object_id=row["object_id"], url=row["url"],
            title_zh=row["title_zh"], title_en=row["title_en"], summary_zh=row["summary_zh"],
            summary_en=row["summary_en"], body_zh=row["body_zh"], body_en=row["body_en"],
            keywords=row["keywords"], category=row["category_path"],
            category_label_zh=row.get("category_label_zh") or "",
            category_label_en=row.get("category_label_en") or "", district=row["district"],
            makerspace=row["makerspace"],
            makerspace_label_zh=row.get("makerspace_label_zh") or "",
            makerspace_label_en=row.get("makerspace_label_en") or "", stage=row["stage"],
            certified=None if row["certified"] is None else bool(row["certified"]),
            first_set=None if row["first_set"] is None else bool(row["first_set"]),
            price=row["price"], currency=row["currency"], status=row["status"],
            created_at=row["created_at"], suggest=_json(row["suggest"], []),
            extra=_json(row["extra"], {}),
        )
        highlights: dict[str, list[str]] = {}
        for name in HIGHLIGHT_FIELDS:
            headline = row.get(f"hl_{name}")
            if headline and has_marks(headline):
                fragment = mark_sentinels(headline)
            else:
                fragment = highlight(row[name], terms,
                                     fragment_size=None if name.startswith("title") else FRAGMENT,
                                     fuzzy=self.postgres)
            if fragment:
                highlights[name] = [fragment]
        return RawHit(document=doc, score=row["rank"] if terms.text else None,
                      highlights=highlights)

    def suggest(self, text: str, *, doc_types: tuple[str, ...], limit: int) -> list[
        RawSuggestion
    ]:
        """Titles containing ``text`` (those starting with it first; on PostgreSQL also
        titles similar to it, through their trigram index). When nothing is found, the
        text with its misspelt words corrected through the lexicon."""
        text = " ".join(text.split())
        if not text:
            return []
        found = self._suggest(text, doc_types=doc_types, limit=limit)
        if not found:
            _widened, corrections = self._widen(QueryTerms.parse(text))
            corrected = did_you_mean(text, corrections)
            if corrected:
                found = self._suggest(corrected, doc_types=doc_types, limit=limit)
        return found

    def _suggest(self, text: str, *, doc_types: tuple[str, ...], limit: int) -> list[
        RawSuggestion
    ]:
        like = f"%{_escape_like(text)}%"
        prefix = f"{_escape_like(text)}%"
        if self.postgres:
            # the trigram index of the titles answers both the substring and the typo
            where = [f"({q.TITLES} ILIKE %s ESCAPE '\\' OR %s <%% {q.TITLES})"]
            params: list = [like, text]
            order = ("CASE WHEN title_zh ILIKE %s ESCAPE '\\' OR title_en ILIKE %s ESCAPE '\\' "
                     f"THEN 0 ELSE 1 END, word_similarity(%s, {q.TITLES}) DESC, id")
            order_params: list = [prefix, prefix, text]
        else:
            where = ["(title_zh LIKE %s ESCAPE '\\' OR title_en LIKE %s ESCAPE '\\')"]
            params = [like, like]
            order = ("CASE WHEN title_zh LIKE %s ESCAPE '\\' OR title_en LIKE %s ESCAPE '\\' "
                     "THEN 0 ELSE 1 END, id")
            order_params = [prefix, prefix]
        if doc_types:
            where.append(f"doc_type IN ({', '.join(['%s'] * len(doc_types))})")
            params += list(doc_types)
        sql = (f"SELECT doc_type, object_id, url, title_zh, title_en FROM {q.TEXT} "  # noqa: S608
               f"WHERE {' AND '.join(where)} ORDER BY {order} LIMIT %s")
        with self.connection.cursor() as cursor:
            cursor.execute(sql, [*params, *order_params, limit])
            rows = cursor.fetchall()
        lowered = text.lower()
        out = []
        for doc_type, object_id, url, title_zh, title_en in rows:
            title = title_zh if lowered in title_zh.lower() else (
                title_en if lowered in title_en.lower() else title_en or title_zh)
            out.append(RawSuggestion(text=title, doc_type=doc_type, object_id=object_id,
                                     url=url))
        return out


def _json(value, default):
    if value is None:
        return default
    if isinstance(value, str):
        return json.loads(value, parse_float=Decimal)
    return value


def _escape_like(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
