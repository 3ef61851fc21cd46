"""First sets of equipment: a unit counts only once both sides of the purchase confirmed
it on its purchase document (the maker and a verified buyer unrelated to it), or staff on
that document; the first three confirmed per buyer count, also under concurrency;
insurance (premium = insured x rate, rate and premium capped at 3 %, subsidy, continuity,
3-year limit)."""

import threading
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone, translation

from catalog.errors import CatalogValidationError, InsuranceRuleError
from catalog.models import FirstSetInsurance, FirstSetUnit
from catalog.selectors import product_first_set_summary
from catalog.services.first_sets import (
    add_years,
    first_set_insurance_record,
    first_set_unit_confirm,
    first_set_unit_record,
    first_set_unit_reject,
    insurance_premium,
    insurance_subsidy,
)
from marketplace.accounts.models import MembershipRole, OrganisationKind
from marketplace.core.errors import ConflictError, IllegalTransition, PermissionDeniedError
from marketplace.core.models import AuditEvent
from marketplace.core.money import Money
from marketplace.notifications.models import Notification
from tests.catalog.factories import (
    BuyerFactory,
    FirstSetProductFactory,
    pdf_upload,
)
from tests.factories import (
    MembershipFactory,
    OrganisationFactory,
    StaffFactory,
    member_of,
)

pytestmark = pytest.mark.django_db
START = date(2026, 3, 1)
U = FirstSetUnit.Status


@pytest.fixture
def first_set(maker_org):
    return FirstSetProductFactory(organisation=maker_org)


@pytest.fixture
def buyer(db):
    return BuyerFactory()


@pytest.fixture
def officer(buyer):
    return member_of(buyer, role=MembershipRole.BUYER_OFFICER, preferred_language="en")


def _unit(actor, product, buyer, serial, day=None, document=True):
    return first_set_unit_record(
        actor=actor, product=product, buyer=buyer, serial_number=serial,
        put_into_use_on=day or timezone.localdate(),
        purchase_document=pdf_upload("contract.pdf") if document else None,
    )


def _counts(product):
    summary = product_first_set_summary(product)
    return summary.units_in_use, summary.first_sets, summary.buyers


def _policy(actor, product, starts_on=START, ends_on=None, **overrides):
    data = {"insurer": "人保财险青岛分公司", "policy_number": f"P-{starts_on}-{ends_on}",
            "insured_amount": Decimal("1000000"), "premium_amount": Decimal("25000"),
            "rate_percent": Decimal("2.5"), "starts_on": starts_on,
            "ends_on": ends_on or add_years(starts_on, 1) - timedelta(days=1)}
    data.update(overrides)
    return first_set_insurance_record(actor=actor, product=product, **data)


# --- units: both sides confirm -----------------------------------------------------------


