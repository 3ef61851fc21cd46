"""Errors of the catalogue a user may see (translated, mapped to 4xx in one place)."""

from django.utils.translation import gettext_lazy as _

from marketplace.core.errors import ConflictError
from marketplace.core.validation import InvalidInput


class CatalogValidationError(InvalidInput):
    """Bad input to a catalogue service (400)."""


class OpenApplicationExists(ConflictError):
    code = "certification_open"
    default_message = _("This product already has an application under way.")


class InsuranceRuleError(CatalogValidationError):
    code = "insurance_rule"
