"""SQL for the database backend: one statement per search, built from validated input
with parameters only.

The statement's CTE ``m`` holds the candidate rows: the text matches that fail at most
one filter (the only rows a disjunctive facet count can include) with one flag per
filter. The page of hits is taken from the rows whose flags are all set, the facet
counts by grouping ``m`` once per facet, and both come back as JSON in a single row,
so the index is read once and the number of statements never depends on the results.

Two vendors, matched and ranked by ``database_match``. PostgreSQL: a tsvector with the
facet values as lexemes (``__stage:prototype``), so one GIN lookup answers text and
filters together and only the exact price range is checked on the rows (the index
narrows by price decade); ``ts_headline`` marks English text. Other vendors (SQLite for
the embedded demo): LIKE matching and a field-weighted rank.

A strict search is one statement; when it finds too little, the backend runs the
most-terms fallback as a second one.

Statements are assembled from constants of this module (column names, sort orders,
facet expressions); every value from a request travels as a parameter (the ``noqa:
S608`` markers below).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.utils.dateparse import parse_datetime

from search.backends.database_match import ENTRY as ENTRY  # re-exported: the live table
from search.backends.database_match import TEXT, Fragment, postgres_match, sqlite_match
from search.contract import PRICE_BUCKETS, BackendQuery
from search.documents import types_with_facet
from search.terms import QueryTerms
from search.text import facet_lexeme

LABEL = "search_searchfacetlabel"
# both titles, as the trigram index of migration 0002 is built on exactly this
TITLES = "(title_zh || ' ' || title_en)"
ENTRY_COLUMNS = ("id", "doc_type", "object_id", "category_path", "district", "makerspace",
                 "stage", "certified", "first_set", "price", "status", "created_at")
PAGE_TEXT_COLUMNS = ("url", "title_zh", "title_en", "summary_zh", "summary_en", "body_zh",
                     "body_en", "keywords", "currency", "suggest", "extra")
HEADLINE_ALL = "StartSel=\ue000, StopSel=\ue001, HighlightAll=true"
HEADLINE_FRAGMENT = "StartSel=\ue000, StopSel=\ue001, MaxFragments=1, MaxWords=30, MinWords=12"
LABELLED = ("category", "makerspace")

# filter/facet -> prefix of its lexemes in the vector
LEXEME_PREFIX = {"doc_type": "type", "category": "cat", "district": "district",
                 "makerspace": "space", "stage": "stage", "certified": "certified",
                 "first_set": "first_set", "status": "status", "price": "price"}
MAX_PRICE_DECADE = 13
# facet -> (value expression over m, "has a value" condition)
FACET_SQL = {
    "doc_type": ("doc_type", "doc_type <> ''"),
    "category": ("category_path", "category_path <> ''"),
    "district": ("district", "district <> ''"),
    "makerspace": ("makerspace", "makerspace <> ''"),
    "stage": ("stage", "stage <> ''"),
    "certified": ("CASE WHEN certified THEN 'true' ELSE 'false' END", "certified IS NOT NULL"),
    "first_set": ("CASE WHEN first_set THEN 'true' ELSE 'false' END", "first_set IS NOT NULL"),
    "status": ("status", "status <> ''"),
}

ORDER_BY = {
    "relevance": "rank DESC, id ASC",
    "newest": "created_at DESC, id DESC",
    "price_asc": "price_missing ASC, price ASC, id ASC",
    "price_desc": "price_missing ASC, price DESC, id DESC",
}


@dataclass
class ActiveFilter:
    name: str  # the facet it belongs to
    condition: Fragment  # on the entry's columns
    lexemes: list[str]  # lexemes of the vector that contain every matching row


def price_decade(price: Decimal) -> int:
    """0 below 1, else the number of digits before the decimal point."""
    return 0 if price < 1 else len(str(int(price)))


def price_lexemes(low: Decimal | None, high: Decimal | None) -> list[str]:
    """The decades a price range [low, high) touches: the index narrows by them, the
    rows' prices decide exactly."""
    first = 0 if low is None else price_decade(low)
    last = MAX_PRICE_DECADE if high is None else price_decade(max(high - Decimal("0.01"),
                                                                   Decimal(0)))
    return [facet_lexeme("price", str(d)) for d in range(first, last + 1)]


