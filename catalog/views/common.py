"""Helpers of the catalogue pages. Domain errors a page does not show on its own form
become 4xx pages through marketplace.core.pages.domain_errors_as_http."""

from __future__ import annotations

from django.core.paginator import Paginator

from marketplace.core.errors import DomainError

PAGE_SIZE = 24


def form_error(form, exc: DomainError) -> int:
    """Show a refused write on the form; return the status the page answers with."""
    form.add_error(None, str(exc.message))
    return exc.status_code


def paginate(request, queryset, per_page: int = PAGE_SIZE):
    paginator = Paginator(queryset, per_page)
    return paginator.get_page(request.GET.get("page"))


def query_without_page(request) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()
