"""The one interface of the investor protection rule packs.

A pack is a small immutable object: its thresholds are constructor arguments (with the
regulation's figures as defaults), so it is callable without a database, a request or
Django settings. ``rulepacks.get(code)`` builds a pack from the settings when they load.

Conventions every method keeps:

* amounts are ``Money`` in the pack's currency (``WrongCurrency`` otherwise), never floats;
* times are timezone-aware ``datetime``s (``NaiveDatetime`` otherwise);
* a period is half-open: a right that lasts "until" an instant ``t`` holds at every
  instant before ``t`` and no longer at ``t`` itself (``cancellation_ends_at`` and
  ``reconfirmation_deadline`` return that first instant without the right);
* refusals are ``RulePackError``s (a translated message, a 4xx), never a bare exception.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from datetime import datetime

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from crowdfunding.equity.rulepacks.calendar import BusinessCalendar, require_aware, utc
from crowdfunding.equity.rulepacks.errors import (
    RulePackError,
    UnknownVehicle,
    WrongCurrency,
    interpolate,
)
from marketplace.core.money import Money

# The legal forms an issuer (or the SPV holding for the crowd) can take, one vocabulary
# for every pack: 股份有限公司 / a corporation, 有限责任公司 / an LLC, 有限合伙 / an LP.
COMPANY_LIMITED_BY_SHARES = "company_limited_by_shares"
LLC = "llc"
LP = "lp"
VEHICLES = (COMPANY_LIMITED_BY_SHARES, LLC, LP)

RECONFIRMATION_BUSINESS_DAYS = 5
REFUND_BUSINESS_DAYS = 5
# How long an offering may be open (from its start to its deadline), in days of elapsed
# time. The platform's rule where the regulation sets none (DESIGN.md 7).
MIN_OFFERING_DAYS = 7
MAX_OFFERING_DAYS = 180


def check_vehicle(vehicle: str) -> str:
    if vehicle not in VEHICLES:
        raise UnknownVehicle(
            interpolate(_("Unknown investment vehicle %(vehicle)s: use one of %(known)s."),
                        {"vehicle": vehicle, "known": ", ".join(VEHICLES)}),
            data={"field": "vehicle"},
        )
    return vehicle


class RulePack(ABC):
    """What the offering and commitment services ask of the active regulation."""

    code: str
    currency: str
    calendar: BusinessCalendar
    min_offering_days: int = MIN_OFFERING_DAYS
    max_offering_days: int = MAX_OFFERING_DAYS

    # amounts and times -------------------------------------------------------------
    def money(self, value: Money, *, field: str) -> Money:
        """``value``, checked to be ``Money`` in the pack's currency."""
        if not isinstance(value, Money):
            raise RulePackError(_("An amount of money is required."), data={"field": field})
        if value.currency != self.currency:
            raise WrongCurrency(
                interpolate(_("This rule is defined in %(expected)s; %(given)s was given."),
                            {"expected": self.currency, "given": value.currency}),
                data={"field": field},
            )
        return value

    # who may invest, and how much ---------------------------------------------------
    def investor_cap(self, *, vehicle: str) -> int | None:
        """How many investors an issuer of this legal form may have in all (existing
        holders included), or ``None`` when the pack sets no cap. Unknown vehicle:
        ``UnknownVehicle``."""
        check_vehicle(vehicle)
        return None

    def admits_investor(self, *, vehicle: str, investors_before: int) -> bool:
        """Whether one more investor may join an issuer that has ``investors_before``
        (the 200th joins at 199 before; the 201st at 200 does not)."""
        if isinstance(investors_before, bool) or not isinstance(investors_before, int) \
                or investors_before < 0:
            raise RulePackError(_("A number of investors must be a whole number, not negative."))
        cap = self.investor_cap(vehicle=vehicle)
        return cap is None or investors_before + 1 <= cap

    def investment_allowance(self, *, annual_income: Money, net_worth: Money,
                             invested_last_12_months: Money,
                             accredited: bool = False) -> Money | None:
        """What the investor may still invest across all offerings of this kind in the
        next 12 months, never below zero; ``None`` when the pack sets no such limit."""
        return None

    def ticket_needs_warning(self, *, net_worth: Money, ticket: Money,
                             sophisticated: bool) -> bool:
        """Whether this ticket needs an explicit risk warning and the investor's consent
        before it is accepted."""
        return False

    def requires_knowledge_test(self, *, sophisticated: bool) -> bool:
        """Whether the investor must have passed the entry knowledge test."""
        return True

    def offering_visible(self, *, public: bool, authenticated: bool, verified: bool) -> bool:
        """Whether a viewer may see an offering at all (pages, search, API). A
        non-public offering is for logged-in, real-name-verified users only."""
        return public or (authenticated and verified)

    # cancellation --------------------------------------------------------------------
    @abstractmethod
    def cancellation_ends_at(self, *, committed_at: datetime, deadline: datetime,
                             sophisticated: bool) -> datetime:
        """The first instant at which the investor can no longer cancel the commitment
        for any reason (at or before ``committed_at`` when there is no such right)."""

    def may_cancel_commitment(self, *, committed_at: datetime, deadline: datetime,
                              at: datetime, sophisticated: bool) -> bool:
        """Whether the investor may cancel at ``at`` without giving a reason."""
        if utc(at) < utc(committed_at, label="committed_at"):
            raise RulePackError(_("The time asked about is before the commitment."),
                                data={"field": "at"})
        ends = self.cancellation_ends_at(committed_at=committed_at, deadline=deadline,
                                         sophisticated=sophisticated)
        return utc(at) < utc(ends)

    def release_not_before(self, *, deadline: datetime, last_committed_at: datetime) -> datetime:
        """The earliest instant the funds of an offering may leave escrow: its deadline,
        or later while the last commitment may still be canceled (a reflection period
        running past the deadline)."""
        ends = self.cancellation_ends_at(committed_at=last_committed_at, deadline=deadline,
                                         sophisticated=False)
        return max(utc(deadline, label="deadline"), utc(ends))

    # amendments, early close, refunds -----------------------------------------------
    def reconfirmation_deadline(self, *, notified_at: datetime) -> datetime:
        """When a commitment not reconfirmed after a material change is canceled: the
        end of the 5th business day after the day of the notice (the region's calendar)."""
        return self.calendar.business_days_after(notified_at, RECONFIRMATION_BUSINESS_DAYS)

    def refund_deadline(self, *, closed_at: datetime) -> datetime:
        """By when investors of a failed or canceled offering must be refunded."""
        return self.calendar.business_days_after(closed_at, REFUND_BUSINESS_DAYS)

    def early_close_refusals(self, *, opened_at: datetime, notice_at: datetime,
                             new_deadline: datetime, target_met: bool) -> list[Promise | str]:
        """Why an offering may not close early on ``new_deadline`` (translated reasons,
        each naming its rule); empty when it may. By default: the target must be met and
        the new deadline must come after the notice."""
        for label, value in (("opened_at", opened_at), ("notice_at", notice_at),
                             ("new_deadline", new_deadline)):
            require_aware(value, label=label)
        refusals = []
        if not target_met:
            refusals.append(_("An offering can close early only once its target is met."))
        if utc(new_deadline) <= utc(notice_at):
            refusals.append(_("The new deadline must come after the notice to investors."))
        return refusals

    def early_close_allowed(self, *, opened_at: datetime, notice_at: datetime,
                            new_deadline: datetime, target_met: bool) -> bool:
        return not self.early_close_refusals(opened_at=opened_at, notice_at=notice_at,
                                             new_deadline=new_deadline, target_met=target_met)
