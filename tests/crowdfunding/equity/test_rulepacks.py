"""The investor protection rule packs at their boundaries (docs/equity.md lists each
example with its clause), with hypothesis for the numeric rules. No database."""

import os
import subprocess
import sys
import textwrap
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.test import override_settings
from hypothesis import given
from hypothesis import strategies as st

from crowdfunding.equity import rulepacks
from crowdfunding.equity.rulepacks import ChinaPack, ECSPPack, RegCFPack
from crowdfunding.equity.rulepacks.calendar import (
    easter_sunday,
    target_closing_days,
    us_federal_holidays,
)
from crowdfunding.equity.rulepacks.errors import (
    NaiveDatetime,
    RulePackError,
    UnknownRulePack,
    UnknownVehicle,
    WrongCurrency,
)
from marketplace.core.errors import DomainError
from marketplace.core.money import Money

UTC = ZoneInfo("UTC")
NEW_YORK = ZoneInfo("America/New_York")
BRUSSELS = ZoneInfo("Europe/Brussels")
SHANGHAI = ZoneInfo("Asia/Shanghai")
SECOND = timedelta(seconds=1)
MINUTE = timedelta(minutes=1)


def usd(amount) -> Money:
    return Money(Decimal(str(amount)), "USD")


def eur(amount) -> Money:
    return Money(Decimal(str(amount)), "EUR")


def cny(amount) -> Money:
    return Money(Decimal(str(amount)), "CNY")


# -- the registry ------------------------------------------------------------------------

def test_get_returns_each_pack():
    assert isinstance(rulepacks.get("cn"), ChinaPack)
    assert isinstance(rulepacks.get("us_reg_cf"), RegCFPack)
    assert isinstance(rulepacks.get("eu_ecsp"), ECSPPack)
    assert rulepacks.codes() == ("cn", "us_reg_cf", "eu_ecsp")


@pytest.mark.parametrize("code", ["", "us", "CN", None, "eu"])
def test_an_unknown_code_is_a_clear_key_error(code):
    with pytest.raises(UnknownRulePack) as caught:
        rulepacks.get(code)
    assert isinstance(caught.value, KeyError)
    assert isinstance(caught.value, DomainError)
    assert caught.value.status_code == 400
    assert str(caught.value) == (f"There is no investor protection rule pack {code}; "
                                 "the packs are cn, us_reg_cf, eu_ecsp.")


def test_the_active_pack_is_cn_by_default_and_chosen_by_setting():
    assert rulepacks.active().code == "cn"
    with override_settings(EQUITY_RULE_PACK="eu_ecsp"):
        assert rulepacks.active().code == "eu_ecsp"
    with override_settings(EQUITY_RULE_PACK="mars"), pytest.raises(UnknownRulePack):
        rulepacks.active()


# -- US Reg CF: the investment limit (17 CFR 227.100(a)(2)) ------------------------------

US = RegCFPack()


def limit(income, worth, invested=0) -> Money:
    return US.investment_limit(annual_income=usd(income), net_worth=usd(worth),
                               invested_last_12_months=usd(invested))


@pytest.mark.parametrize(("income", "worth", "expected"), [
    ("124000", "124000", "12400.00"),         # both at the threshold: 10 %
    ("123999.99", "124000", "6200.00"),       # income a cent below: 5 % of the greater
    ("124000", "123999.99", "6200.00"),       # net worth a cent below
    ("123999.99", "123999.99", "6199.99"),    # both below: 5 %, rounded down
    ("0", "0", "2500.00"),                    # the floor
    ("50000", "20000", "2500.00"),            # 5 % = 2,500 exactly
    ("50000.01", "0", "2500.00"),             # 5 % = 2,500.0005: the floor is higher
    ("60000.37", "0", "3000.01"),             # 3,000.0185 rounded down to the cent
    ("30000", "100000", "5000.00"),           # the greater of the two counts (2021 rule)
    ("1240000", "200000", "124000.00"),       # 10 % = the cap exactly
    ("1239999.99", "200000", "123999.99"),    # 10 % a cent under the cap
    ("5000000", "5000000", "124000.00"),      # capped
    ("0", "-50000", "2500.00"),               # a negative net worth: the floor
    ("0", "2480000", "124000.00"),            # lower tier, 5 % = the cap exactly
    ("0", "2480000.20", "124000.00"),         # lower tier above the cap: capped too
])
def test_investment_limit_at_its_boundaries(income, worth, expected):
    assert limit(income, worth) == usd(expected)


