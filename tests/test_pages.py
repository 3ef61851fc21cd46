"""The project pages (base.html, home.html): Chinese by default, English on request."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model

pytestmark = pytest.mark.django_db


def _lang(response) -> str:
    return re.search(r'<html lang="([^"]+)"', response.content.decode()).group(1)


def test_home_is_chinese_by_default(client):
    response = client.get("/")
    assert response.status_code == 200
    assert _lang(response) == "zh-hans"
    html = response.content.decode()
    assert "<h1>众创空间交易平台</h1>" in html
    # the cards of the parts that are built (see tests/core/test_navigation.py)
    assert "<h3>产品目录</h3>" in html
    assert "Ways to take part" not in html


def test_setlang_switches_the_home_page_to_english(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert response.cookies["django_language"].value == "en"

    response = client.get("/")
    assert _lang(response) == "en"
    html = response.content.decode()
    assert "<h1>Makerspace Marketplace</h1>" in html
    assert "<h3>Catalogue</h3>" in html
    assert "众创空间交易平台" not in html


def test_setlang_back_to_chinese(client):
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})
    assert _lang(client.get("/")) == "zh-hans"


def test_an_unknown_language_is_refused(client):
    response = client.post("/i18n/setlang/", {"language": "xx-nope", "next": "/"})
    assert "django_language" not in response.cookies
    assert _lang(client.get("/")) == "zh-hans"


def test_a_language_the_site_does_not_offer_keeps_the_default(client):
    # Django knows French, the marketplace does not offer it
    client.post("/i18n/setlang/", {"language": "fr", "next": "/"})
    assert _lang(client.get("/")) == "zh-hans"


def test_setlang_refuses_a_foreign_redirect(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "https://evil.example/"})
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_browser_language_is_honoured(client):
    assert _lang(client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")) == "en"
    assert _lang(client.get("/", HTTP_ACCEPT_LANGUAGE="zh-CN,zh;q=0.9")) == "zh-hans"


def test_language_switcher_offers_both_languages_and_returns_to_the_page(client):
    html = client.get("/?q=x").content.decode()
    form = re.search(r'<form action="/i18n/setlang/".*?</form>', html, re.S).group(0)
    assert 'value="zh-hans"' in form and 'value="en"' in form
    assert 'name="next" type="hidden" value="/?q=x"' in form
    assert "csrfmiddlewaretoken" in form


def test_home_links_the_built_parts_and_invites_visitors_to_join(client):
    html = client.get("/").content.decode()
    for href in ("/catalog/products/", "/catalog/makerspaces/"):
        assert f'href="{href}"' in html
    # a part that registers no card or link shows nothing, never a dead search
    assert 'href="/crowdfunding/"' in html
    assert 'href="/procurement/"' in html  # its public portal
    assert "type=notice" not in html
    assert 'href="/accounts/signup/"' in html
    assert 'href="/accounts/login/"' in html


def test_signed_in_home_shows_the_account_menu(client):
    user = get_user_model().objects.create_user(email="maker@example.org", password="pw-123456")
    client.force_login(user)
    html = client.get("/").content.decode()
    assert 'href="/accounts/signup/"' not in html
    assert 'action="/accounts/logout/"' in html
    assert 'data-notifications-ws="/ws/notifications/"' in html
    assert "maker@example.org" in html
