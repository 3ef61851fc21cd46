"""Elasticsearch queries for the relevance rules of ``search.terms``.

One clause per term: a CJK run (or, in the fallback, one bigram) over the Chinese
fields with ``operator: and``; a word over every text field with ``fuzziness: AUTO``; a
code as its whole-token key in ``codes`` or its parts as words. The strict query needs
every clause (``must``); the fallback needs most of them (``minimum_should_match``,
the number ``search.terms.at_least`` gives the database backend too), each matched
clause adding the same weight so that more terms rank first. Exact codes and exact
titles are constant boosts on top.

BM25 scores of a long query can exceed the database backend's text score (which stays
below 1), so the boosts are scaled up here to stay dominant.
"""

from __future__ import annotations

from elasticsearch.dsl import Q

from search.terms import (
    CODE_BOOST,
    TERM_WEIGHT,
    TITLE_BOOST,
    QueryTerms,
    Term,
    at_least,
)
from search.text import auto_fuzziness

TEXT_FIELDS = ["title_zh^3", "title_en^3", "summary_zh^2", "summary_en^2", "body_zh",
               "body_en", "keywords^0.5"]
# Chinese may sit in any field (a bilingual summary): all_text (cjk-analyzed copy of
# every text field) catches bigrams spread across fields, as the database's one vector.
ZH_FIELDS = ["title_zh^3", "summary_zh^2", "body_zh", "keywords^0.5", "all_text^0.3"]
SCALE = 100.0
# the field whose terms "did you mean" proposes: unstemmed words of every text field
SUGGEST_FIELD = "all_text"


def term_clause(term: Term) -> Q:
    if term.kind == "cjk":
        if len(term.value) == 1:  # a single character: the start of a bigram
            return Q("multi_match", query=term.value, type="phrase_prefix",
                     fields=["title_zh", "summary_zh", "body_zh", "keywords"])
        return Q("multi_match", query=term.value, type="best_fields", fields=ZH_FIELDS,
                 operator="and")
    if term.kind == "word":
        return Q("multi_match", query=term.value, type="best_fields",
                 fields=[*TEXT_FIELDS, "all_text^0.3"], fuzziness="AUTO", prefix_length=1)
    return Q("bool", should=[
        Q("term", codes=term.value),
        Q("multi_match", query=term.code.text, type="cross_fields", fields=TEXT_FIELDS,
          operator="and"),
    ], minimum_should_match=1)


def boosts(terms: QueryTerms) -> list[Q]:
    out = []
    if terms.codes:
        out.append(Q("constant_score", filter=Q("terms", codes=[c.key for c in terms.codes]),
                     boost=CODE_BOOST * SCALE))
    if terms.key:
        out.append(Q("constant_score", filter=Q("term", title_keys=terms.key),
                     boost=TITLE_BOOST * SCALE))
    return out


def text_query(terms: QueryTerms, *, fallback: bool) -> Q:
    """The scoring query of a text search (``match_none`` when nothing is left to
    match, e.g. only punctuation or stop words)."""
    if terms.empty:
        return Q("match_none")
    if not fallback:
        return Q("bool", must=[term_clause(t) for t in terms.strict_terms()],
                 should=boosts(terms))
    clauses = terms.fallback_terms()
    counted = Q("bool", should=[Q("constant_score", filter=term_clause(t),
                                  boost=TERM_WEIGHT * SCALE) for t in clauses],
                minimum_should_match=at_least(len(clauses)))
    # the text score orders documents that match as many terms
    scored = [term_clause(t) for t in terms.strict_terms()]
    return Q("bool", must=[counted], should=[*boosts(terms), *scored])


def suggest_words(terms: QueryTerms) -> list[str]:
    """Words that may be misspelt (long enough for AUTO to allow an edit)."""
    return [w for w in terms.words if auto_fuzziness(w)]