@pytest.mark.parametrize(("invested", "expected"), [
    ("0", "12400.00"), ("12399.99", "0.01"), ("12400", "0.00"), ("12400.01", "0.00"),
    ("100000", "0.00"),
])
def test_investment_limit_counts_the_last_12_months_and_never_goes_below_zero(
        invested, expected):
    assert limit("124000", "124000", invested) == usd(expected)


def test_accredited_investors_have_no_limit_since_2021():
    assert US.investment_allowance(annual_income=usd(0), net_worth=usd(0),
                                   invested_last_12_months=usd(10**6), accredited=True) is None
    assert US.investment_allowance(annual_income=usd(0), net_worth=usd(0),
                                   invested_last_12_months=usd(0)) == usd(2500)


@pytest.mark.parametrize("field", ["annual_income", "net_worth", "invested_last_12_months"])
def test_investment_limit_is_in_dollars_only(field):
    values = {"annual_income": usd(1), "net_worth": usd(1), "invested_last_12_months": usd(0)}
    values[field] = eur(1)
    with pytest.raises(WrongCurrency) as caught:
        US.investment_limit(**values)
    assert caught.value.data == {"field": field}
    assert "USD" in str(caught.value)


@pytest.mark.parametrize("field", ["annual_income", "invested_last_12_months"])
def test_investment_limit_refuses_negative_income_or_investments(field):
    values = {"annual_income": usd(1), "net_worth": usd(1), "invested_last_12_months": usd(0)}
    values[field] = usd(-1)
    with pytest.raises(RulePackError) as caught:
        US.investment_limit(**values)
    assert caught.value.data == {"field": field}


def test_investment_limit_refuses_what_is_not_money():
    with pytest.raises(RulePackError):
        US.investment_limit(annual_income=Decimal(1), net_worth=usd(1),
                            invested_last_12_months=usd(0))


def test_thresholds_are_constructor_arguments_and_settings():
    adjusted = RegCFPack(threshold=Decimal("130000"), cap=Decimal("130000"))
    assert adjusted.investment_limit(annual_income=usd(124000), net_worth=usd(124000),
                                     invested_last_12_months=usd(0)) == usd(6200)
    with override_settings(EQUITY_US_REG_CF_FLOOR="3000"):
        assert rulepacks.get("us_reg_cf").investment_limit(
            annual_income=usd(0), net_worth=usd(0), invested_last_12_months=usd(0)
        ) == usd(3000)


amounts = st.decimals(min_value=0, max_value=10**8, places=2, allow_nan=False,
                      allow_infinity=False)


@given(income=amounts, worth=amounts, invested=amounts)
def test_limit_is_between_zero_and_the_cap(income, worth, invested):
    result = limit(income, worth, invested)
    assert usd(0) <= result <= usd(124000)
    assert result.amount == result.amount.quantize(Decimal("0.01"))


@given(income=amounts, worth=amounts)
def test_limit_is_never_below_the_floor_before_investments(income, worth):
    assert limit(income, worth) >= usd(2500)


@given(income=amounts, more=amounts, worth=amounts, invested=amounts)
def test_limit_is_monotone_in_income_and_net_worth(income, more, worth, invested):
    assert limit(income + more, worth, invested) >= limit(income, worth, invested)
    assert limit(worth, income + more, invested) >= limit(worth, income, invested)


@given(income=amounts, worth=amounts, invested=amounts, more=amounts)
def test_limit_falls_by_what_was_invested(income, worth, invested, more):
    before = limit(income, worth, invested)
    after = limit(income, worth, invested + more)
    assert after <= before
    assert after >= Money(max(before.amount - more, Decimal(0)), "USD")


# -- US Reg CF: the 48-hour rule (227.304(a)) ---------------------------------------------

DEADLINE = datetime(2026, 12, 18, 17, 0, tzinfo=NEW_YORK)
LOCK = DEADLINE - timedelta(hours=48)


