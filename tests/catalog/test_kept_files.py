"""A form that fails keeps the files it was given (marketplace.core.kept_files): the
product form, the certification application; a token of another session or a tampered
one is refused (400, nothing written)."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from catalog.models import Certification, Product
from marketplace.core.kept_files import SESSION_KEY
from tests.catalog.factories import image_bytes, image_upload, pdf_upload, stored_files

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def _form(category, **overrides):
    data = {"category": category.pk, "name": "智能浮标", "name_en": "Smart buoy",
            "stage": "prototype", "price_amount": "1200", "price_currency": "CNY", "stock": "3",
            "specifications": "续航: 30 天"}
    data.update(overrides)
    return data


def _tokens(html: str, field: str) -> list[str]:
    return re.findall(rf'name="{field}__kept" value="([^"]+)"', html)


def _kept_copies() -> list[str]:
    return [f for f in stored_files() if f.startswith("kept-uploads/")]


def _failed_create(client, maker_org, category):
    """A create whose specifications are wrong, with a good image: 400, the image kept."""
    response = client.post(reverse("catalog:product_create"), _form(
        category, organisation=maker_org.pk, specifications="no colon",
        image=image_upload("buoy.png")), **EN)
    assert response.status_code == 400
    html = response.content.decode()
    assert "Kept: buoy.png" in html
    [token] = _tokens(html, "image")
    return token


def test_a_failed_create_keeps_the_image_and_the_next_attempt_saves_it(
        client, maker, maker_org, category, django_capture_on_commit_callbacks):
    client.force_login(maker)
    token = _failed_create(client, maker_org, category)
    assert not Product.objects.exists() and len(_kept_copies()) == 1
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("catalog:product_create"), _form(
            category, organisation=maker_org.pk, image__kept=token), **EN)
    assert response.status_code == 302, response.content.decode()[:3000]
    image = Product.objects.get().images.get()
    with image.image.open("rb") as handle:
        assert handle.read() == image_bytes("PNG", (64, 48))
    assert _kept_copies() == []  # the copy went once it was used
    assert client.session.get(SESSION_KEY) == {}
    # the token is single-use
    response = client.post(reverse("catalog:product_create"), _form(
        category, organisation=maker_org.pk, name="Again", image__kept=token), **EN)
    assert response.status_code == 400 and "no longer available" in response.content.decode()
    assert Product.objects.count() == 1


def test_a_new_file_replaces_the_kept_one(client, maker, maker_org, category,
                                          django_capture_on_commit_callbacks):
    client.force_login(maker)
    token = _failed_create(client, maker_org, category)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("catalog:product_create"), _form(
            category, organisation=maker_org.pk, image__kept=token,
            image=image_upload("other.jpg", "JPEG", (30, 20))))
    assert response.status_code == 302
    assert Product.objects.get().images.get().width == 30


def test_the_kept_file_can_be_dropped(client, maker, maker_org, category):
    client.force_login(maker)
    token = _failed_create(client, maker_org, category)
    response = client.post(reverse("catalog:product_create"), _form(
        category, organisation=maker_org.pk, image__kept=token, image__discard="1"))
    assert response.status_code == 302
    assert not Product.objects.get().images.exists()
    assert _kept_copies() == [] and client.session.get(SESSION_KEY) == {}


def test_a_token_of_another_session_is_refused(client, maker, maker_org, category):
    client.force_login(maker)
    token = _failed_create(client, maker_org, category)
    other = Client()
    other.force_login(maker)  # the same person in another browser: another session
    response = other.post(reverse("catalog:product_create"), _form(
        category, organisation=maker_org.pk, image__kept=token), **EN)
    assert response.status_code == 400
    assert "no longer available" in response.content.decode()
    assert not Product.objects.exists()
    assert len(_kept_copies()) == 1  # still the first session's


@pytest.mark.parametrize("tamper", [
    lambda t: t[:-2] + ("AA" if not t.endswith("AA") else "BB"),  # the signature
    lambda t: "x" + t,  # the payload
    lambda t: "not-a-token",
])
def test_a_tampered_token_is_refused(client, maker, maker_org, category, tamper):
    client.force_login(maker)
    token = _failed_create(client, maker_org, category)
    response = client.post(reverse("catalog:product_create"), _form(
        category, organisation=maker_org.pk, image__kept=tamper(token)), **EN)
    assert response.status_code == 400 and "no longer available" in response.content.decode()
    assert not Product.objects.exists()


def test_a_refused_image_is_not_kept(client, maker, maker_org, category):
    client.force_login(maker)
    from django.core.files.uploadedfile import SimpleUploadedFile
    response = client.post(reverse("catalog:product_create"), _form(
        category, organisation=maker_org.pk,
        image=SimpleUploadedFile("x.png", b"junk", content_type="image/png")), **EN)
    assert response.status_code == 400 and "not a valid image" in response.content.decode()
    assert _tokens(response.content.decode(), "image") == [] and stored_files() == []


def test_the_kept_file_is_not_marked_required(client, maker, product):
    client.force_login(maker)
    url = reverse("catalog:certification_apply", args=[product.slug])
    response = client.post(url, {"statement": "x" * 10_001, "documents": [pdf_upload("a.pdf")]}, **EN)
    assert response.status_code == 400
    html = response.content.decode()
    field = re.search(r'<input type="file" name="documents"[^>]*>', html).group(0)
    assert "required" not in field  # the browser must let the kept files through


def test_a_failed_application_keeps_every_document(client, maker, product):
    client.force_login(maker)
    url = reverse("catalog:certification_apply", args=[product.slug])
    response = client.post(url, {"statement": "x" * 10_001,
                                 "documents": [pdf_upload("a.pdf"), pdf_upload("b.pdf")]}, **EN)
    assert response.status_code == 400
    html = response.content.decode()
    tokens = _tokens(html, "documents")
    assert len(tokens) == 2 and "Kept: a.pdf" in html and "Kept: b.pdf" in html
    response = client.post(url, {"statement": "首创", "documents__kept": tokens})
    assert response.status_code == 302
    documents = Certification.objects.get().documents.order_by("original_name")
    assert [d.original_name for d in documents] == ["a.pdf", "b.pdf"]
    assert _kept_copies() == []


def test_a_failed_photo_upload_keeps_the_photo(client, makerspace):
    from tests.factories import member_of
    client.force_login(member_of(makerspace.operator))
    url = reverse("catalog:makerspace_photo_upload", args=[makerspace.slug])
    response = client.post(url, {"image": image_upload("hall.png"), "caption": "x" * 201}, **EN)
    assert response.status_code == 400
    [token] = _tokens(response.content.decode(), "image")
    response = client.post(url, {"image__kept": token, "caption": "The hall"})
    assert response.status_code == 302
    assert makerspace.photos.get().caption == "The hall"
    assert _kept_copies() == []


def test_a_failed_unit_record_keeps_the_purchase_document(client, maker, maker_org):
    from django.utils import timezone

    from tests.catalog.factories import BuyerFactory, FirstSetProductFactory
    product = FirstSetProductFactory(organisation=maker_org)
    buyer = BuyerFactory()
    client.force_login(maker)
    url = reverse("catalog:product_first_sets", args=[product.slug])
    data = {"record": "unit", "unit-serial_number": "S-1",
            "unit-put_into_use_on": timezone.localdate().isoformat()}
    response = client.post(url, {**data, "unit-buyer": "nobody",
                                 "unit-purchase_document": pdf_upload("contract.pdf")}, **EN)
    assert response.status_code == 400
    html = response.content.decode()
    assert "Kept: contract.pdf" in html
    [token] = _tokens(html, "unit-purchase_document")
    response = client.post(url, {**data, "unit-buyer": buyer.slug,
                                 "unit-purchase_document__kept": token}, **EN)
    assert response.status_code == 302
    unit = product.units_in_use.get()
    assert unit.purchase_document.name and _kept_copies() == []
