"""The search contract: what goes into a search and what comes out, for every backend.

A caller builds a :class:`SearchQuery` (usually through ``search.params``, which
validates user input at the boundary) and gets a :class:`SearchResult`. Backends never
see raw request data: they get a validated query whose cursor is already decoded, and
answer with a :class:`RawResult` that the service labels for the reader's language.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from marketplace.core.errors import DomainError

# What can be searched is what apps register (``search.documents``); every document
# carries these facets' fields. Facets, in the order the sidebar shows them. ``price`` buckets are fixed ranges; the
# price *filter* is ``price_min``/``price_max`` (half-open: min inclusive, max exclusive).
FACETS = (
    "doc_type", "category", "district", "makerspace", "stage", "certified", "first_set",
    "price", "status",
)
# Facets that filter by value (``price`` filters by range instead).
VALUE_FILTERS = (
    "doc_type", "category", "district", "makerspace", "stage", "certified", "first_set",
    "status",
)
SORTS = ("relevance", "newest", "price_asc", "price_desc")

MAX_QUERY_LENGTH = 200
DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
# Offset pagination stops here (as Elasticsearch's max_result_window); deeper pages are
# reached with the ``cursor`` (search_after / keyset).
MAX_RESULT_WINDOW = 10_000
MAX_VALUES_PER_FILTER = 20
FACET_SIZE = 30
SUGGEST_LIMIT = 8

# Price buckets of the ``price`` facet: (key, lower inclusive, upper exclusive).
PRICE_BUCKETS: tuple[tuple[str, Decimal | None, Decimal | None], ...] = (
    ("0-1000", Decimal(0), Decimal(1000)),
    ("1000-10000", Decimal(1000), Decimal(10000)),
    ("10000-100000", Decimal(10000), Decimal(100000)),
    ("100000-1000000", Decimal(100000), Decimal(1000000)),
    ("1000000-", Decimal(1000000), None),
)
MAX_PRICE = Decimal("999999999999.99")


class InvalidSearch(DomainError):
    """Bad search input: answered with 400 and a message naming the parameter."""

    status_code = 400
    code = "invalid_search"
    default_message = _("The search request is not valid.")

    def __init__(self, message=None, *, param: str | None = None):
        super().__init__(message, data={"param": param} if param else None)
        self.param = param


class SearchOutage(DomainError):
    """The search backend is down or refused to work: what the reader sees (503, in
    their language). The fault itself (``search.backends.base.SearchUnavailable``, with
    the backend's details) is logged by the service, never shown."""

    status_code = 503
    code = "search_unavailable"
    default_message = _("Search is unavailable at the moment. Please try again shortly.")


_WHITESPACE_CONTROLS = frozenset("\t\n\r\x0b\x0c\x1c\x1d\x1e\x1f\x85")
# The same rule as a pattern, for the API schema (the control characters clean_search_text
# refuses: category Cc without the whitespace ones above).
SEARCH_TEXT_PATTERN = r"^[^\x00-\x08\x0e-\x1b\x7f-\x84\x86-\x9f]*$"


CONTROL_CHARACTERS = _("The search text contains control characters; remove them and search "
                       "again.")


def clean_search_text(text: str | None) -> str:
    """Search text as every entry point accepts it (page, API, suggestions): NUL and
    other control characters refused with a message (``InvalidSearch``, param ``q``),
    invisible format and private-use characters dropped, whitespace squeezed, at most
    ``MAX_QUERY_LENGTH`` characters."""
    text = text or ""
    for char in text:
        if char in _WHITESPACE_CONTROLS:
            continue
        if unicodedata.category(char) == "Cc":
            raise InvalidSearch(CONTROL_CHARACTERS, param="q")
    text = "".join(c for c in text if unicodedata.category(c) not in ("Cf", "Co", "Cs"))
    text = " ".join(text.split())
    if len(text) > MAX_QUERY_LENGTH:
        raise InvalidSearch(
            _("The search text can be at most %(max)s characters long.")
            % {"max": MAX_QUERY_LENGTH}, param="q",
        )
    return text


@dataclass(frozen=True)
class SearchQuery:
    """A validated search. ``filters`` maps a name of ``VALUE_FILTERS`` to the accepted
    values (OR within a filter, AND across filters). ``cursor`` is the opaque token of
    a previous result's ``next_cursor``; with it, ``page`` is ignored."""

    text: str = ""
    doc_types: tuple[str, ...] = ()
    filters: dict[str, tuple[str, ...]] = field(default_factory=dict)
    price_min: Decimal | None = None
    price_max: Decimal | None = None
    sort: str = "relevance"
    page: int = 1
    page_size: int = DEFAULT_PAGE_SIZE
    cursor: str | None = None
    language: str = "zh-hans"

    @property
    def effective_sort(self) -> str:
        # Without text every document is equally relevant: newest first.
        return "newest" if self.sort == "relevance" and not self.text else self.sort

    def with_filters(self) -> dict[str, tuple[str, ...]]:
        """Filters including the document-type restriction, as backends apply them."""
        filters = {k: v for k, v in self.filters.items() if v}
        if self.doc_types:
            filters["doc_type"] = tuple(self.doc_types)
        return filters


@dataclass(frozen=True)
class BackendQuery:
    """What a backend receives: the query plus the decoded cursor position.
    ``fallback``: None on a first search (the backend decides: strict, then most terms
    when the strict query finds too little); the mode of the previous page when paging
    with a cursor, so every page comes from the same query."""

    query: SearchQuery
    after: tuple | None = None
    offset: int = 0
    fallback: bool | None = None

    @property
    def text(self) -> str:
        return self.query.text

    @property
    def sort(self) -> str:
        return self.query.effective_sort

    @property
    def size(self) -> int:
        return self.query.page_size

    @property
    def filters(self) -> dict[str, tuple[str, ...]]:
        return self.query.with_filters()


# ---------------------------------------------------------------------------------------
# What a backend answers (language-neutral) ...


@dataclass
class RawHit:
    """One stored document as the backend found it. ``highlights`` maps a document field
    (``title_zh``, ``summary_en`` ...) to HTML fragments: text escaped, matches in
    ``<mark>``."""

    document: SearchDocumentLike
    score: float | None = None
    highlights: dict[str, list[str]] = field(default_factory=dict)


@dataclass
class RawFacetValue:
    value: str
    count: int
    label_zh: str = ""
    label_en: str = ""


@dataclass
class RawResult:
    """``corrections``: query words the index does not know -> the known word a reader
    probably meant (the service turns them into "did you mean")."""

    total: int
    hits: list[RawHit]
    facets: dict[str, list[RawFacetValue]]
    next_after: tuple | None = None
    corrections: dict[str, str] = field(default_factory=dict)
    fallback: bool = False  # the hits match most terms, not all


@dataclass
class RawSuggestion:
    text: str
    doc_type: str
    object_id: int
    url: str


# ... and what the service gives the caller (labelled for the reader's language).


@dataclass(frozen=True)
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool = False


@dataclass(frozen=True)
class SearchHit:
    id: int
    doc_type: str
    doc_type_label: str
    title: str
    url: str
    title_html: str
    snippet_html: str
    highlights: dict[str, list[str]]
    price: Decimal | None
    currency: str
    category: str
    category_label: str
    district: str
    district_label: str
    makerspace: str
    makerspace_label: str
    stage: str
    stage_label: str
    certified: bool | None
    first_set: bool | None
    status: str
    status_label: str
    created_at: datetime | None
    score: float | None
    extra: dict


@dataclass(frozen=True)
class SearchResult:
    total: int
    hits: list[SearchHit]
    facets: dict[str, list[FacetValue]]
    next_cursor: str | None
    took_ms: float
    page: int
    page_size: int
    backend: str
    query: SearchQuery
    # "did you mean": the query with its misspelt words corrected, when there were any
    suggestion: str | None = None
    # no document matched every term: these match most of them (the fallback)
    partial: bool = False

    @property
    def has_previous_page(self) -> bool:
        return self.query.cursor is None and self.page > 1

    @property
    def page_count(self) -> int:
        reachable = min(self.total, MAX_RESULT_WINDOW)
        return max(1, -(-reachable // self.page_size))


@dataclass(frozen=True)
class Suggestion:
    text: str
    doc_type: str
    id: int
    url: str


# A stored document (search.documents.SearchDocument); named here only for typing
# without an import cycle.
SearchDocumentLike = object