@pytest.mark.parametrize(("at", "allowed"), [
    (LOCK - timedelta(days=10), True),
    (LOCK - SECOND, True),
    (LOCK, False),          # exactly 48 h before: the 48-hour period has begun
    (LOCK + SECOND, False),
    (DEADLINE, False),
])
def test_reg_cf_cancellation_until_48_hours_before_the_deadline(at, allowed):
    assert US.may_cancel(deadline=DEADLINE, at=at) is allowed
    assert US.may_cancel_commitment(committed_at=LOCK - timedelta(days=10), deadline=DEADLINE,
                                    at=at, sophisticated=True) is allowed


def test_the_48_hours_are_elapsed_time_across_a_clock_change():
    deadline = datetime(2026, 11, 2, 12, 0, tzinfo=NEW_YORK)  # EST; DST ended 1 November
    lock = datetime(2026, 10, 31, 17, 0, tzinfo=UTC)  # 13:00 EDT, 48 real hours before
    assert US.cancellation_ends_at(committed_at=lock - timedelta(days=9), deadline=deadline,
                                   sophisticated=False) == lock
    # 12:00 on the wall two days before is 49 hours before: still open
    assert US.may_cancel(deadline=deadline, at=datetime(2026, 10, 31, 12, 30, tzinfo=NEW_YORK))
    assert US.may_cancel(deadline=deadline, at=lock - SECOND)
    assert not US.may_cancel(deadline=deadline, at=lock)


def test_naive_times_are_refused():
    with pytest.raises(NaiveDatetime):
        US.may_cancel(deadline=datetime(2026, 12, 18, 17), at=DEADLINE)
    with pytest.raises(NaiveDatetime):
        US.may_cancel(deadline=DEADLINE, at=datetime(2026, 12, 1))
    with pytest.raises(RulePackError):
        US.may_cancel(deadline=DEADLINE, at=date(2026, 12, 1))


def test_cancelling_before_the_commitment_is_not_a_question():
    with pytest.raises(RulePackError):
        US.may_cancel_commitment(committed_at=LOCK, deadline=DEADLINE, at=LOCK - SECOND,
                                 sophisticated=False)


# -- US Reg CF: early close (227.304(b)) ----------------------------------------------------

OPENED = datetime(2026, 11, 2, 9, 0, tzinfo=NEW_YORK)      # a Monday
NOTICE = datetime(2026, 11, 23, 9, 0, tzinfo=NEW_YORK)     # a Monday: 21 days after
# five business days after 23 November: 24, 25, (26 Thanksgiving), 27, 30 November, 1 December
NOTICE_END = datetime(2026, 12, 2, 0, 0, tzinfo=NEW_YORK)


def early(new_deadline, *, opened=OPENED, notice=NOTICE, target_met=True):
    return US.early_close_refusals(opened_at=opened, notice_at=notice,
                                   new_deadline=new_deadline, target_met=target_met)


def test_early_close_on_the_earliest_day_allowed():
    assert US.earliest_early_close(opened_at=OPENED, notice_at=NOTICE) == NOTICE_END
    assert early(NOTICE_END) == []
    assert US.early_close_allowed(opened_at=OPENED, notice_at=NOTICE,
                                  new_deadline=NOTICE_END, target_met=True)


def test_early_close_a_second_before_five_business_days_is_refused():
    refusals = [str(r) for r in early(NOTICE_END - SECOND)]
    assert refusals == ["Under Regulation Crowdfunding the new deadline must be at least "
                        "5 business days after the notice (17 CFR 227.304(b)(3))."]


def test_early_close_needs_21_days_open():
    opened = datetime(2026, 11, 20, 12, 0, tzinfo=NEW_YORK)
    assert US.earliest_early_close(opened_at=opened, notice_at=NOTICE) == opened + timedelta(21)
    assert early(opened + timedelta(days=21), opened=opened) == []
    refusals = [str(r) for r in early(opened + timedelta(days=21) - SECOND, opened=opened)]
    assert refusals == ["Under Regulation Crowdfunding an offering stays open at least "
                        "21 days (17 CFR 227.304(b)(1))."]


def test_early_close_needs_the_target_met():
    assert [str(r) for r in early(NOTICE_END, target_met=False)] == [
        "An offering can close early only once its target is met."]
    assert not US.early_close_allowed(opened_at=OPENED, notice_at=NOTICE,
                                      new_deadline=NOTICE_END, target_met=False)


