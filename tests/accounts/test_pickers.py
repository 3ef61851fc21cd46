"""Organisations are picked by name (marketplace/accounts/pickers.py): the field cleans a
suggestion, a web address or an exact name; the lookup suggests verified organisations
to signed-in people only."""

import pytest
from django import forms
from django.urls import reverse
from django.utils import translation

from marketplace.accounts.models import OrganisationKind
from marketplace.accounts.pickers import OrganisationPickerField
from tests.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


class MakerForm(forms.Form):
    maker = OrganisationPickerField(kinds=[OrganisationKind.MAKER_COMPANY], label="Maker")


@pytest.fixture
def makers():
    return (
        OrganisationFactory(name="蓝湾智造", name_en="Blue Bay Making", slug="blue-bay",
                            verified=True),
        OrganisationFactory(name="海创电子", slug="haichuang", verified=True),
        OrganisationFactory(name="未审核工坊", slug="unverified-works"),
        OrganisationFactory(name="崂山众创空间", slug="laoshan-space",
                            kind=OrganisationKind.MAKERSPACE, verified=True),
    )


@pytest.mark.parametrize("typed", ["蓝湾智造 (blue-bay)", "blue-bay", "BLUE-BAY", "蓝湾智造",
                                   "blue bay making"])
def test_the_picker_cleans_a_suggestion_a_web_address_or_an_exact_name(makers, typed):
    form = MakerForm(data={"maker": typed})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["maker"] == "blue-bay"


def test_the_picker_refuses_unknown_names_and_other_kinds(makers):
    unknown = MakerForm(data={"maker": "nobody"})
    assert not unknown.is_valid()
    assert "No organisation matches “nobody”" in unknown.errors["maker"][0]
    # a makerspace is not a maker company, even by its exact web address
    other_kind = MakerForm(data={"maker": "崂山众创空间 (laoshan-space)"})
    assert not other_kind.is_valid()


def test_the_picker_asks_to_choose_when_two_organisations_share_a_name(makers):
    OrganisationFactory(name="海创电子", slug="haichuang-2", verified=True)
    form = MakerForm(data={"maker": "海创电子"})
    assert not form.is_valid() and "Several organisations" in form.errors["maker"][0]
    chosen = MakerForm(data={"maker": "海创电子 (haichuang-2)"})
    assert chosen.is_valid() and chosen.cleaned_data["maker"] == "haichuang-2"


def test_the_widget_asks_the_lookup_for_its_kinds_and_fills_its_datalist():
    html = str(MakerForm()["maker"])
    assert 'type="search"' in html and 'list="id_maker-choices"' in html
    assert '<datalist id="id_maker-choices">' in html
    assert "/organisation-lookup/?field=maker&amp;kind=maker_company" in html
    assert 'hx-target="#id_maker-choices"' in html


def test_the_lookup_suggests_verified_organisations_of_the_kind_to_signed_in_people(
        client, makers):
    url = reverse("accounts:organisation_lookup")
    anonymous = client.get(url, {"field": "maker", "maker": "蓝湾"})
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]

    client.force_login(UserFactory())
    html = client.get(url, {"field": "maker", "maker": "工坊"}).content.decode()
    assert "unverified-works" not in html  # not verified: never suggested
    html = client.get(url, {"field": "maker", "maker": "blue",
                            "kind": "maker_company"}).content.decode()
    assert '<option value="蓝湾智造 (blue-bay)">' in html
    html = client.get(url, {"field": "maker", "maker": "空间",
                            "kind": "maker_company"}).content.decode()
    assert "laoshan-space" not in html  # another kind
    html = client.get(url, {"field": "maker", "maker": "空间",
                            "kind": "makerspace,bogus"}).content.decode()
    assert "laoshan-space" in html  # an unknown kind is ignored, the known one applies
    assert client.get(url, {"field": "maker", "maker": ""}).content.decode().strip() == ""
