"""Applying for a voucher and issuing it: the moves allowed and refused, the parties, the
eligibility rules (the 18-month rule at its boundary), the annual cap (also under
concurrent issuing) and bad input, nothing written when refused."""

import threading
from datetime import date, datetime
from decimal import Decimal

import pytest
import time_machine
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from marketplace.accounts.models import MembershipRole, OrganisationKind, VerificationStatus
from marketplace.core.errors import DomainError, IllegalTransition, PermissionDeniedError
from marketplace.core.models import AuditEvent
from tests.factories import OrganisationFactory, member_of
from tests.vouchers.conftest import REGISTERED, verified_user
from vouchers.errors import CapExhausted, Ineligible, NotInPilot
from vouchers.models import IssuingAllowance, Voucher, VoucherApplication
from vouchers.names import VouchersAction
from vouchers.selectors import makerspace_cap_used
from vouchers.services.applications import voucher_apply, voucher_issue, voucher_refuse
from vouchers.services.eligibility import add_months
from vouchers.services.pilot import pilot_suspend

pytestmark = pytest.mark.django_db
A = VoucherApplication.Status


def at(day: date):
    """Travel to noon of ``day`` in the site's time zone."""
    return time_machine.travel(
        timezone.make_aware(datetime(day.year, day.month, day.day, 12)), tick=False
    )


# applying -----------------------------------------------------------------------------

def test_a_maker_applies(application, maker, makerspace):
    assert application.status == A.SUBMITTED
    assert application.applicant == maker and application.makerspace == makerspace
    assert application.amount_requested == Decimal("50000") and application.currency == "CNY"
    assert AuditEvent.objects.filter(action=VouchersAction.APPLICATION_SUBMITTED).count() == 1


@pytest.mark.parametrize("amount, code", [
    ("0", "invalid_money"), ("-5", "invalid_money"), ("abc", "invalid_money"),
    ("0.001", "invalid_money"), ("1000000.01", "above_cap"),
])
def test_bad_amounts_are_refused(apply, maker, amount, code):
    with pytest.raises(DomainError) as err:
        apply(maker, amount=amount)
    assert err.value.code == code and err.value.status_code == 400
    assert not VoucherApplication.objects.exists()


def test_the_cap_itself_may_be_applied_for(apply, maker):
    assert apply(maker, amount="1000000").pk


def test_an_unknown_category_is_refused(apply, maker):
    with pytest.raises(DomainError) as err:
        apply(maker, category="marketing")
    assert err.value.code == "unknown_category" and "rd_design" in str(err.value.message)
    assert not VoucherApplication.objects.exists()


def test_a_purpose_is_required(apply, maker):
    with pytest.raises(DomainError) as err:
        apply(maker, purpose="  ")
    assert err.value.code == "required"


def test_a_makerspace_outside_the_pilot_takes_no_application(programme, makerspace, maker):
    with pytest.raises(NotInPilot):
        voucher_apply(actor=maker, makerspace=makerspace, programme=programme, purpose="x",
                      category="rd_design", amount="10")
    assert not VoucherApplication.objects.exists()


def test_a_suspended_makerspace_takes_no_application(apply, admission, staff, maker):
    pilot_suspend(actor=staff, admission=admission, reason="x")
    with pytest.raises(NotInPilot):
        apply(maker)


def test_a_company_applies_through_its_people_only(apply, company, company_owner, maker):
    application = apply(company_owner, organisation=company, registered_on=REGISTERED)
    assert application.organisation == company
    assert application.organisation_registered_on == REGISTERED
    with pytest.raises(PermissionDeniedError):
        apply(maker, organisation=company, registered_on=REGISTERED)


def test_a_company_gives_its_registration_date(apply, company, company_owner):
    with pytest.raises(DomainError) as err:
        apply(company_owner, organisation=company)
    assert err.value.code == "registration_date_required"


def test_a_non_maker_organisation_cannot_apply(apply):
    provider = OrganisationFactory(kind=OrganisationKind.SERVICE_PROVIDER)
    owner = member_of(provider, MembershipRole.OWNER)
    with pytest.raises(DomainError) as err:
        apply(owner, organisation=provider)
    assert err.value.code == "not_a_maker_organisation"


# issuing ------------------------------------------------------------------------------