def test_cn_and_eu_early_close_need_the_target_and_a_later_deadline():
    for pack in (ChinaPack(), ECSPPack()):
        assert pack.early_close_allowed(opened_at=OPENED, notice_at=NOTICE,
                                        new_deadline=NOTICE + SECOND, target_met=True)
        assert not pack.early_close_allowed(opened_at=OPENED, notice_at=NOTICE,
                                            new_deadline=NOTICE, target_met=True)
        assert not pack.early_close_allowed(opened_at=OPENED, notice_at=NOTICE,
                                            new_deadline=NOTICE_END, target_met=False)


# -- business days: reconfirmation after a material change, refunds ----------------------

def test_us_federal_holidays_as_observed():
    assert date(2026, 11, 26) in us_federal_holidays(2026)   # Thanksgiving
    assert date(2026, 7, 3) in us_federal_holidays(2026)     # 4 July is a Saturday
    assert date(2026, 7, 4) not in us_federal_holidays(2026)
    assert date(2027, 12, 31) in us_federal_holidays(2027)   # 1 January 2028, a Saturday
    assert date(2027, 12, 24) in us_federal_holidays(2027)   # Christmas, a Saturday
    assert date(2026, 6, 19) in us_federal_holidays(2026)    # Juneteenth
    assert date(2027, 1, 18) in us_federal_holidays(2027)    # third Monday of January
    assert date(2026, 5, 25) in us_federal_holidays(2026)    # last Monday of May
    assert len(us_federal_holidays(2026)) == 11


def test_easter_and_the_target_calendar():
    assert easter_sunday(2025) == date(2025, 4, 20)
    assert easter_sunday(2026) == date(2026, 4, 5)
    assert easter_sunday(2027) == date(2027, 3, 28)
    assert target_closing_days(2027) == {
        date(2027, 1, 1), date(2027, 3, 26), date(2027, 3, 29), date(2027, 5, 1),
        date(2027, 12, 25), date(2027, 12, 26)}


@pytest.mark.parametrize(("notified_at", "expected"), [
    # Thursday: Fri 4, Mon 7, Tue 8, Wed 9, Thu 10 -> the end of Thursday 10 December
    (datetime(2026, 12, 3, 10, 0, tzinfo=UTC), datetime(2026, 12, 11, 0, 0, tzinfo=NEW_YORK)),
    # 22:00 in New York is still Thursday 3 December there
    (datetime(2026, 12, 4, 3, 0, tzinfo=UTC), datetime(2026, 12, 11, 0, 0, tzinfo=NEW_YORK)),
    # the Wednesday before Thanksgiving: Fri 27, Mon 30, Tue 1, Wed 2, Thu 3
    (datetime(2026, 11, 25, 15, 0, tzinfo=NEW_YORK),
     datetime(2026, 12, 4, 0, 0, tzinfo=NEW_YORK)),
])
def test_us_reconfirmation_within_five_business_days(notified_at, expected):
    assert US.reconfirmation_deadline(notified_at=notified_at) == expected
    assert US.refund_deadline(closed_at=notified_at) == expected


def test_eu_reconfirmation_skips_the_easter_days():
    # Wednesday 24 March 2027: Thu 25, (Good Friday), Tue 30, Wed 31, Thu 1, Fri 2 April
    notified = datetime(2027, 3, 24, 12, 0, tzinfo=BRUSSELS)
    assert ECSPPack().reconfirmation_deadline(notified_at=notified) == datetime(
        2027, 4, 3, 0, 0, tzinfo=BRUSSELS)


def test_cn_business_days_follow_the_published_holidays_and_adjusted_workdays():
    notified = datetime(2026, 9, 30, 12, 0, tzinfo=SHANGHAI)  # a Wednesday
    assert rulepacks.get("cn").reconfirmation_deadline(notified_at=notified) == datetime(
        2026, 10, 8, 0, 0, tzinfo=SHANGHAI)  # Thu 1, Fri 2, Mon 5, Tue 6, Wed 7
    golden_week = [f"2026-10-0{d}" for d in range(1, 8)]
    with override_settings(EQUITY_CN_HOLIDAYS=golden_week,
                           EQUITY_CN_ADJUSTED_WORKDAYS=["2026-10-10"]):
        # Thu 8, Fri 9, Sat 10 (worked), Mon 12, Tue 13
        assert rulepacks.get("cn").reconfirmation_deadline(notified_at=notified) == datetime(
            2026, 10, 14, 0, 0, tzinfo=SHANGHAI)


