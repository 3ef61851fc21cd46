"""The database backend: the embedded default, and a capable one on PostgreSQL.

Documents live in ``search.SearchEntry``. On PostgreSQL: weighted tsvector full text
(Chinese as bigrams segmented in Python, English through the ``english`` configuration),
ts_rank, trigram typo tolerance on titles, ts_headline for English highlights. On SQLite:
LIKE matching with a field-weighted rank. Same facets, sorting, keyset pagination and
result shape either way; two SQL statements per search (see ``database_sql``).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connections, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from search.backends import database_sql as q
from search.backends.base import Progress, ReindexReport, SearchBackend
from search.contract import (
    FACET_SIZE,
    BackendQuery,
    RawFacetValue,
    RawHit,
    RawResult,
    RawSuggestion,
)
from search.cursor import bad_cursor
from search.documents import SearchDocument
from search.text import (
    QueryTerms,
    cjk_runs,
    cjk_tsvector_literal,
    has_marks,
    highlight,
    mark_sentinels,
    without_cjk,
)

BATCH = 500
FRAGMENT = 160
WRITE_COLUMNS = (
    "doc_type", "object_id", "url", "title_zh", "title_en", "title_all", "summary_zh",
    "summary_en", "body_zh", "body_en", "keywords", "category_path", "category_label_zh",
    "category_label_en", "district", "makerspace", "makerspace_label_zh",
    "makerspace_label_en", "stage", "certified", "first_set", "price", "currency", "status",
    "created_at", "suggest", "extra", "indexed_at",
)
HIGHLIGHT_FIELDS = ("title_zh", "title_en", "summary_zh", "summary_en", "body_zh", "body_en")
VECTOR_SQL = (
    "(%s::tsvector"
    " || setweight(to_tsvector('english', %s), 'A')"
    " || setweight(to_tsvector('english', %s), 'B')"
    " || setweight(to_tsvector('english', %s), 'C')"
    " || setweight(to_tsvector('english', %s), 'D'))"
)


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
            cursor.execute(f"SELECT 1 FROM {q.TABLE} LIMIT 1")  # noqa: S608 (constant)
            cursor.fetchall()
        return {"vendor": self.connection.vendor, "typo_tolerance": self.postgres}

    def setup(self) -> None:
        """The table and its indexes come from the migrations."""

    def count(self, doc_type: str) -> int:
        from search.models import SearchEntry

        return SearchEntry.objects.using(self.using).filter(doc_type=doc_type).count()

    # -- writing ------------------------------------------------------------------------
    def _row(self, doc: SearchDocument, now: datetime) -> list:
        ops = self.connection.ops
        title_all = f"{doc.title_zh} {doc.title_en}".strip()
        return [
            doc.doc_type, doc.object_id, doc.url[:300], doc.title_zh[:300], doc.title_en[:300],
            title_all[:601], doc.summary_zh, doc.summary_en, doc.body_zh, doc.body_en,
            doc.keywords, doc.category, doc.category_label_zh[:300],
            doc.category_label_en[:300], doc.district, doc.makerspace,
            doc.makerspace_label_zh[:200], doc.makerspace_label_en[:200], doc.stage,
            doc.certified, doc.first_set,
            None if doc.price is None else Decimal(doc.price), doc.currency, doc.status,
            ops.adapt_datetimefield_value(doc.created_at),
            json.dumps(doc.suggest, ensure_ascii=False),
            json.dumps(doc.extra, cls=DjangoJSONEncoder, ensure_ascii=False),
            ops.adapt_datetimefield_value(now),
        ]

    @staticmethod
    def _vector_params(doc: SearchDocument) -> list:
        literal = cjk_tsvector_literal([
            (doc.title_zh, "A"), (doc.title_en, "A"), (doc.summary_zh, "B"),
            (doc.summary_en, "B"), (doc.body_zh, "C"), (doc.body_en, "C"), (doc.keywords, "D"),
        ])

        def latin(*texts):
            # English text plus the Latin words inside Chinese text ("5G 模组")
            return " ".join(without_cjk(t) if cjk_runs(t) else t for t in texts if t)

        return [
            literal,
            latin(doc.title_en, doc.title_zh),
            latin(doc.summary_en, doc.summary_zh),
            latin(doc.body_en, doc.body_zh)[:20_000],
            latin(doc.keywords),
        ]

    def _upsert_sql(self) -> str:
        placeholders = []
        for column in WRITE_COLUMNS:
            placeholders.append("%s::jsonb" if self.postgres and column in ("suggest", "extra")
                                else "%s")
        columns = list(WRITE_COLUMNS)
        if self.postgres:
            columns.append("search_vector")
            placeholders.append(VECTOR_SQL)
        updates = ", ".join(f"{c} = excluded.{c}" for c in columns
                            if c not in ("doc_type", "object_id"))
        return (
            f"INSERT INTO {q.TABLE} ({', '.join(columns)}) VALUES ({', '.join(placeholders)}) "  # noqa: S608
            f"ON CONFLICT (doc_type, object_id) DO UPDATE SET {updates}"
        )

    def _write(self, documents: list[SearchDocument]) -> int:
        if not documents:
            return 0
        now = timezone.now()
        sql = self._upsert_sql()
        rows = []
        for doc in documents:
            row = self._row(doc, now)
            if self.postgres:
                row += self._vector_params(doc)
            rows.append(row)
        with self.connection.cursor() as cursor:
            cursor.executemany(sql, rows)
        return len(rows)

    def upsert(self, documents: Iterable[SearchDocument]) -> int:
        written, batch = 0, []
        with transaction.atomic(using=self.using):
            for doc in documents:
                batch.append(doc)
                if len(batch) >= BATCH:
                    written += self._write(batch)
                    batch = []
            written += self._write(batch)
        return written

    def delete(self, doc_type: str, object_ids: Iterable[int]) -> int:
        from search.models import SearchEntry

        ids = list(object_ids)
        if not ids:
            return 0
        deleted, _ = SearchEntry.objects.using(self.using).filter(
            doc_type=doc_type, object_id__in=ids
        ).delete()
        return deleted

    def reindex(self, doc_type: str, documents: Iterable[SearchDocument], *, total: int,
                progress: Progress | None = None) -> ReindexReport:
        """One transaction: readers keep seeing the old rows (MVCC) until the commit."""
        from search.models import SearchEntry

        indexed, batch = 0, []
        with transaction.atomic(using=self.using):
            SearchEntry.objects.using(self.using).filter(doc_type=doc_type).delete()
            for doc in documents:
                batch.append(doc)
                if len(batch) >= BATCH:
                    indexed += self._write(batch)
                    batch = []
                    if progress:
                        progress(indexed, total)
            indexed += self._write(batch)
            if progress:
                progress(indexed, total)
        if self.postgres:
            with self.connection.cursor() as cursor:
                cursor.execute(f"ANALYZE {q.TABLE}")
        return ReindexReport(doc_type=doc_type, indexed=indexed, errors=0, target=q.TABLE,
                             removed=[])

    # -- reading ------------------------------------------------------------------------
    def _fetch(self, fragment: q.Fragment) -> list[dict]:
        with self.connection.cursor() as cursor:
            cursor.execute(fragment.sql, fragment.params)
            columns = [c[0] for c in cursor.description]
            return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]

    def search(self, query: BackendQuery) -> RawResult:
        terms = QueryTerms.parse(query.text)
        dialect = q.Dialect(self.connection.vendor)
        try:
            sql = q.hits_sql(dialect, query, terms, query.after, query.size + 1,
                             self.connection.ops.adapt_datetimefield_value)
        except (ValueError, TypeError, IndexError, ArithmeticError) as exc:
            raise bad_cursor() from exc
        rows = self._fetch(sql)
        more = len(rows) > query.size
        rows = rows[: query.size]
        hits = [self._hit(row, terms) for row in rows]
        facet_rows = self._fetch(q.facets_sql(dialect, query, terms))
        total, facets = 0, {}
        for row in facet_rows:
            if row["facet"] == "#total":
                total = row["n"]
                continue
            facets.setdefault(row["facet"], []).append(
                RawFacetValue(str(row["value"]), int(row["n"]), row["label_zh"] or "",
                              row["label_en"] or "")
            )
        for name, values in facets.items():
            values.sort(key=lambda v: (-v.count, v.value))
            facets[name] = values[:FACET_SIZE]
        next_after = q.sort_values(query.sort, rows[-1]) if more and rows else None
        return RawResult(total=total, hits=hits, facets=facets, next_after=next_after)

    def _hit(self, row: dict, terms: QueryTerms) -> RawHit:
        created = row["created_at"]
        if not isinstance(created, datetime):
            created = parse_datetime(str(created))
        if created is not None and timezone.is_naive(created):
            created = timezone.make_aware(created, timezone.utc)
        doc = SearchDocument(
            doc_type=row["doc_type"], object_id=row["object_id"], url=row["url"],
            title_zh=row["title_zh"], title_en=row["title_en"], summary_zh=row["summary_zh"],
            summary_en=row["summary_en"], body_zh=row["body_zh"], body_en=row["body_en"],
            keywords=row["keywords"], category=row["category_path"],
            category_label_zh=row["category_label_zh"],
            category_label_en=row["category_label_en"], district=row["district"],
            makerspace=row["makerspace"], makerspace_label_zh=row["makerspace_label_zh"],
            makerspace_label_en=row["makerspace_label_en"], stage=row["stage"],
            certified=None if row["certified"] is None else bool(row["certified"]),
            first_set=None if row["first_set"] is None else bool(row["first_set"]),
            price=None if row["price"] is None else Decimal(str(row["price"])),
            currency=row["currency"], status=row["status"], created_at=created,
            suggest=_json(row["suggest"], []), extra=_json(row["extra"], {}),
        )
        highlights: dict[str, list[str]] = {}
        for name in HIGHLIGHT_FIELDS:
            fragment = None
            headline = row.get(f"hl_{name}")
            if headline and has_marks(headline):
                fragment = mark_sentinels(headline)
            else:
                fragment = highlight(row[name], terms,
                                     fragment_size=None if name.startswith("title") else FRAGMENT,
                                     fuzzy=self.postgres)
            if fragment:
                highlights[name] = [fragment]
        return RawHit(document=doc, score=float(row["rank"]) if terms.text else None,
                      highlights=highlights)

    def suggest(self, text: str, *, doc_types: tuple[str, ...], limit: int) -> list[
        RawSuggestion
    ]:
        text = " ".join(text.split())
        if not text:
            return []
        like = f"%{_escape_like(text)}%"
        prefix = f"{_escape_like(text)}%"
        where = ["(title_zh LIKE %s ESCAPE '\\' OR title_en LIKE %s ESCAPE '\\')"]
        params: list = [like, like]
        order_params: list = [prefix, prefix]
        if self.postgres:
            where = ["(title_all ILIKE %s ESCAPE '\\' OR %s <%% title_all)"]
            params = [like, text]
            order = ("CASE WHEN title_zh ILIKE %s ESCAPE '\\' OR title_en ILIKE %s ESCAPE '\\' "
                     "THEN 0 ELSE 1 END, word_similarity(%s, title_all) DESC, id")
            order_params = [prefix, prefix, text]
        else:
            order = ("CASE WHEN title_zh LIKE %s ESCAPE '\\' OR title_en LIKE %s ESCAPE '\\' "
                     "THEN 0 ELSE 1 END, id")
        if doc_types:
            where.append(f"doc_type IN ({', '.join(['%s'] * len(doc_types))})")
            params += list(doc_types)
        sql = (f"SELECT doc_type, object_id, url, title_zh, title_en FROM {q.TABLE} "  # noqa: S608
               f"WHERE {' AND '.join(where)} ORDER BY {order} LIMIT %s")
        rows = self._fetch(q.Fragment(sql, [*params, *order_params, limit]))
        lowered = text.lower()
        out = []
        for row in rows:
            title = row["title_zh"] if lowered in row["title_zh"].lower() else (
                row["title_en"] if lowered in row["title_en"].lower()
                else row["title_en"] or row["title_zh"]
            )
            out.append(RawSuggestion(text=title, doc_type=row["doc_type"],
                                     object_id=row["object_id"], url=row["url"]))
        return out


def _json(value, default):
    if value is None:
        return default
    if isinstance(value, str):
        return json.loads(value)
    return value


def _escape_like(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