def test_a_makers_record_counts_only_once_the_buyer_confirms(
    maker, first_set, buyer, officer, changed_products, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        claims = [_unit(maker, first_set, buyer, f"SN-{i}") for i in range(5)]
    assert [(u.status, u.sequence, u.counts_as_first_set) for u in claims] == [
        (U.CLAIMED, None, False)] * 5
    assert all(u.maker_confirmed_by == maker and u.buyer_confirmed_at is None for u in claims)
    assert _counts(first_set) == (0, 0, 0)
    # the buyer's officer is asked, in their language, with a link to the records
    notes = Notification.objects.filter(user=officer, kind="catalog.first_set.unit_claimed")
    assert notes.count() == 5
    assert "Please confirm unit SN-0" in notes.order_by("pk").first().title

    with django_capture_on_commit_callbacks(execute=True):
        for unit in claims:
            first_set_unit_confirm(actor=officer, unit=unit)
    stored = FirstSetUnit.objects.filter(product=first_set).order_by("sequence")
    assert [(u.serial_number, u.status, u.sequence, u.counts_as_first_set) for u in stored] == [
        ("SN-0", U.CONFIRMED, 1, True), ("SN-1", U.CONFIRMED, 2, True),
        ("SN-2", U.CONFIRMED, 3, True), ("SN-3", U.CONFIRMED, 4, False),
        ("SN-4", U.CONFIRMED, 5, False)]
    assert all(u.decided_by == officer and u.buyer_confirmed_by == officer for u in stored)
    assert _counts(first_set) == (5, 3, 1)
    assert changed_products == [first_set.pk] * 10
    confirmed = AuditEvent.objects.filter(action="catalog.first_set.unit_confirmed").order_by("pk")
    assert confirmed.count() == 5
    assert confirmed.first().data["from"] == "claimed" and confirmed.first().data["to"] == "confirmed"
    assert confirmed.last().data["sequence"] == 5
    assert AuditEvent.objects.filter(action="catalog.first_set.unit_claimed").count() == 5


def test_a_buyers_record_counts_only_once_the_maker_confirms(maker, first_set, buyer, officer):
    claim = _unit(officer, first_set, buyer, "B-1")
    assert (claim.status, claim.buyer_confirmed_by, claim.maker_confirmed_at) == (
        U.CLAIMED, officer, None)
    assert _counts(first_set) == (0, 0, 0)
    assert Notification.objects.filter(user=maker, kind="catalog.first_set.unit_claimed").exists()
    first_set_unit_confirm(actor=maker, unit=claim)
    assert (claim.status, claim.sequence, claim.maker_confirmed_by) == (U.CONFIRMED, 1, maker)
    assert _counts(first_set) == (1, 1, 1)


def test_the_issue_case_an_owner_naming_itself_as_buyer_is_not_counted(maker, first_set):
    """The owner of any verified organisation could record a unit naming itself as buyer
    and it was counted at once. Now it waits for the maker."""
    investor = OrganisationFactory(kind=OrganisationKind.INVESTOR_ENTITY, verified=True)
    owner = member_of(investor, role=MembershipRole.OWNER)
    claim = _unit(owner, first_set, investor, "FAKE-1")
    assert claim.status == U.CLAIMED
    assert _counts(first_set) == (0, 0, 0)
    with pytest.raises(PermissionDeniedError):  # its own confirmation is already there
        first_set_unit_confirm(actor=owner, unit=claim)
    first_set_unit_reject(actor=maker, unit=claim, reason="We sold nothing to them.")
    assert _counts(first_set) == (0, 0, 0)


def test_a_side_cannot_confirm_twice_for_itself(maker, first_set, buyer, officer):
    by_maker = _unit(maker, first_set, buyer, "M-1")
    second_maker = member_of(first_set.organisation)
    for actor in (maker, second_maker):
        with pytest.raises(PermissionDeniedError):
            first_set_unit_confirm(actor=actor, unit=by_maker)
    by_buyer = _unit(officer, first_set, buyer, "O-1")
    with pytest.raises(PermissionDeniedError):
        first_set_unit_confirm(actor=member_of(buyer, role=MembershipRole.APPROVER), unit=by_buyer)
    assert set(FirstSetUnit.objects.values_list("status", flat=True)) == {U.CLAIMED}


def test_staff_confirm_on_the_purchase_document(maker, first_set, buyer, staff):
    claim = _unit(maker, first_set, buyer, "S-1")
    first_set_unit_confirm(actor=staff, unit=claim)
    assert (claim.status, claim.sequence, claim.decided_by) == (U.CONFIRMED, 1, staff)
    event = AuditEvent.objects.get(action="catalog.first_set.unit_confirmed")
    assert event.data["by_staff"] is True
    # staff recording one themselves still need a confirmation (their own, on the document)
    recorded = _unit(staff, first_set, buyer, "S-2")
    assert recorded.status == U.CLAIMED and not (recorded.maker_confirmed_at or
                                                 recorded.buyer_confirmed_at)
    first_set_unit_confirm(actor=staff, unit=recorded)
    assert recorded.status == U.CONFIRMED


def test_the_purchase_document_is_required_and_checked(maker, first_set, buyer, settings, tmp_path):
    with pytest.raises(CatalogValidationError) as exc:
        _unit(maker, first_set, buyer, "D-0", document=False)
    assert exc.value.code == "document_required"
    from django.core.files.uploadedfile import SimpleUploadedFile

    with pytest.raises(CatalogValidationError, match="not a PDF"):
        first_set_unit_record(
            actor=maker, product=first_set, buyer=buyer, serial_number="D-1",
            put_into_use_on=timezone.localdate(),
            purchase_document=SimpleUploadedFile("invoice.pdf", b"just text"),
        )
    assert not FirstSetUnit.objects.exists()
    unit = _unit(maker, first_set, buyer, "D-2")
    assert unit.purchase_document.name.startswith("first-sets/")
    assert unit.purchase_document_name == "contract.pdf"
    # private storage, not under MEDIA_ROOT: no URL serves it
    assert not (Path(settings.MEDIA_ROOT) / unit.purchase_document.name).exists()


def test_who_may_record(first_set, buyer, officer, outsider, other_maker):
    for user in (outsider, other_maker):
        with pytest.raises(PermissionDeniedError):
            _unit(user, first_set, buyer, "X-1")
    # an officer of one buyer cannot record for another buyer
    with pytest.raises(PermissionDeniedError):
        _unit(officer, first_set, BuyerFactory(), "X-2")
    assert not FirstSetUnit.objects.exists()


def test_who_may_confirm(maker, maker_org, first_set, buyer, officer, outsider):
    claim = _unit(maker, first_set, buyer, "C-1")
    other_officer = member_of(BuyerFactory(), role=MembershipRole.BUYER_OFFICER)
    plain_member = member_of(buyer, role=MembershipRole.MEMBER)
    for user in (maker, other_officer, plain_member, outsider):
        with pytest.raises(PermissionDeniedError):
            first_set_unit_confirm(actor=user, unit=claim)
        with pytest.raises(PermissionDeniedError):
            first_set_unit_reject(actor=user, unit=claim, reason="no")
    assert FirstSetUnit.objects.get(pk=claim.pk).status == U.CLAIMED
    first_set_unit_confirm(actor=officer, unit=claim)
    assert FirstSetUnit.objects.get(pk=claim.pk).sequence == 1


def test_a_person_joining_both_sides_later_stops_the_confirmation(maker, maker_org, first_set,
                                                                   buyer, officer):
    """Someone who buys for the buyer and also belongs to the maker makes the two related:
    nobody on the buyer's side may then vouch for the maker's claims."""
    claim = _unit(maker, first_set, buyer, "C-2")
    double_agent = member_of(buyer, role=MembershipRole.APPROVER)
    MembershipFactory(organisation=maker_org, user=double_agent, role=MembershipRole.MEMBER)
    for user in (double_agent, officer):
        with pytest.raises(PermissionDeniedError):
            first_set_unit_confirm(actor=user, unit=claim)
    assert FirstSetUnit.objects.get(pk=claim.pk).status == U.CLAIMED


def test_a_buyer_related_to_the_maker_is_refused(maker, maker_org, first_set):
    """A shell organisation sharing an owner with the maker: its units never count."""
    shell = BuyerFactory()
    MembershipFactory(organisation=shell, user=maker, role=MembershipRole.OWNER)
    for buyer in (shell, maker_org):
        with pytest.raises(CatalogValidationError) as exc:
            _unit(maker, first_set, buyer, f"REL-{buyer.pk}")
        assert exc.value.code == "related_buyer"
    assert not FirstSetUnit.objects.exists()


def test_an_unverified_buyer_is_refused(maker, first_set):
    shell = BuyerFactory(verified=False)
    with pytest.raises(CatalogValidationError) as exc:
        _unit(maker, first_set, shell, "SHELL-1")
    assert exc.value.code == "buyer_unverified"
    assert not FirstSetUnit.objects.exists()


@pytest.mark.parametrize("kind", [OrganisationKind.MAKER_COMPANY, OrganisationKind.SERVICE_PROVIDER,
                                  OrganisationKind.MAKERSPACE, OrganisationKind.INVESTOR_ENTITY])
def test_any_other_verified_organisation_may_buy_and_its_owner_confirms(maker, first_set, kind):
    customer = OrganisationFactory(kind=kind, verified=True)
    owner = member_of(customer, role=MembershipRole.OWNER)
    claim = _unit(maker, first_set, customer, f"K-{kind}")
    first_set_unit_confirm(actor=owner, unit=claim)
    assert (claim.status, claim.sequence, claim.counts_as_first_set) == (U.CONFIRMED, 1, True)


def test_unit_input_rules(maker, first_set, buyer, product):
    with pytest.raises(CatalogValidationError, match="not flagged"):
        _unit(maker, product, buyer, "X")
    with pytest.raises(CatalogValidationError, match="future"):
        _unit(maker, first_set, buyer, "X", day=timezone.localdate() + timedelta(days=1))
    with pytest.raises(CatalogValidationError, match="required"):
        _unit(maker, first_set, buyer, "  ")
    _unit(maker, first_set, buyer, "X")
    with pytest.raises(ConflictError):
        _unit(maker, first_set, BuyerFactory(), "X")
    assert FirstSetUnit.objects.count() == 1


def test_rejection_needs_a_reason_frees_the_serial_and_tells_the_recorder(
    first_set, buyer, officer, maker_org
):
    recorder = member_of(maker_org, preferred_language="en")
    claim = _unit(recorder, first_set, buyer, "R-1")
    with pytest.raises(CatalogValidationError, match="reason"):
        first_set_unit_reject(actor=officer, unit=claim, reason="  ")
    first_set_unit_reject(actor=officer, unit=claim, reason="Not ours: wrong site.")
    claim.refresh_from_db()
    assert (claim.status, claim.sequence, claim.counts_as_first_set) == (U.REJECTED, None, False)
    assert claim.decision_reason == "Not ours: wrong site." and claim.decided_by == officer
    note = Notification.objects.get(user=recorder, kind="catalog.first_set.unit_rejected")
    assert "R-1" in note.title and "wrong site" in note.body
    event = AuditEvent.objects.get(action="catalog.first_set.unit_rejected")
    assert event.data["from"] == "claimed" and event.data["to"] == "rejected"
    # the serial may be recorded again (for the right buyer)
    again = _unit(recorder, first_set, buyer, "R-1")
    assert again.status == U.CLAIMED
    assert product_first_set_summary(first_set).units_in_use == 0


def test_decided_units_cannot_be_decided_again(maker, first_set, buyer, officer, staff):
    confirmed, rejected = _unit(maker, first_set, buyer, "D-1"), _unit(maker, first_set, buyer, "D-2")
    first_set_unit_confirm(actor=officer, unit=confirmed)
    first_set_unit_reject(actor=officer, unit=rejected, reason="duplicate")
    with translation.override("zh-hans"), pytest.raises(IllegalTransition) as exc:
        first_set_unit_confirm(actor=staff, unit=FirstSetUnit.objects.get(pk=confirmed.pk))
    assert str(exc.value.message) == "该设备已确认。"
    with pytest.raises(IllegalTransition, match="was rejected"):
        first_set_unit_confirm(actor=staff, unit=FirstSetUnit.objects.get(pk=rejected.pk))
    with pytest.raises(IllegalTransition):
        first_set_unit_reject(actor=staff, unit=FirstSetUnit.objects.get(pk=confirmed.pk),
                              reason="changed my mind")
    # the refused confirmation handed out no sequence
    assert first_set_unit_confirm(actor=officer, unit=_unit(maker, first_set, buyer, "D-3")).sequence == 2


def test_sequence_follows_confirmation_and_each_buyer_has_its_own_three(maker, first_set, buyer,
                                                                      officer, staff):
    late, early = _unit(maker, first_set, buyer, "LATE"), _unit(maker, first_set, buyer, "EARLY")
    first_set_unit_confirm(actor=officer, unit=early)
    first_set_unit_confirm(actor=officer, unit=late)
    assert (early.sequence, late.sequence) == (1, 2)
    other = _unit(maker, first_set, BuyerFactory(), "OTHER")
    first_set_unit_confirm(actor=staff, unit=other)
    assert (other.sequence, other.counts_as_first_set) == (1, True)


@pytest.mark.django_db(transaction=True)
def test_concurrent_confirmations_get_distinct_sequences_and_only_three_count(requires_postgres):
    product = FirstSetProductFactory()
    maker = member_of(product.organisation)
    buyer = BuyerFactory()
    confirmers = [member_of(buyer, role=MembershipRole.BUYER_OFFICER) for _ in range(3)]
    confirmers.append(StaffFactory())
    claims = [_unit(maker, product, buyer, f"CONC-{i}") for i in range(10)]
    barrier = threading.Barrier(len(claims))
    errors = []

    def confirm(i):
        try:
            barrier.wait()
            first_set_unit_confirm(actor=confirmers[i % len(confirmers)], unit=claims[i])
        except Exception as exc:  # noqa: BLE001  (collected and asserted below)
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=confirm, args=(i,)) for i in range(len(claims))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    units = FirstSetUnit.objects.filter(product=product, buyer=buyer)
    assert sorted(units.values_list("sequence", flat=True)) == list(range(1, 11))
    assert set(units.values_list("status", flat=True)) == {U.CONFIRMED}
    assert set(units.filter(counts_as_first_set=True).values_list("sequence", flat=True)) == {1, 2, 3}


