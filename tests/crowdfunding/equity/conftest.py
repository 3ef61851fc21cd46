"""Fixtures of the equity tests: investors at each step of onboarding."""

from decimal import Decimal

import pytest

from crowdfunding.equity import onboarding
from crowdfunding.equity.services.investors import (
    investor_profile_approve,
    investor_profile_submit,
)
from marketplace.accounts.models import VerificationStatus
from tests.catalog.factories import pdf_upload
from tests.factories import StaffFactory, UserFactory


def amounts(**overrides):
    values = {"annual_income": "200000", "net_worth": "500000", "financial_assets": "400000",
              "average_income_3y": "180000", "invested_elsewhere_12m": "0"}
    values.update(overrides)
    return values


CORRECT = {q.key: q.correct for q in onboarding.QUESTIONS}


def wrong(count: int) -> dict:
    """Answers with the first ``count`` questions wrong."""
    answers = dict(CORRECT)
    for question in onboarding.QUESTIONS[:count]:
        answers[question.key] = next(k for k in question.choices if k != question.correct)
    return answers


@pytest.fixture
def investor(db):
    return UserFactory(verification_status=VerificationStatus.VERIFIED, verified_name="李雷",
                       preferred_language="en")


@pytest.fixture
def staff(db):
    return StaffFactory()


@pytest.fixture
def submitted(investor):
    return investor_profile_submit(actor=investor, classification="retail", amounts=amounts())


@pytest.fixture
def sophisticated_submitted(investor):
    return investor_profile_submit(actor=investor, classification="sophisticated",
                                   amounts=amounts(), evidence=pdf_upload("payslip.pdf"))


@pytest.fixture
def approved(submitted, staff):
    return investor_profile_approve(actor=staff, profile=submitted)


__all__ = ["CORRECT", "Decimal", "amounts", "wrong"]
