"""``cn``: the People's Republic of China (the default pack).

* Investor count: at most 200 investors per issuer, existing holders included (Securities
  Law 2019 Art. 9: an offering to more than 200 specific persons, cumulatively, is a
  public offering); 50 for a limited liability company (Company Law 2023 Art. 42) or a
  limited partnership (Partnership Enterprise Law Art. 61).
* Qualified investors: an individual with financial assets >= CNY 1,000,000, or an
  average annual income over the last 3 years >= CNY 300,000, or a single ticket >=
  CNY 100,000 (DESIGN.md section 7; the figures are settings, see docs/equity.md).
* Cancellation: for any reason until the offering closes (platform rule, DESIGN.md 7).
* Non-public offerings: seen only by logged-in, real-name-verified users.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from crowdfunding.equity.rulepacks.base import (
    COMPANY_LIMITED_BY_SHARES,
    LLC,
    LP,
    RulePack,
    check_vehicle,
)
from crowdfunding.equity.rulepacks.calendar import BusinessCalendar, require_aware
from marketplace.core.money import Money

INVESTOR_CAPS = {COMPANY_LIMITED_BY_SHARES: 200, LLC: 50, LP: 50}


@dataclass(frozen=True)
class ChinaPack(RulePack):
    qualified_financial_assets: Decimal = Decimal("1000000")
    qualified_average_income_3y: Decimal = Decimal("300000")
    qualified_single_ticket: Decimal = Decimal("100000")
    # The State Council publishes each year's holidays and the weekend days worked in
    # their place (调休); they come from settings, as they cannot be computed.
    calendar: BusinessCalendar = field(
        default_factory=lambda: BusinessCalendar(timezone="Asia/Shanghai"))

    code = "cn"
    currency = "CNY"

    def investor_cap(self, *, vehicle: str = COMPANY_LIMITED_BY_SHARES) -> int:
        return INVESTOR_CAPS[check_vehicle(vehicle)]

    def is_qualified(self, *, financial_assets: Money, average_income_3y: Money,
                     single_ticket: Money) -> bool:
        """Any one of the three thresholds, each reached exactly, is enough."""
        assets = self.money(financial_assets, field="financial_assets")
        income = self.money(average_income_3y, field="average_income_3y")
        ticket = self.money(single_ticket, field="single_ticket")
        return (
            assets.amount >= self.qualified_financial_assets
            or income.amount >= self.qualified_average_income_3y
            or ticket.amount >= self.qualified_single_ticket
        )

    def cancellation_ends_at(self, *, committed_at: datetime, deadline: datetime,
                             sophisticated: bool) -> datetime:
        return require_aware(deadline, label="deadline")