# -- EU ECSP: the over-exposure warning (Art. 21(7)) -----------------------------------------

EU = ECSPPack()


@pytest.mark.parametrize(("worth", "ticket", "warn"), [
    ("20000", "1000.00", False),      # 5 % = EUR 1,000 = the floor: not above
    ("20000", "1000.01", True),
    ("0", "1000.00", False),
    ("0", "1000.01", True),
    ("-5000", "1000.01", True),       # a negative net worth: the EUR 1,000 floor
    ("100000", "5000.00", False),     # 5 % is the higher: EUR 5,000
    ("100000", "5000.01", True),
    ("100000", "1000.01", False),
    ("19999.99", "1000.00", False),   # 5 % just below EUR 1,000: the floor counts
])
def test_overexposure_warning_above_the_higher_of_1000_or_5_percent(worth, ticket, warn):
    assert EU.needs_overexposure_warning(net_worth=eur(worth), ticket=eur(ticket),
                                         sophisticated=False) is warn
    assert EU.ticket_needs_warning(net_worth=eur(worth), ticket=eur(ticket),
                                   sophisticated=False) is warn


def test_sophisticated_investors_get_no_overexposure_warning():
    assert not EU.needs_overexposure_warning(net_worth=eur(0), ticket=eur(10**6),
                                             sophisticated=True)


def test_overexposure_warning_is_in_euro():
    with pytest.raises(WrongCurrency):
        EU.needs_overexposure_warning(net_worth=usd(0), ticket=eur(1), sophisticated=False)
    with pytest.raises(WrongCurrency):
        EU.needs_overexposure_warning(net_worth=eur(0), ticket=cny(1), sophisticated=True)


@given(worth=amounts, ticket=amounts, more=amounts)
def test_overexposure_warning_properties(worth, ticket, more):
    warns = EU.needs_overexposure_warning(net_worth=eur(worth), ticket=eur(ticket),
                                          sophisticated=False)
    if ticket <= 1000:
        assert not warns
    if warns:  # a larger ticket warns too
        assert EU.needs_overexposure_warning(net_worth=eur(worth), ticket=eur(ticket + more),
                                             sophisticated=False)
    assert warns is (ticket > max(Decimal(1000), worth * Decimal("0.05")))


# -- EU ECSP: the reflection period (Art. 22) -----------------------------------------------

COMMITTED = datetime(2026, 12, 3, 10, 0, tzinfo=UTC)          # Thursday, 11:00 in Brussels
REFLECTION_END = datetime(2026, 12, 8, 0, 0, tzinfo=BRUSSELS)  # the end of Monday 7th


@pytest.mark.parametrize(("at", "allowed"), [
    (COMMITTED, True),
    (REFLECTION_END - MINUTE, True),    # the last minute of the period
    (REFLECTION_END - SECOND, True),
    (REFLECTION_END, False),
    (REFLECTION_END + MINUTE, False),
])
def test_reflection_period_of_four_calendar_days(at, allowed):
    assert EU.reflection_ends_at(committed_at=COMMITTED) == REFLECTION_END
    assert EU.may_revoke(committed_at=COMMITTED, at=at, sophisticated=False) is allowed
    assert EU.may_cancel_commitment(committed_at=COMMITTED, deadline=None, at=at,
                                    sophisticated=False) is allowed


def test_the_day_of_the_commitment_does_not_count_in_brussels_time():
    late = datetime(2026, 12, 3, 22, 59, tzinfo=UTC)  # 23:59 on the 3rd in Brussels
    assert EU.reflection_ends_at(committed_at=late) == REFLECTION_END
    after_midnight = datetime(2026, 12, 3, 23, 0, tzinfo=UTC)  # 00:00 on the 4th
    assert EU.reflection_ends_at(committed_at=after_midnight) == datetime(
        2026, 12, 9, 0, 0, tzinfo=BRUSSELS)


def test_sophisticated_investors_have_no_reflection_period():
    assert not EU.may_revoke(committed_at=COMMITTED, at=COMMITTED, sophisticated=True)


def test_revoking_before_the_commitment_or_with_a_naive_time_is_refused():
    with pytest.raises(RulePackError):
        EU.may_revoke(committed_at=COMMITTED, at=COMMITTED - SECOND, sophisticated=False)
    with pytest.raises(NaiveDatetime):
        EU.may_revoke(committed_at=datetime(2026, 12, 3), at=COMMITTED, sophisticated=False)


