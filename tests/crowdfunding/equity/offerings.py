"""Builders of the offering and commitment tests (beside conftest, to avoid conflicts)."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from crowdfunding.equity.services.offerings import (
    offering_approve,
    offering_create,
    offering_launch,
    offering_submit,
)
from marketplace.accounts.models import MembershipRole
from tests.factories import OrganisationFactory, StaffFactory, member_of


def issuer(**fields):
    return OrganisationFactory(verified=True, **fields)


def issuer_member(organisation, role=MembershipRole.MEMBER):
    return member_of(organisation, role)


def offering_values(**overrides) -> dict:
    now = timezone.now()
    values = {
        "title": "海鲸智能 A 轮", "instrument": "ordinary", "price_per_share": "10",
        "pre_money_valuation": "5000000", "target": "100000", "maximum": "200000",
        "min_ticket": "1000", "max_ticket": "50000", "allocation": "first_come",
        "holding": "nominee", "vehicle": "company_limited_by_shares", "public": True,
        "starts_at": now + timedelta(days=1), "deadline": now + timedelta(days=31),
    }
    values.update(overrides)
    return values


def draft(organisation=None, actor=None, **overrides):
    organisation = organisation or issuer()
    actor = actor or issuer_member(organisation)
    return offering_create(actor=actor, organisation=organisation, **offering_values(**overrides))


def approved(**overrides):
    offering = draft(**overrides)
    maker = offering.created_by
    offering_submit(actor=maker, offering=offering)
    return offering_approve(actor=StaffFactory(), offering=offering)


def live(**overrides):
    offering = approved(**overrides)
    return offering_launch(offering=offering, now=offering.starts_at)


def ready_investor(classification="retail", **amount_overrides):
    """A real-name verified investor with an approved profile, a passed knowledge test
    and the risk warning acknowledged, under the active pack."""
    from crowdfunding.equity.services.investors import (
        investor_profile_approve,
        investor_profile_submit,
        knowledge_test_take,
        risk_warning_acknowledge,
    )
    from marketplace.accounts.models import VerificationStatus
    from tests.catalog.factories import pdf_upload
    from tests.factories import UserFactory

    from .conftest import CORRECT, amounts

    user = UserFactory(verification_status=VerificationStatus.VERIFIED, preferred_language="en")
    evidence = pdf_upload("proof.pdf") if classification != "retail" else None
    profile = investor_profile_submit(actor=user, classification=classification,
                                      amounts=amounts(**amount_overrides), evidence=evidence)
    investor_profile_approve(actor=StaffFactory(), profile=profile)
    knowledge_test_take(actor=user, answers=CORRECT)
    risk_warning_acknowledge(actor=user)
    return user
