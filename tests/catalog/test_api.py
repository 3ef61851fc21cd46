"""Catalogue REST API: visibility, filters, writes by owners only, bad input, uploads,
review by staff, first sets, query counts."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from catalog.models import Certification, Product, ProductImage
from tests.catalog.factories import (
    BuyerFactory,
    CategoryFactory,
    CertificationFactory,
    FirstSetProductFactory,
    MakerspaceFactory,
    PublishedProductFactory,
    certified,
    image_upload,
    pdf_upload,
    stored_files,
)
from tests.factories import (
    StaffFactory,
    member_of,
)

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
PRODUCTS = "/api/catalog/products/"


@pytest.fixture
def as_user(api_client):
    def login(user):
        api_client.force_login(user)
        return api_client

    return login


def _ids(response):
    return {item["id"] for item in response.json()["results"]}


# --- reading ----------------------------------------------------------------------------


def test_anonymous_sees_published_only(api_client, product, draft):
    response = api_client.get(PRODUCTS)
    assert response.status_code == 200
    assert _ids(response) == {product.pk}
    assert api_client.get(f"{PRODUCTS}{draft.pk}/").status_code == 404
    assert api_client.get(f"{PRODUCTS}{product.pk}/").status_code == 200


def test_members_see_their_drafts_but_not_others(as_user, maker, other_maker, product, draft):
    assert _ids(as_user(maker).get(PRODUCTS)) == {product.pk, draft.pk}
    client = as_user(other_maker)
    assert _ids(client.get(PRODUCTS)) == {product.pk}
    assert client.get(f"{PRODUCTS}{draft.pk}/").status_code == 404


def test_detail_shape(api_client, product):
    certified(product, days_left=20, number="QD-API-1")
    data = api_client.get(f"{PRODUCTS}{product.pk}/", **EN).json()
    assert data["price"] == {"amount": "199.00", "currency": "CNY", "display": "CN¥199.00"}
    assert data["certified"] is True and data["eligible_for_first_purchase"] is True
    assert data["certified_until"] == (timezone.localdate() + timedelta(days=20)).isoformat()
    assert data["organisation"]["slug"] == product.organisation.slug
    assert data["category"]["slug"] == product.category.slug
    assert data["images"] == [] and data["status"] == "published"


def test_filters(api_client, maker_org, category):
    child = CategoryFactory(parent=category)
    laoshan = MakerspaceFactory(district="laoshan")
    pingdu = MakerspaceFactory(district="pingdu")
    a = PublishedProductFactory(organisation=maker_org, category=child, makerspace=laoshan,
                                stage="prototype", price_amount=Decimal("50"))
    b = PublishedProductFactory(organisation=maker_org, makerspace=pingdu, stage="on_market",
                                price_amount=Decimal("5000"))
    c = FirstSetProductFactory(organisation=maker_org, price_amount=None)
    certified(b)
    cases = {
        f"category={category.slug}": {a.pk},
        f"makerspace={pingdu.slug}": {b.pk},
        "district=laoshan": {a.pk},
        "stage=on_market": {b.pk},
        "certified=true": {b.pk},
        "certified=false": {a.pk, c.pk},
        "first_set=true": {c.pk},
        "price_min=100": {b.pk},
        "price_max=100": {a.pk},
        "price_min=10&price_max=6000": {a.pk, b.pk},
        "status=draft": set(),
        "q=Smart sensor": {a.pk, b.pk, c.pk},
        f"organisation={maker_org.slug}": {a.pk, b.pk, c.pk},
    }
    for query, expected in cases.items():
        response = api_client.get(f"{PRODUCTS}?{query}")
        assert response.status_code == 200, query
        assert _ids(response) == expected, query


def test_price_filter_compares_amounts_in_one_currency(api_client, maker_org, settings):
    """100 CNY is not 100 USD: with a price bound the currency defaults to the
    marketplace's, another one is asked for explicitly."""
    settings.MARKETPLACE_CURRENCY = "CNY"
    yuan = PublishedProductFactory(organisation=maker_org, price_amount=Decimal("500"))
    dollars = PublishedProductFactory(organisation=maker_org, price_amount=Decimal("500"),
                                      price_currency="USD")
    cheap_dollars = PublishedProductFactory(organisation=maker_org, price_amount=Decimal("50"),
                                            price_currency="USD")
    assert yuan.price_currency == "CNY"  # the model's default follows the setting
    cases = {
        "price_min=100": {yuan.pk},
        "price_max=1000": {yuan.pk},
        "price_min=100&currency=USD": {dollars.pk},
        "price_max=100&currency=usd": {cheap_dollars.pk},
        "currency=USD": {dollars.pk, cheap_dollars.pk},
        "": {yuan.pk, dollars.pk, cheap_dollars.pk},
    }
    for query, expected in cases.items():
        response = api_client.get(f"{PRODUCTS}?{query}")
        assert response.status_code == 200, query
        assert _ids(response) == expected, query
    settings.MARKETPLACE_CURRENCY = "USD"
    assert _ids(api_client.get(f"{PRODUCTS}?price_min=100")) == {dollars.pk}
    bad = api_client.get(f"{PRODUCTS}?price_min=100&currency=XYZ", **EN)
    assert bad.status_code == 400 and "Unknown currency: XYZ" in str(bad.json()["errors"])


