"""A makerspace's description is rich text: scripts, on* attributes and javascript: URLs
are removed, whether it is written through the API or the edit page, and both the API and
the page show it sanitised (also a row written outside the services, by an import)."""

import pytest
from django.urls import reverse

from catalog.models import Makerspace
from tests.catalog.factories import MakerspaceFactory
from tests.factories import member_of

pytestmark = pytest.mark.django_db

EVIL = (
    '<p onclick="steal()">欢迎<script>alert(1)</script></p>'
    '<a href="javascript:alert(2)" onmouseover="x()">link</a>'
    '<img src="x" onerror="alert(3)">'
    '<a href="https://example.org/">ok</a>'
)
DANGEROUS = ("<script", "alert(1)", "onclick", "onmouseover", "onerror", "javascript:", "<img")


def _assert_clean(html: str):
    for needle in DANGEROUS:
        assert needle not in html, needle
    assert "<p>欢迎</p>" in html
    assert '<a href="https://example.org/" rel="noopener noreferrer nofollow">ok</a>' in html


@pytest.fixture
def space():
    return MakerspaceFactory(slug="haier-space")


@pytest.fixture
def operator(space):
    return member_of(space.operator)


def _description_block(html: str) -> str:
    """The page's description, not the rest of it (the page has scripts of its own)."""
    start = html.index('<div class="rich-text">')
    return html[start:html.index("</div>", start)]


def test_written_through_the_api_it_is_stored_and_returned_sanitised(api_client, operator,
                                                                     space):
    api_client.force_login(operator)
    response = api_client.patch(f"/api/catalog/makerspaces/{space.slug}/",
                                {"description": EVIL, "description_en": EVIL}, format="json")
    assert response.status_code == 200, response.json()
    _assert_clean(response.json()["description"])
    _assert_clean(response.json()["description_en"])
    space.refresh_from_db()
    _assert_clean(space.description)
    _assert_clean(api_client.get(f"/api/catalog/makerspaces/{space.slug}/").json()
                  ["description"])


def test_written_through_the_edit_page_it_is_stored_sanitised(client, operator, space):
    client.force_login(operator)
    response = client.post(reverse("catalog:makerspace_edit", args=[space.slug]), {
        "name": space.name, "district": space.district, "description": EVIL,
    })
    assert response.status_code == 302
    space.refresh_from_db()
    _assert_clean(space.description)


@pytest.mark.parametrize(("language", "field"), [("zh-hans", "description"),
                                                 ("en", "description_en")])
def test_the_page_shows_the_description_as_sanitised_rich_text(client, space, language,
                                                               field):
    Makerspace.objects.filter(pk=space.pk).update(**{field: EVIL})  # an import, say
    page = client.get(reverse("catalog:makerspace_detail", args=[space.slug]),
                      HTTP_ACCEPT_LANGUAGE=language)
    assert page.status_code == 200
    block = _description_block(page.content.decode())
    _assert_clean(block)
    assert "&lt;p&gt;" not in block  # formatting is shown, not printed as tags


def test_the_api_sanitises_a_row_written_outside_the_services(api_client, space):
    Makerspace.objects.filter(pk=space.pk).update(description=EVIL, description_en=EVIL)
    detail = api_client.get(f"/api/catalog/makerspaces/{space.slug}/").json()
    _assert_clean(detail["description"])
    _assert_clean(detail["description_en"])
