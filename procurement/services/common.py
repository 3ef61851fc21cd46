"""Input helpers of the procurement services."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from procurement.errors import ProcurementValidationError


def clean_text(model, field: str, value, *, required: bool = False) -> str:
    """Trimmed text for ``model.field``: required when told, no NUL, within max_length."""
    meta = model._meta.get_field(field)
    text = "" if value is None else str(value).strip()
    if required and not text:
        raise ProcurementValidationError(
            _("%(field)s is required.") % {"field": str(meta.verbose_name).capitalize()},
            code="required", data={"field": field},
        )
    if "\x00" in text:
        raise ProcurementValidationError(_("Text must not contain NUL characters."),
                                         code="nul_character", data={"field": field})
    if meta.max_length and len(text) > meta.max_length:
        raise ProcurementValidationError(
            _("%(field)s can have at most %(max)s characters.")
            % {"field": str(meta.verbose_name).capitalize(), "max": meta.max_length},
            code="too_long", data={"field": field},
        )
    return text
