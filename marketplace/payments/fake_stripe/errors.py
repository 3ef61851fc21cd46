"""Stripe's error bodies, raised as exceptions by the handlers and rendered by the app.

Contract: a handler raises ``StripeError`` (or a subclass); the app turns it into
``{"error": {...}}`` with the given HTTP status. ``ParamError`` marks a request that failed
validation before the endpoint began executing: like Stripe, the fake does not store such
a result against the request's idempotency key, so a corrected retry with the same key
runs.
"""

from __future__ import annotations

from typing import Any

DOC_BASE = "https://stripe.com/docs/error-codes/"


class StripeError(Exception):
    status = 400
    type = "invalid_request_error"

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        param: str | None = None,
        status: int | None = None,
        type: str | None = None,
        decline_code: str | None = None,
        extra: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.param = param
        if status is not None:
            self.status = status
        if type is not None:
            self.type = type
        self.decline_code = decline_code
        self.extra = extra or {}
        self.headers = headers or {}

    def body(self) -> dict[str, Any]:
        error: dict[str, Any] = {"message": self.message, "type": self.type}
        if self.code:
            error["code"] = self.code
            error["doc_url"] = DOC_BASE + self.code.replace("_", "-")
        if self.param is not None:
            error["param"] = self.param
        if self.decline_code:
            error["decline_code"] = self.decline_code
        error.update(self.extra)
        return {"error": error}


class ParamError(StripeError):
    """Invalid request parameters: answered before any work, never stored for replay."""


def missing(param: str) -> ParamError:
    return ParamError(f"Missing required param: {param}.", code="parameter_missing", param=param)


def unknown_param(param: str) -> ParamError:
    return ParamError(
        f"Received unknown parameter: {param}", code="parameter_unknown", param=param
    )


def invalid(param: str, message: str, code: str = "parameter_invalid_string") -> ParamError:
    return ParamError(message, code=code, param=param)


def no_such(kind: str, object_id: str, param: str = "id", status: int = 404) -> StripeError:
    """A missing object: 404 when it is the URL's object, 400 when a parameter names it."""
    return StripeError(
        f"No such {kind}: '{object_id}'", code="resource_missing", param=param, status=status
    )


def unexpected_state(message: str, code: str, extra: dict | None = None) -> StripeError:
    return StripeError(message, code=code, extra=extra)


def authentication(message: str) -> StripeError:
    return StripeError(message, status=401)


def rate_limited() -> StripeError:
    return StripeError(
        "Request rate limit exceeded. You can learn more about rate limits here "
        "https://stripe.com/docs/rate-limits.",
        code="rate_limit",
        status=429,
    )


def api_error() -> StripeError:
    return StripeError(
        "An unknown error occurred (injected by fake-stripe).",
        status=500,
        type="api_error",
    )
