"""Segmentation and highlighting (no database)."""

from search.terms import QueryTerms
from search.text import (
    bigrams,
    cjk_tsquery_literal,
    cjk_tsvector_literal,
    excerpt,
    facet_lexeme,
    facet_tsquery_literal,
    highlight,
    mark_sentinels,
    plain_text,
)


def test_bigrams_like_the_cjk_analyzer():
    assert bigrams("海洋浮标无人机") == ["海洋", "洋浮", "浮标", "标无", "无人", "人机"]
    assert bigrams("海") == ["海"]
    assert bigrams("") == []


def test_query_terms_split_scripts_and_drop_stop_words():
    terms = QueryTerms.parse("  海洋 the Smart  sensors，浮标 ")
    assert terms.runs == ("海洋", "浮标")
    assert terms.words == ("smart", "sensors")
    assert QueryTerms.parse("the of").empty


def test_tsvector_literal_has_positions_weights_and_escapes():
    literal = cjk_tsvector_literal([("海洋浮标", "A"), ("水文'监测", "B")])
    assert literal.startswith("'海洋':1A '洋浮':2A '浮标':3A")
    assert "'水文':" in literal and "B" in literal
    assert "''" not in literal  # the quote split the run; it is not part of a token
    assert cjk_tsvector_literal([("no chinese here", "A")]) == ""


def test_tsquery_literal_asks_for_every_bigram():
    assert cjk_tsquery_literal(("海洋浮标",)) == "'海洋' & '洋浮' & '浮标'"
    assert cjk_tsquery_literal(("海", "水质", "水质")) == "'海':* & '水质'"


def test_facet_lexemes_and_their_queries():
    assert facet_lexeme("stage", "prototype") == "__stage:prototype"
    groups = [["__a:1", "__a:2"], ["__b:1"], ["__c:1"]]
    assert facet_tsquery_literal(groups, at_least=3) == "('__a:1' | '__a:2') & ('__b:1') & ('__c:1')"
    assert facet_tsquery_literal(groups, at_least=2) == (
        "(('__a:1' | '__a:2') & ('__b:1')) | (('__a:1' | '__a:2') & ('__c:1')) | "
        "(('__b:1') & ('__c:1'))")
    assert facet_tsquery_literal(groups[:1], at_least=0) == ""


def test_highlight_escapes_everything_but_the_marks():
    terms = QueryTerms.parse("海洋")
    assert highlight("海洋<b>浮标</b> & 海洋", terms) == (
        "<mark>海洋</mark>&lt;b&gt;浮标&lt;/b&gt; &amp; <mark>海洋</mark>")
    assert highlight("nothing to see", terms) is None


def test_highlight_stems_and_tolerates_typos():
    assert highlight("Smart sensors", QueryTerms.parse("sensor")) == "Smart <mark>sensors</mark>"
    assert highlight("Smart sensor", QueryTerms.parse("sensr")) == "Smart <mark>sensor</mark>"
    assert highlight("Smart sensor", QueryTerms.parse("sensr"), fuzzy=False) is None


def test_highlight_fragment_of_long_text():
    text = "前言" * 200 + "海洋浮标" + "结语" * 200
    fragment = highlight(text, QueryTerms.parse("海洋"), fragment_size=60)
    assert fragment.startswith("…") and fragment.endswith("…")
    assert "<mark>海洋</mark>" in fragment and len(fragment) < 120


def test_sentinels_become_marks_after_escaping():
    assert mark_sentinels("<i>\ue000海洋\ue001</i>") == "&lt;i&gt;<mark>海洋</mark>&lt;/i&gt;"


def test_plain_text_and_excerpt():
    assert plain_text("<p>海洋&amp;<b>浮标</b></p>\n<p>x</p>") == "海洋&浮标 x"
    assert excerpt("<b>" + "x" * 200, 10) == "&lt;b&gt;xxxxxxx…"
