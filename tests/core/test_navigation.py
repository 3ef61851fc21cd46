"""Header links and home cards come from the apps that registered them: a part of the
site that is not built shows nothing; unknown addresses get the site's 404 page, DEBUG or
not; the header carries the unread count from page load, in one query."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse

from marketplace.accounts.models import OrganisationKind
from marketplace.core import navigation
from marketplace.core.dashboard import Link
from marketplace.core.navigation import ACCOUNT_MENU, MAIN_MENU, cards_for, links_for, nav_link
from marketplace.notifications.models import Notification
from tests.factories import (
    OrganisationFactory,
    OwnerFactory,
    StaffFactory,
    UserFactory,
    buyer_officer,
    member_of,
)

pytestmark = pytest.mark.django_db


def _urls(links):
    return [link.url for link in links]


def _header(html: str) -> str:
    return html[html.index('<header class="site-header"'):html.index("</header>")]


def test_the_header_shows_only_parts_that_are_built(client):
    from django.contrib.auth.models import AnonymousUser

    assert _urls(links_for(AnonymousUser(), MAIN_MENU)) == [
        reverse("catalog:product_list"), reverse("catalog:makerspace_list"),
        reverse("crowdfunding:discover"), reverse("procurement:notices"), reverse("search:page")]
    header = _header(client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode())
    assert "Products" in header and "Search" in header
    # procurement registers its public portal; the header offers no per-type search
    assert "Crowdfunding" in header and "Procurement" in header
    assert "type=campaign" not in header and "type=notice" not in header


def test_the_home_page_shows_the_registered_cards_only(client):
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert [c.key for c in cards_for(UserFactory())] == ["catalog", "crowdfunding"]
    assert 'id="card-catalog"' in html and "Browse products" in html
    assert "See campaigns" not in html and "See notices" not in html
    assert 'id="card-procurement"' not in html
    zh = client.get("/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "参与方式" in zh and "浏览产品" in zh


def test_a_failing_link_is_left_out(monkeypatch, client):
    monkeypatch.setattr(navigation, "_links", dict(navigation._links))

    @nav_link("test.broken", order=0)
    def _broken(user):
        raise RuntimeError("bug")

    @nav_link("test.fine", order=1)
    def _fine(user):
        return Link("Fine", "/fine/")

    assert _urls(links_for(UserFactory()))[0] == "/fine/"
    assert client.get("/").status_code == 200


def test_an_unknown_menu_is_refused():
    with pytest.raises(ValueError):
        nav_link("test.x", menu="sidebar")


def test_each_role_finds_its_work_pages_in_the_account_menu():
    plain = _urls(links_for(UserFactory(), ACCOUNT_MENU))
    assert plain == [reverse("accounts:profile"), reverse("accounts:organisation_list"),
                     reverse("crowdfunding:pledge_list")]

    maker = OwnerFactory().user
    assert reverse("catalog:my_products") in _urls(links_for(maker, ACCOUNT_MENU))
    assert reverse("catalog:certification_queue") not in _urls(links_for(maker, ACCOUNT_MENU))

    operator = member_of(OrganisationFactory(kind=OrganisationKind.MAKERSPACE))
    assert any("#panel-catalogmakerspaces" in url
               for url in _urls(links_for(operator, ACCOUNT_MENU)))

    buyer = buyer_officer(mfa=True)
    buyer_urls = _urls(links_for(buyer, ACCOUNT_MENU))
    assert reverse("catalog:first_set_units_awaiting") in buyer_urls
    assert reverse("catalog:my_products") not in buyer_urls

    staff = _urls(links_for(StaffFactory(mfa=True), ACCOUNT_MENU))
    for url in (reverse("catalog:certification_queue"), reverse("accounts:kyc_queue"),
                reverse("admin:index"), reverse("catalog:first_set_units_awaiting")):
        assert url in staff


def test_the_staff_menu_is_rendered_in_one_click(client):
    staff = StaffFactory(mfa=True)
    client.force_login(staff)
    header = _header(client.get(reverse("dashboard"), HTTP_ACCEPT_LANGUAGE="en").content.decode())
    assert 'class="account-menu"' in header
    for url in (reverse("catalog:certification_queue"), reverse("admin:index"),
                reverse("accounts:kyc_queue")):
        assert f'href="{url}"' in header


def test_the_unread_count_is_in_the_header_on_page_load(client):
    user = UserFactory()
    client.force_login(user)
    header = _header(client.get("/").content.decode())
    assert re.search(r'id="notification-count"[^>]*hidden', header)
    for n in range(3):
        Notification.objects.create(user=user, kind="test", title=f"n{n}")
    Notification.objects.create(user=user, kind="test", title="read",
                                read_at="2026-01-01T00:00:00Z")
    Notification.objects.create(user=UserFactory(), kind="test", title="someone else's")
    header = _header(client.get("/").content.decode())
    assert 'data-unread="3"' in header and '<span class="n">3</span>' in header
    assert not re.search(r'id="notification-count"[^>]*hidden', header)


def test_the_unread_count_costs_one_query(client):
    user = UserFactory()
    for n in range(5):
        Notification.objects.create(user=user, kind="test", title=f"n{n}")
    client.force_login(user)
    client.get("/")  # warm up (session, content types)
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/").status_code == 200
    on_notifications = [q["sql"] for q in queries.captured_queries
                        if "notifications_notification" in q["sql"]]
    assert len(on_notifications) == 1 and "COUNT" in on_notifications[0].upper()


def test_anonymous_pages_do_not_count_notifications(client):
    with CaptureQueriesContext(connection) as queries:
        client.get("/")
    assert not [q for q in queries.captured_queries
                if "notifications_notification" in q["sql"]]


@pytest.mark.parametrize("debug", [False, True])
@pytest.mark.parametrize("path", ["/crowdfunding/999999/", "/crowdfunding/campaigns/x/",
                                  "/procurement/notices/1/", "/no-such-page/"])
def test_unknown_addresses_get_the_site_404_page(client, path, debug):
    with override_settings(DEBUG=debug):
        response = client.get(path, HTTP_ACCEPT_LANGUAGE="en")
    html = response.content.decode()
    assert response.status_code == 404
    assert "Page not found" in html and "Makerspace Marketplace" in html
    assert "URLconf" not in html and "admin/" not in html and "Django" not in html


@override_settings(DEBUG=True)
def test_a_view_404_with_debug_on_is_the_site_page_too(client):
    response = client.get(reverse("catalog:product_detail", args=["no-such-product"]),
                          HTTP_ACCEPT_LANGUAGE="zh-hans")
    html = response.content.decode()
    assert response.status_code == 404 and "Django" not in html and "URLconf" not in html


@override_settings(DEBUG=True)
def test_a_missing_trailing_slash_still_redirects(client):
    response = client.get("/dashboard")
    assert response.status_code == 301 and response["Location"] == "/dashboard/"


def test_the_status_page_is_readable_and_healthz_stays_json(client):
    response = client.get(reverse("status"), HTTP_ACCEPT_LANGUAGE="en")
    html = response.content.decode()
    assert response.status_code in (200, 503)
    assert response["Content-Type"].startswith("text/html")
    assert "<h1>Service status</h1>" in html and "Database" in html
    assert 'id="check-database"' in html and "Working" in html
    zh = client.get(reverse("status"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "服务状态" in zh and "数据库" in zh
    health = client.get(reverse("healthz"))
    assert health["Content-Type"] == "application/json"
    assert "database" in health.json()["checks"]


def test_the_footer_links_to_the_status_page(client):
    html = client.get("/").content.decode()
    footer = html[html.index('<footer'):]
    assert f'href="{reverse("status")}"' in footer


def test_the_status_page_renders_with_the_database_down(client, monkeypatch):
    from marketplace.core import views

    def down(**kwargs):
        return False, {"status": "degraded", "checks": {
            "database": {"status": "down", "error": "OperationalError"}}}

    monkeypatch.setattr(views, "health_report", down)
    response = client.get(reverse("status"), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 503
    assert "Not working" in response.content.decode()


def test_favicon_ico_is_not_a_404(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301 and response["Location"].endswith("img/favicon.svg")
    assert client.get(response["Location"]).status_code == 200
