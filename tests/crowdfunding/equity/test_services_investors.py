"""Investor onboarding: profile submission and review, the knowledge test, the risk
warning. Every transition allowed and refused, every permission, bad input."""

import threading
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test import override_settings
from django.utils import timezone

from crowdfunding.equity import onboarding
from crowdfunding.equity.errors import EquityValidationError, ProfileUnderReview
from crowdfunding.equity.models import (
    InvestorProfile,
    KnowledgeTestAttempt,
    RiskWarningAcknowledgement,
)
from crowdfunding.equity.services.investors import (
    investor_profile_approve,
    investor_profile_refuse,
    investor_profile_submit,
    knowledge_test_take,
    risk_warning_acknowledge,
    valid_until,
)
from marketplace.core.errors import IllegalTransition, PermissionDeniedError
from marketplace.core.models import AuditEvent
from marketplace.core.money import Money
from marketplace.notifications.models import Notification
from tests.catalog.factories import pdf_upload, stored_files
from tests.crowdfunding.equity.conftest import CORRECT, amounts, wrong
from tests.factories import StaffFactory, UserFactory

pytestmark = pytest.mark.django_db
S = InvestorProfile.Status


def _actions(obj) -> list[str]:
    return list(AuditEvent.objects.filter(object_id=str(obj.pk)).order_by("pk")
                .values_list("action", flat=True))


# -- submission ---------------------------------------------------------------------------

def test_submit_records_the_declaration_in_the_pack_currency_and_audits(investor):
    profile = investor_profile_submit(actor=investor, classification="retail",
                                      amounts=amounts(net_worth="-1500.50"))
    profile.refresh_from_db()
    assert profile.status == S.SUBMITTED
    assert profile.rule_pack == "cn" and profile.currency == "CNY"
    assert profile.annual_income == Money("200000", "CNY")
    assert profile.net_worth == Money("-1500.50", "CNY")
    assert profile.invested_elsewhere_12m == Money("0", "CNY")
    assert "equity.investor_profile.submitted" in _actions(profile)


def test_submit_with_evidence_stores_it_privately(investor, settings):
    profile = investor_profile_submit(actor=investor, classification="sophisticated",
                                      amounts=amounts(), evidence=pdf_upload("payslip.pdf"))
    assert profile.evidence_content_type == "application/pdf"
    assert profile.evidence_name == "payslip.pdf"
    assert "payslip" not in profile.evidence.name
    assert profile.evidence.name.startswith(f"equity/evidence/{investor.pk}/")
    assert any(path.endswith(profile.evidence.name.split("/")[-1])
               for path in stored_files(settings.PRIVATE_MEDIA_ROOT))


@pytest.mark.parametrize("classification", ["sophisticated", "qualified"])
def test_a_higher_classification_needs_evidence(investor, classification):
    with pytest.raises(EquityValidationError) as caught:
        investor_profile_submit(actor=investor, classification=classification,
                                amounts=amounts(financial_assets="2000000"))
    assert caught.value.code == "evidence_required"
    assert InvestorProfile.objects.count() == 0


def test_evidence_must_be_a_document(investor):
    from django.core.files.uploadedfile import SimpleUploadedFile

    before = stored_files()
    with pytest.raises(EquityValidationError) as caught:
        investor_profile_submit(actor=investor, classification="sophisticated",
                                amounts=amounts(),
                                evidence=SimpleUploadedFile("x.pdf", b"MZ\x90\x00 not a pdf"))
    assert caught.value.data == {"field": "evidence"}
    assert InvestorProfile.objects.count() == 0
    assert stored_files() == before


@pytest.mark.parametrize(("assets", "income", "ok"), [
    ("1000000", "0", True), ("999999.99", "299999.99", False), ("0", "300000", True),
])
def test_a_qualified_claim_under_cn_must_meet_a_threshold(investor, assets, income, ok):
    submit = lambda: investor_profile_submit(  # noqa: E731
        actor=investor, classification="qualified", evidence=pdf_upload(),
        amounts=amounts(financial_assets=assets, average_income_3y=income))
    if ok:
        assert submit().classification == "qualified"
    else:
        with pytest.raises(EquityValidationError) as caught:
            submit()
        assert caught.value.code == "not_qualified"
        assert "1,000,000" in str(caught.value)
        assert InvestorProfile.objects.count() == 0


def test_a_qualified_threshold_follows_the_setting(investor):
    with override_settings(EQUITY_CN_QUALIFIED_FINANCIAL_ASSETS="3000000"), \
            pytest.raises(EquityValidationError):
        investor_profile_submit(actor=investor, classification="qualified",
                                evidence=pdf_upload(),
                                amounts=amounts(financial_assets="1000000",
                                                average_income_3y="0"))


