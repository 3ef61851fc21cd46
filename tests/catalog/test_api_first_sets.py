"""First-set API: either side records a unit with its purchase document, the other side
confirms or rejects it,
the lists are scoped to the viewer and stay O(1) in queries; insurance with its caps."""

import pytest
from django.utils import timezone

from catalog.models import FirstSetInsurance, FirstSetUnit
from catalog.services.first_sets import first_set_unit_record
from marketplace.accounts.models import MembershipRole
from tests.catalog.factories import BuyerFactory, FirstSetProductFactory, pdf_upload
from tests.factories import member_of

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}
PRODUCTS = "/api/catalog/products/"
UNITS = "/api/catalog/first-set-units/"


@pytest.fixture
def as_user(api_client):
    def login(user):
        api_client.force_login(user)
        return api_client

    return login


@pytest.fixture
def first_set(maker_org):
    return FirstSetProductFactory(organisation=maker_org)


@pytest.fixture
def buyer(db):
    return BuyerFactory()


@pytest.fixture
def officer(buyer):
    return member_of(buyer, role=MembershipRole.BUYER_OFFICER, mfa=True)


def _claim(maker, product, buyer, serial):
    return first_set_unit_record(actor=maker, product=product, buyer=buyer, serial_number=serial,
                                 put_into_use_on=timezone.localdate(),
                                 purchase_document=pdf_upload())


def _record(client, product, buyer_slug, serial, document=True, **headers):
    data = {"buyer": buyer_slug, "serial_number": serial,
            "put_into_use_on": timezone.localdate().isoformat()}
    if document:
        data["purchase_document"] = pdf_upload("invoice.pdf")
    return client.post(f"{PRODUCTS}{product.pk}/first-set-units/", data, format="multipart",
                       **headers)


def test_maker_records_buyer_confirms_and_only_then_it_counts(as_user, maker, first_set, buyer,
                                                             officer):
    claims = [_record(as_user(maker), first_set, buyer.slug, f"S{i}") for i in range(4)]
    assert {r.status_code for r in claims} == {201}
    assert [(c.json()["status"], c.json()["sequence"], c.json()["counts_as_first_set"],
             c.json()["maker_confirmed"], c.json()["buyer_confirmed"],
             c.json()["has_purchase_document"]) for c in claims] == [
        ("claimed", None, False, True, False, True)] * 4

    client = as_user(officer)
    awaiting = client.get(UNITS).json()
    assert awaiting["count"] == 4
    assert {u["product"]["slug"] for u in awaiting["results"]} == {first_set.slug}
    confirmed = [client.post(f"{UNITS}{c.json()['id']}/confirm/") for c in claims]
    assert [(r.json()["status"], r.json()["sequence"], r.json()["counts_as_first_set"])
            for r in confirmed] == [("confirmed", 1, True), ("confirmed", 2, True),
                                    ("confirmed", 3, True), ("confirmed", 4, False)]
    assert client.get(UNITS).json()["count"] == 0
    again = client.post(f"{UNITS}{claims[0].json()['id']}/confirm/", **EN)
    assert again.status_code == 403  # the buyer has confirmed: nothing left for it to decide


def test_a_buyers_record_waits_for_the_maker(as_user, maker, first_set, buyer, officer):
    created = _record(as_user(officer), first_set, buyer.slug, "OWN")
    assert created.status_code == 201
    assert (created.json()["status"], created.json()["buyer_confirmed"],
            created.json()["maker_confirmed"]) == ("claimed", True, False)
    assert as_user(officer).get(UNITS).json()["count"] == 0
    client = as_user(maker)
    assert [u["serial_number"] for u in client.get(UNITS).json()["results"]] == ["OWN"]
    response = client.post(f"{UNITS}{created.json()['id']}/confirm/")
    assert (response.json()["status"], response.json()["sequence"]) == ("confirmed", 1)


def test_buyer_officers_view_their_own_units_only(as_user, maker, first_set, buyer, officer,
                                                  other_maker, outsider):
    other_buyer = BuyerFactory()
    ours, theirs = _claim(maker, first_set, buyer, "OURS"), _claim(maker, first_set, other_buyer, "THEIRS")
    url = f"{PRODUCTS}{first_set.pk}/first-set-units/"
    assert {u["serial_number"] for u in as_user(maker).get(url).json()} == {"OURS", "THEIRS"}
    assert [u["serial_number"] for u in as_user(officer).get(url).json()] == ["OURS"]
    # another company's owner may buy too: they see their own (no) units, never others'
    assert as_user(other_maker).get(url).json() == []
    assert as_user(outsider).get(url).status_code == 403
    # insurance records stay the maker's and staff's
    assert as_user(officer).get(f"{PRODUCTS}{first_set.pk}/insurances/").status_code == 403
    # another buyer's unit is not found, not forbidden
    client = as_user(officer)
    assert client.post(f"{UNITS}{theirs.pk}/confirm/").status_code == 404
    assert client.post(f"{UNITS}{theirs.pk}/reject/", {"reason": "x"}).status_code == 404
    assert client.post(f"{UNITS}{ours.pk}/confirm/").status_code == 200
    refused = _record(client, first_set, other_buyer.slug, "NOT-OURS")
    assert refused.status_code == 403


