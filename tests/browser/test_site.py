"""Each demo role's landing (the dashboard) in Chromium, in both languages: its panels and
their links, the header in one row at 1280 px and a compact menu at 390 px, English pages
without Chinese outside user content, and an axe-core scan of the main pages."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from tests.catalog.factories import (
    BuyerFactory,
    CategoryFactory,
    MakerspaceFactory,
    MakerspaceOperatorFactory,
    PublishedProductFactory,
)
from tests.factories import ExpertFactory, OwnerFactory, StaffFactory, UserFactory, member_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef]")
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
LOCALES = {"zh-hans": "zh-CN", "en": "en-US"}
DASHBOARD_TITLE = {"zh-hans": "工作台", "en": "Dashboard"}


@pytest.fixture
def site():
    """A small catalogue and one person per demo role (long names, as real ones are)."""
    category = CategoryFactory(name="智能硬件", name_en="Smart hardware")
    operator_org = MakerspaceOperatorFactory(name="崂山智造空间运营有限公司",
                                             name_en="Laoshan Smart Making Operations Ltd.")
    space = MakerspaceFactory(operator=operator_org, name="崂山智造空间",
                              name_en="Laoshan Smart Making Space")
    maker_org = OwnerFactory(organisation__name="青岛海洋感知科技有限公司",
                             organisation__name_en="Qingdao Ocean Sensing Technology Co., Ltd.",
                             user__display_name="Maker Wang Xiaoming").organisation
    product = PublishedProductFactory(organisation=maker_org, makerspace=space, category=category,
                                      name="海洋浮标无人机", name_en="Ocean buoy drone")
    people = {
        "staff": StaffFactory(mfa=True, display_name="Staff Reviewer Li Na"),
        "maker": maker_org.memberships.get().user,
        "buyer": member_of(BuyerFactory(), role="buyer_officer", mfa=True,
                           display_name="Buyer Officer Zhang Wei"),
        "operator": member_of(operator_org, display_name="Operator Chen Jing"),
        "backer": UserFactory(display_name="Backer Liu Yang"),
        "expert": ExpertFactory(mfa=True, display_name="Panel Expert Zhao Lei"),
    }
    user_content = [category.name, operator_org.name, space.name, space.address, maker_org.name,
                    product.name, product.summary, product.description]
    return {"people": people, "product": product, "space": space, "user_content": user_content}


def _context(browser, live_server, *, user=None, language="zh-hans", viewport=DESKTOP):
    context = browser.new_context(locale=LOCALES[language], viewport=viewport,
                                  extra_http_headers={"Accept-Language": LOCALES[language]})
    context.set_default_timeout(15_000)
    if user is not None:
        client = Client()
        client.force_login(user)
        context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value,
                              "url": live_server.url}])
    return context


def _visible_text_without(page, user_content) -> str:
    """The page's visible text, less user content and text marked as another language
    (the language switcher names 简体中文 in Chinese)."""
    text = page.evaluate("""() => {
        const body = document.body.cloneNode(true);
        body.querySelectorAll('script, style, [hidden], [lang]:not([lang^="en"])')
            .forEach(el => el.remove());
        return body.textContent;
    }""")
    for value in sorted(filter(None, user_content), key=len, reverse=True):
        text = text.replace(value, "")
        text = text.replace(re.sub(r"<[^>]+>", "", value), "")
    return text


def _one_row(page) -> tuple[float, float]:
    """The header's height and the vertical spread of the centres of its visible items."""
    return page.evaluate("""() => {
        const header = document.getElementById('site-header');
        const items = [...header.querySelectorAll(
            '.brand, .main-nav a, .user-nav > a, .account-menu > summary, #language-select')]
            .filter(el => el.offsetParent !== null);
        const centres = items.map(el => { const r = el.getBoundingClientRect();
                                          return r.top + r.height / 2; });
        return [header.getBoundingClientRect().height,
                Math.max(...centres) - Math.min(...centres)];
    }""")


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("role", ["staff", "maker", "buyer", "operator", "backer", "expert"])
def test_each_role_lands_on_its_dashboard(browser, live_server, site, role, language):
    user = site["people"][role]
    context = _context(browser, live_server, user=user, language=language)
    page = context.new_page()
    failed = []
    page.on("response", lambda r: r.status >= 400 and failed.append(f"{r.status} {r.url}"))
    try:
        page.goto(f"{live_server.url}/dashboard/")
        assert page.locator("html").get_attribute("lang") == language
        assert page.locator("h1").inner_text() == DASHBOARD_TITLE[language]
        panels = page.locator("section.panel")
        assert panels.count() >= 1
        keys = [panels.nth(i).get_attribute("id") for i in range(panels.count())]
        expected = {"staff": "panel-accountsstaff_queues", "maker": "panel-catalogproducts",
                    "operator": "panel-catalogmakerspaces", "backer": "panel-accountsreal_name",
                    "buyer": "panel-accountsorganisations",
                    "expert": "panel-accountsorganisations"}[role]
        assert expected in keys
        # every link of every panel opens (no 4xx/5xx)
        hrefs = {a.get_attribute("href") for a in page.locator("section.panel a").all()}
        for href in hrefs:
            response = page.request.get(href if href.startswith("http")
                                        else f"{live_server.url}{href.split('#')[0]}")
            assert response.status < 400, href

        assert page.locator("#menu-toggle").is_hidden()  # the phone's menu only
        height, spread = _one_row(page)
        assert spread < 12, f"{role} header wraps at 1280 px ({height} px high)"
        assert height < 90
        if language == "en":
            text = _visible_text_without(page, [*site["user_content"], str(user)])
            assert not CJK.findall(text), CJK.findall(text)
        assert failed == []
    finally:
        context.close()