def test_first_purchase_eligibility_comes_from_the_selector(as_user, maker, maker_org, staff):
    certified_published = PublishedProductFactory(organisation=maker_org)
    certified(certified_published)
    uncertified = PublishedProductFactory(organisation=maker_org)
    certified_withdrawn = PublishedProductFactory(organisation=maker_org)
    certified(certified_withdrawn)
    from catalog.services.products import product_withdraw

    product_withdraw(actor=maker, product=certified_withdrawn)
    client = as_user(maker)
    for product, eligible in ((certified_published, True), (uncertified, False),
                              (certified_withdrawn, False)):
        assert client.get(f"{PRODUCTS}{product.pk}/").json()["eligible_for_first_purchase"] is eligible


@pytest.mark.parametrize("query", ["district=atlantis", "category=nope", "stage=vapour",
                                   "price_min=-5", "price_min=abc", "makerspace=nowhere",
                                   "currency=EURO"])
def test_unknown_filter_values_are_400(api_client, query):
    response = api_client.get(f"{PRODUCTS}?{query}", **EN)
    assert response.status_code == 400
    assert response.json()["code"] == "invalid" and response.json()["errors"]


def test_pagination(api_client, maker_org, category):
    PublishedProductFactory.create_batch(25, organisation=maker_org, category=category)
    first = api_client.get(PRODUCTS).json()
    assert first["count"] == 25 and len(first["results"]) == 20 and first["next"]
    assert len(api_client.get(f"{PRODUCTS}?page=2").json()["results"]) == 5
    assert len(api_client.get(f"{PRODUCTS}?page_size=5").json()["results"]) == 5
    assert api_client.get(f"{PRODUCTS}?page=9").status_code == 404


def _populate(n, maker_org, category):
    space = MakerspaceFactory()
    for product in PublishedProductFactory.create_batch(n, organisation=maker_org, category=category,
                                                        makerspace=space):
        certified(product)
        ProductImage.objects.create(product=product, image=f"products/{product.pk}/a.png",
                                    thumbnail=f"products/{product.pk}/t.webp")


def test_product_list_query_count_does_not_grow(api_client, maker_org, category, maker,
                                                django_assert_max_num_queries):
    _populate(3, maker_org, category)
    with django_assert_max_num_queries(3):
        assert len(api_client.get(PRODUCTS).json()["results"]) == 3
    _populate(15, maker_org, category)
    with django_assert_max_num_queries(3):
        assert len(api_client.get(PRODUCTS).json()["results"]) == 18
    api_client.force_login(maker)
    with django_assert_max_num_queries(8):  # + session, user, memberships, MFA check
        assert len(api_client.get(PRODUCTS).json()["results"]) == 18


def test_district_names_come_from_the_region_pack_in_the_request_language(api_client):
    """One source of districts (marketplace.core.regions): names, filter choices and
    the service's validation agree."""
    MakerspaceFactory(district="laoshan")
    en = api_client.get("/api/catalog/makerspaces/", **EN).json()["results"][0]
    zh = api_client.get("/api/catalog/makerspaces/", HTTP_ACCEPT_LANGUAGE="zh-hans").json()["results"][0]
    assert (en["district_name"], zh["district_name"]) == ("Laoshan District", "崂山区")
    from catalog.filters import MakerspaceFilter
    from marketplace.core.regions import district_choices

    assert dict(MakerspaceFilter().filters["district"].extra["choices"]) == dict(district_choices())


