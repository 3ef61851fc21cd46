"""API glue shared by every app: DomainError -> 4xx, one error shape.

Every error body is ``{"detail": <message in the request's language>, "code": <code>,
"errors": {field: [messages]}}`` (``errors`` only for validation failures).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback

from marketplace.core.errors import DomainError
from marketplace.core.pages import user_facing_message


def exception_handler(exc, context):
    if isinstance(exc, DomainError):
        body = {"detail": str(exc.message), "code": exc.code}
        if exc.data:
            body["data"] = exc.data
        set_rollback()  # like DRF does for its own errors under ATOMIC_REQUESTS
        return Response(body, status=exc.status_code)
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )
    if isinstance(exc, Http404):
        exc = exceptions.NotFound(user_facing_message(exc) or None)
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        response.data = {
            "detail": _("Some of the data you sent is not valid."),
            "code": "invalid",
            "errors": response.data if isinstance(response.data, dict) else {"non_field_errors": response.data},
        }
    elif isinstance(response.data, dict) and "detail" in response.data:
        response.data = {
            "detail": str(response.data["detail"]),
            "code": getattr(response.data["detail"], "code", None) or exc.default_code,
        }
    if response.status_code == status.HTTP_429_TOO_MANY_REQUESTS:
        response.data.setdefault("code", "throttled")
    return response


class Pagination(PageNumberPagination):
    """The API's one pagination: ``page`` and ``page_size`` (1-100, 20 by default). A
    page size that is not a whole number in range is a 400, not silently the default."""

    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100

    def get_page_size(self, request):
        raw = request.query_params.getlist(self.page_size_query_param)
        if not raw:
            return self.page_size
        try:
            size = int(raw[-1])
        except (TypeError, ValueError):
            size = 0
        if len(raw) > 1 or not 1 <= size <= self.max_page_size:
            raise exceptions.ValidationError({self.page_size_query_param: [
                _("Give a whole number from 1 to %(max)s.") % {"max": self.max_page_size}
            ]})
        return size

    def get_page_number(self, request, paginator):
        raw = request.query_params.getlist(self.page_query_param)
        if not raw:
            return 1
        if len(raw) > 1 or not raw[-1].isdigit() or int(raw[-1]) < 1:
            raise exceptions.ValidationError({self.page_query_param: [
                _("Give a page number: a whole number from 1.")
            ]})
        return raw[-1]

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"].update(minimum=1, maximum=self.max_page_size)
            elif parameter["name"] == self.page_query_param:
                parameter["schema"].update(minimum=1)
        return parameters
