"""First-set pages: the maker records a unit with its purchase document, the buyer's officer
confirms or rejects on the same page, the document is private to the two sides and staff,
insurance for the maker and staff only; the awaiting list."""

import pytest
from django.urls import reverse
from django.utils import timezone

from catalog.models import FirstSetUnit
from marketplace.accounts.models import MembershipRole
from tests.catalog.factories import BuyerFactory, FirstSetProductFactory, pdf_upload, record_unit
from tests.factories import member_of

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}


@pytest.fixture
def first_set(maker_org):
    return FirstSetProductFactory(organisation=maker_org)


@pytest.fixture
def buyer(db):
    return BuyerFactory(name="青岛市科技局", name_en="Qingdao STI Bureau")


@pytest.fixture
def officer(buyer):
    return member_of(buyer, role=MembershipRole.BUYER_OFFICER, mfa=True)


def _url(product):
    return reverse("catalog:product_first_sets", args=[product.slug])


def test_maker_records_a_claim_and_the_insurance(client, maker, first_set, buyer, outsider):
    url = _url(first_set)
    client.force_login(outsider)
    assert client.get(url).status_code == 403
    client.force_login(maker)
    assert client.get(url).status_code == 200
    without_document = client.post(url, {
        "record": "unit", "unit-buyer": buyer.slug, "unit-serial_number": "S-1",
        "unit-put_into_use_on": timezone.localdate().isoformat()}, **EN)
    assert without_document.status_code == 400 and not first_set.units_in_use.exists()
    response = client.post(url, {"record": "unit", "unit-buyer": buyer.slug, "unit-serial_number": "S-1",
                                 "unit-put_into_use_on": timezone.localdate().isoformat(),
                                 "unit-purchase_document": pdf_upload()}, **EN)
    assert response.status_code == 302
    unit = first_set.units_in_use.get()
    assert (unit.status, unit.sequence, unit.maker_confirmed_by) == ("claimed", None, maker)
    html = client.get(url, **EN).content.decode()
    assert "Awaiting confirmation" in html and "buyer: awaiting" in html
    assert "0 confirmed units in use" in html
    assert 'value="confirm"' not in html  # the maker cannot confirm its own record
    # the purchase document: the maker, the buyer and staff open it; others get a 404
    document = reverse("catalog:first_set_unit_document", args=[unit.pk])
    assert client.get(document).status_code == 200
    client.force_login(outsider)
    assert client.get(document).status_code == 404
    client.force_login(maker)
    unknown = client.post(url, {"record": "unit", "unit-buyer": "nobody", "unit-serial_number": "S-2",
                                "unit-put_into_use_on": timezone.localdate().isoformat(),
                                "unit-purchase_document": pdf_upload()}, **EN)
    assert unknown.status_code == 400 and "No organisation matches “nobody”" in unknown.content.decode()

    policy = {"record": "insurance", "insurance-insurer": "人保财险", "insurance-policy_number": "P-9",
              "insurance-insured_amount": "100000", "insurance-premium_amount": "3010",
              "insurance-rate_percent": "3.01", "insurance-starts_on": "2026-01-01",
              "insurance-ends_on": "2026-12-31"}
    response = client.post(url, policy, **ZH)
    assert response.status_code == 400
    assert "保险费率不得超过 3%（您填写的是 3.01%）。" in response.content.decode()
    response = client.post(url, dict(policy, **{"insurance-rate_percent": "2",
                                                "insurance-premium_amount": "9000"}), **EN)
    assert response.status_code == 400 and "does not match the rate" in response.content.decode()
    response = client.post(url, dict(policy, **{"insurance-rate_percent": "2",
                                                "insurance-premium_amount": ""}))
    assert response.status_code == 302
    html = client.get(url, **EN).content.decode()
    assert "CN¥2,000.00" in html and "CN¥1,600.00" in html and "2.00 %" in html


def test_buyer_officer_confirms_and_rejects_on_the_page(client, maker, first_set, buyer, officer):
    claims = [record_unit(actor=maker, product=first_set, buyer=buyer, serial_number=s,
                                    put_into_use_on=timezone.localdate()) for s in ("A", "B")]
    client.force_login(officer)
    url = _url(first_set)
    html = client.get(url, **EN).content.decode()
    assert "Insurance" not in html  # the maker's records, not the buyer's
    assert html.count('value="confirm"') == 2
    assert client.post(url, {"action": "confirm", "unit": claims[0].pk}).status_code == 302
    assert FirstSetUnit.objects.get(pk=claims[0].pk).sequence == 1
    response = client.post(url, {"action": "reject", "unit": claims[1].pk, "reject-reason": ""}, **EN)
    assert response.status_code == 400
    assert FirstSetUnit.objects.get(pk=claims[1].pk).status == "claimed"
    response = client.post(url, {"action": "reject", "unit": claims[1].pk,
                                 "reject-reason": "不是我们的设备"})
    assert response.status_code == 302
    assert FirstSetUnit.objects.get(pk=claims[1].pk).status == "rejected"
    # the officer opens the purchase document of their organisation's unit
    document = reverse("catalog:first_set_unit_document", args=[claims[0].pk])
    response = client.get(document)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    # the buyer has confirmed: nothing left for it to decide
    again = client.post(url, {"action": "confirm", "unit": claims[0].pk}, **EN)
    assert again.status_code == 403
    # a unit of another product, or a missing one, is not found on this page
    elsewhere = record_unit(actor=maker, product=FirstSetProductFactory(
        organisation=first_set.organisation), buyer=buyer, serial_number="C",
        put_into_use_on=timezone.localdate())
    assert client.post(url, {"action": "confirm", "unit": elsewhere.pk}).status_code == 404
    assert client.post(url, {"action": "confirm", "unit": "x"}).status_code == 404


def test_awaiting_page_lists_the_claims_to_confirm(client, maker, first_set, buyer, officer,
                                                   django_assert_max_num_queries):
    record_unit(actor=maker, product=first_set, buyer=buyer, serial_number="W-0",
                          put_into_use_on=timezone.localdate())
    client.force_login(officer)
    url = reverse("catalog:first_set_units_awaiting")
    with django_assert_max_num_queries(40) as few:
        html = client.get(url, **EN).content.decode()
    assert "W-0" in html and first_set.name_en in html
    for i in range(1, 10):
        record_unit(actor=maker, product=first_set, buyer=buyer, serial_number=f"W-{i}",
                              put_into_use_on=timezone.localdate())
    with django_assert_max_num_queries(len(few.captured_queries)):
        html = client.get(url, **EN).content.decode()
    assert "W-9" in html
    client.force_login(maker)
    assert "W-0" not in client.get(url, **EN).content.decode()


def test_product_page_links_a_buyer_to_the_records(client, maker, first_set, officer):
    client.force_login(officer)
    html = client.get(reverse("catalog:product_detail", args=[first_set.slug]), **EN).content.decode()
    assert "Record or confirm your organisation" in html
