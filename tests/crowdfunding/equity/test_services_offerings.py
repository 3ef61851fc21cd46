"""Offerings: creation's bad input (nothing written), every transition allowed and
refused, the permissions of each role, and launch and close by the chronograph."""

from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone, translation

from crowdfunding.equity.deadlines import offering_close_due, offering_launch_due
from crowdfunding.equity.errors import EquityValidationError
from crowdfunding.equity.models import Commitment, Offering
from crowdfunding.equity.services.offerings import (
    offering_approve,
    offering_cancel,
    offering_close,
    offering_create,
    offering_request_changes,
    offering_revise,
    offering_submit,
    offering_update,
)
from marketplace.accounts.models import MembershipRole, OrganisationKind
from marketplace.core.errors import ConflictError, IllegalTransition, PermissionDeniedError
from marketplace.core.models import AuditEvent
from marketplace.core.money import Money
from tests.factories import OrganisationFactory, StaffFactory, UserFactory, member_of

from .offerings import approved, draft, issuer, issuer_member, live, offering_values

pytestmark = pytest.mark.django_db
S = Offering.Status


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def actions(offering):
    return list(AuditEvent.objects.filter(object_id=str(offering.pk),
                                          action__startswith="equity.offering.")
                .order_by("pk").values_list("action", flat=True))


def test_a_member_of_a_verified_maker_company_drafts_an_offering():
    org = issuer()
    maker = issuer_member(org)
    offering = offering_create(actor=maker, organisation=org, **offering_values())
    assert offering.status == S.DRAFT
    assert offering.rule_pack == "cn" and offering.currency == "CNY"
    assert offering.target == Money("100000", "CNY")
    assert offering.price_per_share == Money("10", "CNY")
    assert actions(offering) == ["equity.offering.created"]


def test_a_safe_has_a_valuation_cap_and_a_discount():
    offering = draft(instrument="safe", price_per_share=None, valuation_cap="8000000",
                     discount_percent="20")
    assert offering.valuation_cap == Money("8000000", "CNY")
    assert offering.discount_percent == Decimal("20")
    assert not offering.sells_shares


@pytest.mark.parametrize("make", [
    lambda: OrganisationFactory(),  # not verified
    lambda: OrganisationFactory(verified=True, kind=OrganisationKind.GOVERNMENT_AGENCY),
])
def test_only_a_verified_maker_company_may_offer(make):
    org = make()
    with pytest.raises(PermissionDeniedError):
        offering_create(actor=member_of(org, MembershipRole.OWNER), organisation=org,
                        **offering_values())
    assert not Offering.objects.exists()


def test_an_outsider_or_staff_cannot_draft_for_the_company():
    org = issuer()
    for actor in (UserFactory(), StaffFactory(), issuer_member(issuer())):
        with pytest.raises(PermissionDeniedError):
            offering_create(actor=actor, organisation=org, **offering_values())
    assert not Offering.objects.exists()


@pytest.mark.parametrize(("overrides", "field"), [
    ({"min_ticket": "60000", "max_ticket": "50000"}, "min_ticket"),
    ({"target": "200000.01"}, "target"),
    ({"max_ticket": "200010"}, "max_ticket"),
    ({"target": Money("100000", "USD")}, "target"),
    ({"currency": "USD"}, "currency"),
    ({"price_per_share": "0"}, "price_per_share"),
    ({"price_per_share": "-1"}, "price_per_share"),
    ({"price_per_share": None}, "price_per_share"),
    ({"price_per_share": "abc"}, "price_per_share"),
    ({"price_per_share": 10.5}, "price_per_share"),
    ({"min_ticket": "1005"}, "min_ticket"),
    ({"valuation_cap": "1000000"}, "valuation_cap"),
    ({"instrument": "safe", "price_per_share": None}, "valuation_cap"),
    ({"instrument": "safe", "valuation_cap": "8000000"}, "price_per_share"),
    ({"instrument": "safe", "price_per_share": None, "valuation_cap": "1",
      "discount_percent": "100"}, "discount_percent"),
    ({"instrument": "warrant"}, "instrument"),
    ({"allocation": "lottery"}, "allocation"),
    ({"holding": "trust"}, "holding"),
    ({"vehicle": "gmbh"}, "vehicle"),
    ({"title": " "}, "title"),
    ({"pre_money_valuation": ""}, "pre_money_valuation"),
    ({"deadline": timezone.now() - timedelta(minutes=1)}, "deadline"),
    ({"starts_at": timezone.now() - timedelta(minutes=1)}, "starts_at"),
    ({"deadline": timezone.now() + timedelta(days=1, hours=1)}, "deadline"),  # < 7 days
    ({"deadline": timezone.now() + timedelta(days=182)}, "deadline"),  # > 180 days
    ({"starts_at": None}, "starts_at"),
    ({"lead_investor": 987654}, "lead_investor"),
])
def test_bad_input_is_refused_naming_the_field_and_writes_nothing(overrides, field):
    org = issuer()
    maker = issuer_member(org)
    with pytest.raises(EquityValidationError) as caught:
        offering_create(actor=maker, organisation=org, **offering_values(**overrides))
    assert caught.value.data["field"] == field
    assert caught.value.status_code == 400
    assert not Offering.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="equity.offering.").exists()


