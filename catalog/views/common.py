"""Helpers of the catalogue pages. Domain errors a page shows on its form go through
marketplace.core.pages.show_error_on_form; the others become 4xx pages through
marketplace.core.pages.domain_errors_as_http."""

from __future__ import annotations

from django.core.paginator import Paginator

PAGE_SIZE = 24


def paginate(request, queryset, per_page: int = PAGE_SIZE):
    paginator = Paginator(queryset, per_page)
    return paginator.get_page(request.GET.get("page"))


def query_without_page(request) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()
