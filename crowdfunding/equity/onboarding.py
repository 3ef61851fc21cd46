"""What an investor reads and answers before investing, as data: the entry knowledge
test (ECSP Art. 21; 17 CFR 227.303(b)(2); the CN platform's test) and the risk warning.

A new version of the test or of the warning (change ``*_VERSION``) makes earlier passes
or acknowledgements stale: the investor must take or read the new one.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from crowdfunding.equity.rulepacks import setting

KNOWLEDGE_TEST_VERSION = "2026-1"
RISK_WARNING_VERSION = "2026-1"
DEFAULT_PASS_PERCENT = 80


@dataclass(frozen=True)
class Question:
    key: str
    text: str
    choices: dict[str, str]
    correct: str


QUESTIONS: tuple[Question, ...] = (
    Question(
        "total_loss",
        _("If the company you invest in fails, how much of your investment can you lose?"),
        {"a": _("Nothing: the platform guarantees it"), "b": _("At most half"),
         "c": _("All of it")},
        "c",
    ),
    Question(
        "liquidity",
        _("Can you sell your shares whenever you want?"),
        {"a": _("Yes, on the platform at any time"),
         "b": _("Usually not: there may be no buyer for years, and resale can be restricted")},
        "b",
    ),
    Question(
        "dilution",
        _("What happens to your percentage of the company when it issues new shares later?"),
        {"a": _("It can shrink (dilution)"), "b": _("It always stays the same")},
        "a",
    ),
    Question(
        "dividends",
        _("Does a young company usually pay dividends?"),
        {"a": _("Yes, every year"), "b": _("Rarely; returns, if any, come from a later sale")},
        "b",
    ),
    Question(
        "diversification",
        _("Which is the more prudent way to invest in start-ups?"),
        {"a": _("Put all savings into one company"),
         "b": _("Invest only money you can afford to lose, spread over several companies")},
        "b",
    ),
)

RISK_WARNING = _(
    "Investing in start-ups and young businesses carries a high risk: you can lose all "
    "the money you invest, you may not be able to sell your shares, dividends are rare "
    "and your share can be diluted. This investment is not covered by any deposit "
    "guarantee or investor compensation scheme. The platform gives no investment advice. "
    "Invest only what you can afford to lose."
)


def pass_percent() -> int:
    """The share of correct answers needed to pass (``EQUITY_KNOWLEDGE_TEST_PASS_PERCENT``)."""
    value = setting("EQUITY_KNOWLEDGE_TEST_PASS_PERCENT", DEFAULT_PASS_PERCENT)
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value <= 100:
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured("EQUITY_KNOWLEDGE_TEST_PASS_PERCENT must be 1..100")
    return value
