"""What the catalogue makes searchable (catalog/search.py) and the model number that
buyers look products up by (Product.model_code: service, API, form; its migration is
tested in test_migrations.py)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from catalog.models import Product
from catalog.search import build_makerspace, build_product
from catalog.selectors import makerspaces_for_index, products_for_index
from catalog.services.products import product_create, product_update
from search.documents import get_document_type
from tests.catalog.factories import (
    FirstSetProductFactory,
    MakerspaceFactory,
    PublishedProductFactory,
    certified,
)
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def _indexed(product):
    return build_product(products_for_index(ids=[product.pk]).get())


def test_products_and_makerspaces_are_registered_with_their_signals_and_facets():
    from catalog.signals import makerspace_changed, product_changed

    product, space = get_document_type("product"), get_document_type("makerspace")
    assert product.rows is products_for_index and product.signal is product_changed
    assert space.rows is makerspaces_for_index and space.signal is makerspace_changed
    assert set(product.facets) == {"category", "district", "makerspace", "stage", "certified",
                                   "first_set", "price"}
    assert set(space.facets) == {"district", "makerspace"}
    assert set(product.value_labels["stage"]) == {"prototype", "first_batch", "on_market"}


def test_a_product_document_carries_its_identifiers_as_codes():
    organisation = OrganisationFactory(unified_credit_code="91370200MA3C5XXX0X")
    product = FirstSetProductFactory(organisation=organisation, model_code="LS-147",
                                     first_set_catalogue_ref="SDTT-2025-007")
    certified(product, number="QD-2026-0042")
    doc = _indexed(product)
    assert doc.codes == ["LS-147", "SDTT-2025-007", "QD-2026-0042", "91370200MA3C5XXX0X"]
    assert doc.extra["model_code"] == "LS-147"
    assert doc.url == reverse("catalog:product_detail", kwargs={"slug": product.slug})
    assert doc.certified is True and doc.first_set is True


def test_a_makerspace_document():
    space = MakerspaceFactory(name="海风众创空间", focus_areas=["marine"])
    doc = build_makerspace(makerspaces_for_index(ids=[space.pk]).get())
    assert doc.doc_type == "makerspace" and doc.makerspace == space.slug
    assert doc.url == reverse("catalog:makerspace_detail", kwargs={"slug": space.slug})


def test_the_model_number_is_written_by_the_services_and_refused_when_too_long(maker,
                                                                               maker_org,
                                                                               category):
    product = product_create(actor=maker, organisation=maker_org, category=category,
                             name="轨道巡检机器人", stage="prototype", model_code="  LS-147 ")
    assert product.model_code == "LS-147"
    product = product_update(actor=maker, product=product, model_code="LS-148")
    assert Product.objects.get(pk=product.pk).model_code == "LS-148"
    from catalog.validators import CatalogValidationError

    with pytest.raises(CatalogValidationError, match="too long"):
        product_update(actor=maker, product=product, model_code="X" * 65)


def test_the_api_and_the_form_expose_the_model_number(api_client, client, maker, maker_org,
                                                      category):
    api_client.force_login(maker)
    created = api_client.post("/api/catalog/products/", {
        "organisation": maker_org.slug, "category": category.slug, "name": "轨道巡检机器人",
        "stage": "prototype", "model_code": "LS-147"}, format="json")
    assert created.status_code == 201, created.json()
    assert created.json()["model_code"] == "LS-147"
    pid = created.json()["id"]
    patched = api_client.patch(f"/api/catalog/products/{pid}/", {"model_code": "LS-150"},
                               format="json")
    assert patched.json()["model_code"] == "LS-150"
    client.force_login(maker)
    slug = Product.objects.get(pk=pid).slug
    form = client.get(reverse("catalog:product_edit", kwargs={"slug": slug})).content.decode()
    assert 'name="model_code"' in form and 'value="LS-150"' in form


def test_a_product_found_by_its_model_number(client, maker_org, category):
    from search.indexing import rebuild

    product = PublishedProductFactory(organisation=maker_org, category=category,
                                      name="轨道巡检机器人", model_code="LS-147",
                                      published_at=timezone.now() - timedelta(days=1))
    rebuild("product")
    html = client.get("/search/", {"q": "ls147"}).content.decode()
    assert product.name in html and "LS-147" in html