def document_lexemes(doc) -> tuple[str, ...]:
    """The facet lexemes a stored document carries (see ``facet_lexeme``)."""
    values = [("doc_type", doc.doc_type), ("district", doc.district),
              ("makerspace", doc.makerspace), ("stage", doc.stage), ("status", doc.status)]
    if doc.price is not None:
        values.append(("price", str(price_decade(Decimal(doc.price)))))
    values += [("category", path) for path in doc.category_paths]
    for name in ("certified", "first_set"):
        flag = getattr(doc, name)
        if flag is not None:
            values.append((name, "true" if flag else "false"))
    return tuple(facet_lexeme(LEXEME_PREFIX[n], v) for n, v in values if v)


def _in(column: str, values) -> Fragment:
    values = list(values)
    return Fragment(f"{column} IN ({', '.join(['%s'] * len(values))})", values)


def active_filters(query: BackendQuery) -> list[ActiveFilter]:
    out: list[ActiveFilter] = []
    for name, values in query.filters.items():
        lexemes = [facet_lexeme(LEXEME_PREFIX[name], v) for v in values]
        if name == "category":
            parts, params = [], []
            for path in values:
                parts.append(f"e.category_path = %s OR substr(e.category_path, 1, {len(path) + 1})"
                             " = %s")
                params += [path, f"{path}/"]
            condition = Fragment("(" + " OR ".join(parts) + ")", params)
        elif name in ("certified", "first_set"):
            wanted = {v == "true" for v in values}
            condition = (Fragment(f"e.{name} IS NOT NULL") if len(wanted) == 2
                         else Fragment(f"e.{name} = %s", [wanted.pop()]))
        else:
            condition = _in(f"e.{name}", values)
        out.append(ActiveFilter(name, condition, lexemes))
    q = query.query
    if q.price_min is not None or q.price_max is not None:
        parts, params = [], []
        if q.price_min is not None:
            parts.append("e.price >= %s")
            params.append(q.price_min)
        if q.price_max is not None:
            parts.append("e.price < %s")
            params.append(q.price_max)
        out.append(ActiveFilter("price", Fragment("(" + " AND ".join(parts) + ")", params),
                                price_lexemes(q.price_min, q.price_max)))
    return out


class Dialect:
    """Matching, ranking and JSON for one vendor."""

    def __init__(self, vendor: str):
        self.postgres = vendor == "postgresql"

    def json_object(self, pairs: list[tuple[str, str]]) -> str:
        args = ", ".join(f"'{key}', {expr}" for key, expr in pairs)
        return f"json_build_object({args})" if self.postgres else f"json_object({args})"

    def json_array_agg(self, expr: str) -> str:
        # as text on PostgreSQL too: decoded with exact decimals, not the driver's floats
        return f"json_agg({expr})::text" if self.postgres else f"json_group_array({expr})"

    def match(self, terms: QueryTerms, filters: list[ActiveFilter], *, fallback: bool,
              relevance: bool, widened: dict[str, list[str]]):
        if not self.postgres:
            return sqlite_match(terms, fallback=fallback, relevance=relevance, widened=widened)
        groups = [f.lexemes for f in filters if f.lexemes]
        # A type restriction alone does not narrow anything worth an index lookup.
        if not (terms.text or any(f.name != "doc_type" for f in filters if f.lexemes)):
            groups = []
        return postgres_match(terms, groups, fallback=fallback, relevance=relevance)


def sort_values(sort: str, hit: dict) -> tuple:
    """The cursor position of a hit (JSON-safe)."""
    if sort == "relevance":
        return (float(hit["rank"]), hit["id"])
    if sort == "newest":
        return (hit["created_at"].isoformat(), hit["id"])
    price = hit["price"]
    return (1 if price is None else 0, None if price is None else str(price), hit["id"])


