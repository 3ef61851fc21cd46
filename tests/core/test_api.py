"""One error shape for the whole API, in the request's language."""

import pytest
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.urls import path
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from marketplace.core.api import exception_handler
from marketplace.core.errors import (
    ConflictError,
    DomainError,
    IllegalTransition,
    NotFoundError,
    PermissionDeniedError,
)
from marketplace.core.money import Money
from marketplace.core.transitions import StateMachine

MACHINE = StateMachine(
    name="test.order",
    transitions={"draft": {"submitted"}},
    labels={"draft": "Draft", "submitted": "Submitted", "paid": "Paid"},
)


class RaiseApi(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list = []

    def get(self, request, kind):
        if kind == "domain":
            raise DomainError()
        if kind == "transition":
            MACHINE.check("draft", "paid")
        if kind == "currency":
            Money("1", "CNY") + Money("1", "USD")
        if kind == "permission":
            raise PermissionDeniedError()
        if kind == "notfound":
            raise NotFoundError()
        if kind == "conflict":
            raise ConflictError(code="sold_out", data={"remaining": 0})
        if kind == "http404":
            raise Http404("no such thing")
        if kind == "django403":
            raise PermissionDenied
        if kind == "django-validation":
            raise DjangoValidationError({"amount": ["too small"]})
        return Response({"ok": True})


class ValidateApi(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list = []

    class InputSerializer(serializers.Serializer):
        title = serializers.CharField(max_length=5)
        amount = serializers.DecimalField(max_digits=10, decimal_places=2)

    def post(self, request):
        self.InputSerializer(data=request.data).is_valid(raise_exception=True)
        return Response({"ok": True})


urlpatterns = [
    path("raise/<str:kind>", RaiseApi.as_view()),
    path("validate", ValidateApi.as_view()),
]

pytestmark = [pytest.mark.urls(__name__)]


@pytest.mark.parametrize(
    ("kind", "status", "code", "detail_en"),
    [
        ("domain", 400, "invalid", "The request could not be processed."),
        ("transition", 409, "illegal_transition",
         "The status cannot change from “Draft” to “Paid”."),
        ("currency", 400, "currency_mismatch",
         "Amounts in different currencies cannot be combined."),
        ("permission", 403, "permission_denied", "You do not have permission to do this."),
        ("notfound", 404, "not_found", "Not found."),
        ("conflict", 409, "sold_out", "The request conflicts with the current state."),
    ],
)
def test_domain_errors_map_to_their_status_and_shape(client, kind, status, code, detail_en):
    response = client.get(f"/raise/{kind}", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == status
    body = response.json()
    assert body["code"] == code
    assert body["detail"] == detail_en
    assert set(body) <= {"detail", "code", "data"}


def test_domain_error_data_is_passed_on(client):
    body = client.get("/raise/transition", HTTP_ACCEPT_LANGUAGE="en").json()
    assert body["data"] == {"machine": "test.order", "from": "draft", "to": "paid"}
    assert client.get("/raise/conflict").json()["data"] == {"remaining": 0}


@pytest.mark.parametrize(
    ("kind", "detail_zh"),
    [
        ("domain", "无法处理该请求。"),
        ("transition", "状态不能从“Draft”变为“Paid”。"),
        ("currency", "不同币种的金额不能合并计算。"),
        ("permission", "您无权执行此操作。"),
        ("notfound", "未找到。"),
        ("conflict", "该请求与当前状态冲突。"),
    ],
)
def test_domain_error_detail_is_chinese_under_zh_hans(client, kind, detail_zh):
    response = client.get(f"/raise/{kind}", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.json()["detail"] == detail_zh


def test_chinese_is_the_default_language(client):
    assert client.get("/raise/permission").json()["detail"] == "您无权执行此操作。"


def test_drf_validation_error_is_400_with_field_errors(client):
    response = client.post(
        "/validate", {"title": "far too long", "amount": "abc"},
        content_type="application/json", HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert body["detail"] == "Some of the data you sent is not valid."
    assert set(body["errors"]) == {"title", "amount"}
    assert body["errors"]["amount"] == ["A valid number is required."]


def test_validation_error_in_chinese(client):
    response = client.post(
        "/validate", {}, content_type="application/json", HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    body = response.json()
    assert response.status_code == 400
    assert body["detail"] == "您提交的部分数据无效。"
    assert body["errors"]["title"] == ["该字段是必填项。"]


def test_django_errors_get_the_same_shape(client):
    response = client.get("/raise/http404", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found.", "code": "not_found"}

    response = client.get("/raise/django403", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"

    response = client.get("/raise/django-validation", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert response.json()["errors"] == {"amount": ["too small"]}


def test_unexpected_exceptions_are_left_to_django():
    assert exception_handler(RuntimeError("bug"), {}) is None


def test_handler_called_directly_with_a_fake_context():
    response = exception_handler(IllegalTransition(), {"view": None, "request": None})
    assert response.status_code == 409
    assert response.data["code"] == "illegal_transition"


# --- throttling -------------------------------------------------------------------------


def test_the_default_throttles_are_on(settings):
    classes = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_CLASSES"]
    assert "rest_framework.throttling.AnonRateThrottle" in classes
    assert "rest_framework.throttling.UserRateThrottle" in classes
    assert set(settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]) >= {"anon", "user"}


@pytest.mark.parametrize(("language", "detail_start"), [
    ("en", "Request was throttled."),
    ("zh-hans", "请求已被限流。"),
])
def test_more_anonymous_requests_than_the_rate_get_429(client, monkeypatch, language,
                                                       detail_start):
    from rest_framework.throttling import AnonRateThrottle

    # DRF binds the rates at import; the dict is shared with api_settings
    monkeypatch.setitem(AnonRateThrottle.THROTTLE_RATES, "anon", "3/min")
    for _ in range(3):
        assert client.get("/raise/ok").status_code == 200
    response = client.get("/raise/ok", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 429
    body = response.json()
    assert body["code"] == "throttled"
    assert body["detail"].startswith(detail_start)
    assert set(body) == {"detail", "code"}
    assert int(response["Retry-After"]) > 0
