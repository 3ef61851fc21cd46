"""Errors a user may see, kept apart from faults.

A ``DomainError`` carries a translatable message and an HTTP status; the API exception
handler and the page helpers turn it into a 4xx in one place. Gateway faults (Stripe,
Elasticsearch) are not DomainErrors: they are retried or logged, never shown raw.
"""

from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    status_code = 400
    code = "invalid"
    default_message = _("The request could not be processed.")

    def __init__(self, message=None, *, code: str | None = None, data: dict | None = None):
        self.message = message if message is not None else self.default_message
        if code:
            self.code = code
        self.data = data or {}
        super().__init__(str(self.message))


class PermissionDeniedError(DomainError):
    status_code = 403
    code = "permission_denied"
    default_message = _("You do not have permission to do this.")


class NotFoundError(DomainError):
    status_code = 404
    code = "not_found"
    default_message = _("Not found.")


class ConflictError(DomainError):
    status_code = 409
    code = "conflict"
    default_message = _("The request conflicts with the current state.")


class IllegalTransition(ConflictError):
    """A move the state machine does not allow from the current state (409)."""

    code = "illegal_transition"
    default_message = _("This action is not allowed in the current state.")