def test_the_operator_issues_the_voucher(application, operator, programme, makerspace, maker):
    voucher = voucher_issue(actor=operator, application=application)
    application.refresh_from_db()
    assert application.status == A.ISSUED and application.decided_by == operator
    assert voucher.recipient == maker and voucher.makerspace == makerspace
    assert voucher.amount_issued == voucher.balance_amount == Decimal("50000")
    assert voucher.categories == ["rd_design"]
    assert voucher.status == Voucher.Status.ACTIVE
    assert (voucher.valid_until - timezone.localdate()).days == programme.validity_days - 1
    assert makerspace_cap_used(makerspace, timezone.localdate().year).amount == Decimal("50000")
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {VouchersAction.VOUCHER_ISSUED, VouchersAction.APPLICATION_ISSUED} <= actions


def test_an_operator_member_issues_less_with_more_categories(application, operator_member):
    voucher = voucher_issue(actor=operator_member, application=application, amount="20000",
                            categories=["rd_design", "inspection_testing"])
    assert voucher.amount_issued == Decimal("20000")
    assert voucher.categories == ["rd_design", "inspection_testing"]


@pytest.mark.parametrize("kwargs, code", [
    ({"amount": "60000"}, "above_requested"),
    ({"amount": "0"}, "invalid_money"),
    ({"categories": ["marketing"]}, "unknown_category"),
    ({"categories": []}, "unknown_category"),
])
def test_bad_issue_input_writes_nothing(application, operator, kwargs, code):
    with pytest.raises(DomainError) as err:
        voucher_issue(actor=operator, application=application, **kwargs)
    assert err.value.code == code
    application.refresh_from_db()
    assert application.status == A.SUBMITTED
    assert not Voucher.objects.exists() and not IssuingAllowance.objects.exists()


@pytest.mark.parametrize("who", ["maker", "other_operator", "staff", "stranger"])
def test_only_the_makerspaces_operator_issues_or_refuses(application, request, who):
    user = request.getfixturevalue(who)
    with pytest.raises(PermissionDeniedError):
        voucher_issue(actor=user, application=application)
    with pytest.raises(PermissionDeniedError):
        voucher_refuse(actor=user, application=application, reason="x")
    application.refresh_from_db()
    assert application.status == A.SUBMITTED and not Voucher.objects.exists()


def test_an_application_is_issued_once(application, operator):
    voucher_issue(actor=operator, application=application)
    with pytest.raises(IllegalTransition) as err:
        voucher_issue(actor=operator, application=application)
    assert err.value.code == "already_issued"
    assert Voucher.objects.count() == 1
    assert makerspace_cap_used(application.makerspace, timezone.localdate().year).amount == 50000


def test_the_operator_refuses_with_a_reason(application, operator):
    with pytest.raises(DomainError) as err:
        voucher_refuse(actor=operator, application=application, reason="")
    assert err.value.code == "reason_required"
    voucher_refuse(actor=operator, application=application, reason="用途不符")
    application.refresh_from_db()
    assert application.status == A.REFUSED and application.refusal_reason == "用途不符"
    with pytest.raises(IllegalTransition) as err:
        voucher_issue(actor=operator, application=application)
    assert err.value.code == "application_refused"
    with pytest.raises(IllegalTransition):
        voucher_refuse(actor=operator, application=application, reason="again")


def test_an_issued_application_cannot_be_refused(application, operator):
    voucher_issue(actor=operator, application=application)
    with pytest.raises(IllegalTransition):
        voucher_refuse(actor=operator, application=application, reason="x")


def test_a_suspended_makerspace_cannot_issue(application, operator, admission, staff):
    pilot_suspend(actor=staff, admission=admission, reason="x")
    with pytest.raises(NotInPilot):
        voucher_issue(actor=operator, application=application)
    assert not Voucher.objects.exists()


# eligibility --------------------------------------------------------------------------

def test_an_unverified_maker_is_refused_at_issue(apply, unverified_maker, operator):
    application = apply(unverified_maker)
    with pytest.raises(Ineligible) as err:
        voucher_issue(actor=operator, application=application)
    assert err.value.code == "maker_not_verified" and err.value.status_code == 409
    assert "real-name verification" in str(err.value.message)
    application.refresh_from_db()
    assert application.status == A.SUBMITTED and not Voucher.objects.exists()


def test_verification_is_read_at_issue_time(apply, unverified_maker, operator):
    application = apply(unverified_maker)
    unverified_maker.verification_status = VerificationStatus.VERIFIED
    unverified_maker.save(update_fields=["verification_status"])
    assert voucher_issue(actor=operator, application=application).pk


