"""Errors of reward crowdfunding a user may see (translated, mapped to 4xx in one place)."""

from django.utils.translation import gettext_lazy as _

from marketplace.core.errors import ConflictError
from marketplace.core.validation import InvalidInput


class CrowdfundingValidationError(InvalidInput):
    """Bad input to a crowdfunding service (400)."""


class TierSoldOut(ConflictError):
    code = "tier_sold_out"
    default_message = _("This reward is sold out.")


class CampaignNotOpen(ConflictError):
    code = "campaign_not_open"
    default_message = _("This campaign is not taking pledges.")


class AlreadyBacking(ConflictError):
    code = "already_backing"
    default_message = _("You already back this campaign; change your pledge instead.")


class TierChangeHurtsBackers(ConflictError):
    code = "tier_change_hurts_backers"
    default_message = _("This reward has backers; it cannot be changed against them.")


class StockBusy(ConflictError):
    code = "tier_busy"
    default_message = _("Many people are backing this reward right now; try again.")


class SettlementPending(ConflictError):
    code = "settlement_pending"
    default_message = _("Backers' cards are still being charged; start sending rewards once "
                        "every pledge is settled.")
