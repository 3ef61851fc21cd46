"""Text handling shared by the backends: plain text from HTML, Chinese segmentation as
CJK bigrams (what Elasticsearch's ``cjk`` analyzer does, so both backends find the same
things), and highlighting that escapes HTML.

PostgreSQL has no Chinese parser here, so Chinese is segmented in Python at index and
query time: each run of CJK characters becomes its overlapping bigrams ("海洋浮标" ->
海洋 洋浮 浮标), stored with positions, and a query run becomes a phrase of its bigrams
(``'海洋' <-> '洋浮'``), which matches exactly the documents containing that run.
"""

from __future__ import annotations

import html
import re
from itertools import combinations
from typing import TYPE_CHECKING

from django.utils.html import strip_tags

if TYPE_CHECKING:  # search.terms builds on this module
    from search.terms import QueryTerms

# Han (incl. extension A and compatibility), kana, Hangul: bigrammed like ES's cjk.
_CJK = (
    "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff"
    "\U00020000-\U0002a6df"
)
CJK_RUN = re.compile(f"[{_CJK}]+")
WORD = re.compile(r"[0-9A-Za-z\u00c0-\u024f]+(?:['’][A-Za-z]+)?")

# Markers around matches inside backend output (private-use code points that never occur
# in our text); turned into <mark> after the text around them is escaped.
MARK_OPEN = "\ue000"
MARK_CLOSE = "\ue001"

# Lucene's English stop words (those ES's english and cjk analyzers drop).
STOP_WORDS = frozenset(
    [
        "a", "an", "and", "are", "as", "at", "be", "but", "by", "for", "if", "in", "into",
        "is", "it", "no", "not", "of", "on", "or", "such", "that", "the", "their", "then",
        "there", "these", "they", "this", "to", "was", "will", "with",
    ]
)

MAX_INDEXED_CHARS = 20_000
TSVECTOR_MAX_POSITION = 16383


def plain_text(value: str | None) -> str:
    """Sanitised rich text -> plain text (tags removed, entities decoded, spaces squeezed)."""
    if not value:
        return ""
    text = html.unescape(strip_tags(str(value)))
    return re.sub(r"\s+", " ", text).strip()


def cjk_runs(text: str) -> list[str]:
    return CJK_RUN.findall(text or "")


def without_cjk(text: str) -> str:
    """The text with CJK runs blanked out: what is left for the English parser."""
    return CJK_RUN.sub(" ", text or "")


def bigrams(run: str) -> list[str]:
    if len(run) < 2:
        return [run] if run else []
    return [run[i : i + 2] for i in range(len(run) - 1)]


def words(text: str) -> list[str]:
    return [w.lower() for w in WORD.findall(without_cjk(text or ""))]


def meaningful_words(text: str) -> list[str]:
    return [w for w in words(text) if w not in STOP_WORDS]


# ---------------------------------------------------------------------------------------
# PostgreSQL tsvector / tsquery literals


def _lexeme(token: str) -> str:
    return "'" + token.replace("\\", "\\\\").replace("'", "''") + "'"


def cjk_tsvector_literal(fields: list[tuple[str, str]], extra: tuple[str, ...] = ()) -> str:
    """``[(text, weight)]`` -> a tsvector literal of the CJK bigrams with positions and
    weights, plus ``extra`` lexemes (facet values, see :func:`facet_lexeme`)."""
    parts: list[str] = []
    position = 1
    for text, weight in fields:
        for run in cjk_runs((text or "")[:MAX_INDEXED_CHARS]):
            for token in bigrams(run):
                parts.append(f"{_lexeme(token)}:{min(position, TSVECTOR_MAX_POSITION)}{weight}")
                position += 1
            position += 1  # runs are not adjacent
        position += 10
    parts += [_lexeme(token) for token in extra]
    return " ".join(parts)


def cjk_lexemes_literal(texts: list[str], extra: tuple[str, ...] = ()) -> str:
    """A tsvector literal of the distinct CJK bigrams of ``texts`` plus ``extra``
    lexemes, without positions or weights (for matching only)."""
    tokens: dict[str, None] = {}
    for text in texts:
        for run in cjk_runs((text or "")[:MAX_INDEXED_CHARS]):
            tokens.update(dict.fromkeys(bigrams(run)))
    tokens.update(dict.fromkeys(extra))
    return " ".join(_lexeme(t) for t in tokens)


def cjk_tsquery_literal(runs: tuple[str, ...]) -> str:
    """Every bigram of every run must occur (what Elasticsearch's ``cjk`` analyzer with
    ``operator: and`` asks); a single character matches as the start of a bigram.

    Deliberately no phrase operator: a GIN index answers a plain conjunction exactly,
    while a phrase makes PostgreSQL re-read every candidate's vector."""
    clauses: list[str] = []
    for run in runs:
        if len(run) == 1:
            clauses.append(f"{_lexeme(run)}:*")
        else:
            clauses += [_lexeme(b) for b in dict.fromkeys(bigrams(run))]
    return " & ".join(dict.fromkeys(clauses))


def facet_lexeme(facet: str, value: str) -> str:
    """A lexeme that stands for a facet value inside the full-text vector, so the GIN
    index answers text and filters together. Neither the English parser nor the bigram
    segmentation can produce it (it contains ``__`` and ``:``)."""
    return f"__{facet}:{value}"


def facet_tsquery_literal(groups: list[list[str]], *, at_least: int) -> str:
    """``groups``: per active filter, the lexemes of its accepted values (OR). The
    literal asks for at least ``at_least`` of the groups (all of them: the filter; all
    but one: what disjunctive facet counts need). Empty when nothing is asked."""
    ors = ["(" + " | ".join(_lexeme(v) for v in group) + ")" for group in groups]
    if at_least <= 0 or not ors:
        return ""
    if at_least >= len(ors):
        return " & ".join(ors)
    combos = [" & ".join(c) for c in combinations(ors, at_least)]
    return " | ".join(f"({c})" for c in combos)


