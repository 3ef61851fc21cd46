"""Model rules: the category tree's materialised path and the database constraints that
back the services. The constraint tests write rows directly on purpose: they show what
the database refuses when something bypasses the services."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from catalog.category_tree import category_tree_ensure
from catalog.models import Category, Certification, FirstSetUnit
from tests.catalog.factories import (
    BuyerFactory,
    CategoryFactory,
    CertificationFactory,
    FirstSetProductFactory,
    InsuranceFactory,
    ProductFactory,
    PublishedProductFactory,
    certified,
)

pytestmark = pytest.mark.django_db


def test_category_path_follows_the_tree_and_moves_with_its_parent():
    root = CategoryFactory(slug="t-hw")
    child = CategoryFactory(slug="t-sensors", parent=root)
    leaf = CategoryFactory(slug="t-gas", parent=child)
    assert (root.path, child.path, leaf.path) == ("t-hw", "t-hw/t-sensors", "t-hw/t-sensors/t-gas")
    assert leaf.depth == 2

    other = CategoryFactory(slug="t-marine")
    child.parent = other
    child.save()
    leaf.refresh_from_db()
    assert leaf.path == "t-marine/t-sensors/t-gas"

    other.slug = "t-ocean"
    other.save()
    leaf.refresh_from_db()
    assert leaf.path == "t-ocean/t-sensors/t-gas"


def test_category_cannot_move_under_its_own_descendant():
    root = CategoryFactory(slug="a")
    child = CategoryFactory(slug="b", parent=root)
    root.parent = child
    with pytest.raises(ValidationError):
        root.clean()


def test_default_tree_is_ensured_idempotently():
    category_tree_ensure(Category)  # the migration ran it already; running again adds nothing
    assert category_tree_ensure(Category) == 0
    assert Category.objects.get(slug="buoys").path == "marine-equipment/buoys"
    assert Category.objects.get(slug="sensors").parent.slug == "smart-hardware"
    assert Category.objects.filter(parent__isnull=True).count() >= 8


def test_price_cannot_be_negative_in_the_database():
    product = ProductFactory()
    product.price_amount = Decimal("-1")
    with pytest.raises(IntegrityError), transaction.atomic():
        product.save()


def test_first_set_needs_catalogue_reference_in_the_database():
    with pytest.raises(IntegrityError), transaction.atomic():
        ProductFactory(is_first_set=True, first_set_catalogue_ref="")


def test_only_one_open_certification_per_product():
    product = PublishedProductFactory()
    CertificationFactory(product=product)
    with pytest.raises(IntegrityError), transaction.atomic():
        CertificationFactory(product=product, status=Certification.Status.UNDER_REVIEW)
    # closed ones do not count
    CertificationFactory(product=product, status=Certification.Status.REJECTED)


def test_granted_certification_needs_number_and_window():
    with pytest.raises(IntegrityError), transaction.atomic():
        CertificationFactory(status=Certification.Status.CERTIFIED)
    product = PublishedProductFactory()
    today = timezone.localdate()
    with pytest.raises(IntegrityError), transaction.atomic():
        CertificationFactory(
            product=product, status=Certification.Status.CERTIFIED, certificate_number="X-1",
            valid_from=today, valid_until=today - timedelta(days=1),
        )
    assert certified(product).status == "certified"


def test_certificate_numbers_are_unique():
    first = certified(PublishedProductFactory(), number="QD-1")
    with pytest.raises(IntegrityError), transaction.atomic():
        CertificationFactory(product=PublishedProductFactory(), status=Certification.Status.CERTIFIED,
                             certificate_number="QD-1", valid_from=first.valid_from,
                             valid_until=first.valid_until)


def test_insurance_rate_above_3_percent_is_refused_by_the_database():
    with pytest.raises(IntegrityError), transaction.atomic():
        InsuranceFactory(rate=Decimal("0.0301"), premium_amount=Decimal("30100"),
                         subsidy_amount=Decimal("24080"))


def test_insurance_subsidy_above_80_percent_is_refused_by_the_database():
    with pytest.raises(IntegrityError), transaction.atomic():
        InsuranceFactory(premium_amount=Decimal("20000"), subsidy_amount=Decimal("16000.01"))


def test_insurance_policies_form_a_single_chain():
    first = InsuranceFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        InsuranceFactory(product=first.product)  # a second "first" policy
    second = InsuranceFactory(product=first.product, follows=first,
                              starts_on=first.ends_on + timedelta(days=1),
                              ends_on=first.ends_on + timedelta(days=365))
    with pytest.raises(IntegrityError), transaction.atomic():
        InsuranceFactory(product=first.product, follows=first,
                         starts_on=second.starts_on, ends_on=second.ends_on)


def test_insurance_premium_above_3_percent_of_insured_is_refused_by_the_database():
    InsuranceFactory(insured_amount=Decimal("1000"), premium_amount=Decimal("30.00"),
                     rate=Decimal("0.0300"), subsidy_amount=Decimal("24.00"))
    with pytest.raises(IntegrityError), transaction.atomic():
        InsuranceFactory(insured_amount=Decimal("1000"), premium_amount=Decimal("900"),
                         rate=Decimal("0.0100"), subsidy_amount=Decimal("720"))


def _unit(product, buyer, serial, **fields):
    return FirstSetUnit.objects.create(product=product, buyer=buyer, serial_number=serial,
                                       put_into_use_on=timezone.localdate(), **fields)


def test_only_confirmed_units_have_a_sequence_and_the_first_three_count():
    product, buyer = FirstSetProductFactory(), BuyerFactory()
    confirmed = {"status": FirstSetUnit.Status.CONFIRMED}
    _unit(product, buyer, "A", sequence=3, counts_as_first_set=True, **confirmed)
    _unit(product, buyer, "CLAIM")  # claimed: no sequence, does not count
    bad = [
        {"serial": "B", "sequence": 4, "counts_as_first_set": True, **confirmed},
        {"serial": "C", "sequence": 3, "counts_as_first_set": True, **confirmed},  # taken
        {"serial": "D", "counts_as_first_set": False, **confirmed},  # confirmed, no sequence
        {"serial": "E", "sequence": 5, "counts_as_first_set": False},  # claimed with a sequence
        {"serial": "F", "counts_as_first_set": True},  # a claim that counts
        {"serial": "G", "status": FirstSetUnit.Status.REJECTED, "sequence": 2,
         "counts_as_first_set": True},
    ]
    for fields in bad:
        serial = fields.pop("serial")
        with pytest.raises(IntegrityError), transaction.atomic():
            _unit(product, buyer, serial, **fields)
    assert FirstSetUnit.objects.count() == 2


def test_a_serial_number_is_taken_unless_its_claim_was_rejected():
    product, buyer = FirstSetProductFactory(), BuyerFactory()
    _unit(product, buyer, "S-1", status=FirstSetUnit.Status.REJECTED)
    _unit(product, buyer, "S-1", status=FirstSetUnit.Status.REJECTED)
    _unit(product, buyer, "S-1")
    with pytest.raises(IntegrityError), transaction.atomic():
        _unit(product, BuyerFactory(), "S-1")


def test_currencies_default_to_the_marketplace_currency(settings):
    from catalog.models import FirstSetInsurance, Product

    settings.MARKETPLACE_CURRENCY = "EUR"
    assert Product().price_currency == "EUR"
    assert FirstSetInsurance().currency == "EUR"
    assert ProductFactory().price_currency == "EUR"
    settings.MARKETPLACE_CURRENCY = "CNY"
    assert Product().price_currency == "CNY"
