"""Fixtures of the catalogue tests."""

import pytest
from django.db import transaction
from django.utils import translation

from catalog.signals import makerspace_changed, product_changed
from tests.catalog.factories import (
    CategoryFactory,
    MakerspaceFactory,
    ProductFactory,
    PublishedProductFactory,
)
from tests.factories import (
    OrganisationFactory,
    StaffFactory,
    UserFactory,
    member_of,
)


@pytest.fixture(autouse=True)
def _english():
    """Service tests match English messages; tests about Chinese activate zh-hans (or send
    Accept-Language) themselves."""
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _private_media_root(settings, tmp_path):
    """Certification documents go to private storage: keep each test's files apart."""
    settings.PRIVATE_MEDIA_ROOT = str(tmp_path / "private")


@pytest.fixture
def maker_org(db):
    return OrganisationFactory(name="海鲸智能", name_en="Haijing Intelligence")


@pytest.fixture
def maker(maker_org):
    return member_of(maker_org)


@pytest.fixture
def other_org(db):
    return OrganisationFactory()


@pytest.fixture
def other_maker(other_org):
    return member_of(other_org)


@pytest.fixture
def outsider(db):
    return UserFactory()


@pytest.fixture
def staff(db):
    return StaffFactory(mfa=True)


@pytest.fixture
def category(db):
    return CategoryFactory(slug="test-sensors", name="传感器", name_en="Sensors")


@pytest.fixture
def makerspace(maker_org):
    space = MakerspaceFactory(name="崂山智能硬件创客空间", name_en="Laoshan Smart Hardware Makerspace")
    space.residents.add(maker_org)
    return space


@pytest.fixture
def draft(maker_org, category):
    return ProductFactory(organisation=maker_org, category=category)


@pytest.fixture
def product(maker_org, category):
    return PublishedProductFactory(organisation=maker_org, category=category)


@pytest.fixture
def changed_products():
    """product ids announced through catalog.signals.product_changed, recorded when the
    announcing transaction commits (as a real receiver's work happens)."""
    received = []

    def receiver(sender, product_id, **kwargs):
        transaction.on_commit(lambda: received.append(product_id))

    product_changed.connect(receiver, weak=False, dispatch_uid="tests.catalog.capture")
    yield received
    product_changed.disconnect(dispatch_uid="tests.catalog.capture")


@pytest.fixture
def changed_makerspaces():
    received = []

    def receiver(sender, makerspace_id, **kwargs):
        transaction.on_commit(lambda: received.append(makerspace_id))

    makerspace_changed.connect(receiver, weak=False, dispatch_uid="tests.catalog.capture-ms")
    yield received
    makerspace_changed.disconnect(dispatch_uid="tests.catalog.capture-ms")
