"""Commitments: readiness, tickets, the deadline, the packs' limits (CN investor cap,
Reg CF 12-month limit, EU overexposure consent) at their boundaries, cancellation and
revocation per pack, and who may do what."""

from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone, translation

from crowdfunding.equity.errors import (
    CommitmentOpen,
    EquityValidationError,
    InvestorNotReady,
    LimitReached,
    OfferingNotOpen,
)
from crowdfunding.equity.models import Commitment, Offering
from crowdfunding.equity.selectors import commitments_list_for_viewer
from crowdfunding.equity.services.commitments import commitment_cancel, commitment_create
from crowdfunding.equity.services.offerings import offering_cancel, offering_close
from marketplace.accounts.models import VerificationStatus
from marketplace.core.errors import ConflictError, IllegalTransition, PermissionDeniedError
from marketplace.core.models import AuditEvent
from marketplace.core.money import Money
from tests.factories import StaffFactory, UserFactory

from .offerings import approved, draft, issuer, issuer_member, live, ready_investor

pytestmark = pytest.mark.django_db
C = Commitment.Status


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def existing(offering, count):
    """``count`` other investors already committed to ``offering`` (rows written
    directly: only their number matters)."""
    for _ in range(count):
        Commitment.objects.create(offering=offering, investor=UserFactory(), currency="CNY",
                                  amount_value="1000", shares=100,
                                  cancellation_ends_at=offering.deadline)


def test_a_ready_investor_commits_whole_shares():
    offering = live()
    investor = ready_investor()
    commitment = commitment_create(actor=investor, offering=offering, amount="1230")
    assert commitment.status == C.COMMITTED
    assert commitment.amount == Money("1230", "CNY") and commitment.shares == 123
    assert commitment.cancellation_ends_at == offering.deadline  # CN: until the close
    assert commitment.reflection_ends_at is None
    assert AuditEvent.objects.filter(action="equity.commitment.created",
                                     object_id=str(commitment.pk)).count() == 1


def test_a_safe_commitment_has_no_shares():
    offering = live(instrument="safe", price_per_share=None, valuation_cap="9000000",
                    discount_percent="15")
    commitment = commitment_create(actor=ready_investor(), offering=offering, amount="1234.56")
    assert commitment.shares is None


def test_an_investor_not_ready_is_told_every_missing_step():
    offering = live()
    unverified = UserFactory()
    with pytest.raises(InvestorNotReady) as caught:
        commitment_create(actor=unverified, offering=offering, amount="1000")
    assert caught.value.data["missing"] == ["real_name", "classification", "knowledge_test",
                                            "risk_warning"]
    assert caught.value.status_code == 400
    assert "Verify your real name" in caught.value.message
    assert not Commitment.objects.exists()


def test_a_stale_classification_is_refused():
    offering = live(deadline=timezone.now() + timedelta(days=100),
                    starts_at=timezone.now() + timedelta(days=1))
    investor = ready_investor()
    with time_machine.travel(timezone.now() + timedelta(days=800), tick=False), \
            pytest.raises(InvestorNotReady) as caught:
        commitment_create(actor=investor, offering=offering, amount="1000")
    assert "classification" in caught.value.data["missing"]


@pytest.mark.parametrize(("amount", "code"), [
    ("990", "below_min_ticket"),
    ("50010", "above_max_ticket"),
    ("1005", "not_whole_shares"),
    ("1000.001", "invalid_amount"),
    ("-1000", "invalid_amount"),
    ("0", "invalid_amount"),
    ("lots", "invalid_amount"),
    (1000.0, "invalid_amount"),
    (Money("1000", "USD"), "wrong_currency"),
])
def test_bad_tickets_are_refused_naming_the_amount(amount, code):
    offering = live()
    investor = ready_investor()
    with pytest.raises(EquityValidationError) as caught:
        commitment_create(actor=investor, offering=offering, amount=amount)
    assert caught.value.code == code and caught.value.data["field"] == "amount"
    assert not Commitment.objects.exists()


def test_the_tickets_at_their_boundaries():
    offering = live()
    assert commitment_create(actor=ready_investor(), offering=offering, amount="1000")
    assert commitment_create(actor=ready_investor(), offering=offering, amount="50000")