def test_makerspace_list_query_count_and_filters(api_client, django_assert_max_num_queries):
    for i in range(12):
        space = MakerspaceFactory(district="laoshan" if i % 2 else "pingdu",
                                  focus_areas=["marine"] if i % 3 == 0 else ["marine_instruments"])
        space.residents.add(*[member_of(space.operator) and space.operator])
    with django_assert_max_num_queries(3):
        data = api_client.get("/api/catalog/makerspaces/").json()
    assert data["count"] == 12
    assert api_client.get("/api/catalog/makerspaces/?district=pingdu").json()["count"] == 6
    # "marine" must not match "marine_instruments"
    assert api_client.get("/api/catalog/makerspaces/?focus_area=marine").json()["count"] == 4
    assert api_client.get("/api/catalog/makerspaces/?district=mars").status_code == 400


def test_categories_tree(api_client, category):
    child = CategoryFactory(parent=category)
    data = api_client.get("/api/catalog/categories/").json()
    by_slug = {c["slug"]: c for c in data}
    assert by_slug[child.slug]["parent"] == category.slug and by_slug[child.slug]["depth"] == 1
    assert "buoys" in by_slug  # the default tree


# --- writing ----------------------------------------------------------------------------


def _payload(org, category, /, **overrides):
    data = {"organisation": org.slug, "category": category.slug, "name": "海洋浮标无人机",
            "name_en": "Ocean buoy drone", "summary": "自动布放浮标", "stage": "prototype",
            "price_amount": "268000.00", "price_currency": "CNY",
            "specifications": {"续航": "90 min"}, "description": "<p>好</p><script>x()</script>"}
    data.update(overrides)
    return data


def test_a_product_description_written_outside_the_services_is_sanitised_on_output(
    api_client, product
):
    Product.objects.filter(pk=product.pk).update(
        description='<p onclick="x()">好<script>alert(1)</script></p>'
                    '<a href="javascript:alert(2)">a</a>')
    detail = api_client.get(f"{PRODUCTS}{product.pk}/").json()
    assert detail["description"] == '<p>好</p><a rel="noopener noreferrer nofollow">a</a>'


def test_maker_creates_updates_publishes_withdraws(as_user, maker, maker_org, category):
    client = as_user(maker)
    response = client.post(PRODUCTS, _payload(maker_org, category), format="json")
    assert response.status_code == 201, response.json()
    product = response.json()
    assert product["status"] == "draft" and product["description"] == "<p>好</p>"
    pid = product["id"]
    response = client.patch(f"{PRODUCTS}{pid}/", {"stock": 5, "summary_en": "Deploys buoys"}, format="json")
    assert response.status_code == 200 and response.json()["stock"] == 5
    assert client.post(f"{PRODUCTS}{pid}/publish/").json()["status"] == "published"
    assert client.post(f"{PRODUCTS}{pid}/withdraw/", {"reason": "改版"}, format="json").json()["status"] == "withdrawn"
    assert client.post(f"{PRODUCTS}{pid}/publish/").json()["status"] == "published"


def test_illegal_transition_is_409(as_user, maker, draft):
    response = as_user(maker).post(f"{PRODUCTS}{draft.pk}/withdraw/", **EN)
    assert response.status_code == 409
    assert response.json()["code"] == "illegal_transition"


def test_anonymous_cannot_write(api_client, maker_org, category, product):
    assert api_client.post(PRODUCTS, _payload(maker_org, category), format="json").status_code in (401, 403)
    assert api_client.patch(f"{PRODUCTS}{product.pk}/", {"name": "x"}, format="json").status_code in (401, 403)
    assert api_client.post(f"{PRODUCTS}{product.pk}/withdraw/").status_code in (401, 403)
    assert Product.objects.get(pk=product.pk).status == "published"


def test_other_maker_gets_403_on_published_and_404_on_drafts(as_user, other_maker, maker_org, product,
                                                             draft, category):
    client = as_user(other_maker)
    response = client.patch(f"{PRODUCTS}{product.pk}/", {"name": "hijacked"}, format="json", **EN)
    assert response.status_code == 403 and response.json()["code"] == "permission_denied"
    assert client.post(f"{PRODUCTS}{product.pk}/withdraw/").status_code == 403
    assert client.patch(f"{PRODUCTS}{draft.pk}/", {"name": "x"}, format="json").status_code == 404
    assert client.post(PRODUCTS, _payload(maker_org, category), format="json").status_code == 403
    assert client.post(f"{PRODUCTS}{product.pk}/images/", {"image": image_upload()}).status_code == 403
    assert Product.objects.get(pk=product.pk).name != "hijacked"


