"""The procurement admin is read-only and never links the private contract PDF."""

import pytest

from tests.factories import SuperuserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("model", ["contract", "delivery", "contractpayment", "release"])
def test_views_but_never_adds(client, model, delivered):
    client.force_login(SuperuserFactory(mfa=True))
    assert client.get(f"/admin/procurement/{model}/").status_code == 200
    assert client.get(f"/admin/procurement/{model}/add/").status_code == 403


def test_the_contract_page_has_no_file_link(client, signed):
    client.force_login(SuperuserFactory(mfa=True))
    answer = client.get(f"/admin/procurement/contract/{signed.pk}/change/")
    assert answer.status_code == 200
    assert signed.pdf.name not in answer.content.decode()
