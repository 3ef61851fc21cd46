"""Sign-up, email verification, login, logout, password reset and login throttling,
through allauth's real pages (rendered in our site frame)."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from marketplace.accounts.models import User
from tests.accounts.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a-much-better-secret-2026"


def link_in(message) -> str:
    match = re.search(r"https?://[^/\s]+(/\S+)", message.body)
    assert match, message.body
    return match.group(1)


def login(client, email, password=PASSWORD):
    return client.post(reverse("account_login"), {"login": email, "password": password})


def test_sign_up_verify_email_then_log_in(client):
    response = client.post(
        reverse("account_signup"),
        {"email": "New.Maker@Example.org", "password1": PASSWORD, "password2": PASSWORD},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    user = User.objects.get(email="new.maker@example.org")
    assert user.preferred_language == "en"  # the page language at sign-up
    assert user.emailaddress_set.get().verified is False

    assert len(mail.outbox) == 1
    confirm_path = link_in(mail.outbox[0])
    assert confirm_path.startswith("/accounts/confirm-email/")

    # before confirming, logging in only re-sends the verification
    fresh = client.__class__()
    response = login(fresh, "new.maker@example.org")
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert "_auth_user_id" not in fresh.session

    assert fresh.get(confirm_path).status_code == 200
    response = fresh.post(confirm_path)
    assert response.status_code == 302
    assert user.emailaddress_set.get().verified is True

    response = login(fresh, "new.maker@example.org")
    assert response.status_code == 302
    assert response["Location"] == reverse("dashboard")
    assert fresh.session["_auth_user_id"] == str(user.pk)
    assert fresh.get(reverse("accounts:profile")).status_code == 200


def test_confirming_in_the_same_browser_logs_in(client):
    client.post(reverse("account_signup"),
                {"email": "quick@example.org", "password1": PASSWORD, "password2": PASSWORD})
    client.post(link_in(mail.outbox[0]))
    assert client.session["_auth_user_id"] == str(User.objects.get(email="quick@example.org").pk)


def test_sign_up_with_a_taken_email_or_weak_password_is_refused(client):
    UserFactory(email="taken@example.org")
    response = client.post(
        reverse("account_signup"),
        {"email": "taken@example.org", "password1": PASSWORD, "password2": PASSWORD},
    )
    # allauth does not reveal that the address exists: it mails its owner instead
    assert User.objects.filter(email="taken@example.org").count() == 1
    assert response.status_code == 302
    response = client.post(
        reverse("account_signup"),
        {"email": "weak@example.org", "password1": "123", "password2": "123"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["password1"]
    assert not User.objects.filter(email="weak@example.org").exists()


def test_log_in_and_log_out(client):
    user = UserFactory()
    assert login(client, user.email, "wrong-password").status_code == 200
    assert "_auth_user_id" not in client.session
    assert login(client, user.email.upper()).status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)
    response = client.post(reverse("account_logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("accounts:profile")).status_code == 302


def test_password_reset_by_email(client):
    user = UserFactory()
    response = client.post(reverse("account_reset_password"), {"email": user.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [user.email]

    reset_path = link_in(mail.outbox[0])
    response = client.get(reset_path)
    # allauth moves the key out of the URL into the session, then shows the form
    assert response.status_code == 302
    form_path = response["Location"]
    assert client.get(form_path).status_code == 200
    response = client.post(form_path, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 302

    assert login(client.__class__(), user.email, PASSWORD).status_code == 200  # old refused
    fresh = client.__class__()
    assert login(fresh, user.email, NEW_PASSWORD).status_code == 302
    assert fresh.session["_auth_user_id"] == str(user.pk)


def test_password_reset_for_an_unknown_address_reveals_nothing(client):
    response = client.post(reverse("account_reset_password"), {"email": "ghost@example.org"})
    assert response.status_code == 302
    assert all("ghost@example.org" in m.to for m in mail.outbox)
    assert not any(re.search(r"/accounts/password/reset/key/", m.body) for m in mail.outbox)


@pytest.mark.parametrize(
    ("language", "message"),
    [("en", "Too many failed login attempts"), ("zh-hans", "登录失败次数过多")],
)
def test_repeated_failed_logins_are_throttled(client, isolated_cache, language, message):
    user = UserFactory()
    for _ in range(5):
        response = client.post(reverse("account_login"),
                               {"login": user.email, "password": "guess"},
                               HTTP_ACCEPT_LANGUAGE=language)
        assert message not in response.content.decode()
    # even the right password is refused now
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD},
                           HTTP_ACCEPT_LANGUAGE=language)
    assert message in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_login_throttling_is_per_address_too(client, isolated_cache):
    """Another IP cannot keep guessing the same account."""
    user = UserFactory()
    for i in range(5):
        client.post(reverse("account_login"), {"login": user.email, "password": "guess"},
                    REMOTE_ADDR=f"10.0.0.{i + 1}")
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD},
                           REMOTE_ADDR="10.0.0.99", HTTP_ACCEPT_LANGUAGE="en")
    assert "_auth_user_id" not in client.session
    assert "Too many failed login attempts" in response.content.decode()
    # another account from that fresh address is not affected
    other = UserFactory()
    login_other = client.post(reverse("account_login"),
                              {"login": other.email, "password": PASSWORD}, REMOTE_ADDR="10.0.0.99")
    assert login_other.status_code == 302


@pytest.mark.parametrize(
    ("language", "expected"),
    [("zh-hans", ["登录", "众创空间"]), ("en", ["Sign In", "Makerspace Marketplace"])],
)
def test_allauth_pages_use_our_frame_in_both_languages(client, language, expected):
    response = client.get(reverse("account_login"), HTTP_ACCEPT_LANGUAGE=language)
    html = response.content.decode()
    assert response.status_code == 200
    assert 'class="site-header"' in html  # our base.html
    assert f'lang="{language}"' in html
    for text in expected:
        assert text in html
    for name in ("account_signup", "account_reset_password"):
        page = client.get(reverse(name), HTTP_ACCEPT_LANGUAGE=language)
        assert page.status_code == 200
        assert 'class="site-header"' in page.content.decode()