def test_no_commitment_before_the_launch_or_at_the_deadline():
    waiting = approved()
    with pytest.raises(OfferingNotOpen):
        commitment_create(actor=ready_investor(), offering=waiting, amount="1000")
    offering = live()
    investor = ready_investor()
    with time_machine.travel(offering.deadline - timedelta(seconds=1), tick=False):
        assert commitment_create(actor=investor, offering=offering, amount="1000")
    with time_machine.travel(offering.deadline, tick=False), pytest.raises(OfferingNotOpen):
        commitment_create(actor=ready_investor(), offering=offering, amount="1000")
    assert Commitment.objects.count() == 1


def test_the_issuers_people_and_anonymous_cannot_commit():
    offering = live()
    for actor in (issuer_member(offering.organisation), AnonymousUser()):
        with pytest.raises(PermissionDeniedError):
            commitment_create(actor=actor, offering=offering, amount="1000")


def test_one_open_commitment_per_investor_and_offering():
    offering = live()
    investor = ready_investor()
    first = commitment_create(actor=investor, offering=offering, amount="1000")
    with pytest.raises(CommitmentOpen):
        commitment_create(actor=investor, offering=offering, amount="2000")
    commitment_cancel(actor=investor, commitment=first)
    assert commitment_create(actor=investor, offering=offering, amount="2000")


def test_first_come_stops_at_the_maximum():
    offering = live(maximum="100000", target="50000")
    for _ in range(2):
        commitment_create(actor=ready_investor(), offering=offering, amount="40000")
    with pytest.raises(LimitReached) as caught:
        commitment_create(actor=ready_investor(), offering=offering, amount="20010")
    assert "20,000.00" in caught.value.message or "20000" in caught.value.message
    assert commitment_create(actor=ready_investor(), offering=offering, amount="20000")


def test_pro_rata_takes_oversubscription():
    offering = live(maximum="100000", target="50000", allocation="pro_rata")
    for _ in range(3):
        commitment_create(actor=ready_investor(), offering=offering, amount="40000")
    assert Commitment.objects.filter(offering=offering).count() == 3


def test_cn_investor_cap_the_50th_joins_the_51st_does_not():
    offering = live(vehicle="llc")
    existing(offering, 49)
    assert commitment_create(actor=ready_investor(), offering=offering, amount="1000")
    with pytest.raises(LimitReached) as caught:
        commitment_create(actor=ready_investor(), offering=offering, amount="1000")
    assert caught.value.code == "investor_cap_reached" and "50" in caught.value.message


def test_cn_investor_cap_counts_across_the_issuers_offerings():
    org = issuer()
    maker = issuer_member(org)
    first = live(organisation=org, actor=maker, vehicle="llc")
    second = live(organisation=org, actor=maker, vehicle="llc")
    existing(first, 49)
    investor = ready_investor()
    commitment_create(actor=investor, offering=first, amount="1000")  # the 50th
    # already counted: a second offering of the same issuer adds no one
    assert commitment_create(actor=investor, offering=second, amount="1000")
    with pytest.raises(LimitReached):
        commitment_create(actor=ready_investor(), offering=second, amount="1000")
    # another issuer has its own count
    assert commitment_create(actor=ready_investor(), offering=live(vehicle="llc"),
                             amount="1000")


def test_a_company_limited_by_shares_admits_200():
    offering = live()
    existing(offering, 199)
    assert commitment_create(actor=ready_investor(), offering=offering, amount="1000")
    with pytest.raises(LimitReached):
        commitment_create(actor=ready_investor(), offering=offering, amount="1000")


@pytest.fixture
def reg_cf(settings):
    settings.EQUITY_RULE_PACK = "us_reg_cf"


def us_offering(**overrides):
    start = timezone.now() + timedelta(days=1)
    values = {"price_per_share": "1", "min_ticket": "100", "max_ticket": "20000",
              "starts_at": start, "deadline": start + timedelta(days=30)}
    values.update(overrides)
    return live(**values)


