"""What every accounts page shares: turning domain errors into 4xx pages."""

from __future__ import annotations

import functools

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render

from marketplace.core.errors import DomainError, NotFoundError, PermissionDeniedError


def form_error_response(request, template: str, context: dict, exc: DomainError, form=None):
    """Show ``exc`` on ``form`` (on its field when the error names one) and answer with
    the error's 4xx status."""
    field = (exc.data or {}).get("field")
    if form is not None:
        form.add_error(field if field in form.fields else None, str(exc.message))
    else:
        messages.error(request, exc.message)
    return render(request, template, context, status=exc.status_code)


def domain_errors(view):
    """Map DomainErrors a view did not handle itself: 403 and 404 to Django's pages,
    anything else to the generic error page with its own 4xx status."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except PermissionDeniedError as exc:
            raise PermissionDenied(str(exc.message)) from exc
        except NotFoundError as exc:
            raise Http404(str(exc.message)) from exc
        except DomainError as exc:
            return render(
                request, "accounts/error.html", {"error": exc}, status=exc.status_code
            )

    return wrapper
