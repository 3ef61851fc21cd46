"""Queries of the known-item measure, shared by tests/search/test_relevance.py and
bench/search.py: a code in its usual spellings, a name with one letter wrong."""

import random


def one_letter_typo(name: str, rng: random.Random) -> str:
    """The name with one edit (drop, swap with the next, replace, double) in one of its
    longer words (5 letters or more when it has one), never the first letter (as a
    reader types, and as Elasticsearch's ``prefix_length: 1`` assumes)."""
    words = name.split(" ")
    candidates = []
    for length in (5, 4, 3):  # the longer words first; short names have none of 5
        candidates = [i for i, w in enumerate(words) if w.isalpha() and len(w) >= length]
        if candidates:
            break
    i = rng.choice(candidates)
    word = words[i]
    at = rng.randrange(1, len(word) - 1)
    edit = rng.choice(["drop", "swap", "replace", "double"])
    if edit == "drop":
        word = word[:at] + word[at + 1:]
    elif edit == "swap":
        word = word[:at] + word[at + 1] + word[at] + word[at + 2:]
    elif edit == "replace":
        other = "e" if word[at] != "e" else "a"
        word = word[:at] + other + word[at + 1:]
    else:
        word = word[:at] + word[at] + word[at:]
    words[i] = word
    return " ".join(words)


def code_spellings(code: str) -> list[str]:
    series, number = code.split("-")
    return [code, f"{series} {number}", f"{series}{number}", f"{series.lower()}{number}"]


def without_code(name: str, code: str) -> str:
    """The name without its model number ("Compact rail inspection robot")."""
    return " ".join(w for w in name.split(" ") if w != code)
