"""Did you mean: a query with its misspelt words replaced by the words the index knows.

Backends find the corrections (the lexicon on the database backend, the term suggester
on Elasticsearch); this turns them into the text offered to the reader.
"""

from __future__ import annotations

import re


def did_you_mean(text: str, corrections: dict[str, str]) -> str | None:
    """``text`` with each misspelt word replaced by its correction (case-insensitive,
    whole words only, the rest of the text as typed), or None when nothing changed."""
    if not corrections:
        return None
    corrected = text
    for wrong, right in corrections.items():
        if not wrong or not right or wrong == right:
            continue
        corrected = re.sub(rf"(?i)(?<![0-9a-z]){re.escape(wrong)}(?![0-9a-z])",
                           lambda _m, right=right: right, corrected)
    return corrected if corrected != text else None
