"""What a query asks for, as every backend understands it: Chinese runs, words, codes.

Both backends match the same *terms* and rank by the same rules (see ``docs/
architecture.md``, "Search relevance"):

* a **CJK run** ("海洋浮标") matches a document containing every bigram of the run (what
  Elasticsearch's ``cjk`` analyzer does); a single character matches as the start of a
  bigram;
* a **word** (Latin script, lower case, stop words dropped) matches stemmed and, when
  the index has never seen it, widened to the known words within Elasticsearch's AUTO
  edit distance;
* a **code** (model number, catalogue reference, certificate number, credit code:
  ``LS-147``, ``LS 147``, ``ls147``) matches its normalised key (``ls147``), which the
  backends index as one whole token per identifier, or its parts as words.

The strict query asks for every term; when it finds too little, the fallback asks for
most of them (:func:`at_least`), counting each bigram of a run as a term of its own so
that a Chinese name with one wrong character still finds its product.

Ranking boosts, on every backend: an exact code (the query's code is one of the
document's identifiers) first, then an exact title (the query equals a title, with or
without its codes, ignoring case, spaces and punctuation), then the text score.
"""

from __future__ import annotations

import hashlib
import math
import re
import unicodedata
from dataclasses import dataclass

from search.text import STOP_WORDS, WORD, bigrams, cjk_runs, without_cjk

# Fallback terms beyond this many are dropped (a pasted paragraph must not become a
# query of hundreds of clauses); the strict query keeps every term.
MAX_FALLBACK_TERMS = 24
# A strict query with fewer results than this falls back to most-terms matching.
FALLBACK_BELOW = 1
# Ranking boosts (added to a text score that stays below 10 on both backends).
CODE_BOOST = 1000.0
TITLE_BOOST = 100.0
TERM_WEIGHT = 10.0  # fallback: per matched term, so more terms rank first

# An alphanumeric token of a code; tokens joined by these (no space) form one code.
_CODE_JOINERS = "-_./"
_CODE_CHUNK = re.compile(r"[0-9a-z]+(?:[-_./][0-9a-z]+)*")
_DIGITS = re.compile(r"\d")
_LETTERS = re.compile(r"[a-z]")
_SPLIT_CODE = re.compile(r"[a-z]+|\d+")
# "LS 147": a short letter prefix, a space, a number of two digits or more
_SPACED_CODE = re.compile(
    r"(?<![0-9a-z])([a-z]{1,4}) (\d{2,}[0-9a-z]*(?:[-_./][0-9a-z]+)*)(?![0-9a-z])")
MIN_CODE_LENGTH = 3
MAX_CODE_LENGTH = 40
_KEY_DROP = re.compile(r"[^\w]|_", re.UNICODE)


def normalise(text: str | None) -> str:
    """NFKC (full-width ``ＬＳ－１４７`` is ``LS-147``), whitespace squeezed."""
    text = unicodedata.normalize("NFKC", text or "")
    return re.sub(r"\s+", " ", text).strip()


def code_key(code: str) -> str:
    """``LS-147``, ``LS 147``, ``ls147`` -> ``ls147``: the whole-token form of a code."""
    return re.sub(r"[^0-9a-z]", "", normalise(code).lower())


def _is_code(key: str) -> bool:
    return (MIN_CODE_LENGTH <= len(key) <= MAX_CODE_LENGTH
            and bool(_DIGITS.search(key)) and bool(_LETTERS.search(key)))


_NOT_KEY = re.compile(r"[^0-9a-z]")


def codes_in(text: str | None) -> list[str]:
    """Keys of the code-shaped tokens of ``text``: letters and digits together, joined
    or not by ``-_./`` (``LS-147``, ``RD-2026-0042``, ``91370200MA3C5XXX0X``), or a
    short letter prefix, a space and a number (``LS 147``). ``5G`` and ``3D`` are too
    short to be codes; ``Industry 4.0`` has no letter next to its digits."""
    if not text or not _DIGITS.search(text):
        return []  # most texts of a catalogue: nothing to look for
    latin = without_cjk(normalise(text).lower())
    keys: dict[str, None] = {}
    for match in _SPACED_CODE.finditer(latin):
        keys[_NOT_KEY.sub("", match.group(1) + match.group(2))] = None
    for chunk in _CODE_CHUNK.findall(latin):
        if _DIGITS.search(chunk) and _LETTERS.search(chunk):
            keys[_NOT_KEY.sub("", chunk)] = None
    return [k for k in keys if _is_code(k)]


def title_key(text: str | None) -> str:
    """A title as compared for an exact match: case, spaces and punctuation ignored."""
    return _KEY_DROP.sub("", normalise(text).lower())


