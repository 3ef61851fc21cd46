"""allauth's pages (login, sign-up, password reset, MFA) in the site's frame and form
layout (templates/allauth/layouts/base.html and templates/allauth/elements/), in English
and in Chinese."""

import re

import pytest
from django.urls import reverse

from tests.accounts.factories import UserFactory, mfa_activate

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}


def _labelled(html: str, field_id: str) -> str:
    """The text of the <label for=field_id>, asserting the control exists."""
    assert re.search(rf'<(input|select|textarea)[^>]*id="{field_id}"', html), field_id
    label = re.search(rf'<label[^>]*for="{field_id}"[^>]*>(.*?)</label>', html, re.S)
    assert label, f"no label for {field_id}"
    return re.sub(r"<[^>]+>", "", label.group(1)).strip()


def _in_site_frame(html: str, *, form: bool = True) -> None:
    assert 'id="site-header"' in html and 'class="site-footer"' in html
    assert "site.css" in html and 'id="main"' in html
    assert "<strong>Menu:</strong>" not in html and "菜单：" not in html  # allauth's bare menu
    if form:
        assert 'class="site-form' in html
    assert "<p><label" not in html  # not Form.as_p


@pytest.mark.parametrize(("headers", "login", "password", "title"), [
    (EN, "Email", "Password", "Sign In"),
    (ZH, "电子邮件", "密码", "登录"),
])
def test_the_login_page_is_in_the_site_layout_with_labelled_fields(client, headers, login,
                                                                  password, title):
    response = client.get(reverse("account_login"), **headers)
    assert response.status_code == 200
    html = response.content.decode()
    _in_site_frame(html)
    assert 'class="site-form card auth-form"' in html
    assert login in _labelled(html, "id_login") and password in _labelled(html, "id_password")
    assert '<div class="field field-required">' in html
    assert title in html
    lang = "en" if headers is EN else "zh-hans"
    assert f'<html lang="{lang}">' in html


@pytest.mark.parametrize("headers", [EN, ZH])
def test_sign_up_and_password_reset_are_in_the_site_layout(client, headers):
    for name, field in (("account_signup", "id_email"), ("account_reset_password", "id_email")):
        response = client.get(reverse(name), **headers)
        assert response.status_code == 200, name
        html = response.content.decode()
        _in_site_frame(html)
        assert _labelled(html, field)


def test_a_failed_login_shows_the_error_in_the_form_layout(client):
    response = client.post(reverse("account_login"), {"login": "nobody@example.com",
                                                      "password": "wrong"}, **EN)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="form-errors" role="alert"' in html
    assert 'value="nobody@example.com"' in html  # what was typed stays


@pytest.mark.parametrize("headers", [EN, ZH])
def test_the_mfa_pages_are_in_the_site_layout(client, headers):
    from tests.accounts.factories import PASSWORD
    user = UserFactory()
    client.force_login(user)
    # an old login is asked for the password again, on a site page too
    response = client.get(reverse("mfa_activate_totp"), **headers)
    assert response.status_code == 302 and "reauthenticate" in response["Location"]
    again = client.get(response["Location"], **headers).content.decode()
    _in_site_frame(again)
    assert _labelled(again, "id_password")
    assert client.post(response["Location"], {"password": PASSWORD},
                       **headers).status_code == 302
    response = client.get(reverse("mfa_activate_totp"), **headers)
    assert response.status_code == 200
    html = response.content.decode()
    _in_site_frame(html)
    assert _labelled(html, "id_code")
    index = client.get(reverse("mfa_index"), **headers).content.decode()
    _in_site_frame(index, form=False)
    assert '<section class="card">' in index  # allauth's panels are site cards


def test_the_mfa_login_step_is_in_the_site_layout(client):
    from tests.accounts.factories import PASSWORD
    user = UserFactory()
    mfa_activate(user)
    response = client.post(reverse("account_login"), {"login": user.email,
                                                      "password": PASSWORD}, **EN)
    assert response.status_code == 302 and response["Location"] == reverse("mfa_authenticate")
    html = client.get(reverse("mfa_authenticate"), **EN).content.decode()
    _in_site_frame(html)
    assert _labelled(html, "id_code")
