"""``eu_ecsp``: the European Union, Regulation (EU) 2020/1503 (ECSP).

* Entry knowledge test for non-sophisticated investors: Art. 21(1).
* Over-exposure warning, Art. 21(7): a non-sophisticated investor's ticket above the
  higher of EUR 1,000 or 5 % of their net worth (Art. 21(4)(c)) needs a risk warning and
  explicit consent.
* Reflection period, Art. 22(2): a non-sophisticated investor may revoke an offer to
  invest, without reason or penalty, for four calendar days. Counted as Regulation
  (EEC, Euratom) No 1182/71 Art. 3(1) and 3(2)(b) count periods of days in Union acts:
  the day of the commitment does not count, and the period ends with the last hour of
  the fourth day (local time of the platform).
* Business days (reconfirmation, refunds): the TARGET calendar of the euro area.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from crowdfunding.equity.rulepacks.base import RulePack
from crowdfunding.equity.rulepacks.calendar import (
    BusinessCalendar,
    require_aware,
    target_closing_days,
)
from marketplace.core.money import Money

REFLECTION_DAYS = 4


@dataclass(frozen=True)
class ECSPPack(RulePack):
    warning_floor: Decimal = Decimal("1000")          # Art. 21(7): EUR 1,000
    warning_share: Decimal = Decimal("0.05")          # Art. 21(7): 5 % of net worth
    reflection_days: int = REFLECTION_DAYS            # Art. 22(2)
    calendar: BusinessCalendar = field(default_factory=lambda: BusinessCalendar(
        timezone="Europe/Brussels", holidays=target_closing_days))

    code = "eu_ecsp"
    currency = "EUR"

    def warning_threshold(self, *, net_worth: Money) -> Money:
        """The ticket above which Art. 21(7) applies: the higher of EUR 1,000 or 5 % of
        net worth (a negative net worth counts as none)."""
        worth = self.money(net_worth, field="net_worth")
        return Money(max(self.warning_floor, worth.amount * self.warning_share),
                     self.currency)

    def needs_overexposure_warning(self, *, net_worth: Money, ticket: Money,
                                   sophisticated: bool) -> bool:
        """Art. 21(7): only for non-sophisticated investors, and only for a ticket that
        exceeds the threshold (a ticket of exactly the threshold needs none)."""
        threshold = self.warning_threshold(net_worth=net_worth)
        amount = self.money(ticket, field="ticket")
        if sophisticated:
            return False
        return amount > threshold

    def ticket_needs_warning(self, *, net_worth: Money, ticket: Money,
                             sophisticated: bool) -> bool:
        return self.needs_overexposure_warning(net_worth=net_worth, ticket=ticket,
                                               sophisticated=sophisticated)

    def requires_knowledge_test(self, *, sophisticated: bool) -> bool:
        return not sophisticated

    def reflection_ends_at(self, *, committed_at: datetime) -> datetime:
        """The first instant after the reflection period: local midnight that ends the
        fourth calendar day after the day of the commitment."""
        zone = self.calendar.zone
        day = require_aware(committed_at, label="committed_at").astimezone(zone).date()
        return self.calendar.end_of_day(day + timedelta(days=self.reflection_days))

    def may_revoke(self, *, committed_at: datetime, at: datetime, sophisticated: bool) -> bool:
        """Art. 22(2): whether a commitment may still be revoked at ``at``."""
        return self.may_cancel_commitment(committed_at=committed_at, deadline=None, at=at,
                                          sophisticated=sophisticated)

    def cancellation_ends_at(self, *, committed_at: datetime, deadline: datetime | None,
                             sophisticated: bool) -> datetime:
        if sophisticated:  # Art. 22 protects non-sophisticated investors only
            return require_aware(committed_at, label="committed_at")
        return self.reflection_ends_at(committed_at=committed_at)