# ---------------------------------------------------------------------------------------
# Highlighting


def mark_sentinels(fragment: str) -> str:
    """Backend output with MARK_OPEN/MARK_CLOSE around matches -> safe HTML."""
    escaped = html.escape(fragment, quote=False)
    return escaped.replace(MARK_OPEN, "<mark>").replace(MARK_CLOSE, "</mark>")


def has_marks(fragment: str) -> bool:
    return MARK_OPEN in fragment


def _edit_distance_within(a: str, b: str, limit: int) -> bool:
    if abs(len(a) - len(b)) > limit:
        return False
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        if min(current) > limit:
            return False
        previous = current
    return previous[-1] <= limit


def edit_distance(a: str, b: str) -> int:
    """Optimal string alignment distance: insertions, deletions, substitutions and
    transpositions of neighbours each count one (Elasticsearch's fuzziness)."""
    rows = [list(range(len(b) + 1))]
    for i, ca in enumerate(a, 1):
        row = [i]
        for j, cb in enumerate(b, 1):
            cost = min(rows[-1][j] + 1, row[j - 1] + 1, rows[-1][j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                cost = min(cost, rows[-2][j - 2] + 1)
            row.append(cost)
        rows.append(row)
    return rows[-1][-1]


_EDIT_LETTERS = "abcdefghijklmnopqrstuvwxyz"


def one_edit_spellings(word: str) -> list[str]:
    """Every spelling one edit away from ``word`` (a letter dropped, two neighbours
    swapped, one replaced or one added), the first letter kept as typed (as
    Elasticsearch's ``prefix_length: 1``): a few hundred strings for a long word."""
    letters = _EDIT_LETTERS + ("0123456789" if any(c.isdigit() for c in word) else "")
    head, tail = word[:1], word[1:]
    found = {head + tail[:i] + tail[i + 1:] for i in range(len(tail))}
    found |= {head + tail[:i] + tail[i + 1] + tail[i] + tail[i + 2:]
              for i in range(len(tail) - 1)}
    found |= {head + tail[:i] + c + tail[i + 1:] for i in range(len(tail)) for c in letters}
    found |= {head + tail[:i] + c + tail[i:] for i in range(len(tail) + 1) for c in letters}
    found.discard(word)
    return sorted(found)


def auto_fuzziness(word: str) -> int:
    """Elasticsearch's AUTO: 0 edits up to 2 characters, 1 up to 5, 2 beyond."""
    return 0 if len(word) <= 2 else 1 if len(word) <= 5 else 2


def light_stem(word: str) -> str:
    """A crude English stem (plural and -ing/-ed endings): what plain matching and the
    highlighter use where no real stemmer is at hand."""
    for suffix in ("ing", "ies", "es", "ed", "ly", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


_CODE_SPAN = re.compile(r"[0-9A-Za-z]+(?:[-_./][0-9A-Za-z]+)*")


def match_spans(text: str, terms: QueryTerms, *, fuzzy: bool = True) -> list[tuple[int, int]]:
    """Character spans of ``text`` that match the query: CJK runs as substrings, codes
    in any of their spellings (``LS-147`` for ``ls147``), words by stem prefix, and
    (``fuzzy``) words within the AUTO edit distance."""
    spans: list[tuple[int, int]] = []
    for run in terms.runs:
        start = text.find(run)
        while start != -1:
            spans.append((start, start + len(run)))
            start = text.find(run, start + len(run))
    code_keys = {c.key for c in terms.codes}
    if code_keys:
        for m in _CODE_SPAN.finditer(text):
            if re.sub(r"[^0-9a-z]", "", m.group(0).lower()) in code_keys:
                spans.append(m.span())
    words = terms.highlight_words
    if words:
        stems = {light_stem(w) for w in words}
        for m in WORD.finditer(text):
            token = m.group(0).lower()
            if any(token.startswith(s) for s in stems) or (
                fuzzy
                and len(token) > 2
                and any(
                    _edit_distance_within(token, w, auto_fuzziness(w)) for w in terms.words
                )
            ):
                spans.append(m.span())
    spans.sort()
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def highlight(text: str, terms: QueryTerms, *, fragment_size: int | None = None,
              fuzzy: bool = True) -> str | None:
    """Escaped HTML of ``text`` (or of a window of about ``fragment_size`` characters
    around the first match) with matches in <mark>; None when nothing matches."""
    if not text or terms.empty:
        return None
    spans = match_spans(text, terms, fuzzy=fuzzy)
    if not spans:
        return None
    start, end = 0, len(text)
    if fragment_size and len(text) > fragment_size:
        first = spans[0][0]
        start = max(0, first - fragment_size // 3)
        end = min(len(text), start + fragment_size)
        spans = [(max(s, start), min(e, end)) for s, e in spans if e > start and s < end]
    out = []
    cursor = start
    for s, e in spans:
        out.append(html.escape(text[cursor:s], quote=False))
        out.append("<mark>" + html.escape(text[s:e], quote=False) + "</mark>")
        cursor = e
    out.append(html.escape(text[cursor:end], quote=False))
    prefix = "…" if start > 0 else ""
    suffix = "…" if end < len(text) else ""
    return prefix + "".join(out) + suffix


def excerpt(text: str, size: int = 160) -> str:
    """Escaped start of a text, for results without a highlighted snippet."""
    text = text or ""
    if len(text) <= size:
        return html.escape(text, quote=False)
    return html.escape(text[:size].rstrip(), quote=False) + "…"
