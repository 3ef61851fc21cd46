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


class OfferingNotOpen(ConflictError):
    code = "offering_not_open"
    default_message = _("This offering is not open for commitments.")


class InvestorNotReady(EquityValidationError):
    code = "investor_not_ready"
    default_message = _("Complete your investor onboarding before committing.")


class LimitReached(ConflictError):
    """A limit of the rule pack or the offering leaves no room for this commitment."""

    code = "limit_reached"
    default_message = _("This commitment exceeds a limit.")


class CommitmentOpen(ConflictError):
    code = "commitment_open"
    default_message = _("You already have an open commitment to this offering.")
