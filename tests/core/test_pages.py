"""marketplace.core.pages: refused actions become 4xx pages, never 500s."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.test import Client
from django.urls import path
from django.utils.translation import gettext_lazy

from marketplace.accounts.errors import InvitationUnusable
from marketplace.core.errors import ConflictError, DomainError, NotFoundError, PermissionDeniedError
from marketplace.core.pages import (
    PageNotFound,
    domain_errors_as_http,
    form_error_response,
    user_facing_message,
)
from marketplace.urls import urlpatterns as site_urlpatterns

ERRORS = {
    "permission": PermissionDeniedError(gettext_lazy("Only an owner of this organisation may edit it.")),
    "notfound": NotFoundError(),
    "conflict": ConflictError(code="sold_out"),
    "gone": InvitationUnusable(),
    "plain": DomainError(),
}


@domain_errors_as_http
def bare(request, kind):
    if kind == "ok":
        return HttpResponse("fine")
    if kind == "crash":
        raise RuntimeError("a bug, not a domain error")
    raise ERRORS[kind]


@domain_errors_as_http(template="400.html")
def with_template(request, kind):
    raise ERRORS[kind]


def form_view(request):
    from django import forms

    class Form(forms.Form):
        name = forms.CharField()

    form = Form({"name": "x"})
    form.is_valid()
    exc = DomainError("That name is taken.", code="taken", data={"field": "name"})
    return form_error_response(request, "error.html", {"exception": "", "form": form}, exc,
                               form=form)


urlpatterns = [
    path("t/bare/<str:kind>", bare),
    path("t/template/<str:kind>", with_template),
    path("t/form", form_view),
    *site_urlpatterns,
]
handler403 = "marketplace.core.views.permission_denied"
handler404 = "marketplace.core.views.page_not_found"

pytestmark = [pytest.mark.urls(__name__), pytest.mark.django_db]


def test_the_decorator_keeps_the_view_and_its_name():
    assert bare.__name__ == "bare"
    assert Client().get("/t/bare/ok").content == b"fine"


@pytest.mark.parametrize(("kind", "status", "template", "text_en"), [
    ("permission", 403, "403.html", "Only an owner of this organisation may edit it."),
    ("notfound", 404, "404.html", "Not found."),
    ("conflict", 409, "error.html", "The request conflicts with the current state."),
    ("gone", 410, "error.html", "This invitation can no longer be used."),
    ("plain", 400, "error.html", "The request could not be processed."),
])
def test_each_domain_error_is_a_page_with_its_status(client, kind, status, template, text_en):
    response = client.get(f"/t/bare/{kind}", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == status
    assert template in [t.name for t in response.templates]
    assert text_en in response.content.decode()


@pytest.mark.parametrize(("kind", "text_zh"), [
    ("permission", "只有该机构的负责人可以编辑机构信息。"),
    ("conflict", "该请求与当前状态冲突。"),
])
def test_the_message_is_in_the_active_language(client, kind, text_zh):
    response = client.get(f"/t/bare/{kind}", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert text_zh in response.content.decode()


def test_a_template_for_the_other_errors_403_and_404_keep_theirs(client):
    response = client.get("/t/template/conflict")
    assert response.status_code == 409
    assert "400.html" in [t.name for t in response.templates]
    response = client.get("/t/template/permission")
    assert response.status_code == 403
    assert "403.html" in [t.name for t in response.templates]


def test_other_exceptions_are_not_swallowed():
    with pytest.raises(RuntimeError):
        Client().get("/t/bare/crash")


def test_form_error_response_puts_the_message_on_the_field(client):
    response = client.get("/t/form", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert response.context["form"].errors == {"name": ["That name is taken."]}


class TestUserFacingMessage:
    def test_domain_errors_and_exceptions_raised_from_them(self):
        error = NotFoundError("该产品不存在。")
        assert user_facing_message(error) == "该产品不存在。"
        try:
            raise Http404("ignored text") from error
        except Http404 as exc:
            assert user_facing_message(exc) == "该产品不存在。"

    def test_django_texts_are_not_shown(self):
        assert user_facing_message(Http404("No Product matches the given query.")) == ""
        assert user_facing_message(Http404({"path": "x", "tried": []})) == ""
        assert user_facing_message(Http404()) == ""
        assert user_facing_message(None) == ""

    def test_page_not_found_and_permission_denied_texts_are_shown(self):
        assert user_facing_message(PageNotFound("已删除。")) == "已删除。"
        assert user_facing_message(PermissionDenied("仅限负责人。")) == "仅限负责人。"
        assert user_facing_message(PermissionDenied()) == ""