def test_the_duration_limits_at_their_boundaries():
    start = timezone.now() + timedelta(days=1)
    assert draft(starts_at=start, deadline=start + timedelta(days=7))
    assert draft(starts_at=start, deadline=start + timedelta(days=180))
    for days in (timedelta(days=7) - timedelta(seconds=1),
                 timedelta(days=180, seconds=1)):
        with pytest.raises(EquityValidationError):
            draft(starts_at=start, deadline=start + days)


def test_reg_cf_offerings_run_at_least_21_days(settings):
    settings.EQUITY_RULE_PACK = "us_reg_cf"
    start = timezone.now() + timedelta(days=1)
    with pytest.raises(EquityValidationError) as caught:
        draft(starts_at=start, deadline=start + timedelta(days=20))
    assert "21" in caught.value.message
    offering = draft(starts_at=start, deadline=start + timedelta(days=21))
    assert offering.rule_pack == "us_reg_cf" and offering.currency == "USD"


def test_the_lead_investor_is_another_person():
    org = issuer()
    maker = issuer_member(org)
    lead = UserFactory()
    assert draft(org, maker, lead_investor=lead.pk).lead_investor == lead
    with pytest.raises(EquityValidationError):
        draft(org, maker, lead_investor=maker.pk)


def test_unknown_fields_are_refused():
    org = issuer()
    with pytest.raises(Exception) as caught:
        offering_create(actor=issuer_member(org), organisation=org,
                        **offering_values(colour="red"))
    assert caught.value.code == "unknown_fields"


def test_a_draft_is_edited_with_every_rule_checked_again():
    offering = draft()
    offering_update(actor=offering.created_by, offering=offering, allocation="pro_rata",
                    maximum="300000")
    offering.refresh_from_db()
    assert offering.allocation == "pro_rata" and offering.maximum == Money("300000", "CNY")
    with pytest.raises(EquityValidationError) as caught:
        offering_update(actor=offering.created_by, offering=offering, target="300001")
    assert caught.value.data["field"] == "target"
    offering.refresh_from_db()
    assert offering.target == Money("100000", "CNY")


def test_terms_are_fixed_once_submitted():
    offering = draft()
    offering_submit(actor=offering.created_by, offering=offering)
    with pytest.raises(ConflictError):
        offering_update(actor=offering.created_by, offering=offering, allocation="pro_rata")
    offering.refresh_from_db()
    assert offering.allocation == "first_come"


def test_others_cannot_edit_or_submit():
    offering = draft()
    for actor in (UserFactory(), StaffFactory(), issuer_member(issuer())):
        with pytest.raises(PermissionDeniedError):
            offering_update(actor=actor, offering=offering, title="x")
        with pytest.raises(PermissionDeniedError):
            offering_submit(actor=actor, offering=offering)


def test_the_review_round_trip():
    offering = draft()
    maker, staff = offering.created_by, StaffFactory()
    offering_submit(actor=maker, offering=offering)
    with pytest.raises(EquityValidationError):
        offering_request_changes(actor=staff, offering=offering, reason=" ")
    offering_request_changes(actor=staff, offering=offering, reason="Add the risks.")
    assert offering.status == S.CHANGES_REQUESTED and offering.review_reason == "Add the risks."
    offering_revise(actor=maker, offering=offering)
    offering_update(actor=maker, offering=offering, summary="With risks.")
    offering_submit(actor=maker, offering=offering)
    offering_approve(actor=staff, offering=offering, reason="Fine.")
    assert offering.status == S.APPROVED and offering.reviewed_by == staff
    assert actions(offering) == [
        "equity.offering.created", "equity.offering.submitted",
        "equity.offering.changes_requested", "equity.offering.revised",
        "equity.offering.updated", "equity.offering.submitted", "equity.offering.approved"]


def test_only_staff_outside_the_issuer_review():
    offering = draft()
    offering_submit(actor=offering.created_by, offering=offering)
    staff_member = member_of(offering.organisation, MembershipRole.MEMBER, is_staff=True)
    for actor in (offering.created_by, UserFactory(), staff_member):
        with pytest.raises(PermissionDeniedError):
            offering_approve(actor=actor, offering=offering)
        with pytest.raises(PermissionDeniedError):
            offering_request_changes(actor=actor, offering=offering, reason="no")
    assert Offering.objects.get(pk=offering.pk).status == S.SUBMITTED


