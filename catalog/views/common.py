"""Helpers of the catalogue pages: domain errors become 404/403 pages or form errors
with a 4xx status, never a 500."""

from __future__ import annotations

from functools import wraps

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404

from marketplace.core.errors import DomainError, NotFoundError, PermissionDeniedError

PAGE_SIZE = 24


def domain_errors_as_http(view):
    """NotFoundError -> 404 page, PermissionDeniedError -> 403 page."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except NotFoundError as exc:
            raise Http404(str(exc.message)) from exc
        except PermissionDeniedError as exc:
            raise PermissionDenied(str(exc.message)) from exc

    return wrapper


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
