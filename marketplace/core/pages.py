"""What every app's pages share: a refused action becomes a 4xx page with a readable,
translated message, never a 500.

    @login_required
    @domain_errors_as_http
    def product_edit(request, slug): ...

    @domain_errors_as_http(template="catalog/error.html")
    def certificate(request, pk): ...

A view handles the errors it can show on its own form (``form_error_response``); the
decorator catches the rest: ``PermissionDeniedError`` renders ``403.html``,
``NotFoundError`` renders ``404.html`` and any other ``DomainError`` renders
``template`` (``error.html`` unless given), each with the error's status and its
message in the request's language.
"""

from __future__ import annotations

import functools

from django.contrib import messages
from django.http import Http404
from django.shortcuts import render

from marketplace.core.errors import DomainError, NotFoundError, PermissionDeniedError

ERROR_TEMPLATE = "error.html"


class PageNotFound(Http404):
    """A 404 whose message is written for the person reading the page (the 404 handler
    shows it); a plain ``Http404`` may carry a developer's text and is not shown."""


def user_facing_message(exception) -> str:
    """The message of ``exception`` if it is meant for users, else ``""``.

    Meant for users: a ``DomainError`` (or an exception raised from one), a
    ``PageNotFound``, and the text of a ``PermissionDenied`` (Django's own 403s carry
    none). ``Http404``'s default texts ("No Product matches the given query.") are not."""
    if exception is None:
        return ""
    if isinstance(exception, DomainError):
        return str(exception.message)
    cause = getattr(exception, "__cause__", None)
    if isinstance(cause, DomainError):
        return str(cause.message)
    if isinstance(exception, Http404) and not isinstance(exception, PageNotFound):
        return ""
    message = exception.args[0] if getattr(exception, "args", None) else ""
    return message if isinstance(message, str) else ""


def error_response(request, exc: DomainError, *, template: str = ERROR_TEMPLATE):
    """Render ``exc`` as a page with its status: 403.html / 404.html for refusals and
    missing things, ``template`` for everything else."""
    if isinstance(exc, PermissionDeniedError):
        name = "403.html"
    elif isinstance(exc, NotFoundError):
        name = "404.html"
    else:
        name = template
    context = {"exception": str(exc.message), "error": exc}
    return render(request, name, context, status=exc.status_code)


def domain_errors_as_http(view=None, *, template: str = ERROR_TEMPLATE):
    """Decorator: turn the ``DomainError``s a view does not handle into 4xx pages.

    Usable bare (``@domain_errors_as_http``) or with a template for the errors other
    than 403/404 (``@domain_errors_as_http(template="x/error.html")``); that template
    gets ``error`` (the exception) and ``exception`` (its message)."""

    def decorate(func):
        @functools.wraps(func)
        def wrapper(request, *args, **kwargs):
            try:
                return func(request, *args, **kwargs)
            except DomainError as exc:
                return error_response(request, exc, template=template)

        return wrapper

    if view is not None:
        return decorate(view)
    return decorate


def show_error_on_form(form, exc: DomainError) -> int:
    """Put ``exc``'s message on ``form`` (on its field when the error names one, else as
    a form error); return the error's 4xx status for the page to answer with."""
    field = (exc.data or {}).get("field")
    form.add_error(field if field in form.fields else None, str(exc.message))
    return exc.status_code


def form_error_response(request, template: str, context: dict, exc: DomainError, form=None):
    """Show ``exc`` on ``form`` (see ``show_error_on_form``) or, without a form, as a
    message; render ``template`` with the error's 4xx status."""
    if form is not None:
        show_error_on_form(form, exc)
    else:
        messages.error(request, exc.message)
    return render(request, template, context, status=exc.status_code)