@pytest.mark.parametrize(
    ("overrides", "field_or_message"),
    [
        ({"price_amount": "-1.00"}, "negative"),
        ({"price_currency": "XYZ"}, "Unknown currency: XYZ"),
        ({"name": "名" * 201}, "name"),
        ({"specifications": {"a": 1}}, "must be text"),
        ({"specifications": "not json object"}, "JSON object"),
        ({"category": "no-such-category"}, "Unknown category"),
        ({"stage": "dream"}, "stage"),
        ({"is_first_set": True}, "catalogue reference"),
    ],
)
def test_bad_input_is_400_with_a_message(as_user, maker, maker_org, category, overrides, field_or_message):
    response = as_user(maker).post(PRODUCTS, _payload(maker_org, category, **overrides), format="json", **EN)
    assert response.status_code == 400
    body = response.json()
    assert field_or_message in str(body), body
    assert not Product.objects.exists()


def test_zh_hans_error_message(as_user, maker, maker_org, category):
    response = as_user(maker).post(PRODUCTS, _payload(maker_org, category, price_amount="-1"),
                                   format="json", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 400
    assert response.json()["detail"] == "价格不能为负数。"


# --- images -----------------------------------------------------------------------------


def test_image_upload_and_delete(as_user, maker, draft, django_capture_on_commit_callbacks):
    client = as_user(maker)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"{PRODUCTS}{draft.pk}/images/",
                               {"image": image_upload("x.webp", "WEBP"), "alt": "侧面"})
    assert response.status_code == 201, response.json()
    image = response.json()
    assert image["format"] == "WEBP"
    # a draft's image goes out through the checked view, not /media/
    assert image["url"].startswith("/catalog/product-images/product-drafts/")
    listed = client.get(f"{PRODUCTS}{draft.pk}/images/").json()
    assert listed[0]["thumbnail_url"].endswith(".webp")
    assert client.delete(f"{PRODUCTS}{draft.pk}/images/{image['id']}/").status_code == 204
    assert not ProductImage.objects.exists()


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (SimpleUploadedFile("evil.png", b"<?php echo 1; ?>", content_type="image/png"), "not a valid image"),
        (SimpleUploadedFile("big.jpg", b"\xff\xd8\xff" + b"0" * (5 * 1024 * 1024), content_type="image/jpeg"), "5 MB"),
    ],
    ids=["not-an-image", "oversized"],
)
def test_bad_uploads_are_400_and_nothing_is_written(as_user, maker, draft, upload, message):
    response = as_user(maker).post(f"{PRODUCTS}{draft.pk}/images/", {"image": upload}, **EN)
    assert response.status_code == 400
    assert message in response.json()["detail"]
    assert not ProductImage.objects.exists()
    assert stored_files() == []


# --- certification ----------------------------------------------------------------------


