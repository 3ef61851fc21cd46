"""SQL for the database backend: one statement per search, built from validated input
with parameters only.

The statement's CTE ``m`` holds the candidate rows: the text matches that fail at most
one filter (the only rows a disjunctive facet count can include) with one flag per
filter. The page of hits is taken from the rows whose flags are all set, the facet
counts by grouping ``m`` once per facet, and both come back as JSON in a single row,
so the index is read once and the number of statements never depends on the results.

Two vendors. PostgreSQL: a weighted tsvector with the facet values as lexemes
(``__stage:prototype``), so one GIN lookup answers text and filters together and only
the exact price range is checked on the rows (the index narrows by price decade);
``ts_rank`` over the titles' small vector; a
Latin word the index has never seen is widened to the known lexemes within
Elasticsearch's AUTO edit distance (``SearchLexicon``, trigram index), so typos are
found in every field while a correctly spelt word costs nothing extra; ``ts_headline``
marks English text. Other vendors (SQLite for the embedded demo): LIKE matching and a
field-weighted rank.

Statements are assembled from constants of this module (column names, sort orders,
facet expressions); every value from a request travels as a parameter (the ``noqa:
S608`` markers below).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.dateparse import parse_datetime

from search.contract import PRICE_BUCKETS, BackendQuery
from search.text import (
    QueryTerms,
    auto_fuzziness,
    cjk_tsquery_literal,
    facet_lexeme,
    facet_tsquery_literal,
)

ENTRY = "search_searchentry"
TEXT = "search_searchentrytext"
LABEL = "search_searchfacetlabel"
# both titles, as the trigram index of migration 0002 is built on exactly this
TITLES = "(title_zh || ' ' || title_en)"
TEXT_COLUMNS = ("title_zh", "title_en", "summary_zh", "summary_en", "body_zh", "body_en",
                "keywords")
# text column -> rank weight on SQLite (PostgreSQL weighs through the vector)
LIKE_WEIGHTS = {"title_zh": 3, "title_en": 3, "summary_zh": 2, "summary_en": 2,
                "body_zh": 1, "body_en": 1, "keywords": 0.5}
ENTRY_COLUMNS = ("id", "doc_type", "object_id", "category_path", "district", "makerspace",
                 "stage", "certified", "first_set", "price", "status", "created_at")
PAGE_TEXT_COLUMNS = ("url", "title_zh", "title_en", "summary_zh", "summary_en", "body_zh",
                     "body_en", "keywords", "currency", "suggest", "extra")
RANK_WEIGHTS = "{0.1, 0.2, 0.4, 1.0}"  # D, C, B, A
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

# One Latin query word: its English form, widened (only when the index has never seen
# that word) to at most five known lexemes within the AUTO edit distance, found through
# the lexicon's trigram index. Uncorrelated, so evaluated once per statement.
TYPO_WORD = (
    "(plainto_tsquery('english', %s) || COALESCE(("
    "SELECT to_tsquery('simple', string_agg(quote_literal(near.word), ' | ')) FROM ("
    "SELECT l.word FROM search_searchlexicon l, "
    "(SELECT (ts_lexize('english_stem', %s))[1] AS stem) s "
    "WHERE s.stem IS NOT NULL "
    "AND NOT EXISTS (SELECT 1 FROM search_searchlexicon k WHERE k.word = s.stem) "
    "AND l.word %% s.stem AND levenshtein(l.word, s.stem) <= %s "
    "ORDER BY similarity(l.word, s.stem) DESC, l.word LIMIT 5) near), ''::tsquery))"
)

# facet -> the document types that have it
FACET_DOC_TYPES = {
    "category": {"product", "campaign", "notice"},
    "district": {"product", "makerspace", "campaign", "notice"},
    "makerspace": {"product", "makerspace", "campaign"},
    "stage": {"product"},
    "certified": {"product"},
    "first_set": {"product"},
    "status": {"campaign", "notice"},
    "price": {"product", "campaign", "notice"},
}

ORDER_BY = {
    "relevance": "rank DESC, id ASC",
    "newest": "created_at DESC, id DESC",
    "price_asc": "price_missing ASC, price ASC, id ASC",
    "price_desc": "price_missing ASC, price DESC, id DESC",
}


@dataclass
class Fragment:
    sql: str
    params: list = field(default_factory=list)


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

    @staticmethod
    def text_tsquery(terms: QueryTerms) -> Fragment | None:
        parts, params = [], []
        if terms.runs:
            parts.append("%s::tsquery")
            params.append(cjk_tsquery_literal(terms.runs))
        for word in terms.words:
            edits = auto_fuzziness(word)
            if edits:
                parts.append(TYPO_WORD)
                params += [word, word, edits]
            else:
                parts.append("plainto_tsquery('english', %s)")
                params.append(word)
        if not parts:
            return None
        return Fragment("(" + " && ".join(parts) + ")", params)

    def source(self, terms: QueryTerms, filters: list[ActiveFilter]) -> tuple[str, Fragment,
                                                                                Fragment]:
        """FROM clause and match condition of the candidates, and their rank expression
        (over the candidates' columns: ``rank_vector`` or the text columns)."""
        tokens = (*terms.runs, *terms.words)
        if not self.postgres:
            clauses, params, ranks, rank_params = [], [], [], []
            for token in tokens:
                clauses.append("(" + " OR ".join(f"t.{c} LIKE %s" for c in TEXT_COLUMNS) + ")")
                params += [f"%{token}%"] * len(TEXT_COLUMNS)
                for column, weight in LIKE_WEIGHTS.items():
                    # evaluated over the candidates' columns (outside the join)
                    ranks.append(f"CASE WHEN {column} LIKE %s THEN {weight} ELSE 0 END")
                    rank_params.append(f"%{token}%")
            if terms.text and not tokens:
                clauses = ["1 = 0"]
            return (
                f"{ENTRY} e JOIN {TEXT} t ON t.doc_type = e.doc_type "
                "AND t.object_id = e.object_id",
                Fragment(" AND ".join(clauses) or "1 = 1", params),
                Fragment("(0.0" + "".join(f" + {r}" for r in ranks) + ")", rank_params),
            )
        groups = [f.lexemes for f in filters if f.lexemes]
        # A type restriction alone does not narrow anything worth an index lookup.
        worth_it = terms.text or any(f.name != "doc_type" for f in filters if f.lexemes)
        facet_q = facet_tsquery_literal(groups, at_least=len(groups) - 1) if worth_it else ""
        text_q = self.text_tsquery(terms)
        conditions, params = [], []
        if terms.text and text_q is None:
            conditions.append("1 = 0")  # only stop words: no term to match, as in ES
        elif text_q is not None:
            conditions.append(f"e.search_vector @@ {text_q.sql}")
            params += text_q.params
        if facet_q:
            conditions.append("e.search_vector @@ %s::tsquery")
            params.append(facet_q)
        rank = (Fragment(f"ts_rank('{RANK_WEIGHTS}', rank_vector, {text_q.sql})::float8",
                         list(text_q.params)) if text_q is not None else Fragment("0.0"))
        return f"{ENTRY} e", Fragment(" AND ".join(conditions) or "TRUE", params), rank


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
               limit: int, adapt_datetime=lambda value: value) -> Fragment:
    """One row: ``hits`` (JSON array of the page) and ``facets`` (JSON array of
    ``{facet, value, n, zh, en}``, with ``#total``)."""
    filters = active_filters(query)
    from_sql, match, rank = dialect.source(terms, filters)
    sql, params = [], []

    # m: candidates with one flag per filter, ranked when they pass every filter
    flags = [f"CASE WHEN {f.condition.sql} THEN 1 ELSE 0 END AS f{i}"
             for i, f in enumerate(filters)]
    all_flags = " AND ".join(f"f{i} = 1" for i in range(len(filters))) or "1 = 1"
    inner_rank_columns = ("e.rank_vector" if dialect.postgres else
                          ", ".join(f"t.{c}" for c in TEXT_COLUMNS))
    relevance = query.sort == "relevance" and terms.text
    rank_sql = f"CASE WHEN {all_flags} THEN {rank.sql} END" if relevance else "0.0"
    if relevance:
        params += rank.params
    inner = (f"SELECT {', '.join(f'e.{c}' for c in ENTRY_COLUMNS)}, "  # noqa: S608
             f"CASE WHEN e.price IS NULL THEN 1 ELSE 0 END AS price_missing"
             + "".join(f", {f}" for f in flags)
             + (f", {inner_rank_columns}" if relevance else "")
             + f" FROM {from_sql} WHERE {match.sql}")
    params += [p for f in filters for p in f.condition.params] + match.params
    prune = (" WHERE " + " + ".join(f"f{i}" for i in range(len(filters)))
             + f" >= {len(filters) - 1}") if len(filters) > 1 else ""
    columns = ", ".join([*ENTRY_COLUMNS, "price_missing",
                         *(f"f{i}" for i in range(len(filters)))])
    sql.append(f"WITH m AS (SELECT {columns}, {rank_sql} AS rank "  # noqa: S608
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
        return (not wanted_types or "doc_type" in (facet,)
                or bool(FACET_DOC_TYPES[facet] & wanted_types))

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
    sql.append(
        f" SELECT (SELECT {dialect.json_array_agg(page_json)} FROM page) AS hits, "  # noqa: S608
        f"(SELECT {dialect.json_array_agg(facet_json)} FROM facets f "
        f"LEFT JOIN {LABEL} l ON l.facet = f.facet AND l.value = f.value) AS facets"
    )
    return Fragment("".join(sql), params)