@override_settings(EQUITY_RULE_PACK="us_reg_cf")
def test_under_reg_cf_the_declaration_is_in_dollars(investor):
    profile = investor_profile_submit(actor=investor, classification="retail",
                                      amounts=amounts())
    assert profile.currency == "USD" and profile.rule_pack == "us_reg_cf"
    with pytest.raises(EquityValidationError) as caught:
        investor_profile_submit(actor=UserFactory(), classification="retail",
                                amounts=amounts(annual_income=Money("1", "CNY")))
    assert caught.value.data == {"field": "annual_income"}


@pytest.mark.parametrize(("field", "value"), [
    ("annual_income", "-1"), ("financial_assets", "abc"), ("invested_elsewhere_12m", "1.234"),
    ("average_income_3y", 1.5), ("annual_income", None), ("net_worth", ""),
    ("net_worth", "-"),
])
def test_bad_amounts_are_refused_and_nothing_is_written(investor, field, value):
    with pytest.raises(EquityValidationError) as caught:
        investor_profile_submit(actor=investor, classification="retail",
                                amounts=amounts(**{field: value}))
    assert caught.value.status_code == 400
    assert caught.value.data == {"field": field}
    assert InvestorProfile.objects.count() == 0


def test_an_unknown_classification_is_refused(investor):
    with pytest.raises(EquityValidationError) as caught:
        investor_profile_submit(actor=investor, classification="whale", amounts=amounts())
    assert caught.value.data == {"field": "classification"}


def test_one_profile_under_review_at_a_time(submitted, investor):
    with pytest.raises(ProfileUnderReview) as caught:
        investor_profile_submit(actor=investor, classification="retail", amounts=amounts())
    assert caught.value.status_code == 409
    assert InvestorProfile.objects.filter(user=investor).count() == 1


def test_a_new_profile_after_a_decision(approved, investor):
    renewed = investor_profile_submit(actor=investor, classification="retail",
                                      amounts=amounts())
    assert renewed.status == S.SUBMITTED
    assert InvestorProfile.objects.filter(user=investor).count() == 2


def test_anonymous_and_inactive_people_cannot_submit(db):
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(PermissionDeniedError):
        investor_profile_submit(actor=AnonymousUser(), classification="retail",
                                amounts=amounts())
    with pytest.raises(PermissionDeniedError):
        investor_profile_submit(actor=UserFactory(is_active=False), classification="retail",
                                amounts=amounts())


@pytest.mark.django_db(transaction=True)
def test_concurrent_submissions_leave_one_open_profile(requires_postgres):
    investor = UserFactory()
    barrier = threading.Barrier(4)
    outcomes = []

    def submit():
        try:
            barrier.wait()
            investor_profile_submit(actor=investor, classification="retail",
                                    amounts=amounts())
            outcomes.append("ok")
        except ProfileUnderReview:
            outcomes.append("conflict")
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["conflict", "conflict", "conflict", "ok"]
    assert InvestorProfile.objects.filter(user=investor, status=S.SUBMITTED).count() == 1


# -- review -----------------------------------------------------------------------------------