def test_funds_wait_for_the_last_reflection_period():
    deadline = datetime(2026, 12, 4, 12, 0, tzinfo=BRUSSELS)
    assert EU.release_not_before(deadline=deadline, last_committed_at=COMMITTED) \
        == REFLECTION_END
    assert ChinaPack().release_not_before(deadline=deadline, last_committed_at=COMMITTED) \
        == deadline
    assert US.release_not_before(deadline=deadline, last_committed_at=COMMITTED) == deadline


def test_entry_knowledge_test_for_retail_investors():
    assert EU.requires_knowledge_test(sophisticated=False)
    assert not EU.requires_knowledge_test(sophisticated=True)
    assert US.requires_knowledge_test(sophisticated=True)
    assert ChinaPack().requires_knowledge_test(sophisticated=True)


# -- CN: the investor cap ---------------------------------------------------------------------

CN = ChinaPack()


@pytest.mark.parametrize(("vehicle", "cap"), [
    ("company_limited_by_shares", 200), ("llc", 50), ("lp", 50),
])
def test_cn_investor_cap_per_vehicle(vehicle, cap):
    assert CN.investor_cap(vehicle=vehicle) == cap
    assert CN.admits_investor(vehicle=vehicle, investors_before=cap - 1)     # the cap-th
    assert not CN.admits_investor(vehicle=vehicle, investors_before=cap)     # one more


def test_cn_default_vehicle_is_a_company_limited_by_shares():
    assert CN.investor_cap() == 200
    assert CN.admits_investor(vehicle="company_limited_by_shares", investors_before=199)
    assert not CN.admits_investor(vehicle="company_limited_by_shares", investors_before=200)


@pytest.mark.parametrize("pack", [ChinaPack(), RegCFPack(), ECSPPack()])
@pytest.mark.parametrize("vehicle", ["gmbh", "", "LLC", None])
def test_an_unknown_vehicle_is_refused_by_every_pack(pack, vehicle):
    with pytest.raises(UnknownVehicle) as caught:
        pack.investor_cap(vehicle=vehicle)
    assert "company_limited_by_shares, llc, lp" in str(caught.value)


@pytest.mark.parametrize("pack", [RegCFPack(), ECSPPack()])
def test_us_and_eu_have_no_investor_cap(pack):
    assert pack.investor_cap(vehicle="llc") is None
    assert pack.admits_investor(vehicle="llc", investors_before=100_000)


@pytest.mark.parametrize("count", [-1, True, 1.0, "3"])
def test_investor_counts_must_be_whole_numbers(count):
    with pytest.raises(RulePackError):
        CN.admits_investor(vehicle="llc", investors_before=count)


# -- CN: qualified investors ------------------------------------------------------------------

def qualified(assets="0", income="0", ticket="0", pack=CN):
    return pack.is_qualified(financial_assets=cny(assets), average_income_3y=cny(income),
                             single_ticket=cny(ticket))


@pytest.mark.parametrize(("assets", "income", "ticket", "expected"), [
    ("1000000", "0", "0", True),
    ("999999.99", "0", "0", False),
    ("0", "300000", "0", True),
    ("0", "299999.99", "0", False),
    ("0", "0", "100000", True),
    ("0", "0", "99999.99", False),
    ("999999.99", "299999.99", "99999.99", False),
])
def test_cn_qualified_investor_thresholds(assets, income, ticket, expected):
    assert qualified(assets, income, ticket) is expected


def test_cn_qualified_thresholds_are_settings_and_arguments():
    with override_settings(EQUITY_CN_QUALIFIED_FINANCIAL_ASSETS="3000000",
                           EQUITY_CN_QUALIFIED_AVERAGE_INCOME=Decimal("500000"),
                           EQUITY_CN_QUALIFIED_SINGLE_TICKET=1000000):
        pack = rulepacks.get("cn")
        assert not qualified("1000000", pack=pack)
        assert qualified("3000000", pack=pack)
        assert not qualified(income="300000", pack=pack)
        assert qualified(income="500000", pack=pack)
        assert not qualified(ticket="999999.99", pack=pack)
    assert qualified("1000000", pack=rulepacks.get("cn"))
    assert not qualified("1000000", pack=ChinaPack(qualified_financial_assets=Decimal(2 * 10**6)))


