"""First sets of equipment: units in use (first three per buyer count, also under
concurrency) and insurance (rate cap, subsidy, continuity, 3-year limit)."""

import threading
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from catalog.models import FirstSetInsurance, FirstSetUnit
from catalog.services.first_sets import (
    InsuranceRuleError,
    add_years,
    first_set_insurance_record,
    first_set_unit_record,
    insurance_subsidy,
)
from catalog.validators import CatalogValidationError
from marketplace.accounts.models import MembershipRole
from marketplace.core.errors import ConflictError, PermissionDeniedError
from marketplace.core.models import AuditEvent
from marketplace.core.money import Money
from tests.catalog.factories import BuyerFactory, FirstSetProductFactory, member_of

pytestmark = pytest.mark.django_db
START = date(2026, 3, 1)


@pytest.fixture
def first_set(maker_org):
    return FirstSetProductFactory(organisation=maker_org)


@pytest.fixture
def buyer(db):
    return BuyerFactory()


def _unit(actor, product, buyer, serial, day=None):
    return first_set_unit_record(actor=actor, product=product, buyer=buyer, serial_number=serial,
                                 put_into_use_on=day or timezone.localdate())


def _policy(actor, product, starts_on=START, ends_on=None, **overrides):
    data = {"insurer": "人保财险青岛分公司", "policy_number": f"P-{starts_on}-{ends_on}",
            "insured_amount": Decimal("1000000"), "premium_amount": Decimal("25000"),
            "rate_percent": Decimal("2.5"), "starts_on": starts_on,
            "ends_on": ends_on or add_years(starts_on, 1) - timedelta(days=1)}
    data.update(overrides)
    return first_set_insurance_record(actor=actor, product=product, **data)


# --- units ------------------------------------------------------------------------------


def test_first_three_units_per_buyer_count(maker, first_set, buyer, changed_products,
                                           django_capture_on_commit_callbacks):
    other_buyer = BuyerFactory()
    with django_capture_on_commit_callbacks(execute=True):
        units = [_unit(maker, first_set, buyer, f"SN-{i}") for i in range(5)]
    assert [(u.sequence, u.counts_as_first_set) for u in units] == [
        (1, True), (2, True), (3, True), (4, False), (5, False)]
    other = _unit(maker, first_set, other_buyer, "SN-X")
    assert (other.sequence, other.counts_as_first_set) == (1, True)
    assert changed_products == [first_set.pk] * 5
    assert AuditEvent.objects.filter(action="catalog.first_set.unit_recorded").count() == 6


def test_buyer_officers_and_staff_may_record_but_strangers_may_not(first_set, buyer, staff, outsider,
                                                                   other_maker):
    officer = member_of(buyer, role=MembershipRole.BUYER_OFFICER)
    assert _unit(officer, first_set, buyer, "B-1").sequence == 1
    assert _unit(staff, first_set, buyer, "B-2").sequence == 2
    for user in (outsider, other_maker):
        with pytest.raises(PermissionDeniedError):
            _unit(user, first_set, buyer, "B-3")
    # an officer of one buyer cannot record for another buyer
    with pytest.raises(PermissionDeniedError):
        _unit(officer, first_set, BuyerFactory(), "B-4")
    assert FirstSetUnit.objects.count() == 2


def test_unit_rules(maker, maker_org, first_set, buyer, product):
    with pytest.raises(CatalogValidationError, match="not flagged"):
        _unit(maker, product, buyer, "X")
    with pytest.raises(CatalogValidationError, match="future"):
        _unit(maker, first_set, buyer, "X", day=timezone.localdate() + timedelta(days=1))
    with pytest.raises(CatalogValidationError, match="own first set"):
        _unit(maker, first_set, maker_org, "X")
    with pytest.raises(CatalogValidationError, match="required"):
        _unit(maker, first_set, buyer, "  ")
    _unit(maker, first_set, buyer, "X")
    with pytest.raises(ConflictError):
        _unit(maker, first_set, BuyerFactory(), "X")
    assert FirstSetUnit.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_units_get_distinct_sequences_and_only_three_count(requires_postgres):
    product = FirstSetProductFactory()
    recorder = member_of(product.organisation)
    buyer = BuyerFactory()
    workers = 10
    barrier = threading.Barrier(workers)
    errors = []

    def record(i):
        try:
            barrier.wait()
            _unit(recorder, product, buyer, f"CONC-{i}")
        except Exception as exc:  # noqa: BLE001  (collected and asserted below)
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=record, args=(i,)) for i in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    units = FirstSetUnit.objects.filter(product=product, buyer=buyer)
    assert sorted(units.values_list("sequence", flat=True)) == list(range(1, workers + 1))
    assert units.filter(counts_as_first_set=True).count() == 3
    assert set(units.filter(counts_as_first_set=True).values_list("sequence", flat=True)) == {1, 2, 3}


# --- insurance --------------------------------------------------------------------------


def test_policy_records_subsidy_of_80_percent(maker, first_set, changed_products,
                                              django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        policy = _policy(maker, first_set, premium_amount=Decimal("12345.67"),
                         rate_percent=Decimal("1.23"))
    assert policy.rate == Decimal("0.0123")
    assert policy.subsidy_amount == Decimal("9876.53")  # 9876.536 rounded down
    assert Money(policy.subsidy_amount, "CNY") <= Money(policy.premium_amount, "CNY") * Decimal("0.8")
    assert insurance_subsidy(Money(Decimal("1000"), "CNY")) == Money(Decimal("800"), "CNY")
    assert changed_products == [first_set.pk]
    assert AuditEvent.objects.filter(action="catalog.first_set.insurance_recorded").exists()


def test_rate_is_capped_at_3_percent(maker, first_set):
    with pytest.raises(InsuranceRuleError, match=r"at most 3 % \(you entered 3.01 %\)") as exc:
        _policy(maker, first_set, rate_percent=Decimal("3.01"))
    assert exc.value.status_code == 400 and exc.value.code == "insurance_rate_too_high"
    assert _policy(maker, first_set, rate_percent=Decimal("3")).rate == Decimal("0.0300")
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
        ({"premium_amount": Decimal("2000000")}, "cannot exceed"),
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


def test_insurance_needs_a_first_set_and_the_maker(maker, other_maker, product, first_set, staff):
    with pytest.raises(CatalogValidationError, match="not flagged"):
        _policy(maker, product)
    with pytest.raises(PermissionDeniedError):
        _policy(other_maker, first_set)
    assert _policy(staff, first_set).recorded_by == staff


def test_same_policy_number_twice_is_a_conflict(maker, first_set):
    first = _policy(maker, first_set, policy_number="DUP")
    with pytest.raises(ConflictError):
        _policy(maker, FirstSetProductFactory(organisation=first_set.organisation),
                policy_number="DUP", starts_on=first.starts_on)


def test_add_years_handles_leap_day():
    assert add_years(date(2024, 2, 29), 3) == date(2027, 2, 28)
    assert add_years(date(2026, 3, 1), 3) == date(2029, 3, 1)
