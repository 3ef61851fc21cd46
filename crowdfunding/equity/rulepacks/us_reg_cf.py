"""``us_reg_cf``: United States, Regulation Crowdfunding (17 CFR part 227).

* Investment limit, 17 CFR 227.100(a)(2) (amended 86 FR 3590, 2021: the greater of income
  and net worth, no limit for accredited investors; figures 87 FR 57398, 2022): across
  all Reg CF issuers in 12 months, for a non-accredited investor, if either annual income
  or net worth is below USD 124,000, the greater of USD 2,500 or 5 % of the greater of
  the two; if both are at least USD 124,000, 10 % of the greater, at most USD 124,000.
* Cancellation, 227.304(a): for any reason until 48 hours before the deadline.
* Early close, 227.304(b) with 227.303(a): open at least 21 days, notice to investors,
  the new deadline at least 5 business days after the notice, the target still met.
* Material change, 227.304(c): reconfirm within 5 business days or be canceled.
* Business days: not a Saturday, Sunday or federal holiday, Eastern Time (17 CFR
  240.13e-4(a)(3), the Commission's usual definition).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import ROUND_DOWN, Decimal

from django.utils.translation import gettext_lazy as _

from crowdfunding.equity.rulepacks.base import RulePack
from crowdfunding.equity.rulepacks.calendar import (
    BusinessCalendar,
    us_federal_holidays,
    utc,
)
from crowdfunding.equity.rulepacks.errors import RulePackError
from marketplace.core.money import Money

CANCELLATION_LOCK = timedelta(hours=48)
MINIMUM_OPEN = timedelta(days=21)
EARLY_CLOSE_NOTICE_BUSINESS_DAYS = 5


@dataclass(frozen=True)
class RegCFPack(RulePack):
    threshold: Decimal = Decimal("124000")      # 227.100(a)(2)(i)-(ii)
    floor: Decimal = Decimal("2500")            # 227.100(a)(2)(i)
    lower_rate: Decimal = Decimal("0.05")
    upper_rate: Decimal = Decimal("0.10")
    cap: Decimal = Decimal("124000")            # 227.100(a)(2)(ii)
    calendar: BusinessCalendar = field(default_factory=lambda: BusinessCalendar(
        timezone="America/New_York", holidays=us_federal_holidays))

    code = "us_reg_cf"
    currency = "USD"
    # 227.303(a): the offering information is on the platform for at least 21 days
    # before any security is sold, so an offering runs at least 21 days.
    min_offering_days = 21

    def investment_limit(self, *, annual_income: Money, net_worth: Money,
                         invested_last_12_months: Money) -> Money:
        """What a non-accredited investor may still invest in Reg CF offerings in the
        next 12 months: the 227.100(a)(2) limit minus what they invested in the last 12
        months (here and elsewhere), never below zero, rounded down to the cent."""
        income = self.money(annual_income, field="annual_income")
        worth = self.money(net_worth, field="net_worth")
        invested = self.money(invested_last_12_months, field="invested_last_12_months")
        for name, value in (("annual_income", income),
                            ("invested_last_12_months", invested)):
            if value.is_negative():
                raise RulePackError(_("This amount cannot be negative."),
                                    data={"field": name})
        greater = max(income.amount, worth.amount)
        if income.amount < self.threshold or worth.amount < self.threshold:
            limit = max(self.floor, greater * self.lower_rate)
        else:
            limit = greater * self.upper_rate
        # (ii) caps the upper tier at USD 124,000; (i) as written has no ceiling, which
        # matters only when the greater figure exceeds USD 2,480,000 while the other is
        # below 124,000. We apply the ceiling to both: a lower limit is always compliant.
        limit = min(limit, self.cap)
        remaining = max(limit - invested.amount, Decimal(0))
        return Money(remaining, self.currency).quantized(ROUND_DOWN)

    def investment_allowance(self, *, annual_income: Money, net_worth: Money,
                             invested_last_12_months: Money,
                             accredited: bool = False) -> Money | None:
        if accredited:  # 227.100(a)(2) applies "where the purchaser is not an accredited investor"
            return None
        return self.investment_limit(annual_income=annual_income, net_worth=net_worth,
                                     invested_last_12_months=invested_last_12_months)

    def requires_knowledge_test(self, *, sophisticated: bool) -> bool:
        # 227.303(b)(2): every investor answers questions showing they understand
        # the risk and the restrictions on resale before committing.
        return True

    def may_cancel(self, *, deadline: datetime, at: datetime) -> bool:
        """227.304(a): cancellable until 48 hours before the deadline; from that instant
        on (the 48-hour period itself) not."""
        return utc(at) < utc(deadline, label="deadline") - CANCELLATION_LOCK

    def cancellation_ends_at(self, *, committed_at: datetime, deadline: datetime,
                             sophisticated: bool) -> datetime:
        return utc(deadline, label="deadline") - CANCELLATION_LOCK

    def earliest_early_close(self, *, opened_at: datetime, notice_at: datetime) -> datetime:
        """The earliest new deadline 227.304(b)(1) and (3) allow."""
        notice_end = self.calendar.business_days_after(notice_at,
                                                       EARLY_CLOSE_NOTICE_BUSINESS_DAYS)
        return max(utc(opened_at, label="opened_at") + MINIMUM_OPEN, utc(notice_end))

    def early_close_refusals(self, *, opened_at: datetime, notice_at: datetime,
                             new_deadline: datetime, target_met: bool) -> list:
        refusals = super().early_close_refusals(opened_at=opened_at, notice_at=notice_at,
                                                new_deadline=new_deadline,
                                                target_met=target_met)
        if utc(new_deadline) < utc(opened_at) + MINIMUM_OPEN:
            refusals.append(_("Under Regulation Crowdfunding an offering stays open at "
                              "least 21 days (17 CFR 227.304(b)(1))."))
        if utc(new_deadline) < utc(self.calendar.business_days_after(
                notice_at, EARLY_CLOSE_NOTICE_BUSINESS_DAYS)):
            refusals.append(_("Under Regulation Crowdfunding the new deadline must be at "
                              "least 5 business days after the notice (17 CFR "
                              "227.304(b)(3))."))
        return refusals