@pytest.mark.django_db(transaction=True)
def test_the_same_claim_confirmed_twice_at_once_is_confirmed_once(requires_postgres):
    product = FirstSetProductFactory()
    buyer = BuyerFactory()
    maker = member_of(product.organisation)
    claim = _unit(maker, product, buyer, "TWICE")
    officers = [member_of(buyer, role=MembershipRole.BUYER_OFFICER) for _ in range(2)]
    barrier = threading.Barrier(2)
    outcomes = []

    def confirm(officer):
        try:
            barrier.wait()
            first_set_unit_confirm(actor=officer, unit=FirstSetUnit.objects.get(pk=claim.pk))
            outcomes.append("ok")
        except IllegalTransition:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=confirm, args=(o,)) for o in officers]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["ok", "refused"]
    assert FirstSetUnit.objects.get(pk=claim.pk).sequence == 1
    # the refused one did not use up a sequence
    second = _unit(maker, product, buyer, "NEXT")
    first_set_unit_confirm(actor=officers[0], unit=second)
    assert second.sequence == 2


# --- insurance --------------------------------------------------------------------------


def test_policy_records_subsidy_of_80_percent(maker, first_set, changed_products,
                                              django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        policy = _policy(maker, first_set, premium_amount=Decimal("12300.00"),
                         rate_percent=Decimal("1.23"))
    assert policy.rate == Decimal("0.0123")
    assert policy.subsidy_amount == Decimal("9840.00")
    assert insurance_subsidy(Money(Decimal("12345.67"), "CNY")) == Money(Decimal("9876.53", ), "CNY")
    assert Money(policy.subsidy_amount, "CNY") <= Money(policy.premium_amount, "CNY") * Decimal("0.8")
    assert changed_products == [first_set.pk]
    assert AuditEvent.objects.filter(action="catalog.first_set.insurance_recorded").exists()


def test_premium_is_derived_from_insured_amount_and_rate(maker, first_set):
    policy = _policy(maker, first_set, insured_amount=Decimal("1000"), premium_amount=None,
                     rate_percent=Decimal("1"))
    assert (policy.premium_amount, policy.subsidy_amount) == (Decimal("10.00"), Decimal("8.00"))
    assert insurance_premium(Money(Decimal("1234.56"), "CNY"), Decimal("0.0123")) == Money(
        Decimal("15.19"), "CNY")  # 15.185088 to the fen


def test_premium_that_disagrees_with_the_rate_is_refused(maker, first_set):
    """The bypass: insured 1000, premium 900 at a declared 1 % used to be accepted."""
    with pytest.raises(InsuranceRuleError, match=r"1 % of 1000.00 is 10.00, not 900") as exc:
        _policy(maker, first_set, insured_amount=Decimal("1000"), premium_amount=Decimal("900"),
                rate_percent=Decimal("1"))
    assert exc.value.code == "insurance_premium_mismatch" and exc.value.status_code == 400
    assert not FirstSetInsurance.objects.exists()
    # one fen of rounding either way is the insurer's business; two are not
    with pytest.raises(InsuranceRuleError, match="does not match"):
        _policy(maker, first_set, insured_amount=Decimal("1234.56"), premium_amount=Decimal("15.21"),
                rate_percent=Decimal("1.23"))
    policy = _policy(maker, first_set, insured_amount=Decimal("1234.56"),
                     premium_amount=Decimal("15.18"), rate_percent=Decimal("1.23"))
    assert policy.premium_amount == Decimal("15.18")


def test_premium_is_at_most_3_percent_of_the_insured_amount(maker, first_set):
    # 3 % of 100.50 is 3.015: 3.02 agrees with the rate to a fen but is above the cap
    with pytest.raises(InsuranceRuleError, match=r"at most 3 % of the insured amount \(at most 3.01\)") as exc:
        _policy(maker, first_set, insured_amount=Decimal("100.50"), premium_amount=Decimal("3.02"),
                rate_percent=Decimal("3"))
    assert exc.value.code == "insurance_premium_too_high"
    derived = _policy(maker, first_set, insured_amount=Decimal("100.50"), premium_amount=None,
                      rate_percent=Decimal("3"))
    assert derived.premium_amount == Decimal("3.01")  # rounded down to stay within 3 %
    assert derived.premium_amount / derived.insured_amount <= Decimal("0.03")


def test_rate_is_capped_at_3_percent(maker, first_set):
    with pytest.raises(InsuranceRuleError, match=r"at most 3 % \(you entered 3.01 %\)") as exc:
        _policy(maker, first_set, rate_percent=Decimal("3.01"), premium_amount=Decimal("30100"))
    assert exc.value.status_code == 400 and exc.value.code == "insurance_rate_too_high"
    policy = _policy(maker, first_set, rate_percent=Decimal("3"), premium_amount=Decimal("30000"))
    assert policy.rate == Decimal("0.0300")
    with pytest.raises(InsuranceRuleError):
        _policy(maker, first_set, rate_percent=Decimal("0"))
    with pytest.raises(InsuranceRuleError, match="two decimals"):
        _policy(maker, first_set, rate_percent=Decimal("2.555"))


def test_policies_must_be_continuous(maker, first_set):
    first = _policy(maker, first_set)
    gap = first.ends_on + timedelta(days=2)
    with pytest.raises(InsuranceRuleError, match="continuous") as exc:
        _policy(maker, first_set, starts_on=gap)
    assert (first.ends_on + timedelta(days=1)).isoformat() in str(exc.value)
    with pytest.raises(InsuranceRuleError, match="continuous"):  # overlap
        _policy(maker, first_set, starts_on=first.ends_on)
    renewal = _policy(maker, first_set, starts_on=first.ends_on + timedelta(days=1))
    assert renewal.follows == first


def test_cover_is_at_most_three_years_in_total(maker, first_set):
    with pytest.raises(InsuranceRuleError, match="at most 3 years"):
        _policy(maker, first_set, ends_on=add_years(START, 3))  # one day too long
    one = _policy(maker, first_set)
    two = _policy(maker, first_set, starts_on=one.ends_on + timedelta(days=1))
    three = _policy(maker, first_set, starts_on=two.ends_on + timedelta(days=1))
    assert three.ends_on == add_years(START, 3) - timedelta(days=1)
    with pytest.raises(InsuranceRuleError, match="at most 3 years"):
        _policy(maker, first_set, starts_on=three.ends_on + timedelta(days=1),
                ends_on=three.ends_on + timedelta(days=30))
    assert FirstSetInsurance.objects.filter(product=first_set).count() == 3


def test_single_three_year_policy_is_allowed(maker, first_set):
    policy = _policy(maker, first_set, ends_on=add_years(START, 3) - timedelta(days=1))
    assert (policy.ends_on - policy.starts_on).days == 1095


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"premium_amount": Decimal("-1")}, "more than zero"),
        ({"insured_amount": Decimal("0")}, "more than zero"),
        ({"premium_amount": Decimal("2000000")}, "does not match"),
        ({"insured_amount": Decimal("0.10"), "premium_amount": None,
          "rate_percent": Decimal("1")}, "would be zero"),
        ({"ends_on": START}, "end after"),
        ({"insurer": ""}, "required"),
        ({"currency": "ABC"}, "Unknown currency"),
    ],
)
def test_bad_policy_input(maker, first_set, overrides, message):
    from marketplace.core.errors import DomainError

    with pytest.raises(DomainError, match=message):
        _policy(maker, first_set, **overrides)
    assert not FirstSetInsurance.objects.exists()


def test_insurance_needs_a_first_set_and_the_maker(maker, other_maker, product, first_set, staff,
                                                   buyer, officer):
    with pytest.raises(CatalogValidationError, match="not flagged"):
        _policy(maker, product)
    for user in (other_maker, officer):
        with pytest.raises(PermissionDeniedError):
            _policy(user, first_set)
    assert _policy(staff, first_set).recorded_by == staff


def test_same_policy_number_twice_is_a_conflict(maker, first_set):
    first = _policy(maker, first_set, policy_number="DUP")
    with pytest.raises(ConflictError):
        _policy(maker, FirstSetProductFactory(organisation=first_set.organisation),
                policy_number="DUP", starts_on=first.starts_on)


def test_add_years_handles_leap_day():
    assert add_years(date(2024, 2, 29), 3) == date(2027, 2, 28)
    assert add_years(date(2026, 3, 1), 3) == date(2029, 3, 1)