def test_refused_transitions():
    offering = draft()
    maker, staff = offering.created_by, StaffFactory()
    with pytest.raises(IllegalTransition):
        offering_approve(actor=staff, offering=offering)  # draft -> approved
    with pytest.raises(IllegalTransition):
        offering_revise(actor=maker, offering=offering)  # draft -> draft
    offering_submit(actor=maker, offering=offering)
    with pytest.raises(IllegalTransition):
        offering_submit(actor=maker, offering=offering)
    with pytest.raises(IllegalTransition) as caught:
        offering_cancel(actor=maker, offering=offering, reason="stop")
    assert "under review" in caught.value.message
    offering_approve(actor=staff, offering=offering)
    with pytest.raises(IllegalTransition):
        offering_request_changes(actor=staff, offering=offering, reason="late")
    with pytest.raises(IllegalTransition):
        offering_revise(actor=maker, offering=offering)
    assert Offering.objects.get(pk=offering.pk).status == S.APPROVED


def test_submit_refuses_a_start_that_has_passed():
    offering = draft()
    with time_machine.travel(offering.starts_at + timedelta(seconds=1), tick=False), \
            pytest.raises(EquityValidationError) as caught:
        offering_submit(actor=offering.created_by, offering=offering)
    assert caught.value.data["field"] == "starts_at"
    assert Offering.objects.get(pk=offering.pk).status == S.DRAFT


@pytest.mark.parametrize("stage", ["draft", "approved", "live"])
def test_cancel_from_draft_approved_and_live(stage):
    offering = {"draft": draft, "approved": approved, "live": live}[stage]()
    with pytest.raises(EquityValidationError):
        offering_cancel(actor=offering.created_by, offering=offering, reason="")
    offering_cancel(actor=offering.created_by, offering=offering, reason="Market changed.")
    assert offering.status == S.CANCELED and offering.cancel_reason == "Market changed."
    with pytest.raises(IllegalTransition):
        offering_cancel(actor=offering.created_by, offering=offering, reason="again")


def test_staff_stop_an_offering_and_outsiders_cannot():
    offering = live()
    for actor in (UserFactory(), issuer_member(issuer())):
        with pytest.raises(PermissionDeniedError):
            offering_cancel(actor=actor, offering=offering, reason="no")
    offering_cancel(actor=StaffFactory(), offering=offering, reason="Misleading terms.")
    assert offering.status == S.CANCELED


def test_the_chronograph_launches_at_the_start_and_not_before():
    offering = approved()
    assert offering_launch_due(offering.starts_at - timedelta(seconds=1)) == 0
    assert offering_launch_due(offering.starts_at) == 1
    offering.refresh_from_db()
    assert offering.status == S.LIVE and offering.launched_at == offering.starts_at
    assert offering_launch_due(offering.starts_at) == 0


def test_a_draft_or_submitted_offering_is_not_launched():
    offering = draft()
    assert offering_launch_due(offering.starts_at + timedelta(days=1)) == 0
    assert Offering.objects.get(pk=offering.pk).status == S.DRAFT


def test_the_close_at_the_deadline_with_the_target_missed():
    offering = live()
    assert offering_close_due(offering.deadline - timedelta(seconds=1)) == 0
    assert offering_close_due(offering.deadline) == 1
    offering.refresh_from_db()
    assert offering.status == S.CLOSED_UNSUCCESSFUL and offering.closed_at == offering.deadline
    assert actions(offering)[-2:] == ["equity.offering.closing",
                                      "equity.offering.closed_unsuccessful"]
    assert offering_close_due(offering.deadline) == 0


def test_the_close_with_the_target_met_exactly():
    offering = live()
    for amount in ("60000", "40000"):
        Commitment.objects.create(offering=offering, investor=UserFactory(), currency="CNY",
                                  amount_value=amount, shares=int(amount) // 10,
                                  cancellation_ends_at=offering.deadline)
    with time_machine.travel(offering.deadline, tick=False):
        assert offering_close_due(timezone.now()) == 1
    offering.refresh_from_db()
    assert offering.status == S.CLOSED_SUCCESSFUL


def test_the_close_before_the_deadline_is_refused():
    offering = live()
    with pytest.raises(EquityValidationError):
        offering_close(offering=offering, now=offering.deadline - timedelta(seconds=1))
    assert Offering.objects.get(pk=offering.pk).status == S.LIVE


def test_a_closed_offering_cannot_be_canceled_or_closed_again():
    offering = live()
    offering_close_due(offering.deadline)
    offering.refresh_from_db()
    with pytest.raises(IllegalTransition) as caught:
        offering_cancel(actor=StaffFactory(), offering=offering, reason="late")
    assert caught.value.message == "This offering is closed."
    with pytest.raises(IllegalTransition):
        offering_close(offering=offering, now=offering.deadline)


def test_refusals_read_in_chinese():
    org = issuer()
    maker = issuer_member(org)
    with translation.override("zh-hans"), pytest.raises(EquityValidationError) as caught:
        offering_create(actor=maker, organisation=org,
                        **offering_values(min_ticket="60000", max_ticket="50000"))
    assert str(caught.value) == "最低认购额不能高于最高认购额。"
    offering = live()
    offering_close(offering=offering, now=offering.deadline)
    with translation.override("zh-hans"), pytest.raises(IllegalTransition) as caught:
        offering_cancel(actor=StaffFactory(), offering=offering, reason="x")
    assert str(caught.value) == "该发行已结束。"