def test_reg_cf_limit_counts_elsewhere_and_here(reg_cf):
    # income 50,000 / net worth 20,000: USD 2,500 a year; 2,000 declared elsewhere
    investor = ready_investor(annual_income="50000", net_worth="20000",
                              invested_elsewhere_12m="2000")
    first, second = us_offering(), us_offering()
    with pytest.raises(LimitReached) as caught:
        commitment_create(actor=investor, offering=first, amount="501")
    assert "$500.00" in caught.value.message and "227.100" in caught.value.message
    commitment = commitment_create(actor=investor, offering=first, amount="400")
    assert commitment.currency == "USD"
    with pytest.raises(LimitReached):
        commitment_create(actor=investor, offering=second, amount="101")
    assert commitment_create(actor=investor, offering=second, amount="100")


def test_reg_cf_canceled_commitments_free_the_limit(reg_cf):
    investor = ready_investor(annual_income="50000", net_worth="20000")
    offering = us_offering()
    commitment = commitment_create(actor=investor, offering=offering, amount="2500")
    commitment_cancel(actor=investor, commitment=commitment)
    assert commitment.status == C.CANCELED
    assert commitment_create(actor=investor, offering=us_offering(), amount="2500")


def test_reg_cf_accredited_investors_have_no_limit(reg_cf):
    investor = ready_investor("sophisticated", annual_income="50000", net_worth="20000")
    assert commitment_create(actor=investor, offering=us_offering(), amount="20000")


def test_reg_cf_cancel_until_48_hours_before_the_deadline(reg_cf):
    offering = us_offering()
    investor = ready_investor()
    early = commitment_create(actor=investor, offering=offering, amount="100")
    assert early.cancellation_ends_at == offering.deadline - timedelta(hours=48)
    with time_machine.travel(offering.deadline - timedelta(hours=48, seconds=1), tick=False):
        commitment_cancel(actor=investor, commitment=early)
    assert early.status == C.CANCELED
    late = commitment_create(actor=investor, offering=offering, amount="100")
    with time_machine.travel(offering.deadline - timedelta(hours=48), tick=False), \
            pytest.raises(ConflictError) as caught:
        commitment_cancel(actor=investor, commitment=late)
    assert caught.value.code == "cancellation_closed"
    assert Commitment.objects.get(pk=late.pk).status == C.COMMITTED


@pytest.fixture
def ecsp(settings):
    settings.EQUITY_RULE_PACK = "eu_ecsp"


def eu_offering():
    return live(price_per_share=None, instrument="safe", valuation_cap="5000000",
                discount_percent="10", min_ticket="100", max_ticket="50000")


def test_eu_overexposure_needs_explicit_consent(ecsp):
    offering = eu_offering()
    investor = ready_investor(net_worth="20000")
    with pytest.raises(EquityValidationError) as caught:
        commitment_create(actor=investor, offering=offering, amount="1000.01")
    assert caught.value.code == "overexposure_consent_required"
    assert caught.value.data["field"] == "warning_consent"
    assert not Commitment.objects.exists()
    commitment = commitment_create(actor=investor, offering=offering, amount="1000.01",
                                   warning_consent=True)
    assert commitment.warning_consent


def test_eu_no_consent_needed_at_the_threshold(ecsp):
    commitment = commitment_create(actor=ready_investor(net_worth="20000"),
                                   offering=eu_offering(), amount="1000.00")
    assert not commitment.warning_consent


def test_eu_revocation_in_the_reflection_period_and_not_after(ecsp):
    offering = eu_offering()
    investor = ready_investor()
    commitment = commitment_create(actor=investor, offering=offering, amount="500")
    assert commitment.reflection_ends_at is not None
    assert commitment.cancellation_ends_at == commitment.reflection_ends_at
    with time_machine.travel(commitment.reflection_ends_at - timedelta(minutes=1), tick=False):
        commitment_cancel(actor=investor, commitment=commitment)
    assert commitment.status == C.REVOKED
    assert AuditEvent.objects.filter(action="equity.commitment.revoked").count() == 1
    with pytest.raises(IllegalTransition):
        commitment_cancel(actor=investor, commitment=commitment)
    again = commitment_create(actor=investor, offering=offering, amount="500")
    with time_machine.travel(again.reflection_ends_at, tick=False), \
            pytest.raises(ConflictError):
        commitment_cancel(actor=investor, commitment=again)


def test_eu_sophisticated_investors_have_no_reflection_period(ecsp):
    investor = ready_investor("sophisticated")
    commitment = commitment_create(actor=investor, offering=eu_offering(), amount="500")
    assert commitment.reflection_ends_at is None
    with pytest.raises(ConflictError):
        commitment_cancel(actor=investor, commitment=commitment)


