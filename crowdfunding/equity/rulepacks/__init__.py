"""The investor protection rule packs: ``cn`` (default), ``us_reg_cf``, ``eu_ecsp``.

    from crowdfunding.equity import rulepacks
    pack = rulepacks.get("us_reg_cf")
    pack.investment_limit(annual_income=..., net_worth=..., invested_last_12_months=...)

``get(code)`` builds the pack with its thresholds from Django settings when they load
(``EQUITY_CN_QUALIFIED_FINANCIAL_ASSETS`` and the rest, see docs/equity.md), and with the
regulation's figures otherwise, so the packs run without a database, a request or a
settings module. ``active()`` is the pack the deployment chose (``EQUITY_RULE_PACK``).
Each rule and the clause it comes from: docs/equity.md.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from crowdfunding.equity.rulepacks.base import VEHICLES, RulePack
from crowdfunding.equity.rulepacks.calendar import (
    BusinessCalendar,
    calendar_dates,
    target_closing_days,
    us_federal_holidays,
)
from crowdfunding.equity.rulepacks.cn import ChinaPack
from crowdfunding.equity.rulepacks.errors import RulePackError, UnknownRulePack, interpolate
from crowdfunding.equity.rulepacks.eu_ecsp import ECSPPack
from crowdfunding.equity.rulepacks.us_reg_cf import RegCFPack

DEFAULT_PACK = "cn"
_MISSING = object()


def setting(name: str, default):
    """A Django setting, or ``default`` when it is unset or settings cannot load."""
    try:
        from django.conf import settings

        value = getattr(settings, name, _MISSING)
    except ImproperlyConfigured:
        return default
    return default if value is _MISSING else value


def _amount(name: str, default: str) -> Decimal:
    value = setting(name, default)
    if isinstance(value, float | bool):
        raise ImproperlyConfigured(f"{name} must be a Decimal, int or string, not {value!r}")
    return Decimal(str(value))


def _cn() -> ChinaPack:
    return ChinaPack(
        qualified_financial_assets=_amount("EQUITY_CN_QUALIFIED_FINANCIAL_ASSETS", "1000000"),
        qualified_average_income_3y=_amount("EQUITY_CN_QUALIFIED_AVERAGE_INCOME", "300000"),
        qualified_single_ticket=_amount("EQUITY_CN_QUALIFIED_SINGLE_TICKET", "100000"),
        calendar=BusinessCalendar(
            timezone=setting("EQUITY_CN_TIMEZONE", "Asia/Shanghai"),
            extra_holidays=calendar_dates(setting("EQUITY_CN_HOLIDAYS", ())),
            extra_workdays=calendar_dates(setting("EQUITY_CN_ADJUSTED_WORKDAYS", ())),
        ),
    )


def _us() -> RegCFPack:
    return RegCFPack(
        threshold=_amount("EQUITY_US_REG_CF_THRESHOLD", "124000"),
        floor=_amount("EQUITY_US_REG_CF_FLOOR", "2500"),
        cap=_amount("EQUITY_US_REG_CF_CAP", "124000"),
        calendar=BusinessCalendar(timezone="America/New_York", holidays=us_federal_holidays),
    )


def _eu() -> ECSPPack:
    return ECSPPack(
        calendar=BusinessCalendar(timezone=setting("EQUITY_EU_TIMEZONE", "Europe/Brussels"),
                                  holidays=target_closing_days),
    )


PACKS: dict[str, Callable[[], RulePack]] = {"cn": _cn, "us_reg_cf": _us, "eu_ecsp": _eu}


def codes() -> tuple[str, ...]:
    return tuple(PACKS)


def get(code: str) -> RulePack:
    """The pack named ``code``; ``UnknownRulePack`` (a ``KeyError``) for any other."""
    try:
        build = PACKS[code]
    except (KeyError, TypeError):
        raise UnknownRulePack(
            interpolate(
                _("There is no investor protection rule pack %(code)s; the packs are %(known)s."),
                {"code": code, "known": ", ".join(PACKS)},
            ),
            data={"code": code},
        ) from None
    return build()


def active() -> RulePack:
    """The pack the deployment chose with ``EQUITY_RULE_PACK`` (``cn`` by default)."""
    return get(setting("EQUITY_RULE_PACK", DEFAULT_PACK))


__all__ = ["PACKS", "VEHICLES", "ChinaPack", "ECSPPack", "RegCFPack", "RulePack",
           "RulePackError", "UnknownRulePack", "active", "codes", "get", "setting"]
