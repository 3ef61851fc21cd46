"""The site's error pages (templates 400/403/404/500.html and the handlers in
marketplace.core.views): the right status, a readable message in the active language."""

import pytest
from django.core.exceptions import SuspiciousOperation
from django.test import Client
from django.urls import path, reverse
from rest_framework.views import APIView

from marketplace.urls import handler400, handler403, handler404, handler500
from marketplace.urls import urlpatterns as site_urlpatterns
from tests.factories import OrganisationFactory, OwnerFactory


def crash(request):
    raise RuntimeError("a bug")


def suspicious(request):
    raise SuspiciousOperation("tampered")


class CrashingApi(APIView):
    """An API view with a bug: DRF's exception handler leaves the error to handler500."""

    permission_classes: list = []

    def get(self, request):
        raise RuntimeError("a bug with internals: db.internal:5432")

    def post(self, request):
        raise KeyError("secret")


urlpatterns = [
    path("t/crash", crash), path("t/suspicious", suspicious),
    path("api/t/crash", CrashingApi.as_view()), path("t/api-view-outside-api", CrashingApi.as_view()),
    *site_urlpatterns,
]
handler400 = handler400  # noqa: PLW0127  (the site's handlers, for this URLconf)
handler403 = handler403  # noqa: PLW0127
handler404 = handler404  # noqa: PLW0127
handler500 = handler500  # noqa: PLW0127

pytestmark = [pytest.mark.urls(__name__), pytest.mark.django_db]


@pytest.mark.parametrize(("language", "message", "title"), [
    ("zh-hans", "只有该机构的负责人可以编辑机构信息。", "无权访问"),
    ("en", "Only an owner of this organisation may edit it.", "Not allowed"),
])
def test_a_member_of_a_opening_bs_edit_page_gets_a_translated_403(client, language, message,
                                                                  title):
    owner_a = OwnerFactory()
    org_b = OrganisationFactory()
    client.force_login(owner_a.user)
    response = client.get(reverse("accounts:organisation_edit", args=[org_b.slug]),
                          HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 403
    html = response.content.decode()
    assert message in html
    assert title in html
    assert f'<html lang="{language}">' in html
    assert "403.html" in [t.name for t in response.templates]


@pytest.mark.parametrize(("language", "text"), [
    ("zh-hans", "此地址没有内容，可能已被移动或删除。"),
    ("en", "There is nothing at this address. It may have been moved or removed."),
])
def test_an_unknown_address_gets_the_404_page_without_internals(client, language, text):
    response = client.get("/no/such/page/", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 404
    html = response.content.decode()
    assert text in html
    assert "Resolver404" not in html and "tried" not in html


def test_a_missing_object_shows_the_domain_message(client):
    owner = OwnerFactory()
    client.force_login(owner.user)
    response = client.get(reverse("accounts:kyc_document", args=[999999]),
                          HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 404
    assert "Not found." in response.content.decode()


@pytest.mark.parametrize(("language", "detail"), [("en", "Not found."), ("zh-hans", "未找到。")])
def test_an_unknown_api_address_answers_in_the_api_error_shape(client, language, detail):
    response = client.get("/api/no-such-endpoint/", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 404
    assert response.json() == {"detail": detail, "code": "not_found"}


@pytest.mark.parametrize(("language", "text"), [
    ("zh-hans", "我们这边出了问题"),
    ("en", "Something went wrong on our side"),
])
def test_a_crash_is_the_plain_500_page(language, text):
    client = Client(raise_request_exception=False)
    response = client.get("/t/crash", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 500
    html = response.content.decode()
    assert text in html
    assert "RuntimeError" not in html and "a bug" not in html
    # rendered without base.html: nothing that needs a request, the session or a database
    assert [t.name for t in response.templates] == ["500.html"]


def test_500_html_stands_alone():
    from pathlib import Path

    text = (Path(__file__).resolve().parent.parent / "marketplace" / "templates"
            / "500.html").read_text()
    assert "{% extends" not in text and "{% url" not in text and "{% static" not in text
    assert "user" not in text.replace("{% comment %}", "").split("{% endcomment %}")[-1]


@pytest.mark.parametrize(("language", "text"), [
    ("zh-hans", "无法理解该请求"),
    ("en", "The request could not be understood."),
])
def test_a_suspicious_request_is_the_400_page(client, language, text):
    response = client.get("/t/suspicious", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 400
    assert text in response.content.decode()


@pytest.mark.parametrize(("language", "detail"), [
    ("en", "Something went wrong on our side. Please try again later."),
    ("zh-hans", "我们这边出了点问题，请稍后再试。"),
])
@pytest.mark.parametrize("method", ["get", "post"])
def test_a_crash_in_an_api_view_is_a_json_500_in_the_error_shape(language, detail, method):
    client = Client(raise_request_exception=False)
    response = getattr(client, method)("/api/t/crash", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 500
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": detail, "code": "server_error"}
    assert b"db.internal" not in response.content and b"secret" not in response.content


def test_the_same_crash_outside_api_is_the_html_500_page():
    client = Client(raise_request_exception=False)
    response = client.get("/t/api-view-outside-api", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 500
    assert response["Content-Type"].startswith("text/html")
    assert "Something went wrong on our side" in response.content.decode()
    assert "db.internal" not in response.content.decode()
