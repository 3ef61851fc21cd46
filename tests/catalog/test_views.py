"""Catalogue pages: lists with filters, product page with badges and sections, maker
forms, certification review, makerspace editing, languages."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from catalog.models import Certification, Product, ProductImage
from catalog.product_sections import (
    ProductSection,
    register_product_section,
    unregister_product_section,
)
from marketplace.core.formatting import format_date
from tests.catalog.factories import (
    BuyerFactory,
    CertificationFactory,
    FirstSetProductFactory,
    InsuranceFactory,
    MakerspaceFactory,
    PublishedProductFactory,
    certified,
    image_upload,
    pdf_upload,
    record_unit,
    stored_files,
)
from tests.factories import (
    member_of,
)

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}


def _page(client, name, *args, **extra):
    return client.get(reverse(name, args=args), **extra)


# --- public pages -------------------------------------------------------------------------


def test_product_list_shows_published_products_with_filters(client, product, draft, makerspace,
                                                            django_assert_max_num_queries):
    other = PublishedProductFactory(makerspace=None, name="水下机器人", name_en="Underwater robot")
    Product.objects.filter(pk=product.pk).update(makerspace=makerspace)
    certified(product)
    with django_assert_max_num_queries(12):
        response = _page(client, "catalog:product_list", **EN)
    html = response.content.decode()
    assert response.status_code == 200
    assert product.name_en in html and other.name_en in html and draft.name_en not in html
    assert "Certified innovative" in html
    filtered = client.get(reverse("catalog:product_list") + "?district=laoshan&certified=true", **EN)
    assert product.name_en in filtered.content.decode()
    assert other.name_en not in filtered.content.decode()
    bad = client.get(reverse("catalog:product_list") + "?district=atlantis", **EN)
    assert bad.status_code == 400 and "Some filters are not valid" in bad.content.decode()


def test_product_page_shows_maker_makerspace_badge_and_first_set(client, maker_org, makerspace, maker):
    product = FirstSetProductFactory(organisation=maker_org, makerspace=makerspace)
    cert = certified(product, days_left=12, number="QD-PAGE-1")

    record_unit(actor=maker, product=product, buyer=BuyerFactory(), serial_number="U1",
                          put_into_use_on=timezone.localdate())
    InsuranceFactory(product=product)
    html = _page(client, "catalog:product_detail", product.slug, **EN).content.decode()
    assert maker_org.name_en in html and makerspace.name_en in html
    assert f"valid until {format_date(cert.valid_until, language='en')}" in html
    assert 'class="badge warn"' in html
    assert "QD-PAGE-1" in html and "Eligible for first-purchase" in html
    assert product.first_set_catalogue_ref in html and "Units in use" in html
    assert "CN¥16,000.00" in html  # the 80 % subsidy
    assert "Edit" not in html  # anonymous visitors get no maker actions


def test_product_page_sections_extension_point(client, product):
    html = _page(client, "catalog:product_detail", product.slug).content.decode()
    assert "product-section" not in html  # nothing registered: nothing rendered

    def campaigns(p, request):
        return {"items": ["众筹一号"]} if p.pk == product.pk else None

    def broken(p, request):
        raise RuntimeError("crowdfunding is down")

    register_product_section(ProductSection(
        key="test.campaigns", title="Campaigns", template_name="catalog/tests/section.html",
        context=campaigns))
    register_product_section(ProductSection(
        key="test.broken", title="Broken", template_name="catalog/tests/section.html", context=broken))
    try:
        response = _page(client, "catalog:product_detail", product.slug)
        html = response.content.decode()
        assert response.status_code == 200
        assert 'id="section-testcampaigns"' in html and "众筹一号" in html
        assert "Broken" not in html
        other = PublishedProductFactory()
        assert "product-section" not in _page(client, "catalog:product_detail", other.slug).content.decode()
    finally:
        unregister_product_section("test.campaigns")
        unregister_product_section("test.broken")


def test_drafts_are_not_found_for_others(client, draft, other_maker, maker):
    assert _page(client, "catalog:product_detail", draft.slug).status_code == 404
    client.force_login(other_maker)
    assert _page(client, "catalog:product_detail", draft.slug).status_code == 404
    client.force_login(maker)
    assert _page(client, "catalog:product_detail", draft.slug).status_code == 200


def test_makerspace_list_filters_and_detail(client, makerspace, product, maker_org):
    Product.objects.filter(pk=product.pk).update(makerspace=makerspace)
    MakerspaceFactory(district="pingdu", name_en="Pingdu Base", focus_areas=["eco_agriculture"])
    html = client.get(reverse("catalog:makerspace_list") + "?focus_area=smart_hardware", **EN).content.decode()
    assert makerspace.name_en in html and "Pingdu Base" not in html
    assert client.get(reverse("catalog:makerspace_list") + "?district=moon").status_code == 400
    html = _page(client, "catalog:makerspace_detail", makerspace.slug, **EN).content.decode()
    assert maker_org.name_en in html and product.name_en in html and "Laoshan District" in html


# --- maker pages --------------------------------------------------------------------------


def _form(category, **overrides):
    data = {"organisation": "", "category": category.pk, "name": "智能浮标", "name_en": "Smart buoy",
            "summary": "近海监测", "stage": "prototype", "price_amount": "1200", "price_currency": "CNY",
            "stock": "3", "specifications": "续航: 30 天\n材质: 316L 不锈钢", "description": "<p>ok</p>"}
    data.update(overrides)
    return data


def test_maker_creates_product_with_image(client, maker, maker_org, category,
                                          django_capture_on_commit_callbacks):
    client.force_login(maker)
    assert _page(client, "catalog:product_create").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("catalog:product_create"),
                               _form(category, organisation=maker_org.pk, image=image_upload()))
    assert response.status_code == 302, response.content.decode()[:2000]
    product = Product.objects.get()
    assert product.specifications == {"续航": "30 天", "材质": "316L 不锈钢"}
    assert product.images.count() == 1 and product.images.get().thumbnail


def test_create_with_bad_input_shows_errors_and_writes_nothing(client, maker, maker_org, category):
    client.force_login(maker)
    response = client.post(reverse("catalog:product_create"),
                           _form(category, organisation=maker_org.pk, price_currency="XYZ"), **EN)
    # the currency is a choice: a code that is not offered is refused, nothing written
    assert response.status_code == 400 and "Select a valid choice. XYZ" in response.content.decode()
    assert not Product.objects.exists()
    response = client.post(reverse("catalog:product_create"),
                           _form(category, organisation=maker_org.pk, specifications="no colon here"), **EN)
    assert response.status_code == 400 and "name: value" in response.content.decode()
    response = client.post(
        reverse("catalog:product_create"),
        _form(category, organisation=maker_org.pk,
              image=SimpleUploadedFile("x.png", b"junk", content_type="image/png")), **EN)
    assert response.status_code == 400 and "not a valid image" in response.content.decode()
    assert not Product.objects.exists() and not ProductImage.objects.exists()
    assert stored_files() == []


def test_users_without_a_maker_company_cannot_create(client, outsider):
    client.force_login(outsider)
    assert _page(client, "catalog:product_create").status_code == 403


def test_other_maker_cannot_edit_publish_or_upload(client, other_maker, product, category):
    client.force_login(other_maker)
    assert _page(client, "catalog:product_edit", product.slug).status_code == 403
    response = client.post(reverse("catalog:product_edit", args=[product.slug]), _form(category, name="hijack"))
    assert response.status_code == 403
    assert client.post(reverse("catalog:product_withdraw", args=[product.slug])).status_code == 403
    response = client.post(reverse("catalog:product_image_upload", args=[product.slug]),
                           {"image": image_upload()})
    assert response.status_code == 403
    product.refresh_from_db()
    assert product.name != "hijack" and product.status == "published" and not product.images.exists()


def test_maker_edits_publishes_and_sees_refusals(client, maker, draft, category):
    client.force_login(maker)
    edit = _page(client, "catalog:product_edit", draft.slug)
    assert edit.status_code == 200
    response = client.post(reverse("catalog:product_edit", args=[draft.slug]), _form(category, stock="9"))
    assert response.status_code == 302
    assert Product.objects.get(pk=draft.pk).stock == 9
    response = client.post(reverse("catalog:product_withdraw", args=[draft.slug]), **EN)
    assert response.status_code == 409 and "cannot be withdrawn" in response.content.decode()
    assert client.post(reverse("catalog:product_publish", args=[draft.slug])).status_code == 302
    assert Product.objects.get(pk=draft.pk).status == "published"
    mine = _page(client, "catalog:my_products").content.decode()
    assert "智能浮标" in mine  # the name the form set


def test_image_page_upload_refuses_non_images(client, maker, draft):
    client.force_login(maker)
    response = client.post(reverse("catalog:product_image_upload", args=[draft.slug]),
                           {"image": SimpleUploadedFile("a.jpg", b"GIF89a....", content_type="image/jpeg")}, **EN)
    assert response.status_code == 400 and "not a valid image" in response.content.decode()
    assert stored_files() == []


# --- certification pages --------------------------------------------------------------------


def test_apply_page(client, maker, product):
    client.force_login(maker)
    assert _page(client, "catalog:certification_apply", product.slug).status_code == 200
    response = client.post(reverse("catalog:certification_apply", args=[product.slug]),
                           {"statement": "首创", "documents": [pdf_upload(), pdf_upload("b.pdf")]})
    assert response.status_code == 302
    assert Certification.objects.get().documents.count() == 2
    response = client.post(reverse("catalog:certification_apply", args=[product.slug]),
                           {"documents": [pdf_upload()]}, **EN)
    assert response.status_code == 409 and "already has an application" in response.content.decode()


def test_review_queue_is_staff_only(client, maker, staff, product):
    cert = CertificationFactory(product=product)
    client.force_login(maker)
    assert _page(client, "catalog:certification_queue").status_code == 403
    assert _page(client, "catalog:certification_review", cert.pk).status_code == 403
    client.force_login(staff)
    html = _page(client, "catalog:certification_queue").content.decode()
    assert product.name in html


def test_staff_reviews_on_the_page(client, staff, product):
    cert = CertificationFactory(product=product)
    doc = cert.documents.create(file=SimpleUploadedFile("r.pdf", b"%PDF-1.4 x"), original_name="报告.pdf",
                                content_type="application/pdf", size=10)
    client.force_login(staff)
    url = reverse("catalog:certification_review", args=[cert.pk])
    started = client.post(url, {"action": "start"}, follow=True, **EN).content.decode()
    # starting a review is not a decision
    assert "Review started" in started and "Decision recorded" not in started
    response = client.post(url, {"action": "reject", "reject-reason": ""}, **EN)
    assert response.status_code == 400
    today = timezone.localdate()
    response = client.post(url, {"action": "certify", "certify-certificate_number": "QD-V-1",
                                 "certify-valid_from": today.isoformat(),
                                 "certify-valid_until": (today - timedelta(days=1)).isoformat()}, **EN)
    assert response.status_code == 400 and "end after it starts" in response.content.decode()
    response = client.post(url, {"action": "certify", "certify-certificate_number": "QD-V-1",
                                 "certify-valid_from": today.isoformat(),
                                 "certify-valid_until": (today + timedelta(days=90)).isoformat()})
    assert response.status_code == 302
    assert "审核结果已记录" in client.get(response["Location"]).content.decode()
    assert Certification.objects.get(pk=cert.pk).status == "certified"
    download = client.get(reverse("catalog:certification_document", args=[cert.pk, doc.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF")


def test_documents_are_private(client, other_maker, product):
    cert = CertificationFactory(product=product)
    doc = cert.documents.create(file=SimpleUploadedFile("r.pdf", b"%PDF-1.4 x"), size=10)
    client.force_login(other_maker)
    assert client.get(reverse("catalog:certification_document", args=[cert.pk, doc.pk])).status_code == 404


# --- makerspace pages ------------------------------------------------------------------------


def test_operator_edits_makerspace_page(client, makerspace, maker, other_org):
    operator = member_of(makerspace.operator)
    client.force_login(operator)
    url = reverse("catalog:makerspace_edit", args=[makerspace.slug])
    assert client.get(url).status_code == 200
    data = {"name": makerspace.name, "name_en": "Renamed", "district": "laoshan", "address": "松岭路 1 号",
            "focus_areas": ["smart_hardware", "industrial_design"], "services": "辅导\n融资",
            "equipment": "3D 打印机", "opening_hours": "9-18"}
    assert client.post(url, data).status_code == 302
    makerspace.refresh_from_db()
    assert makerspace.name_en == "Renamed" and makerspace.services == ["辅导", "融资"]
    # the resident is picked by name: the suggestion the picker offers reads "Name (address)"
    assert 'list="id_organisation-choices"' in client.get(url).content.decode()
    response = client.post(reverse("catalog:makerspace_residents", args=[makerspace.slug]),
                           {"organisation": f"{other_org.name} ({other_org.slug})"})
    assert response.status_code == 302 and makerspace.residents.filter(pk=other_org.pk).exists()
    response = client.post(reverse("catalog:makerspace_photo_upload", args=[makerspace.slug]),
                           {"image": SimpleUploadedFile("p.png", b"nope")}, **EN)
    assert response.status_code == 400 and "not a valid image" in response.content.decode()
    client.force_login(maker)
    assert client.get(url).status_code == 403
    assert client.post(url, dict(data, name_en="Hijacked")).status_code == 403
    makerspace.refresh_from_db()
    assert makerspace.name_en == "Renamed"


# --- languages ---------------------------------------------------------------------------------


def test_pages_and_errors_in_chinese_and_english(client, maker, maker_org, category, product):
    zh = _page(client, "catalog:product_list", **ZH).content.decode()
    en = _page(client, "catalog:product_list", **EN).content.decode()
    assert "<h1>产品</h1>" in zh and "<h1>Products</h1>" in en
    Product.objects.filter(pk=product.pk).update(specifications={"量程": "0-100 °C"})
    zh_detail = _page(client, "catalog:product_detail", product.slug, **ZH).content.decode()
    assert product.name in zh_detail and "规格参数" in zh_detail
    client.force_login(maker)
    form = _form(category, organisation=maker_org.pk, price_amount="-3")
    zh_error = client.post(reverse("catalog:product_create"), form, **ZH).content.decode()
    en_error = client.post(reverse("catalog:product_create"), form, **EN).content.decode()
    assert "价格不能为负数。" in zh_error
    assert "The price cannot be negative." in en_error
    assert Decimal("-3") not in Product.objects.values_list("price_amount", flat=True)


def test_product_list_page_queries_do_not_grow(client, maker_org, category, django_assert_max_num_queries):
    def fill(n):
        for product in PublishedProductFactory.create_batch(n, organisation=maker_org, category=category,
                                                            makerspace=MakerspaceFactory()):
            certified(product)

    fill(2)
    with django_assert_max_num_queries(12) as few:
        client.get(reverse("catalog:product_list"))
    fill(20)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(reverse("catalog:product_list")).status_code == 200




def test_makerspace_page_queries_do_not_grow(client, makerspace, maker_org,
                                             django_assert_max_num_queries):
    from catalog.models import MakerspacePhoto
    from tests.factories import OrganisationFactory

    def fill(n):
        for _ in range(n):
            resident = OrganisationFactory()
            makerspace.residents.add(resident)
            product = PublishedProductFactory(organisation=resident, makerspace=makerspace)
            certified(product)
            ProductImage.objects.create(product=product, image=f"products/{product.pk}/a.png",
                                        thumbnail=f"products/{product.pk}/t.webp")
            MakerspacePhoto.objects.create(makerspace=makerspace, image="makerspaces/p.png",
                                           caption=resident.name)

    fill(2)
    url = reverse("catalog:makerspace_detail", args=[makerspace.slug])
    with django_assert_max_num_queries(12) as few:
        assert client.get(url).status_code == 200
    fill(15)
    with django_assert_max_num_queries(len(few.captured_queries)):
        html = client.get(url, **EN).content.decode()
    assert html.count('class="card product-card"') == 17 and html.count("<figure>") == 17


def test_my_products_lists_drafts_and_the_makerspaces_one_runs(client, maker, maker_org, category,
                                                              makerspace,
                                                              django_assert_max_num_queries):
    """The operator's makerspaces (selectors.makerspaces_operated_by) appear with an edit
    link; the page's queries do not grow with the number of products."""
    from catalog.models import Product as ProductModel

    operator = member_of(makerspace.operator)
    client.force_login(operator)
    html = client.get(reverse("catalog:my_products"), **EN).content.decode()
    assert "Makerspaces you run" in html
    assert reverse("catalog:makerspace_edit", args=[makerspace.slug]) in html

    client.force_login(maker)
    PublishedProductFactory(organisation=maker_org, category=category)
    with django_assert_max_num_queries(20) as few:
        html = client.get(reverse("catalog:my_products"), **EN).content.decode()
    assert "Makerspaces you run" not in html
    for product in PublishedProductFactory.create_batch(10, organisation=maker_org, category=category):
        certified(product)
    from tests.catalog.factories import ProductFactory

    ProductFactory.create_batch(5, organisation=maker_org, category=category)  # drafts too
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("catalog:my_products"), **EN)
    assert len(response.context["page"]) == 16
    assert ProductModel.objects.filter(organisation=maker_org, status="draft").count() == 5


def test_the_catalogue_filters_offer_only_choices_that_can_match(client):
    """Published products only: no status to choose; the currency is a list; the maker
    comes from links, never typed; an empty choice says Any."""
    html = client.get(reverse("catalog:product_list"), **EN).content.decode()
    assert 'name="status"' not in html
    assert '<select name="currency"' in html and ">Any</option>" in html
    assert '<input type="hidden" name="organisation"' in html
    assert "---------" not in html
    assert ">不限</option>" in client.get(reverse("catalog:product_list"), **ZH).content.decode()
