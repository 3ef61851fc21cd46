"""The programme from the region's pack, and the pilot's admissions: each move allowed
and refused, each party and the wrong one."""

from decimal import Decimal

import pytest

from marketplace.core.errors import (
    ConflictError,
    DomainError,
    IllegalTransition,
    PermissionDeniedError,
)
from marketplace.core.models import AuditEvent
from marketplace.core.validation import InvalidInput
from vouchers.models import PilotAdmission, Programme
from vouchers.names import VouchersAction
from vouchers.services.pilot import pilot_admit, pilot_apply, pilot_refuse, pilot_suspend
from vouchers.services.programmes import programme_create

pytestmark = pytest.mark.django_db
P = PilotAdmission.Status


def test_the_programme_starts_with_the_region_pack(programme):
    assert programme.region == "qingdao"
    assert programme.annual_cap_amount == Decimal("1000000")
    assert programme.currency == "CNY"
    assert programme.category_codes == ["rd_design", "inspection_testing",
                                        "intellectual_property"]
    assert programme.company_age_limit_months == 18
    assert programme.max_share_percent == Decimal("100")
    assert AuditEvent.objects.filter(action=VouchersAction.PROGRAMME_CREATED).count() == 1


def test_the_pack_figures_can_be_overridden(staff):
    programme = programme_create(actor=staff, annual_cap="500000", company_age_limit_months=24,
                                 categories=[{"code": "ip", "name": "知识产权"}])
    assert programme.annual_cap_amount == Decimal("500000")
    assert programme.company_age_limit_months == 24
    assert programme.category_codes == ["ip"]


@pytest.mark.parametrize("overrides, code", [
    ({"annual_cap": "0"}, "invalid_money"),
    ({"max_share_percent": "101"}, "bad_max_share"),
    ({"validity_days": "0"}, "bad_validity_days"),
    ({"categories": []}, "bad_categories"),
    ({"colour": "blue"}, "unknown_fields"),
])
def test_bad_programme_figures_are_refused(staff, overrides, code):
    with pytest.raises(DomainError) as err:
        programme_create(actor=staff, **overrides)
    assert err.value.code == code
    assert not Programme.objects.exists()


def test_only_staff_create_a_programme_and_one_per_region(staff, stranger):
    with pytest.raises(PermissionDeniedError):
        programme_create(actor=stranger)
    programme_create(actor=staff)
    with pytest.raises(ConflictError):
        programme_create(actor=staff)
    assert Programme.objects.count() == 1


def test_an_operator_applies_and_staff_admit(programme, makerspace, operator, staff):
    admission = pilot_apply(actor=operator, makerspace=makerspace, programme=programme)
    assert admission.status == P.APPLIED
    pilot_admit(actor=staff, admission=admission)
    admission.refresh_from_db()
    assert admission.status == P.ADMITTED and admission.decided_by == staff
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {VouchersAction.PILOT_APPLIED, VouchersAction.PILOT_ADMITTED} <= actions


def test_an_operator_member_may_apply(programme, makerspace, operator_member):
    assert pilot_apply(actor=operator_member, makerspace=makerspace, programme=programme).pk


def test_another_makerspaces_operator_cannot_apply(programme, makerspace, other_operator):
    with pytest.raises(PermissionDeniedError):
        pilot_apply(actor=other_operator, makerspace=makerspace, programme=programme)
    assert not PilotAdmission.objects.exists()


def test_a_second_open_application_is_refused(programme, makerspace, operator):
    pilot_apply(actor=operator, makerspace=makerspace, programme=programme)
    with pytest.raises(ConflictError):
        pilot_apply(actor=operator, makerspace=makerspace, programme=programme)


def test_a_refused_makerspace_may_apply_again(programme, makerspace, operator, staff):
    first = pilot_apply(actor=operator, makerspace=makerspace, programme=programme)
    pilot_refuse(actor=staff, admission=first, reason="场地不足")
    first.refresh_from_db()
    assert first.status == P.REFUSED and first.reason == "场地不足"
    assert pilot_apply(actor=operator, makerspace=makerspace, programme=programme).pk != first.pk


def test_only_staff_decide(programme, makerspace, operator):
    admission = pilot_apply(actor=operator, makerspace=makerspace, programme=programme)
    with pytest.raises(PermissionDeniedError):
        pilot_admit(actor=operator, admission=admission)
    with pytest.raises(PermissionDeniedError):
        pilot_refuse(actor=operator, admission=admission, reason="x")
    admission.refresh_from_db()
    assert admission.status == P.APPLIED


def test_refusing_needs_a_reason(programme, makerspace, operator, staff):
    admission = pilot_apply(actor=operator, makerspace=makerspace, programme=programme)
    with pytest.raises(InvalidInput) as err:
        pilot_refuse(actor=staff, admission=admission, reason="  ")
    assert err.value.code == "reason_required"


def test_suspending_an_admitted_makerspace(admission, staff):
    pilot_suspend(actor=staff, admission=admission, reason="违规发放")
    admission.refresh_from_db()
    assert admission.status == P.SUSPENDED


@pytest.mark.parametrize("move", ["admit", "refuse", "suspend"])
def test_a_suspended_makerspace_moves_nowhere(admission, staff, move):
    pilot_suspend(actor=staff, admission=admission, reason="违规")
    services = {"admit": lambda: pilot_admit(actor=staff, admission=admission),
                "refuse": lambda: pilot_refuse(actor=staff, admission=admission, reason="x"),
                "suspend": lambda: pilot_suspend(actor=staff, admission=admission, reason="x")}
    with pytest.raises(IllegalTransition):
        services[move]()


def test_an_applied_makerspace_cannot_be_suspended(programme, makerspace, operator, staff):
    admission = pilot_apply(actor=operator, makerspace=makerspace, programme=programme)
    with pytest.raises(IllegalTransition) as err:
        pilot_suspend(actor=staff, admission=admission, reason="x")
    assert err.value.code == "not_admitted"


def test_admitting_twice_is_refused(admission, staff):
    with pytest.raises(IllegalTransition) as err:
        pilot_admit(actor=staff, admission=admission)
    assert err.value.code == "already_admitted"


def test_a_refused_admission_cannot_be_admitted(programme, makerspace, operator, staff):
    admission = pilot_apply(actor=operator, makerspace=makerspace, programme=programme)
    pilot_refuse(actor=staff, admission=admission, reason="x")
    with pytest.raises(IllegalTransition) as err:
        pilot_admit(actor=staff, admission=admission)
    assert err.value.code == "refused"
