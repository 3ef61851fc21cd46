"""The search contract: what goes into a search and what comes out, for every backend.

A caller builds a :class:`SearchQuery` (usually through ``search.params``, which
validates user input at the boundary) and gets a :class:`SearchResult`. Backends never
see raw request data: they get a validated query whose cursor is already decoded, and
answer with a :class:`RawResult` that the service labels for the reader's language.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from marketplace.core.errors import DomainError

# What can be searched. Campaigns and procurement notices have their index and mapping
# now; their documents arrive once those apps provide a source (see search.sources).
DOC_TYPES = ("product", "makerspace", "campaign", "notice")

# Facets, in the order the sidebar shows them. ``price`` buckets are fixed ranges; the
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
    """What a backend receives: the query plus the decoded cursor position."""

    query: SearchQuery
    after: tuple | None = None
    offset: int = 0

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
    total: int
    hits: list[RawHit]
    facets: dict[str, list[RawFacetValue]]
    next_after: tuple | None = None


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
