"""The search page (facet sidebar, highlights, sort, pagination, did you mean) and the
suggestions partial that HTMX loads while the reader types.

Both call the search service only. A refused search (bad parameters, ``InvalidSearch``)
or an outage (``SearchOutage``) is shown on the page with its status and message; as
the reader types, an outage just shows no suggestions."""

from __future__ import annotations

from dataclasses import dataclass

from django.shortcuts import render
from django.utils.translation import get_language, gettext_lazy
from django.views.decorators.http import require_GET
from rest_framework.exceptions import ValidationError

from marketplace.core.errors import DomainError
from search.contract import FACETS, MAX_QUERY_LENGTH, PRICE_BUCKETS, SORTS, SearchOutage
from search.labels import facet_title
from search.params import parse_search_params
from search.service import search, suggest

SORT_LABELS = {
    "relevance": gettext_lazy("Relevance"),
    "newest": gettext_lazy("Newest"),
    "price_asc": gettext_lazy("Price: low to high"),
    "price_desc": gettext_lazy("Price: high to low"),
}
RESET_ON_CHANGE = ("page", "cursor")


@dataclass(frozen=True)
class FacetLink:
    value: str
    label: str
    count: int
    selected: bool
    url: str


def _url(params) -> str:
    encoded = params.urlencode()
    return f"?{encoded}" if encoded else "?"


def _toggle(request, facet: str, value: str, selected: bool) -> str:
    params = request.GET.copy()
    for key in RESET_ON_CHANGE:
        params.pop(key, None)
    if facet == "price":
        params.pop("price_min", None)
        params.pop("price_max", None)
        if not selected:
            for key, low, high in PRICE_BUCKETS:
                if key == value:
                    params["price_min"] = str(low)
                    if high is not None:
                        params["price_max"] = str(high)
        return _url(params)
    name = "type" if facet == "doc_type" else facet
    values = [v for v in params.getlist(name) if v != value]
    if not selected:
        values.append(value)
    params.setlist(name, values)
    return _url(params)


def _with(request, **changes) -> str:
    params = request.GET.copy()
    for key in RESET_ON_CHANGE:
        params.pop(key, None)
    for key, value in changes.items():
        params[key] = str(value)
    return _url(params)


def _error_messages(exc) -> list[str]:
    if isinstance(exc, DomainError):
        return [str(exc.message)]
    detail = exc.detail
    messages = []
    if isinstance(detail, dict):
        for field, errors in detail.items():
            for error in errors if isinstance(errors, list) else [errors]:
                messages.append(f"{field}: {error}" if field != "non_field_errors" else str(error))
    else:
        messages = [str(e) for e in (detail if isinstance(detail, list) else [detail])]
    return messages


@require_GET
def search_page(request):
    language = get_language()
    context = {"q": request.GET.get("q", ""), "max_length": MAX_QUERY_LENGTH}
    try:
        query = parse_search_params(request.GET, language)
        result = search(query)
    except ValidationError as exc:
        context["errors"] = _error_messages(exc)
        return render(request, "search/page.html", context, status=400)
    except DomainError as exc:  # InvalidSearch (400), SearchOutage (503)
        context["errors"] = _error_messages(exc)
        return render(request, "search/page.html", context, status=exc.status_code)
    facets = []
    for facet in FACETS:
        values = result.facets.get(facet) or []
        if not values:
            continue
        facets.append({
            "name": facet,
            "title": facet_title(facet, language),
            "values": [FacetLink(v.value, v.label, v.count, v.selected,
                                 _toggle(request, facet, v.value, v.selected)) for v in values],
        })
    page = result.page
    reachable_next = result.query.cursor is None and page < result.page_count
    context.update({
        "query": query,
        "result": result,
        "facets": facets,
        "sorts": [{"value": s, "label": SORT_LABELS[s], "url": _with(request, sort=s),
                   "active": s == query.sort} for s in SORTS],
        "previous_url": _with(request, page=page - 1) if result.has_previous_page else None,
        "next_url": (
            _with(request, page=page + 1) if reachable_next
            else _with(request, cursor=result.next_cursor) if result.next_cursor else None
        ),
        "hidden_filters": [(k, v) for k in request.GET for v in request.GET.getlist(k)
                           if k not in ("q", "page", "cursor") and v],
        "suggestion_url": _with(request, q=result.suggestion) if result.suggestion else None,
    })
    return render(request, "search/page.html", context)


@require_GET
def suggest_partial(request):
    text = request.GET.get("q", "")
    try:
        suggestions = suggest(text, language=get_language())
    except SearchOutage:
        suggestions = []
    except DomainError as exc:  # InvalidSearch: too long, control characters
        return render(request, "search/_suggestions.html", {"error": exc.message},
                      status=exc.status_code)
    return render(request, "search/_suggestions.html", {"suggestions": suggestions, "q": text})