def test_approve_sets_two_years_of_validity_audits_and_notifies(submitted, staff,
                                                                 django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        investor_profile_approve(actor=staff, profile=submitted)
    submitted.refresh_from_db()
    assert submitted.status == S.APPROVED
    assert submitted.reviewer == staff
    assert submitted.valid_until == valid_until(submitted.decided_at)
    assert submitted.valid_until.year == submitted.decided_at.year + 2
    assert _actions(submitted)[-1] == "equity.investor_profile.approved"
    note = Notification.objects.get(user=submitted.user)
    assert note.title == "Your investor profile is approved"
    assert "Retail investor" in note.body


def test_refuse_needs_a_reason_and_tells_the_investor(submitted, staff):
    with pytest.raises(EquityValidationError) as caught:
        investor_profile_refuse(actor=staff, profile=submitted, reason="  ")
    assert caught.value.code == "reason_required"
    submitted.refresh_from_db()
    assert submitted.status == S.SUBMITTED
    investor_profile_refuse(actor=staff, profile=submitted, reason="Payslip unreadable")
    submitted.refresh_from_db()
    assert submitted.status == S.REFUSED
    assert submitted.decision_reason == "Payslip unreadable"
    assert submitted.valid_until is None
    assert _actions(submitted)[-1] == "equity.investor_profile.refused"
    assert Notification.objects.get(user=submitted.user).body == "Reason: Payslip unreadable"


@pytest.mark.parametrize("first", ["approve", "refuse"])
@pytest.mark.parametrize("second", ["approve", "refuse"])
def test_a_decision_is_final(submitted, staff, first, second):
    decide = {
        "approve": lambda: investor_profile_approve(actor=staff, profile=submitted),
        "refuse": lambda: investor_profile_refuse(actor=staff, profile=submitted,
                                                  reason="No"),
    }
    decide[first]()
    status = InvestorProfile.objects.get(pk=submitted.pk).status
    with pytest.raises(IllegalTransition) as caught:
        decide[second]()
    assert caught.value.status_code == 409
    assert "new" in str(caught.value)
    assert InvestorProfile.objects.get(pk=submitted.pk).status == status


def test_only_other_staff_review(submitted, investor):
    with pytest.raises(PermissionDeniedError):
        investor_profile_approve(actor=investor, profile=submitted)
    with pytest.raises(PermissionDeniedError):
        investor_profile_refuse(actor=UserFactory(), profile=submitted, reason="x")
    reviewer = StaffFactory()
    own = investor_profile_submit(actor=reviewer, classification="retail", amounts=amounts())
    with pytest.raises(PermissionDeniedError):
        investor_profile_approve(actor=reviewer, profile=own)
    assert InvestorProfile.objects.get(pk=own.pk).status == S.SUBMITTED
    assert InvestorProfile.objects.get(pk=submitted.pk).status == S.SUBMITTED


# -- the knowledge test -----------------------------------------------------------------------

def test_all_correct_passes_for_two_years(investor):
    attempt = knowledge_test_take(actor=investor, answers=CORRECT)
    assert attempt.passed and attempt.score == attempt.total == len(onboarding.QUESTIONS)
    assert attempt.valid_until == valid_until(attempt.taken_at)
    assert attempt.test_version == onboarding.KNOWLEDGE_TEST_VERSION
    assert _actions(attempt) == ["equity.knowledge_test.taken"]


def test_the_pass_mark_boundary(investor):
    # 5 questions, 80 %: 4 right passes, 3 right fails
    assert knowledge_test_take(actor=investor, answers=wrong(1)).passed
    failed = knowledge_test_take(actor=investor, answers=wrong(2))
    assert not failed.passed and failed.score == 3 and failed.valid_until is None
    with override_settings(EQUITY_KNOWLEDGE_TEST_PASS_PERCENT=60):
        assert knowledge_test_take(actor=investor, answers=wrong(2)).passed
    with override_settings(EQUITY_KNOWLEDGE_TEST_PASS_PERCENT=100):
        assert not knowledge_test_take(actor=investor, answers=wrong(1)).passed


@pytest.mark.parametrize(("answers", "code"), [
    ({**CORRECT, "extra": "a"}, "unknown_questions"),
    (dict(list(CORRECT.items())[1:]), "unanswered"),
    ({**CORRECT, "total_loss": "z"}, "invalid_answer"),
])
def test_bad_answers_are_refused_and_nothing_is_written(investor, answers, code):
    with pytest.raises(EquityValidationError) as caught:
        knowledge_test_take(actor=investor, answers=answers)
    assert caught.value.code == code
    assert KnowledgeTestAttempt.objects.count() == 0


def test_answers_must_be_a_mapping(investor):
    with pytest.raises(EquityValidationError):
        knowledge_test_take(actor=investor, answers=["c", "b"])


def test_anonymous_people_cannot_take_the_test(db):
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(PermissionDeniedError):
        knowledge_test_take(actor=AnonymousUser(), answers=CORRECT)


# -- the risk warning -------------------------------------------------------------------------

def test_acknowledging_the_risk_warning_once_per_version(investor):
    first = risk_warning_acknowledge(actor=investor)
    again = risk_warning_acknowledge(actor=investor)
    assert first.pk == again.pk
    assert first.warning_version == onboarding.RISK_WARNING_VERSION
    assert RiskWarningAcknowledgement.objects.filter(user=investor).count() == 1
    assert _actions(first) == ["equity.risk_warning.acknowledged"]


def test_anonymous_people_cannot_acknowledge(db):
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(PermissionDeniedError):
        risk_warning_acknowledge(actor=AnonymousUser())


def test_valid_until_is_two_calendar_years():
    leap = datetime(2028, 2, 29, 12, 0, tzinfo=UTC)
    assert valid_until(leap) == datetime(2030, 2, 28, 12, 0, tzinfo=UTC)
    start = timezone.now()
    assert valid_until(start) - start > timedelta(days=729)