def test_maker_cannot_confirm_its_own_record(as_user, maker, first_set, buyer):
    claim = _claim(maker, first_set, buyer, "MINE")
    response = as_user(maker).post(f"{UNITS}{claim.pk}/confirm/", **EN)
    assert response.status_code == 403
    assert FirstSetUnit.objects.get(pk=claim.pk).status == "claimed"
    assert as_user(maker).get(UNITS).json()["count"] == 0


def test_reject_needs_a_reason(as_user, maker, first_set, buyer, officer):
    claim = _claim(maker, first_set, buyer, "R")
    client = as_user(officer)
    assert client.post(f"{UNITS}{claim.pk}/reject/", {}, format="json").status_code == 400
    response = client.post(f"{UNITS}{claim.pk}/reject/", {"reason": "没有这台设备"}, format="json")
    assert response.status_code == 200
    assert response.json()["status"] == "rejected" and response.json()["sequence"] is None
    assert response.json()["decision_reason"] == "没有这台设备"


def test_bad_input_is_a_400_and_writes_nothing(as_user, maker, maker_org, first_set, buyer):
    client = as_user(maker)
    own = _record(client, first_set, maker_org.slug, "S", **ZH)
    assert own.status_code == 400 and own.json()["code"] == "related_buyer"
    assert own.json()["detail"] == "采购单位是创客本身或与其有共同成员，此类设备不计入首台（套）。"
    unknown = _record(client, first_set, "no-such-org", "S", **EN)
    assert unknown.status_code == 400 and "Unknown organisation" in unknown.json()["detail"]
    no_document = _record(client, first_set, buyer.slug, "S", document=False, **EN)
    assert no_document.status_code == 400
    assert "purchase_document" in no_document.json()["errors"]
    as_json = client.post(f"{PRODUCTS}{first_set.pk}/first-set-units/",
                          {"buyer": buyer.slug, "serial_number": "S",
                           "put_into_use_on": timezone.localdate().isoformat()}, format="json")
    assert as_json.status_code == 415  # the document needs a multipart body
    assert not FirstSetUnit.objects.exists()


def test_unit_lists_do_not_grow_in_queries(as_user, maker, first_set, officer, buyer,
                                           django_assert_max_num_queries):
    url = f"{PRODUCTS}{first_set.pk}/first-set-units/"
    _claim(maker, first_set, buyer, "Q-0")
    counts = {}
    for name, user in (("maker", maker), ("officer", officer)):
        client = as_user(user)
        with django_assert_max_num_queries(30) as product_units:
            assert len(client.get(url).json()) == 1
        with django_assert_max_num_queries(30) as awaiting:
            assert client.get(UNITS).status_code == 200
        counts[name] = (len(product_units.captured_queries), len(awaiting.captured_queries))
    for i in range(1, 15):
        _claim(maker, first_set, buyer if i % 2 else BuyerFactory(), f"Q-{i}")
    for name, user, visible in (("maker", maker, 15), ("officer", officer, 8)):
        client = as_user(user)
        with django_assert_max_num_queries(counts[name][0]):
            assert len(client.get(url).json()) == visible
        with django_assert_max_num_queries(counts[name][1]):
            response = client.get(UNITS)
        assert response.json()["count"] == (8 if name == "officer" else 0)


# --- insurance ------------------------------------------------------------------------------


def test_insurance_caps_through_the_api(as_user, maker, first_set):
    client = as_user(maker)
    url = f"{PRODUCTS}{first_set.pk}/insurances/"
    policy = {"insurer": "人保财险", "policy_number": "P-1", "insured_amount": "1000000.00",
              "premium_amount": "30100.00", "rate_percent": "3.01", "starts_on": "2026-01-01",
              "ends_on": "2026-12-31"}
    refused = client.post(url, policy, format="json", **EN)
    assert refused.status_code == 400
    assert refused.json()["detail"] == "The premium rate may be at most 3 % (you entered 3.01 %)."
    assert refused.json()["code"] == "insurance_rate_too_high"
    mismatch = client.post(url, dict(policy, rate_percent="1", premium_amount="900000.00"),
                           format="json", **EN)
    assert mismatch.status_code == 400 and mismatch.json()["code"] == "insurance_premium_mismatch"
    created = client.post(url, dict(policy, rate_percent="2.5", premium_amount=None), format="json")
    assert created.status_code == 201
    assert created.json()["premium"]["amount"] == "25000.00"  # derived: insured x rate
    assert created.json()["subsidy"]["amount"] == "20000.00"
    assert created.json()["rate_percent"] == "2.50"
    gap = dict(policy, policy_number="P-2", rate_percent="2", premium_amount="20000.00",
               starts_on="2027-01-05", ends_on="2027-12-31")
    response = client.post(url, gap, format="json", **EN)
    assert response.status_code == 400 and "continuous" in response.json()["detail"]
    too_long = dict(gap, policy_number="P-3", starts_on="2027-01-01", ends_on="2029-01-01")
    response = client.post(url, too_long, format="json", **EN)
    assert response.status_code == 400 and "at most 3 years" in response.json()["detail"]
    assert FirstSetInsurance.objects.count() == 1
    assert [p["policy_number"] for p in client.get(url).json()] == ["P-1"]
