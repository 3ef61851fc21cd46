"""Migration 0004 on existing data: units recorded before confirmations existed stay
counted (they become confirmed), and a policy whose premium passes 3 % of the insured
amount stops the migration with a message naming it (amounts are never changed silently).
Migration 0006 fills the new model number from the specifications."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

# the accounts app stays where it is (other apps depend on it): naming its latest
# migration keeps its historical models equal to its tables
ACCOUNTS_NOW = ("accounts", "0003_organisation_verification_status")
BEFORE = [("catalog", "0003_default_categories"), ACCOUNTS_NOW]
AFTER = [("catalog", "0004_first_set_confirmation_private_documents_currency"), ACCOUNTS_NOW]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.fixture
def old_catalogue(transactional_db):
    """A first-set product with two units and a policy, written with the models of 0003;
    the schema is put back to the latest migrations afterwards."""
    apps = _migrate(BEFORE)
    try:
        Organisation = apps.get_model("accounts", "Organisation")
        maker = Organisation.objects.create(kind="maker_company", name="老创客", slug="old-maker")
        buyer = Organisation.objects.create(kind="government_agency", name="老采购", slug="old-buyer")
        category = apps.get_model("catalog", "Category").objects.create(
            slug="old-cat", name="类别", path="old-cat")
        product = apps.get_model("catalog", "Product").objects.create(
            organisation=maker, category=category, slug="old-product", name="老设备",
            stage="on_market", is_first_set=True, first_set_catalogue_ref="OLD-1")
        Unit = apps.get_model("catalog", "FirstSetUnit")
        for sequence in (1, 4):
            Unit.objects.create(product=product, buyer=buyer, serial_number=f"OLD-{sequence}",
                                put_into_use_on=date(2025, 5, 1), sequence=sequence,
                                counts_as_first_set=sequence <= 3)
        yield apps, product
    finally:
        _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())


def test_existing_units_become_confirmed_and_keep_counting(old_catalogue):
    apps = _migrate(AFTER)
    units = apps.get_model("catalog", "FirstSetUnit").objects.order_by("sequence")
    assert [(u.serial_number, u.status, u.sequence, u.counts_as_first_set) for u in units] == [
        ("OLD-1", "confirmed", 1, True), ("OLD-4", "confirmed", 4, False)]
    # new units start as claims
    assert apps.get_model("catalog", "FirstSetUnit")._meta.get_field("status").default == "claimed"


def test_a_premium_above_3_percent_stops_the_migration_with_its_name(old_catalogue):
    old_apps, product = old_catalogue
    Insurance = old_apps.get_model("catalog", "FirstSetInsurance")
    policy = Insurance.objects.create(
        product=product, insurer="人保", policy_number="TOO-DEAR", insured_amount=Decimal("1000"),
        premium_amount=Decimal("900"), currency="CNY", rate=Decimal("0.0100"),
        subsidy_amount=Decimal("720"), starts_on=date(2025, 1, 1), ends_on=date(2025, 12, 31))
    with pytest.raises(RuntimeError, match=r"TOO-DEAR: premium 900.00 on 1000.00"):
        _migrate(AFTER)
    Insurance.objects.filter(pk=policy.pk).update(premium_amount=Decimal("10"),
                                                  subsidy_amount=Decimal("8"))
    apps = _migrate(AFTER)
    assert apps.get_model("catalog", "FirstSetInsurance").objects.get().premium_amount == Decimal("10")


# --- migration 0008 (the model number) ----------------------------------------------------

BEFORE_0006 = [("catalog", "0007_product_images_private_until_published"), ACCOUNTS_NOW]
AFTER_0006 = [("catalog", "0008_product_model_code"), ACCOUNTS_NOW]


@pytest.fixture
def products_before_0006(transactional_db):
    apps = _migrate(BEFORE_0006)
    try:
        maker = apps.get_model("accounts", "Organisation").objects.create(
            kind="maker_company", name="老创客", slug="old-maker-0006")
        category = apps.get_model("catalog", "Category").objects.create(
            slug="old-cat-0006", name="类别", path="old-cat-0006")
        Product = apps.get_model("catalog", "Product")
        for slug, specs in (("with-model", {"型号 (Model)": "LS-147", "重量": "3 kg"}),
                            ("english-key", {"Model": " QD-9 "}),
                            ("none", {"重量": "3 kg"}), ("empty", {})):
            Product.objects.create(organisation=maker, category=category, slug=slug, name=slug,
                                   stage="on_market", specifications=specs)
        yield
    finally:
        _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())


def test_migration_fills_the_model_number_from_the_specifications(products_before_0006):
    apps = _migrate(AFTER_0006)
    codes = dict(apps.get_model("catalog", "Product").objects.values_list("slug", "model_code"))
    assert codes == {"with-model": "LS-147", "english-key": "QD-9", "none": "", "empty": ""}
