"""The catalogue demo seeder: realistic, deterministic, quick and idempotent."""

from datetime import timedelta

import pytest
from django.db import models
from django.utils import timezone

from catalog.demo import seed_catalog
from catalog.models import (
    Certification,
    FirstSetInsurance,
    FirstSetUnit,
    Makerspace,
    Product,
)
from catalog.selectors import product_is_eligible_for_first_purchase, valid_certifications
from marketplace.accounts.models import Membership, MembershipRole, OrganisationKind
from marketplace.core.demo import registered_seeders
from marketplace.core.models import AuditEvent
from tests.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


def _snapshot():
    return {
        "products": sorted(Product.objects.values_list("slug", "name", "name_en", "status", "stage",
                                                       "price_amount", "is_first_set", "organisation__slug",
                                                       "makerspace__slug", "category__slug")),
        "makerspaces": sorted(Makerspace.objects.values_list("slug", "district", "operator__slug")),
        "residents": sorted(Makerspace.residents.through.objects.values_list(
            "makerspace__slug", "organisation__slug")),
        "certifications": sorted(Certification.objects.values_list("product__slug", "status",
                                                                   "certificate_number", "valid_until")),
        "units": sorted(FirstSetUnit.objects.values_list("product__slug", "buyer__slug", "serial_number",
                                                         "sequence", "counts_as_first_set")),
        "policies": sorted(FirstSetInsurance.objects.values_list("policy_number", "premium_amount",
                                                                 "subsidy_amount", "starts_on", "ends_on")),
        "memberships": Membership.objects.count(),
    }


@pytest.fixture
def demo_accounts(db):
    maker = UserFactory(email="maker@demo.local")
    operator = UserFactory(email="operator@demo.local")
    demo_maker = OrganisationFactory(slug="demo-maker", name="示范创客", name_en="Demo Maker")
    Membership.objects.create(organisation=demo_maker, user=maker, role=MembershipRole.OWNER)
    return maker, operator


def test_seeder_is_registered_at_order_20():
    seeder = {s.name: s for s in registered_seeders()}["catalog"]
    assert seeder.order == 20 and seeder.fn is seed_catalog


