"""Errors of equity crowdfunding a user may see (translated, mapped to 4xx in one place).
The rule packs' own refusals are in ``rulepacks.errors``."""

from django.utils.translation import gettext_lazy as _

from marketplace.core.errors import ConflictError
from marketplace.core.validation import InvalidInput


class EquityValidationError(InvalidInput):
    """Bad input to an equity service (400)."""


class ProfileUnderReview(ConflictError):
    code = "investor_profile_open"
    default_message = _("Your investor profile is already under review.")
