"""Input no page or API can take is a 400 with a message, refused in one place, and
nothing is written: a NUL byte in the path, the query string or a form field
(marketplace.core.middleware.BadInputMiddleware); JSON bodies with NUL characters, deep
nesting, NaN/Infinity or no JSON at all (marketplace.core.parsers.SafeJSONParser)."""

import json
from urllib.parse import urlencode

import pytest
from django.urls import reverse

from marketplace.accounts.models import Organisation
from marketplace.core.parsers import MAX_DEPTH
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

NUL_MESSAGE = {
    "en": "The request contains a NUL character, which is not allowed in text.",
    "zh-hans": "请求中包含 NUL 字符，文本中不允许出现该字符。",
}
LANGUAGES = ["en", "zh-hans"]
API_POST = "/api/organisations/"


@pytest.fixture
def logged_in(client):
    client.force_login(UserFactory())
    return client


def _assert_error_shape(response, status, code, detail):
    assert response.status_code == status
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": detail, "code": code}


# --- NUL in the path, the query string and form fields ------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("url", [
    "/invitations/%00/",
    "/search/suggest?q=%00",
    "/catalog/?q=%00",
    "/catalog/?q=%E6%B5%B7%00",
    "/catalog/?%00=x",
])
def test_a_nul_in_a_page_address_is_a_400_page_with_the_message(client, url, language):
    response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    assert NUL_MESSAGE[language] in response.content.decode()


def test_a_nul_in_the_invitation_address_is_refused_for_a_logged_in_user_too(logged_in):
    response = logged_in.get("/invitations/%00/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert NUL_MESSAGE["en"] in response.content.decode()


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("url", ["/api/search/?q=%00", "/api/me/?x=%00", "/api/%00/"])
def test_a_nul_in_an_api_address_is_a_400_in_the_error_shape(client, url, language):
    response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
    _assert_error_shape(response, 400, "nul_character", NUL_MESSAGE[language])


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("fields", [
    {"kind": "maker_company", "name": "海\x00之声"},
    {"kind": "maker_company", "name": "ok", "description\x00": "x"},
])
def test_a_nul_in_a_posted_form_is_a_400_and_nothing_is_created(logged_in, fields, language):
    response = logged_in.generic("POST", reverse("accounts:organisation_create"),
                                 urlencode(fields),
                                 content_type="application/x-www-form-urlencoded",
                                 HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 400
    assert NUL_MESSAGE[language] in response.content.decode()
    assert not Organisation.objects.exists()


def test_a_nul_in_a_multipart_form_field_is_a_form_error_not_a_500(logged_in):
    """Multipart bodies (uploads) reach the form, whose text fields refuse NUL."""
    response = logged_in.post(reverse("accounts:organisation_create"),
                              {"kind": "maker_company", "name": "海\x00之声"},
                              HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert response.context["form"].errors["name"]
    assert not Organisation.objects.exists()


def test_a_nul_in_an_api_form_post_is_a_400_in_the_error_shape(logged_in):
    response = logged_in.generic("POST", API_POST,
                                 urlencode({"kind": "maker_company", "name": "a\x00b"}),
                                 content_type="application/x-www-form-urlencoded",
                                 HTTP_ACCEPT_LANGUAGE="en")
    _assert_error_shape(response, 400, "nul_character", NUL_MESSAGE["en"])
    assert not Organisation.objects.exists()


def test_a_nul_in_an_api_multipart_post_is_a_field_error(logged_in):
    response = logged_in.post(API_POST, {"kind": "maker_company", "name": "a\x00b"},
                              HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert body["detail"]
    assert "name" in body["errors"]
    assert not Organisation.objects.exists()


# --- JSON bodies -----------------------------------------------------------------------

PARSE_MESSAGES = {
    "nul": {"en": "Text must not contain NUL characters.", "zh-hans": "文本中不能包含 NUL 字符。"},
    "deep": {"en": f"The JSON is nested too deeply (at most {MAX_DEPTH} levels).",
             "zh-hans": f"JSON 嵌套层级过深（最多 {MAX_DEPTH} 层）。"},
    "not_json": {"en": "The body is not valid JSON.", "zh-hans": "请求内容不是有效的 JSON。"},
}


def _nested(levels: int) -> str:
    return '{"kind": "maker_company", "name": "x", "description": ' + (
        "[" * levels + "]" * levels) + "}"


BAD_BODIES = {
    "nul in a value": ('{"kind": "maker_company", "name": "海\\u0000之声"}', "nul"),
    "nul in a key": ('{"kind": "maker_company", "name": "x", "a\\u0000": 1}', "nul"),
    "raw nul in a value": ('{"kind": "maker_company", "name": "a\x00b"}', "not_json"),
    "nested 100 levels": (_nested(100), "deep"),
    "nested 100000 levels": (_nested(100_000), "deep"),
    "NaN": ('{"kind": "maker_company", "name": "x", "website": NaN}', "not_json"),
    "Infinity": ('{"kind": "maker_company", "name": "x", "website": Infinity}', "not_json"),
    "-Infinity": ('{"kind": "maker_company", "name": "x", "website": -Infinity}', "not_json"),
    "not JSON": ("kind=maker_company&name=x", "not_json"),
    "truncated": ('{"kind": "maker_company", "name": ', "not_json"),
    "not UTF-8": (b'{"kind": "maker_company", "name": "\xff\xfe"}', "not_json"),
}


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("case", list(BAD_BODIES))
def test_a_bad_json_body_is_a_400_with_a_message_and_nothing_is_written(
    logged_in, case, language
):
    body, kind = BAD_BODIES[case]
    response = logged_in.generic("POST", API_POST, body, content_type="application/json",
                                 HTTP_ACCEPT_LANGUAGE=language)
    _assert_error_shape(response, 400, "parse_error", PARSE_MESSAGES[kind][language])
    assert not Organisation.objects.exists()


def test_nesting_at_the_limit_is_parsed(logged_in):
    """The limit refuses abuse, not data: the same body, nested a little, is handled by
    the serializer (a 400 about the field, not about the JSON)."""
    response = logged_in.generic("POST", API_POST, _nested(3),
                                 content_type="application/json", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert "description" in response.json()["errors"]


def test_a_good_json_body_still_creates(logged_in):
    response = logged_in.post(API_POST, json.dumps({"kind": "maker_company", "name": "海之声"}),
                              content_type="application/json")
    assert response.status_code == 201, response.content
    assert Organisation.objects.count() == 1
