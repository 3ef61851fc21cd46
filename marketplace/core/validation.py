"""Input checks every service shares. Each raises ``InvalidInput`` (a 400 with a message
a person understands, naming the field where there is one) and writes nothing."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.translation import gettext_lazy as _

from marketplace.core.errors import DomainError

MAX_REASON_CHARS = 2000


class InvalidInput(DomainError):
    code = "invalid"


def refuse_unknown_fields(values: Iterable[str], allowed: Iterable[str]) -> None:
    """Refuse field names a service does not change (a typo must not pass silently)."""
    unknown = sorted(set(values) - set(allowed))
    if unknown:
        raise InvalidInput(
            _("These fields cannot be changed: %(fields)s.") % {"fields": ", ".join(unknown)},
            code="unknown_fields", data={"fields": unknown},
        )


def clean_reason(reason, *, missing=None, max_chars: int = MAX_REASON_CHARS,
                 required: bool = True, error: type[DomainError] = InvalidInput) -> str:
    """A reason the other party will read: trimmed, required unless told otherwise, and
    bounded. A missing reason raises ``error`` (an app's own "reason required")."""
    reason = "" if reason is None else str(reason).strip()
    if required and not reason:
        raise error(missing or _("Give the reason."), code="reason_required",
                    data={"field": "reason"})
    if "\x00" in reason:
        raise InvalidInput(_("Text must not contain NUL characters."), code="nul_character",
                           data={"field": "reason"})
    if len(reason) > max_chars:
        raise InvalidInput(
            _("The reason is too long (at most %(max)s characters).") % {"max": max_chars},
            code="reason_too_long", data={"field": "reason"},
        )
    return reason