def test_a_maker_team_is_eligible_through_a_verified_member(apply, operator):
    team = OrganisationFactory(kind=OrganisationKind.MAKER_COMPANY, name="创客小队")
    member = verified_user()
    from tests.factories import MembershipFactory

    MembershipFactory(organisation=team, user=member, role=MembershipRole.MEMBER)
    voucher = voucher_issue(actor=operator, application=apply(member, organisation=team))
    assert voucher.organisation == team


def test_the_last_eligible_day_of_a_company(apply, company, company_owner, operator):
    last = add_months(REGISTERED, 18)
    assert last == date(2026, 12, 15)
    with at(date(2026, 12, 1)):
        application = apply(company_owner, organisation=company, registered_on=REGISTERED)
    with at(last):
        voucher = voucher_issue(actor=operator, application=application)
    assert voucher.organisation == company and voucher.year == 2026


def test_the_day_after_is_refused(apply, company, company_owner, operator):
    with at(date(2026, 12, 1)):
        application = apply(company_owner, organisation=company, registered_on=REGISTERED)
    with at(date(2026, 12, 16)), pytest.raises(Ineligible) as err:
        voucher_issue(actor=operator, application=application)
    assert err.value.code == "company_too_old"
    assert err.value.data["last_eligible_day"] == "2026-12-15"
    assert "18 months" in str(err.value.message)
    application.refresh_from_db()
    assert application.status == A.SUBMITTED and not Voucher.objects.exists()


@pytest.mark.parametrize("start, months, end", [
    (date(2025, 8, 31), 18, date(2027, 2, 28)),
    (date(2024, 1, 31), 1, date(2024, 2, 29)),
    (date(2025, 6, 15), 18, date(2026, 12, 15)),
])
def test_add_months(start, months, end):
    assert add_months(start, months) == end


# the annual cap -----------------------------------------------------------------------

def test_the_cap_holds_at_its_boundary(apply, operator, makerspace):
    first = apply(verified_user(), amount="999999.99")
    voucher_issue(actor=operator, application=first)
    second = apply(verified_user(), amount="0.02")
    with pytest.raises(CapExhausted) as err:
        voucher_issue(actor=operator, application=second)
    assert err.value.code == "cap_exhausted" and err.value.data["remaining"] == "0.0100"
    assert voucher_issue(actor=operator, application=second, amount="0.01").pk
    assert makerspace_cap_used(makerspace, timezone.localdate().year).amount == Decimal("1000000")


def test_the_cap_is_per_calendar_year(apply, operator, makerspace):
    with at(date(2026, 12, 31)):
        voucher_issue(actor=operator, application=apply(verified_user(), amount="1000000"))
    with at(date(2027, 1, 1)):
        voucher_issue(actor=operator, application=apply(verified_user(), amount="1000000"))
    assert makerspace_cap_used(makerspace, 2026).amount == Decimal("1000000")
    assert makerspace_cap_used(makerspace, 2027).amount == Decimal("1000000")


def test_the_database_refuses_an_allowance_above_its_cap(apply, operator):
    voucher_issue(actor=operator, application=apply(verified_user(), amount="10"))
    allowance = IssuingAllowance.objects.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        IssuingAllowance.objects.filter(pk=allowance.pk).update(issued_amount=Decimal("1000001"))


@pytest.mark.django_db(transaction=True)
def test_concurrent_issues_never_exceed_the_cap(requires_postgres, apply, makerspace):
    """Ten issues at once with room for three: exactly three pass."""
    applications = [apply(verified_user(), amount="300000") for _ in range(10)]
    operators = [member_of(makerspace.operator, MembershipRole.MEMBER) for _ in applications]
    barrier = threading.Barrier(len(applications))
    results = []

    def issue(user, application):
        try:
            barrier.wait()
            voucher_issue(actor=user, application=application)
            results.append("ok")
        except CapExhausted:
            results.append("exhausted")
        finally:
            connection.close()

    threads = [threading.Thread(target=issue, args=pair)
               for pair in zip(operators, applications, strict=True)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == ["exhausted"] * 7 + ["ok"] * 3
    assert Voucher.objects.count() == 3
    assert makerspace_cap_used(makerspace, timezone.localdate().year).amount == Decimal("900000")
    assert VoucherApplication.objects.filter(status=A.ISSUED).count() == 3
