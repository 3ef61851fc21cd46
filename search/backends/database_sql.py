"""SQL for the database backend, built from validated input with parameters only.

Two vendors: PostgreSQL (tsvector full text with weights, trigram typo tolerance,
ts_rank) and anything else Django runs on (SQLite for the embedded demo: LIKE matching
and a simple field-weighted rank). The statements are the same otherwise, so facets,
sorting and keyset pagination behave identically.

Per search there are exactly two statements, whatever the page size: one for the page
of hits and one for the total and every facet's counts (a CTE of the matching rows,
grouped once per facet with ``UNION ALL``).

Statements are assembled from constants of this module (column names, sort orders,
facet expressions); every value from a request travels as a parameter (the ``noqa:
S608`` markers below).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.utils.dateparse import parse_datetime

from search.contract import PRICE_BUCKETS, BackendQuery
from search.text import QueryTerms, cjk_tsquery_literal

TABLE = "search_searchentry"
TEXT_COLUMNS = ("title_zh", "title_en", "summary_zh", "summary_en", "body_zh", "body_en",
                "keywords")
# text column -> SQLite rank weight (PostgreSQL weighs through the vector: A/B/C/D)
LIKE_WEIGHTS = {"title_zh": 3, "title_en": 3, "summary_zh": 2, "summary_en": 2,
                "body_zh": 1, "body_en": 1, "keywords": 0.5}
HIT_COLUMNS = (
    "id", "doc_type", "object_id", "url", "title_zh", "title_en", "summary_zh", "summary_en",
    "body_zh", "body_en", "keywords", "category_path", "category_label_zh",
    "category_label_en", "district", "makerspace", "makerspace_label_zh",
    "makerspace_label_en", "stage", "certified", "first_set", "price", "currency", "status",
    "created_at", "suggest", "extra",
)
RANK_WEIGHTS = "{0.1, 0.2, 0.4, 1.0}"  # D, C, B, A
FUZZY_RANK = 0.1  # a typo-only match ranks below most exact ones
HEADLINE_ALL = "StartSel=\ue000, StopSel=\ue001, HighlightAll=true"
HEADLINE_FRAGMENT = "StartSel=\ue000, StopSel=\ue001, MaxFragments=1, MaxWords=30, MinWords=12"

# facet -> (value expression, label columns, "has a value" condition)
FACET_SQL = {
    "doc_type": ("doc_type", ("''", "''"), "doc_type <> ''"),
    "category": ("category_path", ("category_label_zh", "category_label_en"),
                 "category_path <> ''"),
    "district": ("district", ("''", "''"), "district <> ''"),
    "makerspace": ("makerspace", ("makerspace_label_zh", "makerspace_label_en"),
                   "makerspace <> ''"),
    "stage": ("stage", ("''", "''"), "stage <> ''"),
    "certified": ("CASE WHEN certified THEN 'true' ELSE 'false' END", ("''", "''"),
                  "certified IS NOT NULL"),
    "first_set": ("CASE WHEN first_set THEN 'true' ELSE 'false' END", ("''", "''"),
                  "first_set IS NOT NULL"),
    "status": ("status", ("''", "''"), "status <> ''"),
}
FACET_COLUMNS = (
    "doc_type", "category_path", "category_label_zh", "category_label_en", "district",
    "makerspace", "makerspace_label_zh", "makerspace_label_en", "stage", "certified",
    "first_set", "price", "status",
)


@dataclass
class Fragment:
    sql: str
    params: list = field(default_factory=list)


def _in(column: str, values) -> Fragment:
    values = list(values)
    return Fragment(f"{column} IN ({', '.join(['%s'] * len(values))})", values)


def filter_fragments(query: BackendQuery) -> dict[str, Fragment]:
    """One condition per active filter, keyed by the facet it belongs to."""
    out: dict[str, Fragment] = {}
    for name, values in query.filters.items():
        if name == "category":
            parts, params = [], []
            for path in values:
                parts.append(f"category_path = %s OR substr(category_path, 1, {len(path) + 1})"
                             " = %s")
                params += [path, f"{path}/"]
            out[name] = Fragment("(" + " OR ".join(parts) + ")", params)
        elif name in ("certified", "first_set"):
            wanted = {v == "true" for v in values}
            out[name] = (Fragment(f"{name} IS NOT NULL") if len(wanted) == 2
                         else Fragment(f"{name} = %s", [wanted.pop()]))
        else:
            out[name] = _in({"doc_type": "doc_type", "category": "category_path"}.get(name, name),
                            values)
    q = query.query
    if q.price_min is not None or q.price_max is not None:
        parts, params = [], []
        if q.price_min is not None:
            parts.append("price >= %s")
            params.append(q.price_min)
        if q.price_max is not None:
            parts.append("price < %s")
            params.append(q.price_max)
        out["price"] = Fragment("(" + " AND ".join(parts) + ")", params)
    return out


class Dialect:
    """Matching and ranking for one vendor."""

    def __init__(self, vendor: str):
        self.postgres = vendor == "postgresql"

    # -- matching ---------------------------------------------------------------------
    def tsquery(self, terms: QueryTerms) -> Fragment:
        parts, params = [], []
        if terms.runs:
            parts.append("%s::tsquery")
            params.append(cjk_tsquery_literal(terms.runs))
        if terms.words:
            parts.append("plainto_tsquery('english', %s)")
            params.append(terms.latin_text)
        return Fragment("(" + " && ".join(parts) + ")", params)

    def match(self, terms: QueryTerms) -> Fragment | None:
        if not terms.text:
            return None
        if terms.empty:
            # text without a searchable word (only stop words or punctuation) finds
            # nothing, as Elasticsearch's analyzers leave no term to match
            return Fragment("1 = 0")
        if not self.postgres:
            return self._like_match(terms)
        tsq = self.tsquery(terms)
        sql, params = f"search_vector @@ {tsq.sql}", list(tsq.params)
        if terms.words:
            # typo tolerance on titles: the Latin words as a whole within a title
            fuzzy = "%s <%% title_all"
            fuzzy_params: list = [terms.latin_text]
            if terms.runs:
                cjk = self.tsquery(QueryTerms(terms.text, terms.runs, ()))
                fuzzy = f"search_vector @@ {cjk.sql} AND {fuzzy}"
                fuzzy_params = cjk.params + fuzzy_params
            sql = f"({sql} OR ({fuzzy}))"
            params += fuzzy_params
        return Fragment(sql, params)

    def _like_match(self, terms: QueryTerms) -> Fragment:
        clauses, params = [], []
        for token in (*terms.runs, *terms.words):
            clauses.append("(" + " OR ".join(f"{c} LIKE %s" for c in TEXT_COLUMNS) + ")")
            params += [f"%{token}%"] * len(TEXT_COLUMNS)
        return Fragment(" AND ".join(clauses), params)

    def rank(self, terms: QueryTerms) -> Fragment:
        if terms.empty:
            return Fragment("0.0")
        if not self.postgres:
            parts, params = [], []
            for token in (*terms.runs, *terms.words):
                for column, weight in LIKE_WEIGHTS.items():
                    parts.append(f"CASE WHEN {column} LIKE %s THEN {weight} ELSE 0 END")
                    params.append(f"%{token}%")
            return Fragment("(0.0 + " + " + ".join(parts) + ")", params)
        tsq = self.tsquery(terms)
        exact = Fragment(f"ts_rank('{RANK_WEIGHTS}', search_vector, {tsq.sql})::float8",
                         list(tsq.params))
        if not terms.words:
            return exact
        return Fragment(
            f"CASE WHEN search_vector @@ {tsq.sql} THEN {exact.sql} "
            f"ELSE word_similarity(%s, title_all)::float8 * {FUZZY_RANK} END",
            [*tsq.params, *exact.params, terms.latin_text],
        )


# -- sorting and keyset pagination ------------------------------------------------------

ORDER_BY = {
    "relevance": "rank DESC, id ASC",
    "newest": "created_at DESC, id DESC",
    "price_asc": "price_missing ASC, price ASC, id ASC",
    "price_desc": "price_missing ASC, price DESC, id DESC",
}


def sort_values(sort: str, row: dict) -> tuple:
    """The cursor position of ``row`` (JSON-safe)."""
    if sort == "relevance":
        return (float(row["rank"]), row["id"])
    if sort == "newest":
        created = row["created_at"]
        return (created.isoformat() if isinstance(created, datetime) else str(created), row["id"])
    price = row["price"]
    return (1 if price is None else 0, None if price is None else str(price), row["id"])


def keyset(sort: str, after: tuple, adapt_datetime=lambda value: value) -> Fragment:
    """Rows strictly after the cursor position. Raises ValueError on a malformed one."""
    if sort == "relevance":
        rank, last_id = float(after[0]), int(after[1])
        return Fragment("(rank < %s OR (rank = %s AND id > %s))", [rank, rank, last_id])
    if sort == "newest":
        created = parse_datetime(str(after[0]))
        if created is None:
            raise ValueError("bad timestamp")
        created = adapt_datetime(created)
        last_id = int(after[1])
        return Fragment("(created_at < %s OR (created_at = %s AND id < %s))",
                        [created, created, last_id])
    missing, price, last_id = int(after[0]), after[1], int(after[2])
    op, id_op = (">", ">") if sort == "price_asc" else ("<", "<")
    if missing:
        return Fragment(f"(price_missing = 1 AND id {id_op} %s)", [last_id])
    price = Decimal(str(price))
    return Fragment(
        f"(price_missing = 1 OR price {op} %s OR (price = %s AND id {id_op} %s))",
        [price, price, last_id],
    )


def price_bucket_sql() -> Fragment:
    whens, params = [], []
    for key, _low, high in PRICE_BUCKETS:
        if high is None:
            continue
        whens.append("WHEN price < %s THEN %s")
        params += [high, key]
    return Fragment(f"CASE {' '.join(whens)} ELSE %s END", [*params, PRICE_BUCKETS[-1][0]])


def _and(fragments: list[Fragment]) -> Fragment:
    if not fragments:
        return Fragment("1 = 1")
    return Fragment(" AND ".join(f"({f.sql})" for f in fragments),
                    [p for f in fragments for p in f.params])


def hits_sql(dialect: Dialect, query: BackendQuery, terms: QueryTerms, after: tuple | None,
             limit: int, adapt_datetime=lambda value: value) -> Fragment:
    match = dialect.match(terms)
    filters = list(filter_fragments(query).values())
    where = _and([f for f in [match, *filters] if f is not None])
    rank = dialect.rank(terms)
    inner = (
        f"SELECT {', '.join(HIT_COLUMNS)}, {rank.sql} AS rank, "  # noqa: S608
        f"CASE WHEN price IS NULL THEN 1 ELSE 0 END AS price_missing "
        f"FROM {TABLE} WHERE {where.sql}"
    )
    params = [*rank.params, *where.params]
    outer_where = ""
    if after is not None:
        ks = keyset(query.sort, after, adapt_datetime)
        outer_where = f" WHERE {ks.sql}"
        params += ks.params
    sql = (f"SELECT * FROM ({inner}) AS candidates{outer_where} "  # noqa: S608
           f"ORDER BY {ORDER_BY[query.sort]} LIMIT %s OFFSET %s")
    params += [limit, query.offset]
    if dialect.postgres and terms.words:
        # English highlights by PostgreSQL itself (stemming-aware), only for this page.
        headline = "ts_headline('english', {col}, plainto_tsquery('english', %s), %s)"
        sql = (
            "SELECT page.*, "  # noqa: S608 (constants; values are parameters)
            + ", ".join(
                headline.format(col=col) + f" AS hl_{col}"
                for col in ("title_en", "summary_en", "body_en")
            )
            + f" FROM ({sql}) AS page ORDER BY {ORDER_BY[query.sort]}"
        )
        params = [
            terms.latin_text, HEADLINE_ALL, terms.latin_text, HEADLINE_FRAGMENT,
            terms.latin_text, HEADLINE_FRAGMENT, *params,
        ]
    return Fragment(sql, params)


def facets_sql(dialect: Dialect, query: BackendQuery, terms: QueryTerms) -> Fragment:
    """Total and all facet counts in one statement. Counts are disjunctive: each facet
    ignores its own filter. The CTE keeps only rows that fail at most one filter (the
    only rows any count can include)."""
    match = dialect.match(terms)
    filters = filter_fragments(query)
    names = list(filters)
    flag_sql, flag_params = [], []
    for i, name in enumerate(names):
        flag_sql.append(f"CASE WHEN {filters[name].sql} THEN 1 ELSE 0 END AS f{i}")
        flag_params += filters[name].params
    where_parts = [match] if match is not None else []
    if len(names) > 1:
        misses = " + ".join(f"CASE WHEN {filters[n].sql} THEN 0 ELSE 1 END" for n in names)
        where_parts.append(Fragment(f"({misses}) <= 1",
                                    [p for n in names for p in filters[n].params]))
    where = _and(where_parts)
    cte = (f"WITH m AS (SELECT {', '.join(FACET_COLUMNS)}"  # noqa: S608
           + "".join(f", {s}" for s in flag_sql)
           + f" FROM {TABLE} WHERE {where.sql})")
    params = [*flag_params, *where.params]

    def flags_except(facet: str | None) -> str:
        wanted = [f"f{i} = 1" for i, n in enumerate(names) if n != facet]
        return " AND ".join(wanted) if wanted else "1 = 1"

    selects = [f"SELECT '#total' AS facet, '' AS value, '' AS label_zh, '' AS label_en, "  # noqa: S608
               f"COUNT(*) AS n FROM m WHERE {flags_except(None)}"]
    for facet, (value, (label_zh, label_en), present) in FACET_SQL.items():
        group = "2, 3, 4" if label_zh != "''" else "2"
        selects.append(
            f"SELECT '{facet}', {value}, {label_zh}, {label_en}, COUNT(*) FROM m "  # noqa: S608
            f"WHERE {present} AND {flags_except(facet)} GROUP BY {group}"
        )
    bucket = price_bucket_sql()
    selects.append(
        f"SELECT 'price', {bucket.sql}, '', '', COUNT(*) FROM m "  # noqa: S608
        f"WHERE price IS NOT NULL AND {flags_except('price')} GROUP BY 2"
    )
    params += bucket.params
    return Fragment(cte + " " + " UNION ALL ".join(selects), params)