def title_keys(titles: list[str], codes: list[str]) -> list[str]:
    """The keys a query may equal to be an exact title match: each title, and each
    title without its codes (a buyer types the name without the model number)."""
    code_set = set(codes)
    keys: dict[str, None] = {}
    for title in titles:
        if not title:
            continue
        lowered = normalise(title).lower()
        keys[_KEY_DROP.sub("", lowered)] = None
        if code_set and _DIGITS.search(lowered):
            stripped = _SPACED_CODE.sub(
                lambda m: " " if _NOT_KEY.sub("", m.group(1) + m.group(2)) in code_set
                else m.group(0), lowered)
            stripped = _CODE_CHUNK.sub(
                lambda m: " " if _NOT_KEY.sub("", m.group(0)) in code_set else m.group(0),
                stripped)
            keys[_KEY_DROP.sub("", stripped)] = None
    return [k for k in keys if k]


@dataclass(frozen=True)
class DocumentKeys:
    """What the backends index of a document for codes and exact titles.

    ``title_codes``: keys of its identifiers and of the codes in its titles (an exact
    match of one is the strongest signal); ``all_codes``: those and the codes in its
    keywords (specifications), every code that matches it; ``title_keys``: its titles
    as an exact match compares them."""

    title_codes: list[str]
    all_codes: list[str]
    title_keys: list[str]


def document_keys(doc) -> DocumentKeys:
    titles = [doc.title_zh, doc.title_en]
    keys = dict.fromkeys(k for k in (code_key(c) for c in doc.codes) if k)
    for title in titles:
        keys.update(dict.fromkeys(codes_in(title)))
    title_codes = list(keys)
    keys.update(dict.fromkeys(codes_in(doc.matching_keywords)))
    return DocumentKeys(title_codes=title_codes, all_codes=list(keys),
                        title_keys=title_keys(titles, title_codes))


def key_hash(key: str) -> str:
    """A short stand-in for a title key inside a PostgreSQL vector."""
    return hashlib.blake2b(key.encode(), digest_size=8).hexdigest()


# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Code:
    key: str  # "ls147"
    parts: tuple[str, ...]  # ("ls", "147"): the words the code is made of

    @property
    def text(self) -> str:
        return " ".join(self.parts)


@dataclass(frozen=True)
class Term:
    """One thing a document must contain: ``kind`` is ``cjk`` (a run or one bigram),
    ``word`` or ``code``."""

    kind: str
    value: str
    code: Code | None = None


def _split_codes(latin: str) -> tuple[list[Code], str]:
    """The codes of a (lower-case, CJK-free) query and what is left for words."""
    codes: list[Code] = []

    def take(match: re.Match, key: str) -> str:
        if _is_code(key):
            codes.append(Code(key=key, parts=tuple(_SPLIT_CODE.findall(key))))
            return " "
        return match.group(0)

    latin = _SPACED_CODE.sub(lambda m: take(m, code_key(m.group(1) + m.group(2))), latin)
    latin = _CODE_CHUNK.sub(lambda m: take(m, code_key(m.group(0))), latin)
    return codes, latin


@dataclass(frozen=True)
class QueryTerms:
    """A query split as every backend understands it."""

    text: str
    runs: tuple[str, ...]  # CJK runs
    words: tuple[str, ...]  # Latin-script words, lower case, without stop words or codes
    codes: tuple[Code, ...] = ()

    @classmethod
    def parse(cls, text: str) -> QueryTerms:
        text = normalise(text)
        codes, rest = _split_codes(without_cjk(text).lower())
        words = [w.lower() for w in WORD.findall(rest)]
        unique_codes = tuple({c.key: c for c in codes}.values())
        return cls(text=text, runs=tuple(cjk_runs(text)),
                   words=tuple(w for w in words if w not in STOP_WORDS),
                   codes=unique_codes)

    @property
    def empty(self) -> bool:
        return not self.runs and not self.words and not self.codes

    @property
    def latin_text(self) -> str:
        """The Latin part as the English parser should read it (codes as their parts)."""
        return " ".join([*self.words, *(c.text for c in self.codes)])

    @property
    def highlight_words(self) -> tuple[str, ...]:
        return (*self.words, *(p for c in self.codes for p in c.parts))

    @property
    def key(self) -> str:
        """The whole query as compared with title keys."""
        return title_key(self.text)

    def strict_terms(self) -> list[Term]:
        return ([Term("cjk", run) for run in dict.fromkeys(self.runs)]
                + [Term("word", w) for w in dict.fromkeys(self.words)]
                + [Term("code", c.key, c) for c in self.codes])

    def fallback_terms(self) -> list[Term]:
        """Every bigram of every run, every word and code: the terms "most of" counts."""
        grams = dict.fromkeys(g for run in self.runs for g in bigrams(run))
        terms = ([Term("cjk", g) for g in grams]
                 + [Term("word", w) for w in dict.fromkeys(self.words)]
                 + [Term("code", c.key, c) for c in self.codes])
        return terms[:MAX_FALLBACK_TERMS]

    @property
    def can_fall_back(self) -> bool:
        return len(self.fallback_terms()) >= 2


def at_least(count: int) -> int:
    """How many of ``count`` fallback terms a document needs: most of them (half,
    rounded up; Elasticsearch's ``minimum_should_match`` gets the same number)."""
    return max(1, math.ceil(count / 2))
