"""Browser smoke test: the pages load in Chromium with their assets, the language
switcher works, and the login page is reachable."""

from __future__ import annotations

import re

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_home_switch_to_english_then_log_in_page(live_server, page):
    failed = []
    page.on("response", lambda r: r.status >= 400 and failed.append(f"{r.status} {r.url}"))

    page.goto(f"{live_server.url}/")
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    assert page.locator("h1").inner_text() == "众创空间交易平台"
    assert page.get_by_role("heading", name="参与方式").is_visible()

    # site.js submits the switcher on change (its button is hidden when JS runs)
    assert page.locator("#language-switch button").is_hidden()
    with page.expect_navigation():
        page.select_option("#language-select", "en")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("h1").inner_text() == "Makerspace Marketplace"
    # the home cards of the parts that are built (crowdfunding and procurement register theirs)
    assert page.get_by_role("heading", name="Catalogue", exact=True).is_visible()

    # the choice sticks: the login page is in English too
    page.get_by_role("navigation", name="Account").get_by_role("link", name="Log in").click()
    page.wait_for_url(re.compile(r"/accounts/login/"))
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("input[name=login]").is_visible()
    assert page.locator("input[name=password]").is_visible()

    assert failed == []  # pages, styles, scripts, favicon
    assert page.console_errors == []


def test_switch_back_to_chinese(live_server, page):
    page.goto(f"{live_server.url}/")
    with page.expect_navigation():
        page.select_option("#language-select", "en")
    assert page.locator("h1").inner_text() == "Makerspace Marketplace"
    with page.expect_navigation():
        page.select_option("#language-select", "zh-hans")
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    assert page.get_by_role("link", name="登录").first.is_visible()


def test_api_docs_load_from_our_origin(live_server, page):
    """Swagger UI comes from the sidecar package and passes the CSP (no CDN, no inline JS)."""
    outside = []
    page.on(
        "request",
        lambda r: not r.url.startswith(live_server.url) and not r.url.startswith("data:")
        and outside.append(r.url),
    )
    page.goto(f"{live_server.url}/api/docs/")
    page.wait_for_selector(".swagger-ui .info .title")
    assert "Makerspace marketplace API" in page.locator(".swagger-ui .info .title").inner_text()
    assert outside == []
    assert page.console_errors == []