def test_a_float_threshold_setting_is_refused():
    from django.core.exceptions import ImproperlyConfigured

    with override_settings(EQUITY_CN_QUALIFIED_SINGLE_TICKET=100000.0), \
            pytest.raises(ImproperlyConfigured):
        rulepacks.get("cn")


def test_cn_qualification_is_in_yuan():
    with pytest.raises(WrongCurrency):
        CN.is_qualified(financial_assets=usd(10**7), average_income_3y=cny(0),
                        single_ticket=cny(0))


def test_cn_cancellation_until_the_close():
    deadline = datetime(2026, 12, 31, 18, 0, tzinfo=SHANGHAI)
    committed = deadline - timedelta(days=20)
    for sophisticated in (True, False):
        assert CN.may_cancel_commitment(committed_at=committed, deadline=deadline,
                                        at=deadline - SECOND, sophisticated=sophisticated)
        assert not CN.may_cancel_commitment(committed_at=committed, deadline=deadline,
                                            at=deadline, sophisticated=sophisticated)


@pytest.mark.parametrize(("public", "authenticated", "verified", "visible"), [
    (True, False, False, True),
    (False, False, False, False),
    (False, True, False, False),
    (False, True, True, True),
])
def test_non_public_offerings_only_for_verified_users(public, authenticated, verified, visible):
    assert CN.offering_visible(public=public, authenticated=authenticated,
                               verified=verified) is visible


# -- no database, no settings -----------------------------------------------------------------

def test_the_packs_run_without_settings_or_a_database():
    script = textwrap.dedent("""
        import os, sys
        from datetime import datetime, timedelta, timezone
        from decimal import Decimal
        from crowdfunding.equity import rulepacks
        from marketplace.core.money import Money
        usd = lambda a: Money(Decimal(a), "USD")
        us = rulepacks.get("us_reg_cf")
        print(us.investment_limit(annual_income=usd("124000"), net_worth=usd("124000"),
                                  invested_last_12_months=usd("0")))
        deadline = datetime(2026, 12, 18, 22, 0, tzinfo=timezone.utc)
        print(us.may_cancel(deadline=deadline, at=deadline - timedelta(hours=48)))
        eu = rulepacks.get("eu_ecsp")
        print(eu.needs_overexposure_warning(net_worth=Money(Decimal("0"), "EUR"),
                                            ticket=Money(Decimal("1000.01"), "EUR"),
                                            sophisticated=False))
        at = datetime(2026, 12, 3, 10, 0, tzinfo=timezone.utc)
        print(eu.may_revoke(committed_at=at, at=at + timedelta(days=4), sophisticated=False))
        cn = rulepacks.get("cn")
        print(cn.investor_cap(vehicle="lp"))
        cny = lambda a: Money(Decimal(a), "CNY")
        print(cn.is_qualified(financial_assets=cny("1000000"), average_income_3y=cny("0"),
                              single_ticket=cny("0")))
        try:
            rulepacks.get("mars")
        except KeyError as exc:
            print(exc)
        from django.conf import settings
        print(settings.configured)
    """)
    env = {k: v for k, v in os.environ.items()
           if k not in ("DJANGO_SETTINGS_MODULE", "DATABASE_URL", "REDIS_URL",
                        "DJANGO_SECRET_KEY", "DJANGO_DEBUG")}
    root = Path(__file__).resolve().parents[3]
    result = subprocess.run([sys.executable, "-c", script], cwd=root, env=env,
                            capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "12400.00 USD", "False", "True", "True", "50", "True",
        "There is no investor protection rule pack mars; the packs are cn, us_reg_cf, eu_ecsp.",
        "False",
    ]


def test_refusals_are_translated():
    from django.utils import translation

    with translation.override("zh-hans"):
        with pytest.raises(UnknownRulePack) as caught:
            rulepacks.get("mars")
        assert str(caught.value) == ("不存在投资者保护规则包 mars；可用的规则包为 "
                                     "cn, us_reg_cf, eu_ecsp。")
        refusals = US.early_close_refusals(opened_at=OPENED, notice_at=NOTICE,
                                           new_deadline=NOTICE, target_met=False)
        assert str(refusals[0]) == "只有达到目标金额后，融资项目才能提前结束。"