def sort_key(sort: str, hit: dict) -> tuple:
    """Python's order of the hits, the same as ``ORDER_BY``."""
    if sort == "relevance":
        return (-float(hit["rank"]), hit["id"])
    if sort == "newest":
        return (-hit["created_at"].timestamp(), -hit["id"])
    price = hit["price"]
    missing = price is None
    if sort == "price_asc":
        return (missing, Decimal(0) if missing else price, hit["id"])
    return (missing, Decimal(0) if missing else -price, -hit["id"])


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
    op = ">" if sort == "price_asc" else "<"
    if missing:
        return Fragment(f"(price_missing = 1 AND id {op} %s)", [last_id])
    price = Decimal(str(price))
    return Fragment(
        f"(price_missing = 1 OR price {op} %s OR (price = %s AND id {op} %s))",
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


def search_sql(dialect: Dialect, query: BackendQuery, terms: QueryTerms, after: tuple | None,
               limit: int, adapt_datetime=lambda value: value, *, fallback: bool = False,
               widened: dict[str, list[str]] | None = None) -> Fragment:
    """One row: ``hits`` (JSON array of the page), ``facets`` (JSON array of
    ``{facet, value, n, zh, en}``, with ``#total``) and ``corrections`` (JSON array of
    ``{i, w}``: the correction of the i-th widened word, PostgreSQL only).
    ``fallback``: match most terms instead of all; ``widened``: (SQLite) the lexicon
    words each unknown query word was widened to."""
    filters = active_filters(query)
    relevance = bool(query.sort == "relevance" and terms.text)
    match = dialect.match(terms, filters, fallback=fallback, relevance=relevance,
                          widened=widened or {})
    sql, params = [], []
    if match.prelude is not None:
        sql.append(f"WITH {match.prelude.sql}, ")
        params += match.prelude.params
    else:
        sql.append("WITH ")

    # m: candidates with one flag per filter, ranked when they pass every filter
    flags = [f"CASE WHEN {f.condition.sql} THEN 1 ELSE 0 END AS f{i}"
             for i, f in enumerate(filters)]
    all_flags = " AND ".join(f"f{i} = 1" for i in range(len(filters))) or "1 = 1"
    rank_sql = f"CASE WHEN {all_flags} THEN {match.rank.sql} END" if relevance else "0.0"
    if relevance:
        params += match.rank.params
    inner = (f"SELECT {', '.join(f'e.{c}' for c in ENTRY_COLUMNS)}, "  # noqa: S608
             f"CASE WHEN e.price IS NULL THEN 1 ELSE 0 END AS price_missing"
             + "".join(f", {f}" for f in flags)
             + "".join(f", {c}" for c in match.columns)
             + (f", {match.matched.sql} AS matched" if match.matched is not None else "")
             + f" FROM {match.from_sql} WHERE {match.where.sql}")
    params += [p for f in filters for p in f.condition.params]
    if match.matched is not None:
        params += match.matched.params
    params += match.where.params
    keep = []
    if len(filters) > 1:
        keep.append(" + ".join(f"f{i}" for i in range(len(filters))) + f" >= {len(filters) - 1}")
    if match.matched is not None:
        keep.append(f"matched >= {int(match.at_least)}")
    prune = f" WHERE {' AND '.join(keep)}" if keep else ""
    columns = ", ".join([*ENTRY_COLUMNS, "price_missing",
                         *(f"f{i}" for i in range(len(filters)))])
    sql.append(f"m AS (SELECT {columns}, {rank_sql} AS rank "  # noqa: S608
               f"FROM ({inner}) AS x{prune})")

    # hits: one page of the rows passing every filter
    conditions = [Fragment(all_flags)]
    if after is not None:
        conditions.append(keyset(query.sort, after, adapt_datetime))
    sql.append(f", hits AS (SELECT * FROM m WHERE {' AND '.join(c.sql for c in conditions)} "  # noqa: S608
               f"ORDER BY {ORDER_BY[query.sort]} LIMIT %s OFFSET %s)")
    params += [p for c in conditions for p in c.params] + [limit, query.offset]

    # page: the hits with their texts and labels (and English highlights)
    headlines = ""
    if dialect.postgres and terms.words:
        headline = "ts_headline('english', t.{col}, plainto_tsquery('english', %s), %s)"
        headlines = "".join(f", {headline.format(col=col)} AS hl_{col}"
                            for col in ("title_en", "summary_en", "body_en"))
        params += [terms.latin_text, HEADLINE_ALL, terms.latin_text, HEADLINE_FRAGMENT,
                   terms.latin_text, HEADLINE_FRAGMENT]
    sql.append(
        f", page AS (SELECT h.*, {', '.join(f't.{c}' for c in PAGE_TEXT_COLUMNS)}, "  # noqa: S608
        "cl.label_zh AS category_label_zh, cl.label_en AS category_label_en, "
        f"ml.label_zh AS makerspace_label_zh, ml.label_en AS makerspace_label_en{headlines} "
        f"FROM hits h JOIN {TEXT} t ON t.doc_type = h.doc_type AND t.object_id = h.object_id "
        f"LEFT JOIN {LABEL} cl ON cl.facet = 'category' AND cl.value = h.category_path "
        f"LEFT JOIN {LABEL} ml ON ml.facet = 'makerspace' AND ml.value = h.makerspace)"
    )

    # facets: disjunctive counts, each ignoring its own filter. A facet without a
    # filter of its own counts the complete matches only (a small CTE); only the facets
    # being filtered read the rows that fail their filter.
    active = {f.name for f in filters}
    wanted_types = set(query.filters.get("doc_type") or ())

    def source_of(facet: str) -> str:
        if facet not in active:
            return "complete"
        wanted = [f"f{i} = 1" for i, f in enumerate(filters) if f.name != facet]
        return f"m WHERE {' AND '.join(wanted) or '1 = 1'} AND"

    def applies(facet: str) -> bool:
        # with a type filter, a facet none of the wanted types has is empty anyway
        return (not wanted_types or facet == "doc_type"
                or bool(types_with_facet(facet) & wanted_types))

    sql.append(f", complete AS (SELECT * FROM m WHERE {all_flags})")  # noqa: S608
    selects = ["SELECT '#total' AS facet, '' AS value, COUNT(*) AS n FROM complete"]
    for facet, (value, present) in FACET_SQL.items():
        if not applies(facet):
            continue
        where = source_of(facet)
        where = (f"{where} {present}" if where != "complete"
                 else f"complete WHERE {present}")
        selects.append(f"SELECT '{facet}', {value}, COUNT(*) FROM {where} "  # noqa: S608
                       f"GROUP BY {value}")
    if applies("price"):
        bucket = price_bucket_sql()
        where = source_of("price")
        where = (f"{where} price IS NOT NULL" if where != "complete"
                 else "complete WHERE price IS NOT NULL")
        # (GROUP BY 1, 2: the bucket expression carries parameters; name it by position)
        selects.append(f"SELECT 'price', {bucket.sql}, COUNT(*) FROM {where} GROUP BY 1, 2")  # noqa: S608
        params += bucket.params
    sql.append(", facets AS (" + " UNION ALL ".join(selects) + ")")

    page_json = dialect.json_object(
        [(c, c) for c in (*ENTRY_COLUMNS, "price_missing", "rank", *PAGE_TEXT_COLUMNS,
                          "category_label_zh", "category_label_en", "makerspace_label_zh",
                          "makerspace_label_en")]
        + ([(f"hl_{c}", f"hl_{c}") for c in ("title_en", "summary_en", "body_en")]
           if headlines else [])
    )
    facet_json = dialect.json_object([("facet", "f.facet"), ("value", "f.value"), ("n", "f.n"),
                                      ("zh", "l.label_zh"), ("en", "l.label_en")])
    corrections = match.corrections.sql if match.corrections is not None else "NULL"
    sql.append(
        f" SELECT (SELECT {dialect.json_array_agg(page_json)} FROM page) AS hits, "  # noqa: S608
        f"(SELECT {dialect.json_array_agg(facet_json)} FROM facets f "
        f"LEFT JOIN {LABEL} l ON l.facet = f.facet AND l.value = f.value) AS facets, "
        f"{corrections} AS corrections"
    )
    return Fragment("".join(sql), params)
