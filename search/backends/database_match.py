"""How the database backend matches and ranks the terms of ``search.terms``.

PostgreSQL: every term is a tsquery over ``search_vector`` (bigrams as lexemes, English
through the ``english`` configuration, codes as whole lexemes ``ls147``, facet values
as ``__stage:...``), so one GIN lookup answers the text and the filters. A Latin word
the index has never seen is widened to at most five known lexemes within the AUTO edit
distance (``SearchLexicon``, trigram index), computed once per statement in the
``typo`` CTE, which also gives "did you mean". Ranking reads ``rank_vector`` (the
titles with weights, ``__c:<code>`` for the identifiers, ``__t:<hash>`` for the title
keys): ``ts_rank`` plus the exact-code and exact-title boosts. The fallback asks the
GIN index for any term and keeps the rows matching most of them, ranked by how many.

SQLite (the embedded default): LIKE over the text columns, the same terms (a run as
all its bigrams, a word by its stem or the lexicon words it was widened to in Python,
a code by its key or its parts), the same boosts over ``codes`` / ``title_keys``.

Every value travels as a parameter; the SQL is built from this module's constants
(the ``noqa: S608`` markers).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from search.terms import (
    CODE_BOOST,
    TERM_WEIGHT,
    TITLE_BOOST,
    QueryTerms,
    Term,
    at_least,
    key_hash,
)
from search.text import (
    auto_fuzziness,
    bigrams,
    cjk_tsquery_literal,
    facet_tsquery_literal,
    light_stem,
    one_edit_spellings,
)

ENTRY = "search_searchentry"
TEXT = "search_searchentrytext"
TEXT_COLUMNS = ("title_zh", "title_en", "summary_zh", "summary_en", "body_zh", "body_en",
                "keywords")
# text column -> rank weight on SQLite (PostgreSQL weighs through the vector)
LIKE_WEIGHTS = {"title_zh": 3, "title_en": 3, "summary_zh": 2, "summary_en": 2,
                "body_zh": 1, "body_en": 1, "keywords": 0.5}
RANK_WEIGHTS = "{0.1, 0.2, 0.4, 1.0}"  # D, C, B, A
MAX_WIDENED = 5

# The unknown query words widened to known lexemes (see the module docstring). The
# VALUES rows are (index, word, allowed edits, the word's one-edit spellings). Candidates
# come from two indexes: the trigram index (near words, up to the allowed edits), and the
# word/surface b-trees for the one-edit spellings, which also catch what trigrams miss in
# short words, a swap of two letters ("snoar" for "sonar") or a missing one ("camps").
TYPO_CTE = (
    "typo AS MATERIALIZED (SELECT v.i, n.word, n.surface, n.d, n.sim FROM (VALUES {rows}) "
    "AS v(i, w, k, near) CROSS JOIN LATERAL (SELECT (ts_lexize('english_stem', v.w))[1] AS stem) s "
    "CROSS JOIN LATERAL (SELECT l.word, l.surface, CASE WHEN l.word = ANY(v.near) "
    "OR l.surface = ANY(v.near) THEN 1 ELSE levenshtein(l.word, s.stem) END AS d, "
    "similarity(l.word, s.stem) AS sim FROM search_searchlexicon l "
    "WHERE s.stem IS NOT NULL "
    "AND NOT EXISTS (SELECT 1 FROM search_searchlexicon k WHERE k.word = s.stem) "
    "AND ((l.word %% s.stem AND levenshtein(l.word, s.stem) <= v.k) "
    "OR l.word = ANY(v.near) OR l.surface = ANY(v.near)) "
    "ORDER BY 3, similarity(l.word, s.stem) DESC, l.word LIMIT 5) n)"  # 5: MAX_WIDENED
)
TYPO_WORD = (
    "(plainto_tsquery('english', %s) || COALESCE((SELECT to_tsquery('simple', "
    "string_agg(quote_literal(word), ' | ')) FROM typo WHERE i = {i}), ''::tsquery))"
)
CORRECTIONS = (
    "(SELECT json_agg(json_build_object('i', c.i, 'w', c.w))::text FROM ("
    "SELECT DISTINCT ON (i) i, COALESCE(NULLIF(surface, ''), word) AS w FROM typo "
    "ORDER BY i, d, sim DESC, word) c)"
)


@dataclass
class Fragment:
    sql: str
    params: list = field(default_factory=list)


@dataclass
class Match:
    """The text part of a search statement.

    ``from_sql``/``where``: the candidates; ``columns``: what ``rank`` reads from them
    (selected in the inner query); ``matched``: (fallback) the number of terms a row
    matches, kept when >= ``at_least``; ``prelude``: CTEs the statement starts with;
    ``corrections``: a SELECT expression giving ``[{i, w}]`` as JSON (PostgreSQL)."""

    from_sql: str
    where: Fragment
    rank: Fragment
    columns: list[str] = field(default_factory=list)
    matched: Fragment | None = None
    at_least: int = 0
    prelude: Fragment | None = None
    corrections: Fragment | None = None


def _any(parts: list[Fragment], joiner: str) -> Fragment:
    return Fragment("(" + joiner.join(p.sql for p in parts) + ")",
                    [x for p in parts for x in p.params])


def typo_words(terms: QueryTerms) -> list[str]:
    """The query words that may be widened (long enough for AUTO to allow an edit)."""
    return [w for w in dict.fromkeys(terms.words) if auto_fuzziness(w)]


# --- PostgreSQL --------------------------------------------------------------------------


def _pg_term(term: Term, typo_index: dict[str, int]) -> Fragment:
    if term.kind == "cjk":
        return Fragment("%s::tsquery", [cjk_tsquery_literal((term.value,))])
    if term.kind == "word":
        if term.value in typo_index:
            return Fragment(TYPO_WORD.format(i=typo_index[term.value]), [term.value])
        return Fragment("plainto_tsquery('english', %s)", [term.value])
    return Fragment("(%s::tsquery || plainto_tsquery('english', %s))",
                    [f"'{term.value}'", term.code.text])


def postgres_match(terms: QueryTerms, facet_groups: list[list[str]], *,
                   fallback: bool, relevance: bool) -> Match:
    """``facet_groups``: lexemes of the active filters (the candidates fail at most
    one of them, for the disjunctive facet counts)."""
    conditions: list[Fragment] = []
    if terms.text and terms.empty:
        conditions.append(Fragment("1 = 0"))  # only stop words or punctuation
    typo = typo_words(terms)
    typo_index = {w: i for i, w in enumerate(typo)}
    prelude = corrections = None
    if typo:
        rows = ", ".join(f"({i}, %s::text, %s::int, %s::text[])" for i in range(len(typo)))
        prelude = Fragment(TYPO_CTE.format(rows=rows),
                           [p for w in typo for p in (w, auto_fuzziness(w),
                                                      one_edit_spellings(w))])
        corrections = Fragment(CORRECTIONS)
    text_terms = terms.fallback_terms() if fallback else terms.strict_terms()
    queries = [_pg_term(t, typo_index) for t in text_terms]
    text_q = _any(queries, " || " if fallback else " && ") if queries else None
    if text_q is not None:
        conditions.append(Fragment(f"e.search_vector @@ {text_q.sql}", text_q.params))
    facet_q = facet_tsquery_literal(facet_groups, at_least=len(facet_groups) - 1)
    if facet_q:
        conditions.append(Fragment("e.search_vector @@ %s::tsquery", [facet_q]))
    where = Fragment(" AND ".join(c.sql for c in conditions) or "TRUE",
                     [p for c in conditions for p in c.params])
    matched = None
    if fallback and queries:
        matched = _any([Fragment(f"CASE WHEN e.search_vector @@ {q.sql} THEN 1 ELSE 0 END",
                                 q.params) for q in queries], " + ")
    rank = Fragment("0.0")
    if relevance and text_q is not None:
        parts = [Fragment(f"ts_rank('{RANK_WEIGHTS}', rank_vector, {text_q.sql})::float8",
                          list(text_q.params))]
        if terms.codes:
            codes = " | ".join(f"'__c:{c.key}'" for c in terms.codes)
            parts.append(Fragment(f"CASE WHEN rank_vector @@ %s::tsquery THEN {CODE_BOOST} "
                                  "ELSE 0 END", [codes]))
        if terms.key:
            parts.append(Fragment(f"CASE WHEN rank_vector @@ %s::tsquery THEN {TITLE_BOOST} "
                                  "ELSE 0 END", [f"'__t:{key_hash(terms.key)}'"]))
        if matched is not None:
            parts.append(Fragment(f"{TERM_WEIGHT} * matched"))
        rank = _any(parts, " + ")
    return Match(from_sql=f"{ENTRY} e", where=where, rank=rank,
                 columns=["e.rank_vector"] if relevance else [], matched=matched,
                 at_least=at_least(len(queries)) if matched is not None else 0,
                 prelude=prelude, corrections=corrections)


# --- SQLite ------------------------------------------------------------------------------


def _escape_like(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _like_any_column(token: str, prefix: str = "t.") -> Fragment:
    pattern = f"%{_escape_like(token)}%"
    return Fragment("(" + " OR ".join(f"{prefix}{c} LIKE %s ESCAPE '\\'" for c in TEXT_COLUMNS)
                    + ")", [pattern] * len(TEXT_COLUMNS))


def _like_tokens(term: Term, widened: dict[str, list[str]]) -> list[list[str]]:
    """``term`` as LIKE tokens: a list of alternatives, each a list of tokens that must
    all occur."""
    if term.kind == "cjk":
        return [bigrams(term.value)]
    if term.kind == "word":
        return [[light_stem(term.value)], *([w] for w in widened.get(term.value, []))]
    return [list(term.code.parts)]


def _sqlite_term(term: Term, widened: dict[str, list[str]]) -> Fragment:
    options = [_any([_like_any_column(token) for token in tokens], " AND ")
               for tokens in _like_tokens(term, widened)]
    if term.kind == "code":
        options.insert(0, Fragment("(' ' || t.codes || ' ') LIKE %s ESCAPE '\\'",
                                   [f"% {_escape_like(term.value)} %"]))
    return _any(options, " OR ")


def _sqlite_rank(terms: QueryTerms, text_terms: list[Term],
                 widened: dict[str, list[str]]) -> Fragment:
    """Over the candidates' columns: the field weights of each term (its first
    spelling), scaled to stay below 1 as ``ts_rank`` does on PostgreSQL, plus the
    boosts of exact codes and titles."""
    weights: list[Fragment] = []
    for term in text_terms:
        if term.kind == "word":
            tokens = [light_stem(term.value), *widened.get(term.value, [])]
        else:
            tokens = [term.value if term.kind == "cjk" else term.code.parts[0]]
        for column, weight in LIKE_WEIGHTS.items():
            likes = " OR ".join(f"{column} LIKE %s ESCAPE '\\'" for _ in tokens)
            weights.append(Fragment(f"CASE WHEN {likes} THEN {weight} ELSE 0 END",
                                    [f"%{_escape_like(t)}%" for t in tokens]))
    scale = 1.0 / (sum(LIKE_WEIGHTS.values()) * max(1, len(text_terms)))
    text = _any(weights, " + ") if weights else Fragment("0.0")
    parts = [Fragment(f"({text.sql}) * {scale}", text.params)]
    for code in terms.codes:
        parts.append(Fragment(f"CASE WHEN (' ' || codes || ' ') LIKE %s ESCAPE '\\' "
                              f"THEN {CODE_BOOST} ELSE 0 END",
                              [f"% {_escape_like(code.key)} %"]))
    if terms.key:
        parts.append(Fragment(f"CASE WHEN (' ' || title_keys || ' ') LIKE %s ESCAPE '\\' "
                              f"THEN {TITLE_BOOST} ELSE 0 END",
                              [f"% {_escape_like(terms.key)} %"]))
    return _any(parts, " + ")


def sqlite_match(terms: QueryTerms, *, fallback: bool, relevance: bool,
                 widened: dict[str, list[str]]) -> Match:
    """``widened``: query word -> known words within its edit distance (lexicon)."""
    text_terms = terms.fallback_terms() if fallback else terms.strict_terms()
    clauses = [_sqlite_term(t, widened) for t in text_terms]
    if terms.text and not clauses:
        where = Fragment("1 = 0")
    elif clauses:
        where = _any(clauses, " OR " if fallback else " AND ")
    else:
        where = Fragment("1 = 1")
    matched = None
    if fallback and clauses:
        matched = _any([Fragment(f"CASE WHEN {c.sql} THEN 1 ELSE 0 END", c.params)
                        for c in clauses], " + ")
    rank = Fragment("0.0")
    if relevance and clauses:
        rank = _sqlite_rank(terms, text_terms, widened)
        if matched is not None:
            rank = Fragment(f"{rank.sql} + {TERM_WEIGHT} * matched", rank.params)
    return Match(
        from_sql=(f"{ENTRY} e JOIN {TEXT} t ON t.doc_type = e.doc_type "
                  "AND t.object_id = e.object_id"),
        where=where, rank=rank,
        columns=[f"t.{c}" for c in (*TEXT_COLUMNS, "codes", "title_keys")] if relevance else [],
        matched=matched, at_least=at_least(len(clauses)) if matched is not None else 0,
    )
