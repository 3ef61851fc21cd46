"""Catalogue admin: every model can be browsed; what the services own cannot be added,
changed or deleted here; staff corrections of a product go through the product service
(audit event, search signal)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib import admin
from django.urls import reverse
from django.utils import timezone

from catalog.models import (
    Certification,
    CertificationDocument,
    FirstSetInsurance,
    FirstSetUnit,
    Makerspace,
    Product,
    ProductImage,
)
from marketplace.core.models import AuditEvent
from tests.catalog.factories import (
    BuyerFactory,
    CertificationFactory,
    FirstSetProductFactory,
    InsuranceFactory,
    certified,
    record_unit,
)
from tests.factories import (
    StaffFactory,
)

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def superuser(client):
    user = StaffFactory(is_superuser=True, mfa=True)
    client.force_login(user)
    return user


def _change_url(obj):
    return reverse(f"admin:catalog_{obj._meta.model_name}_change", args=[obj.pk])


def _product_form(product, **changes):
    data = {
        "category": product.category_id, "makerspace": product.makerspace_id or "",
        "name": product.name, "name_en": product.name_en, "summary": product.summary,
        "summary_en": product.summary_en, "description": product.description,
        "description_en": product.description_en, "specifications": "{}",
        "price_amount": str(product.price_amount), "price_currency": product.price_currency,
        "stage": product.stage, "stock": product.stock, "first_set_catalogue_ref": "",
        "images-TOTAL_FORMS": "0", "images-INITIAL_FORMS": "0",
    }
    data.update(changes)
    return data


def test_every_catalogue_model_can_be_browsed(client, superuser, product, makerspace):
    CertificationFactory(product=product)
    InsuranceFactory()
    registered = [m for m in admin.site._registry if m._meta.app_label == "catalog"]
    assert {m.__name__ for m in registered} >= {
        "Makerspace", "MakerspacePhoto", "Category", "Product", "ProductImage", "Certification",
        "CertificationDocument", "FirstSetUnit", "FirstSetUnitCounter", "FirstSetInsurance"}
    for model in registered:
        opts = model._meta
        assert client.get(reverse(f"admin:catalog_{opts.model_name}_changelist")).status_code == 200
        obj = model.objects.first()
        if obj is not None:
            assert client.get(_change_url(obj)).status_code == 200, opts.model_name


def test_product_change_goes_through_the_service(client, superuser, product, changed_products,
                                                 django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_change_url(product),
                               _product_form(product, name="更正后的名称", price_amount="250.00"))
    assert response.status_code == 302
    product.refresh_from_db()
    assert (product.name, product.price_amount) == ("更正后的名称", Decimal("250.00"))
    event = AuditEvent.objects.get(action="catalog.product.moderated", object_id=str(product.pk))
    assert event.actor_id == superuser.pk
    assert event.data["fields"] == ["name", "price_amount"]
    assert changed_products == [product.pk]


def test_product_admin_refuses_what_the_service_refuses(client, superuser, product):
    response = client.post(_change_url(product), _product_form(product, price_currency="XYZ"), **EN)
    assert response.status_code == 200  # the form again, with the error
    assert "Unknown currency: XYZ" in response.content.decode()
    response = client.post(_change_url(product), _product_form(product, is_first_set="on"), **EN)
    assert "catalogue reference" in response.content.decode()
    product.refresh_from_db()
    assert product.price_currency != "XYZ" and not product.is_first_set
    assert not AuditEvent.objects.filter(action="catalog.product.moderated").exists()


def test_product_maker_and_status_are_not_editable_and_products_not_added(client, superuser,
                                                                         product, other_org):
    form = client.get(_change_url(product)).context["adminform"].form
    assert "organisation" not in form.fields and "status" not in form.fields
    client.post(_change_url(product), _product_form(product, organisation=other_org.pk,
                                                    status="withdrawn"))
    product.refresh_from_db()
    assert product.organisation != other_org and product.status == "published"
    assert client.get(reverse("admin:catalog_product_add")).status_code == 403
    model_admin = admin.site._registry[Product]
    request = client.get(_change_url(product)).wsgi_request
    assert not model_admin.has_delete_permission(request, product)


def test_certification_admin_is_read_only_and_has_no_delete(client, superuser, product):
    cert = certified(product)
    model_admin = admin.site._registry[Certification]
    request = client.get(_change_url(cert)).wsgi_request
    assert not model_admin.has_delete_permission(request, cert)
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request, cert)
    assert client.post(reverse("admin:catalog_certification_delete", args=[cert.pk]),
                       {"post": "yes"}).status_code == 403
    until = cert.valid_until
    client.post(_change_url(cert), {"valid_until": (until + timedelta(days=999)).isoformat(),
                                    "certificate_number": "FORGED"})
    cert.refresh_from_db()
    assert cert.valid_until == until and cert.certificate_number != "FORGED"


@pytest.mark.parametrize("model", [FirstSetInsurance, FirstSetUnit, CertificationDocument])
def test_service_owned_records_cannot_be_added_changed_or_deleted(client, superuser, model):
    model_admin = admin.site._registry[model]
    request = client.get(reverse("admin:index")).wsgi_request
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request, None)
    assert not model_admin.has_delete_permission(request, None)


def test_insurance_amounts_cannot_be_edited(client, superuser):
    policy = InsuranceFactory()
    client.post(_change_url(policy), {"premium_amount": "1", "insured_amount": "1",
                                      "starts_on": "2020-01-01"})
    policy.refresh_from_db()
    assert policy.premium_amount == Decimal("20000.00")


def test_first_set_units_are_confirmed_from_the_admin_through_the_service(client, superuser, maker,
                                                                         maker_org):
    product = FirstSetProductFactory(organisation=maker_org)
    claim = record_unit(actor=maker, product=product, buyer=BuyerFactory(),
                                  serial_number="ADM-1", put_into_use_on=timezone.localdate())
    response = client.post(reverse("admin:catalog_firstsetunit_changelist"),
                           {"action": "confirm_units", "_selected_action": [claim.pk]})
    assert response.status_code == 302
    claim.refresh_from_db()
    assert (claim.status, claim.sequence, claim.decided_by) == ("confirmed", 1, superuser)
    # the private purchase document is not a field of the admin page
    page = client.get(reverse("admin:catalog_firstsetunit_change", args=[claim.pk]))
    assert page.status_code == 200 and "first-sets/" not in page.content.decode()
    assert AuditEvent.objects.filter(action="catalog.first_set.unit_confirmed").count() == 1


def test_makerspace_admin_changes_are_audited_and_announced(client, superuser, makerspace,
                                                            changed_makerspaces,
                                                            django_capture_on_commit_callbacks):
    data = {"slug": makerspace.slug, "name": "新名称", "name_en": makerspace.name_en,
            "district": makerspace.district, "address": makerspace.address,
            "focus_areas": '["smart_hardware"]', "operator": makerspace.operator_id,
            "description": "", "description_en": "", "services": "[]", "equipment": "[]",
            "opening_hours": "",
            "photos-TOTAL_FORMS": "0", "photos-INITIAL_FORMS": "0"}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_change_url(makerspace), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Makerspace.objects.get(pk=makerspace.pk).name == "新名称"
    assert AuditEvent.objects.filter(action="catalog.makerspace.moderated").exists()
    assert changed_makerspaces == [makerspace.pk]
    bad = client.post(_change_url(makerspace), dict(data, district="atlantis"))
    assert bad.status_code == 200 and Makerspace.objects.get(pk=makerspace.pk).district != "atlantis"


def test_staff_remove_a_product_image_through_the_service(client, superuser, product, maker):
    from catalog.services.images import product_image_add
    from tests.catalog.factories import image_upload

    image = product_image_add(actor=maker, product=product, file=image_upload())
    response = client.post(reverse("admin:catalog_productimage_delete", args=[image.pk]),
                           {"post": "yes"})
    assert response.status_code == 302
    assert not ProductImage.objects.filter(pk=image.pk).exists()
    assert AuditEvent.objects.filter(action="catalog.product.image_deleted",
                                     actor_id=superuser.pk).exists()
