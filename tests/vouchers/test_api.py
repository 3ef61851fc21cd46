"""The voucher API: thin views over the services; errors as 4xx naming the rule, nothing
written; in the OpenAPI schema."""

import pytest
from django.urls import reverse

from tests.vouchers.conftest import REGISTERED
from vouchers.models import PilotAdmission, Voucher, VoucherApplication

pytestmark = pytest.mark.django_db


def url(name, *args):
    return reverse(f"vouchers-api:{name}", args=args)


def body(**kwargs):
    return {"makerspace": "haichuang", "purpose": "样机结构设计", "category": "rd_design",
            "amount": "50000", **kwargs}


def test_the_pilot_over_the_api(api_client, programme, makerspace, operator, staff, stranger):
    api_client.force_authenticate(operator)
    answer = api_client.post(url("pilot"), {"makerspace": "haichuang"}, format="json")
    assert answer.status_code == 201 and answer.json()["status"] == "applied"
    pk = answer.json()["id"]
    assert api_client.post(url("pilot-admit", pk)).status_code == 403
    api_client.force_authenticate(stranger)
    assert api_client.post(url("pilot-admit", pk)).status_code == 404
    api_client.force_authenticate(staff)
    assert api_client.post(url("pilot-admit", pk)).json()["status"] == "admitted"
    answer = api_client.post(url("pilot-suspend", pk), {"reason": ""}, format="json")
    assert answer.status_code == 400
    answer = api_client.post(url("pilot-suspend", pk), {"reason": "违规"}, format="json")
    assert answer.json()["status"] == "suspended"
    assert [row["id"] for row in api_client.get(url("pilot")).json()["results"]] == [pk]


def test_apply_issue_and_my_vouchers(api_client, admission, maker, operator, stranger):
    api_client.force_authenticate(maker)
    answer = api_client.post(url("applications"), body(), format="json")
    assert answer.status_code == 201, answer.json()
    pk = answer.json()["id"]
    api_client.force_authenticate(stranger)
    assert api_client.get(url("application", pk)).status_code == 404
    assert api_client.get(url("applications")).json()["results"] == []
    api_client.force_authenticate(operator)
    listed = api_client.get(url("applications"), {"makerspace": "haichuang"}).json()
    assert [row["id"] for row in listed["results"]] == [pk]
    answer = api_client.post(url("application-issue", pk), {"amount": "40000"}, format="json")
    assert answer.status_code == 201 and answer.json()["balance"] == "40000.0000"
    voucher_id = answer.json()["id"]
    api_client.force_authenticate(maker)
    mine = api_client.get(url("my-vouchers")).json()["results"]
    assert [row["id"] for row in mine] == [voucher_id]
    assert api_client.get(url("application", pk)).json()["voucher"] == voucher_id
    api_client.force_authenticate(stranger)
    assert api_client.get(url("voucher", voucher_id)).status_code == 404
    assert api_client.get(url("my-vouchers")).json()["results"] == []


@pytest.mark.parametrize("changes, status, code", [
    ({"amount": "0"}, 400, "invalid_money"),
    ({"amount": "-1"}, 400, "invalid_money"),
    ({"amount": "1000001"}, 400, "above_cap"),
    ({"category": "marketing"}, 400, "unknown_category"),
    ({"makerspace": "nowhere"}, 400, "unknown_makerspace"),
    ({"organisation": "nobody"}, 400, "unknown_organisation"),
    ({"purpose": ""}, 400, "invalid"),
])
def test_bad_applications_are_4xx_naming_the_rule(api_client, admission, maker, changes,
                                                  status, code):
    api_client.force_authenticate(maker)
    answer = api_client.post(url("applications"), body(**changes), format="json")
    assert answer.status_code == status and answer.json()["code"] == code
    assert not VoucherApplication.objects.exists()


def test_an_ineligible_company_is_a_409_naming_the_rule(api_client, admission, company,
                                                         company_owner, operator):
    import time_machine

    with time_machine.travel("2027-01-10 12:00 +0800", tick=False):
        api_client.force_authenticate(company_owner)
        answer = api_client.post(url("applications"),
                                 body(organisation=company.slug,
                                      registered_on=REGISTERED.isoformat()), format="json")
        assert answer.status_code == 201
        api_client.force_authenticate(operator)
        answer = api_client.post(url("application-issue", answer.json()["id"]))
    assert answer.status_code == 409 and answer.json()["code"] == "company_too_old"
    assert not Voucher.objects.exists()


def test_refuse_and_the_wrong_operator(api_client, application, operator, other_operator):
    api_client.force_authenticate(other_operator)
    assert api_client.post(url("application-refuse", application.pk),
                           {"reason": "x"}, format="json").status_code == 404
    api_client.force_authenticate(operator)
    answer = api_client.post(url("application-refuse", application.pk), {"reason": "不符"},
                             format="json")
    assert answer.json()["status"] == "refused" and answer.json()["refusal_reason"] == "不符"
    answer = api_client.post(url("application-issue", application.pk))
    assert answer.status_code == 409 and answer.json()["code"] == "application_refused"


def test_the_cap_used(api_client, application, operator, other_operator, staff):
    from django.utils import timezone

    api_client.force_authenticate(operator)
    api_client.post(url("application-issue", application.pk))
    year = timezone.localdate().year
    cap = api_client.get(url("makerspace-cap", "haichuang")).json()
    assert cap == {"makerspace": "haichuang", "year": year, "currency": "CNY",
                   "cap": "1000000.0000", "used": "50000.0000", "remaining": "950000.0000"}
    assert api_client.get(url("makerspace-cap", "haichuang"),
                          {"year": "1999"}).json()["code"] == "bad_year"
    assert api_client.get(url("makerspace-cap", "haichuang"),
                          {"year": str(year + 1)}).json()["used"] == "0.0000"
    api_client.force_authenticate(other_operator)
    assert api_client.get(url("makerspace-cap", "haichuang")).status_code == 403
    api_client.force_authenticate(staff)
    assert api_client.get(url("makerspace-cap", "haichuang")).status_code == 200


def test_anonymous_is_refused(api_client, application):
    assert api_client.get(url("my-vouchers")).status_code in (401, 403)
    assert api_client.post(url("applications"), body(), format="json").status_code in (401, 403)
    assert PilotAdmission.objects.count() == 1


def test_the_operations_are_in_the_schema(api_client):
    paths = api_client.get("/api/schema/?format=json").json()["paths"]
    for path in ("/api/vouchers/applications/", "/api/vouchers/applications/{id}/issue/",
                 "/api/vouchers/applications/{id}/refuse/", "/api/vouchers/mine/",
                 "/api/vouchers/makerspaces/{slug}/cap/", "/api/vouchers/pilot/"):
        assert path in paths, path


def test_a_refusal_reads_in_chinese(api_client, admission, maker):
    api_client.force_authenticate(maker)
    answer = api_client.post(url("applications"), body(category="marketing"), format="json",
                             HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert answer.status_code == 400
    assert answer.json()["detail"].startswith("创新券项目没有服务类别")