def test_seed_builds_the_demo_catalogue_idempotently(demo_accounts):
    """(Its speed is not asserted here: a busy machine makes any time limit flaky.)"""
    maker, operator = demo_accounts
    summary = seed_catalog(lambda msg: None)
    assert summary["products"] == 200 and summary["makerspaces"] == 12 and summary["makers"] == 30
    first = _snapshot()

    again = seed_catalog(lambda msg: None)
    assert again["created"] == {"makerspaces": 0, "products": 0, "certifications": 0,
                                "first_set_units": 0, "insurance_policies": 0,
                                "product_images": 0, "makerspace_photos": 0}
    assert _snapshot() == first
    assert summary["created"]["product_images"] == 200
    assert summary["created"]["makerspace_photos"] == 12

    # the flagship the search tests rely on
    drone = Product.objects.get(name="海洋浮标无人机")
    assert drone.name_en == "Ocean buoy drone" and drone.organisation.slug == "demo-maker"
    assert drone.status == "published" and drone.is_first_set
    assert product_is_eligible_for_first_purchase(drone)
    drone_cert = Certification.objects.get(product=drone, status="certified")
    assert drone_cert.applicant == maker
    assert drone_cert.valid_until > timezone.localdate() + timedelta(days=60)
    assert Product.objects.filter(name_en__icontains="sensor", status="published").count() >= 5

    # spread over districts, categories and makerspaces, with operators
    spaces = Makerspace.objects.all()
    assert {"blue_silicon_valley", "huangdao", "laoshan", "pingdu", "laixi"} <= set(
        spaces.values_list("district", flat=True))
    assert all(s.operator.kind == OrganisationKind.MAKERSPACE for s in spaces)
    assert Membership.objects.filter(user=operator, role="owner",
                                     organisation=spaces.get(slug="bsv-marine-tech").operator).exists()
    assert Product.objects.values("category").distinct().count() >= 20
    assert Product.objects.values("makerspace").distinct().count() == 12

    # certified (some expiring soon), an open review queue, first sets with units and insurance
    assert 28 <= valid_certifications().count() <= 32
    soon = valid_certifications().filter(valid_until__lte=timezone.localdate() + timedelta(days=30))
    assert soon.count() >= 3
    assert Certification.objects.filter(status__in=["submitted", "under_review"]).count() == 4
    first_sets = Product.objects.filter(is_first_set=True)
    assert first_sets.count() == 10
    assert all(p.units_in_use.exists() and p.insurances.exists() for p in first_sets)
    assert FirstSetUnit.objects.filter(counts_as_first_set=False).exists()  # some pass the three
    # recorded by the maker with a purchase document, confirmed by the buyer's officer
    # through the service
    units = FirstSetUnit.objects.all()
    assert set(units.values_list("status", flat=True)) == {"confirmed"}
    assert not units.filter(purchase_document="").exists()
    assert not units.filter(maker_confirmed_at__isnull=True).exists()
    assert not units.filter(buyer_confirmed_at__isnull=True).exists()
    assert not units.filter(decided_by__isnull=True).exists()
    assert units.exclude(decided_by__memberships__organisation=models.F("buyer")).count() == 0
    for action in ("catalog.first_set.unit_claimed", "catalog.first_set.unit_confirmed"):
        assert AuditEvent.objects.filter(action=action).count() == units.count()
    # every product and certification got there through its state machine, audited
    published = Product.objects.filter(status="published").count()
    assert AuditEvent.objects.filter(action="catalog.product.created").count() == 200
    assert AuditEvent.objects.filter(action="catalog.product.published").count() == (
        published + Product.objects.filter(status="withdrawn").count())
    for cert in Certification.objects.exclude(status="submitted"):
        history = list(AuditEvent.objects.filter(object_type="catalog.certification",
                                                 object_id=str(cert.pk)).order_by("seq")
                       .values_list("data__to", flat=True))
        assert history[0] is None and history[-1] == cert.status  # submitted, ..., its status
    assert FirstSetInsurance.objects.count() == AuditEvent.objects.filter(
        action="catalog.first_set.insurance_recorded").count()
    for policy in FirstSetInsurance.objects.all():
        assert policy.rate <= 0.03 and policy.subsidy_amount <= policy.premium_amount * 8 / 10


def test_seed_works_without_the_accounts_seeder(db):
    summary = seed_catalog(lambda msg: None)
    assert summary["products"] == 200
    drone = Product.objects.get(slug="ocean-buoy-drone")
    assert drone.organisation.memberships.filter(role="owner").exists()


def test_seed_draws_a_picture_per_product_and_makerspace(db, client):
    """Generated at seed time per category colour and motif; published products' pictures
    are public files, the others behind the checked view; once per object."""
    from catalog.models import MakerspacePhoto, ProductImage

    seed_catalog(lambda msg: None)
    images = ProductImage.objects.select_related("product")
    assert images.count() == Product.objects.count() == 200
    for image in images:
        assert image.thumbnail and image.width == 800 and image.format == "JPEG"
        public = image.image.name.startswith("products/")
        assert public == (image.product.status == "published")
        assert image.image.storage.exists(image.image.name)
    assert MakerspacePhoto.objects.count() == Makerspace.objects.count() == 12

    html = client.get("/catalog/products/").content.decode()
    assert html.count('class="cover"') >= 10
    spaces = client.get("/catalog/makerspaces/").content.decode()
    assert 'class="cover" src="/media/makerspaces/' in spaces


def test_pictures_differ_by_category_and_repeat_for_the_same_object():
    from catalog.demo_images import encoded, look_for, picture

    marine = encoded(picture("a", look_for("marine-equipment/buoys")), fmt="PNG")
    assert marine == encoded(picture("a", look_for("marine-equipment/buoys")), fmt="PNG")
    assert marine != encoded(picture("a", look_for("new-energy")), fmt="PNG")
    assert look_for("no-such-root") == look_for("no-such-root/child")  # stable for new ones
