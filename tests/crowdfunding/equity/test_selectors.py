"""What an investor still lacks (investor_readiness), the 2-year staleness with travelled
time, and who sees which profile."""

from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth.models import AnonymousUser
from django.test import override_settings
from django.utils import timezone

from crowdfunding.equity import onboarding
from crowdfunding.equity.selectors import (
    investor_profile_get_for_viewer,
    investor_profile_list_for_viewer,
    investor_readiness,
)
from crowdfunding.equity.services.investors import (
    investor_profile_approve,
    investor_profile_refuse,
    investor_profile_submit,
    knowledge_test_take,
    risk_warning_acknowledge,
)
from marketplace.accounts.models import VerificationStatus
from marketplace.core.errors import NotFoundError
from tests.catalog.factories import pdf_upload
from tests.crowdfunding.equity.conftest import CORRECT, amounts, wrong
from tests.factories import StaffFactory, UserFactory

pytestmark = pytest.mark.django_db


def codes(readiness) -> list[str]:
    return [item.code for item in readiness.missing]


def onboard(investor, staff, classification="retail"):
    profile = investor_profile_submit(actor=investor, classification=classification,
                                      amounts=amounts(),
                                      evidence=pdf_upload() if classification != "retail"
                                      else None)
    investor_profile_approve(actor=staff, profile=profile)
    knowledge_test_take(actor=investor, answers=CORRECT)
    risk_warning_acknowledge(actor=investor)
    return profile


def test_a_new_person_lacks_everything_with_reasons(investor):
    readiness = investor_readiness(investor, timezone.now())
    assert not readiness.ready
    assert codes(readiness) == ["classification", "knowledge_test", "risk_warning"]
    assert readiness.missing[0].reason == ("Submit your investor profile (income, net worth "
                                           "and classification).")


def test_unverified_people_must_verify_their_real_name(db):
    person = UserFactory(verification_status=VerificationStatus.PENDING)
    assert codes(investor_readiness(person, timezone.now()))[0] == "real_name"


def test_anonymous_visitors_must_log_in(db):
    assert codes(investor_readiness(AnonymousUser(), timezone.now())) == ["login"]


def test_ready_after_every_step(investor, staff):
    onboard(investor, staff)
    readiness = investor_readiness(investor, timezone.now())
    assert readiness.ready and readiness.missing == []
    assert readiness.profile.classification == "retail"
    assert readiness.rule_pack == "cn"


def test_a_profile_under_review_or_refused_is_not_a_classification(investor, staff):
    profile = investor_profile_submit(actor=investor, classification="retail",
                                      amounts=amounts())
    readiness = investor_readiness(investor, timezone.now())
    assert readiness.missing[0].reason == "Your investor profile is under review."
    investor_profile_refuse(actor=staff, profile=profile, reason="No payslip")
    assert "classification" in codes(investor_readiness(investor, timezone.now()))


def test_a_failed_test_does_not_count(investor):
    knowledge_test_take(actor=investor, answers=wrong(3))
    readiness = investor_readiness(investor, timezone.now())
    assert "knowledge_test" in codes(readiness)
    assert [m.reason for m in readiness.missing if m.code == "knowledge_test"] == [
        "Pass the investor knowledge test."]


def test_classification_and_test_go_stale_at_two_years(investor, staff):
    start = timezone.now().replace(microsecond=0)
    with time_machine.travel(start, tick=False):
        onboard(investor, staff)
    approved_until = investor.investor_profiles.get().valid_until
    test_until = investor.knowledge_test_attempts.get().valid_until
    assert approved_until == test_until == start.replace(year=start.year + 2)
    assert investor_readiness(investor, approved_until - timedelta(seconds=1)).ready
    stale = investor_readiness(investor, approved_until)
    assert codes(stale) == ["classification", "knowledge_test"]
    assert stale.missing[0].reason == ("Your investor classification is more than 2 years "
                                       "old; submit your profile again.")
    assert stale.missing[1].reason == ("Your knowledge test is more than 2 years old or was "
                                       "an earlier version; take it again.")
    # renewing two years later makes the investor ready again
    with time_machine.travel(approved_until + timedelta(days=1), tick=False):
        onboard(investor, staff)
        assert investor_readiness(investor, timezone.now()).ready


def test_a_new_warning_version_needs_a_new_acknowledgement(investor, staff, monkeypatch):
    onboard(investor, staff)
    monkeypatch.setattr(onboarding, "RISK_WARNING_VERSION", "2027-1")
    assert codes(investor_readiness(investor, timezone.now())) == ["risk_warning"]
    risk_warning_acknowledge(actor=investor)
    assert investor_readiness(investor, timezone.now()).ready


def test_readiness_asks_nothing_before_it_happened(investor, staff):
    before = timezone.now() - timedelta(minutes=1)
    onboard(investor, staff)
    assert codes(investor_readiness(investor, before)) == [
        "classification", "knowledge_test", "risk_warning"]


@override_settings(EQUITY_RULE_PACK="eu_ecsp")
def test_under_ecsp_a_sophisticated_investor_needs_no_knowledge_test(investor, staff):
    profile = investor_profile_submit(actor=investor, classification="sophisticated",
                                      amounts=amounts(), evidence=pdf_upload())
    investor_profile_approve(actor=staff, profile=profile)
    risk_warning_acknowledge(actor=investor)
    readiness = investor_readiness(investor, timezone.now())
    assert readiness.ready and readiness.sophisticated


@override_settings(EQUITY_RULE_PACK="eu_ecsp")
def test_under_ecsp_a_retail_investor_needs_the_knowledge_test(investor, staff):
    profile = investor_profile_submit(actor=investor, classification="retail",
                                      amounts=amounts())
    investor_profile_approve(actor=staff, profile=profile)
    risk_warning_acknowledge(actor=investor)
    assert codes(investor_readiness(investor, timezone.now())) == ["knowledge_test"]


def test_readiness_reasons_are_translated(investor):
    from django.utils import translation

    with translation.override("zh-hans"):
        reasons = [m.reason for m in investor_readiness(investor, timezone.now()).missing]
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in reason) for reason in reasons)


# -- who sees which profile -------------------------------------------------------------------

def test_an_investor_sees_only_their_own_profile(submitted, investor, staff):
    other = UserFactory()
    theirs = investor_profile_submit(actor=other, classification="retail", amounts=amounts())
    assert list(investor_profile_list_for_viewer(viewer=investor)) == [submitted]
    assert investor_profile_get_for_viewer(viewer=investor, profile_id=submitted.pk) == submitted
    with pytest.raises(NotFoundError):
        investor_profile_get_for_viewer(viewer=investor, profile_id=theirs.pk)
    with pytest.raises(NotFoundError):
        investor_profile_get_for_viewer(viewer=investor, profile_id=10**9)
    assert set(investor_profile_list_for_viewer(viewer=staff)) == {submitted, theirs}
    assert investor_profile_get_for_viewer(viewer=StaffFactory(), profile_id=theirs.pk) == theirs
    assert list(investor_profile_list_for_viewer(viewer=AnonymousUser())) == []