def test_apply_and_staff_review_flow(as_user, maker, product, staff):
    client = as_user(maker)
    response = client.post(f"{PRODUCTS}{product.pk}/certifications/",
                           {"statement": "首创", "documents": [pdf_upload(), image_upload()]})
    assert response.status_code == 201, response.json()
    cert_id = response.json()["id"]
    assert len(response.json()["documents"]) == 2
    again = client.post(f"{PRODUCTS}{product.pk}/certifications/", {"documents": [pdf_upload()]}, **EN)
    assert again.status_code == 409 and again.json()["code"] == "certification_open"
    # makers cannot review their own application
    assert client.post(f"/api/catalog/certifications/{cert_id}/review/").status_code == 403
    assert client.get("/api/catalog/certifications/").status_code == 403

    staff_client = as_user(staff)
    queue = staff_client.get("/api/catalog/certifications/").json()
    assert [c["id"] for c in queue["results"]] == [cert_id]
    assert staff_client.post(f"/api/catalog/certifications/{cert_id}/review/").json()["status"] == "under_review"
    bad = staff_client.post(f"/api/catalog/certifications/{cert_id}/reject/", {}, format="json")
    assert bad.status_code == 400 and "reason" in bad.json()["errors"]
    today = timezone.localdate()
    response = staff_client.post(
        f"/api/catalog/certifications/{cert_id}/certify/",
        {"certificate_number": "QD-API-9", "valid_from": today.isoformat(),
         "valid_until": (today + timedelta(days=365)).isoformat()}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "certified"
    assert api_client_get_certified(staff_client, product.pk)
    revoke = staff_client.post(f"/api/catalog/certifications/{cert_id}/revoke/", {"reason": "造假"}, format="json")
    assert revoke.json()["status"] == "revoked"


def api_client_get_certified(client, product_id) -> bool:
    return client.get(f"{PRODUCTS}{product_id}/").json()["certified"]


def test_review_queue_query_count_does_not_grow(as_user, staff, django_assert_max_num_queries):
    def fill(n):
        for _ in range(n):
            cert = CertificationFactory()
            cert.documents.create(file="certifications/x.pdf", size=1)

    fill(2)
    client = as_user(staff)
    with django_assert_max_num_queries(20) as few:
        assert client.get("/api/catalog/certifications/").json()["count"] == 2
    fill(12)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get("/api/catalog/certifications/").json()["count"] == 14


def test_staff_without_mfa_is_refused(as_user, product):
    cert = CertificationFactory(product=product)
    client = as_user(StaffFactory(mfa=False))
    response = client.post(f"/api/catalog/certifications/{cert.pk}/review/")
    assert response.status_code == 403 and response.json()["code"] == "mfa_required"
    assert Certification.objects.get(pk=cert.pk).status == "submitted"


def test_certifications_are_private(as_user, api_client, other_maker, product):
    cert = CertificationFactory(product=product)
    assert api_client.get(f"/api/catalog/certifications/{cert.pk}/").status_code in (401, 403)
    assert as_user(other_maker).get(f"/api/catalog/certifications/{cert.pk}/").status_code == 404
    assert as_user(other_maker).get(f"{PRODUCTS}{product.pk}/certifications/").status_code == 403


def test_application_with_bad_document_is_400(as_user, maker, product):
    response = as_user(maker).post(
        f"{PRODUCTS}{product.pk}/certifications/",
        {"documents": [SimpleUploadedFile("x.docx", b"PK\x03\x04zip", content_type="application/pdf")]}, **EN)
    assert response.status_code == 400 and "not a PDF" in response.json()["detail"]
    assert not Certification.objects.exists()


# --- first sets ---------------------------------------------------------------------------


# --- makerspaces ----------------------------------------------------------------------------


def test_operator_edits_makerspace_and_others_cannot(as_user, makerspace, maker, changed_makerspaces,
                                                     django_capture_on_commit_callbacks):
    operator = member_of(makerspace.operator)
    url = f"/api/catalog/makerspaces/{makerspace.slug}/"
    with django_capture_on_commit_callbacks(execute=True):
        response = as_user(operator).patch(url, {"opening_hours": "9:00-18:00", "focus_areas": ["marine"]},
                                           format="json")
    assert response.status_code == 200 and response.json()["opening_hours"] == "9:00-18:00"
    assert changed_makerspaces == [makerspace.pk]
    bad = as_user(operator).patch(url, {"district": "atlantis"}, format="json", **EN)
    assert bad.status_code == 400 and "Unknown district" in bad.json()["detail"]
    assert as_user(maker).patch(url, {"name": "x"}, format="json").status_code == 403
    photo = as_user(operator).post(f"{url}photos/", {"image": image_upload()})
    assert photo.status_code == 201
    detail = as_user(maker).get(url).json()
    assert detail["photos"][0]["id"] == photo.json()["id"]
    assert [r["slug"] for r in detail["residents"]] == [makerspace.residents.get().slug]


def test_only_staff_onboard_makerspaces(as_user, staff, outsider):
    operator = BuyerFactory(kind="makerspace", slug="new-space-operator")
    payload = {"name": "新空间", "name_en": "New Space", "district": "jimo", "operator": operator.slug,
               "focus_areas": ["marine"]}
    assert as_user(outsider).post("/api/catalog/makerspaces/", payload, format="json").status_code == 403
    response = as_user(staff).post("/api/catalog/makerspaces/", payload, format="json")
    assert response.status_code == 201 and response.json()["slug"] == "new-space"


def test_schema_documents_the_catalogue():
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    paths = schema["paths"]
    for path in ("/api/catalog/products/", "/api/catalog/products/{id}/images/",
                 "/api/catalog/certifications/{id}/certify/", "/api/catalog/products/{id}/insurances/",
                 "/api/catalog/makerspaces/", "/api/catalog/categories/"):
        assert path in paths, path
    params = {p["name"] for p in paths["/api/catalog/products/"]["get"]["parameters"]}
    assert {"category", "makerspace", "district", "stage", "status", "certified", "first_set",
            "price_min", "price_max", "page"} <= params
    assert "multipart/form-data" in paths["/api/catalog/products/{id}/images/"]["post"]["requestBody"]["content"]