@pytest.mark.parametrize("role", ["staff", "maker", "buyer"])
def test_the_work_pages_are_one_click_away(browser, live_server, site, role):
    context = _context(browser, live_server, user=site["people"][role], language="en")
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/dashboard/")
        page.locator(".account-menu > summary").click()
        menu = page.locator(".account-menu ul")
        assert menu.is_visible()
        wanted = {"staff": ["Certification queue", "Real-name review", "Administration"],
                  "maker": ["My products"], "buyer": ["First-set units to confirm"]}[role]
        for label in wanted:
            link = menu.get_by_role("link", name=label, exact=True)
            assert link.is_visible()
        with page.expect_navigation():
            menu.get_by_role("link", name=wanted[0], exact=True).click()
        assert page.locator("h1").is_visible()
        assert "Page not found" not in page.content()
    finally:
        context.close()


def test_phone_width_has_a_compact_menu(browser, live_server, site):
    context = _context(browser, live_server, user=site["people"]["staff"], language="en",
                       viewport=PHONE)
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/")
        toggle = page.locator("#menu-toggle")
        assert toggle.is_visible() and toggle.get_attribute("aria-expanded") == "false"
        assert page.locator(".main-nav").is_hidden()
        closed = page.locator("#site-header").bounding_box()["height"]
        assert closed < 80
        toggle.click()
        assert toggle.get_attribute("aria-expanded") == "true"
        assert page.locator(".main-nav").get_by_role("link", name="Products").is_visible()
        page.locator(".account-menu > summary").click()
        assert page.get_by_role("link", name="Certification queue").is_visible()
        # nothing overflows the phone's width
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    finally:
        context.close()


def _main_pages(site):
    return {
        "home": "/",
        "catalogue": "/catalog/products/",
        "product": f"/catalog/products/{site['product'].slug}/",
        "search": "/search/?q=buoy",
        "dashboard": "/dashboard/",
    }


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_english_pages_have_no_chinese_and_chinese_pages_are_chinese(browser, live_server, site,
                                                                      language):
    from search.service import get_backend
    from tests.search.corpus import index_corpus

    index_corpus(get_backend())
    context = _context(browser, live_server, user=site["people"]["maker"], language=language)
    page = context.new_page()
    try:
        for name, path in _main_pages(site).items():
            page.goto(f"{live_server.url}{path}")
            assert page.locator("html").get_attribute("lang") == language, name
            text = _visible_text_without(page, [*site["user_content"],
                                                str(site["people"]["maker"])])
            if language == "en":
                assert not CJK.findall(text), (name, CJK.findall(text))
            else:
                assert len(CJK.findall(text)) > 10, name
    finally:
        context.close()


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_no_serious_accessibility_violations(browser, live_server, site, language):
    from axe_playwright_python.sync_playwright import Axe

    from search.service import get_backend
    from tests.search.corpus import index_corpus

    index_corpus(get_backend())
    axe = Axe()
    context = _context(browser, live_server, user=site["people"]["maker"], language=language)
    page = context.new_page()
    found = {}
    try:
        for name, path in _main_pages(site).items():
            page.goto(f"{live_server.url}{path}")
            results = axe.run(page)
            serious = [v for v in results.response["violations"]
                       if v["impact"] in ("serious", "critical")]
            if serious:
                found[name] = [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
                               for v in serious]
    finally:
        context.close()
    assert found == {}


def test_the_accessibility_scan_can_fail(browser, live_server, site):
    """A control: the same scan reports an image without alternative text."""
    from axe_playwright_python.sync_playwright import Axe

    context = _context(browser, live_server)
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/")
        page.evaluate("""() => { const img = document.createElement('img');
                                 img.src = '/static/img/favicon.svg';
                                 document.querySelector('main').appendChild(img); }""")
        violations = Axe().run(page).response["violations"]
        assert any(v["id"] == "image-alt" and v["impact"] == "critical" for v in violations)
    finally:
        context.close()