def test_cn_cancel_until_the_close():
    offering = live()
    investor = ready_investor()
    commitment = commitment_create(actor=investor, offering=offering, amount="1000")
    with time_machine.travel(offering.deadline, tick=False), pytest.raises(ConflictError):
        commitment_cancel(actor=investor, commitment=commitment)
    with time_machine.travel(offering.deadline - timedelta(seconds=1), tick=False):
        commitment_cancel(actor=investor, commitment=commitment)
    assert commitment.status == C.CANCELED


def test_only_the_investor_cancels():
    offering = live()
    commitment = commitment_create(actor=ready_investor(), offering=offering, amount="1000")
    for actor in (UserFactory(), StaffFactory(), issuer_member(offering.organisation)):
        with pytest.raises(PermissionDeniedError):
            commitment_cancel(actor=actor, commitment=commitment)
    assert Commitment.objects.get(pk=commitment.pk).status == C.COMMITTED


def test_canceling_the_offering_cancels_its_commitments():
    offering = live()
    commitment = commitment_create(actor=ready_investor(), offering=offering, amount="1000")
    offering_cancel(actor=offering.created_by, offering=offering, reason="Stopped.")
    commitment.refresh_from_db()
    assert commitment.status == C.CANCELED


def test_the_close_counts_open_commitments_only():
    offering = live(target="2000")
    investor = ready_investor()
    commitment_create(actor=ready_investor(), offering=offering, amount="1000")
    canceled = commitment_create(actor=investor, offering=offering, amount="1000")
    commitment_cancel(actor=investor, commitment=canceled)
    offering_close(offering=offering, now=offering.deadline)
    assert offering.status == Offering.Status.CLOSED_UNSUCCESSFUL


def test_who_sees_which_commitment():
    offering = live()
    investor, other = ready_investor(), ready_investor()
    mine = commitment_create(actor=investor, offering=offering, amount="1000")
    theirs = commitment_create(actor=other, offering=offering, amount="1000")

    def seen(viewer):
        return set(commitments_list_for_viewer(viewer=viewer).values_list("pk", flat=True))

    assert seen(investor) == {mine.pk}
    assert seen(other) == {theirs.pk}
    assert seen(issuer_member(offering.organisation)) == {mine.pk, theirs.pk}
    assert seen(issuer_member(issuer())) == set()
    assert seen(StaffFactory()) == {mine.pk, theirs.pk}
    assert seen(AnonymousUser()) == set()


def test_a_draft_is_invisible_so_nobody_commits_to_it():
    offering = draft()
    with pytest.raises(OfferingNotOpen):
        commitment_create(actor=ready_investor(), offering=offering, amount="1000")


def test_an_investor_whose_real_name_lapsed_is_refused():
    offering = live()
    investor = ready_investor()
    investor.verification_status = VerificationStatus.UNVERIFIED
    investor.save()
    with pytest.raises(InvestorNotReady) as caught:
        commitment_create(actor=investor, offering=offering, amount="1000")
    assert caught.value.data["missing"] == ["real_name"]


def test_readiness_is_asked_of_the_offerings_own_pack(settings):
    """An offering keeps the pack it was created under: CN asks every investor for the
    knowledge test, even after the deployment moved to a pack that does not ask a
    sophisticated investor for it."""
    from crowdfunding.equity.services.investors import (
        investor_profile_approve,
        investor_profile_submit,
        risk_warning_acknowledge,
    )
    from tests.catalog.factories import pdf_upload

    from .conftest import amounts

    offering = live()
    settings.EQUITY_RULE_PACK = "eu_ecsp"
    user = UserFactory(verification_status=VerificationStatus.VERIFIED)
    profile = investor_profile_submit(actor=user, classification="sophisticated",
                                      amounts=amounts(), evidence=pdf_upload("proof.pdf"))
    investor_profile_approve(actor=StaffFactory(), profile=profile)
    risk_warning_acknowledge(actor=user)
    with pytest.raises(InvestorNotReady) as caught:
        commitment_create(actor=user, offering=offering, amount="1000")
    assert caught.value.data["missing"] == ["knowledge_test"]
