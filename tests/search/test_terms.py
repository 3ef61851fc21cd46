"""What a query asks for (no database): codes, words, runs, title keys, fallback terms."""

import pytest

from search.terms import (
    QueryTerms,
    at_least,
    code_key,
    codes_in,
    normalise,
    title_key,
    title_keys,
)
from search.text import edit_distance


@pytest.mark.parametrize("spelling", ["LS-147", "LS 147", "LS147", "ls147", "ls-147",
                                      "ＬＳ－１４７", "LS_147", "LS/147"])
def test_every_usual_spelling_of_a_code_is_one_key(spelling):
    terms = QueryTerms.parse(spelling)
    assert [c.key for c in terms.codes] == ["ls147"]
    assert terms.codes[0].parts == ("ls", "147")
    assert terms.words == () and terms.runs == ()


def test_identifiers_of_every_kind_are_codes():
    assert codes_in("RD-2026-0042, SD-2026-001; 91370200MA3C5XXX0X") == [
        "rd20260042", "sd2026001", "91370200ma3c5xxx0x"]
    assert code_key("QD-00012-300") == "qd00012300"


@pytest.mark.parametrize("text", ["5G 模组", "3D 打印机", "工业4.0", "Industry 4.0", "low-power",
                                  "model 12", "NB-IoT"])
def test_short_or_letterless_tokens_are_not_codes(text):
    assert codes_in(text) == []


def test_a_name_mixing_chinese_words_and_a_code():
    terms = QueryTerms.parse("紧凑型轨道巡检机器人LS-147 compact robot")
    assert terms.runs == ("紧凑型轨道巡检机器人",)
    assert terms.words == ("compact", "robot")
    assert [c.key for c in terms.codes] == ["ls147"]
    assert [t.kind for t in terms.strict_terms()] == ["cjk", "word", "word", "code"]
    assert terms.latin_text == "compact robot ls 147"


def test_title_keys_ignore_case_spacing_punctuation_and_the_code():
    keys = title_keys(["紧凑型轨道巡检机器人 LS-147", "Compact rail inspection robot LS-147"],
                      ["ls147"])
    assert keys == ["紧凑型轨道巡检机器人ls147", "紧凑型轨道巡检机器人",
                    "compactrailinspectionrobotls147", "compactrailinspectionrobot"]
    assert QueryTerms.parse("compact rail-inspection ROBOT, LS147").key in keys
    assert title_key("海洋数据<服务> & 平台") == "海洋数据服务平台"


def test_fallback_counts_every_bigram_word_and_code():
    terms = QueryTerms.parse("海洋浮标 sensor LS-1")
    assert [t.value for t in terms.fallback_terms()] == ["海洋", "洋浮", "浮标", "sensor", "ls1"]
    assert terms.can_fall_back and not QueryTerms.parse("sensor").can_fall_back
    assert [at_least(n) for n in (1, 2, 3, 4, 5, 9)] == [1, 1, 2, 2, 3, 5]


def test_a_pasted_paragraph_falls_back_on_a_bounded_number_of_terms():
    terms = QueryTerms.parse("海" * 200)
    assert len(terms.fallback_terms()) == 1  # one distinct bigram
    words = QueryTerms.parse(" ".join(f"word{chr(97 + i % 26)}{chr(97 + i // 26)}"
                                      for i in range(60)))
    assert len(words.fallback_terms()) == 24


def test_stop_words_and_punctuation_leave_nothing():
    assert QueryTerms.parse("the of and").empty
    assert QueryTerms.parse("!!! ??? ，。").empty
    assert normalise("  ａｂｃ\u3000def ") == "abc def"


def test_edit_distance_counts_a_swap_as_one_edit():
    assert edit_distance("sesnor", "sensor") == 1
    assert edit_distance("sensr", "sensor") == 1
    assert edit_distance("temprature", "temperature") == 1
    assert edit_distance("abc", "xyz") == 3
