"""The Django admin has no login of its own (marketplace/urls.py wraps it in allauth's
``secure_admin_login``): a staff password posted to /admin/login/ never yields a session;
people are sent to allauth's login, which asks the one-time code and applies the rate
limits."""

import json
import subprocess
import sys
import textwrap
from urllib.parse import parse_qs, urlsplit

import pytest
from django.conf import settings
from django.db import connection
from django.urls import reverse

from tests.accounts.factories import (
    PASSWORD,
    StaffFactory,
    SuperuserFactory,
    UserFactory,
    totp_code,
)
from tests.core.test_security import _production_env

ADMIN_LOGIN = "/admin/login/"


def _post_admin_login(client, email, password=PASSWORD, **extra):
    return client.post(ADMIN_LOGIN + "?next=/admin/",
                       {"username": email, "password": password, "next": "/admin/"}, **extra)


def _assert_anonymous(client):
    assert "_auth_user_id" not in client.session
    admin_index = client.get("/admin/")
    assert admin_index.status_code == 302
    assert urlsplit(admin_index["Location"]).path == ADMIN_LOGIN
    me = client.get("/api/me/")
    assert me.status_code in (401, 403)


@pytest.mark.django_db
class TestAdminLoginGoesThroughAllauth:
    def test_a_staff_password_posted_to_the_admin_login_gives_no_session(self, client):
        staff = SuperuserFactory()  # no MFA: the old admin form would have let them in
        response = _post_admin_login(client, staff.email)
        assert response.status_code == 302
        assert urlsplit(response["Location"]).path == reverse("account_login")
        _assert_anonymous(client)

    def test_a_superuser_with_totp_is_not_let_in_by_the_password_alone(self, client):
        staff = SuperuserFactory(mfa=True)
        _post_admin_login(client, staff.email)
        _assert_anonymous(client)

    def test_the_admin_login_page_redirects_to_allauth_keeping_next(self, client):
        response = client.get(ADMIN_LOGIN + "?next=/admin/accounts/user/")
        assert response.status_code == 302
        location = urlsplit(response["Location"])
        assert location.path == reverse("account_login")
        assert parse_qs(location.query)["next"] == ["/admin/accounts/user/"]

    def test_the_admin_index_sends_anonymous_visitors_through_allauth(self, client):
        response = client.get("/admin/", follow=True)
        assert response.redirect_chain[-1][0].startswith(reverse("account_login"))
        assert response.status_code == 200

    def test_a_logged_in_non_staff_user_is_refused_by_the_admin_login(self, client):
        client.force_login(UserFactory())
        assert client.get(ADMIN_LOGIN).status_code == 403

    def test_staff_with_totp_must_give_the_code_then_reach_the_admin(self, client):
        staff = SuperuserFactory(mfa=True)
        response = client.post(reverse("account_login") + "?next=/admin/",
                               {"login": staff.email, "password": PASSWORD, "next": "/admin/"})
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("mfa_authenticate"))
        _assert_anonymous(client)

        response = client.post(reverse("mfa_authenticate"), {"code": totp_code()})
        assert response.status_code == 302
        assert client.session["_auth_user_id"] == str(staff.pk)
        assert client.get("/admin/").status_code == 200

    @pytest.mark.parametrize(("language", "message"), [
        ("en", "Too many failed login attempts"), ("zh-hans", "登录失败次数过多"),
    ])
    def test_allauths_lockout_applies_to_staff(self, client, isolated_cache, language,
                                               message):
        staff = StaffFactory(mfa=True)
        for _ in range(5):
            client.post(reverse("account_login"), {"login": staff.email, "password": "guess"})
        # the right password: still refused, and the admin login is no way around it
        response = client.post(reverse("account_login"),
                               {"login": staff.email, "password": PASSWORD},
                               HTTP_ACCEPT_LANGUAGE=language)
        assert message in response.content.decode()
        assert not response.get("Location", "").startswith(reverse("mfa_authenticate"))
        _post_admin_login(client, staff.email)
        _assert_anonymous(client)


PRODUCTION_PROBE = textwrap.dedent("""
    import json, sys
    import django
    django.setup()
    from django.test import Client

    email, password = sys.argv[1], sys.argv[2]
    client = Client(HTTP_HOST="example.org")
    posted = client.post("/admin/login/?next=/admin/",
                         {"username": email, "password": password, "next": "/admin/"},
                         secure=True)
    index = client.get("/admin/", secure=True)
    me = client.get("/api/me/", secure=True)
    print(json.dumps({
        "posted": [posted.status_code, posted.get("Location", "")],
        "session_user": client.session.get("_auth_user_id"),
        "index": [index.status_code, index.get("Location", "")],
        "me": me.status_code,
    }))
""")


@pytest.mark.django_db(transaction=True)
def test_under_production_settings_a_staff_password_gives_no_session(requires_postgres):
    """The production overlay runs in its own process against this test's database (the
    staff user is committed, so that process sees it)."""
    staff = SuperuserFactory()
    db = connection.settings_dict
    env = _production_env(
        DATABASE_URL=f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        REDIS_URL=settings.REDIS_URL or None,
    )
    result = subprocess.run(
        [sys.executable, "-c", PRODUCTION_PROBE, staff.email, PASSWORD],
        cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout.strip().splitlines()[-1])
    status, location = report["posted"]
    assert status == 302
    assert urlsplit(location).path == "/accounts/login/"
    assert report["session_user"] is None
    assert report["index"][0] == 302
    assert urlsplit(report["index"][1]).path == ADMIN_LOGIN
    assert report["me"] in (401, 403)
