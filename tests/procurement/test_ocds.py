"""OCDS 1.1: a release per published event, stored in the event's transaction, with the
right tags; packages and records valid against the official schemas (read from
../shared/ocds-1.1/, skipped when absent); the public API."""

import json
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from marketplace.core.errors import IllegalTransition
from procurement.models import Release
from procurement.ocds import MERGE_RULES, record_package, release_package
from procurement.services.contracts import contract_cancel
from procurement.services.delivery import acceptance_record
from procurement.services.payments import payment_approve, payment_record
from procurement.services.requests import (
    request_approve,
    request_cancel,
    request_publish,
    request_supplier_decline,
)
from tests.catalog.factories import pdf_upload

pytestmark = pytest.mark.django_db
SCHEMAS = Path(__file__).resolve().parents[3] / "shared" / "ocds-1.1"
if not SCHEMAS.is_dir():
    SCHEMAS = Path("/work/shared/ocds-1.1")


def tags(request):
    return [r.tag[0] for r in Release.objects.filter(ocid=request.ocid).order_by("date", "pk")]


def releases(request):
    return list(Release.objects.filter(ocid=request.ocid).order_by("date", "pk")
                .values_list("data", flat=True))


@pytest.fixture
def validate():
    if not SCHEMAS.is_dir():
        pytest.skip("the OCDS 1.1 schemas are not beside the project")
    from jsonschema import Draft4Validator
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT4

    loaded = {name: json.loads((SCHEMAS / f"{name}.json").read_text(encoding="utf-8"))
              for name in ("release-schema", "release-package-schema", "record-package-schema",
                           "versioned-release-validation-schema")}
    registry = Registry().with_resources(
        (schema["id"], Resource.from_contents(schema, default_specification=DRAFT4))
        for schema in loaded.values()
    )

    def check(document, schema_name):
        validator = Draft4Validator(loaded[schema_name], registry=registry,
                                    format_checker=Draft4Validator.FORMAT_CHECKER)
        problems = sorted(validator.iter_errors(document), key=lambda e: list(e.path))
        assert not problems, [f"{list(e.path)}: {e.message}" for e in problems]

    return check


def check_procedure(request, validate):
    found = releases(request)
    for release in found:
        validate(release, "release-schema")
    now = timezone.now()
    validate(release_package(found, uri="https://example.org/p", published=now),
             "release-package-schema")
    record = record_package(request.ocid, found, uri="https://example.org/r", published=now)
    validate(record, "record-package-schema")
    return record["records"][0]["compiledRelease"]


# --- an end state each ----------------------------------------------------------------


def test_a_paid_procedure(accepted, officer, approver_signer, validate):
    payment = payment_record(actor=officer, request=accepted, transfer_reference="GK-OCDS-1",
                             document=pdf_upload())
    payment_approve(actor=approver_signer, payment=payment)
    assert tags(accepted) == ["tender", "award", "contract", "implementation"]
    compiled = check_procedure(accepted, validate)
    assert compiled["tag"] == ["compiled"] and compiled["ocid"] == accepted.ocid
    assert compiled["awards"][0]["value"] == {"amount": 250000, "currency": "CNY"}
    contract = compiled["contracts"][0]
    assert contract["id"] == accepted.contract.number and contract["status"] == "terminated"
    assert contract["dateSigned"]
    transaction = contract["implementation"]["transactions"][0]
    assert transaction["value"]["amount"] == 250000
    roles = {p["id"]: set(p["roles"]) for p in compiled["parties"]}
    assert roles[f"org-{accepted.agency_id}"] >= {"buyer", "payer"}
    assert roles[f"org-{accepted.supplier_id}"] >= {"supplier", "payee"}


def test_a_cancelled_procedure(draft, approver, officer, validate):
    request_approve(actor=approver, request=draft)
    request_publish(actor=officer, request=draft)
    request_cancel(actor=officer, request=draft, reason="需求变更")
    assert tags(draft) == ["tender", "tenderCancellation"]
    assert check_procedure(draft, validate)["tender"]["status"] == "cancelled"


def test_a_draft_cancelled_before_its_notice_publishes_nothing(draft, officer):
    request_cancel(actor=officer, request=draft, reason="x")
    assert tags(draft) == []


def test_a_declined_procedure(draft, approver, officer, supplier, validate):
    request_approve(actor=approver, request=draft)
    request_publish(actor=officer, request=draft)
    request_supplier_decline(actor=supplier, request=draft, reason="产能不足")
    assert tags(draft) == ["tender", "tenderUpdate"]
    assert check_procedure(draft, validate)["tender"]["status"] == "unsuccessful"


def test_a_terminated_procedure(delivered, officer, validate):
    acceptance_record(actor=officer, request=delivered, outcome="fail", experts=["赵专家"],
                      reasons="不合格", failure_action="terminate")
    assert tags(delivered) == ["tender", "award", "contract", "contractTermination"]
    assert check_procedure(delivered, validate)["contracts"][0]["status"] == "terminated"


def test_a_contract_cancelled_before_signature(contract, officer, validate):
    contract_cancel(actor=officer, contract=contract, reason="预算调整")
    assert tags(contract.request) == ["tender", "award", "tenderCancellation"]
    check_procedure(contract.request, validate)


def test_a_refused_event_leaves_no_release(agreed, officer):
    before = tags(agreed)
    with pytest.raises(IllegalTransition):
        request_publish(actor=officer, request=agreed)
    assert tags(agreed) == before


def test_merge_rules_are_those_of_the_official_schema():
    if not SCHEMAS.is_dir():
        pytest.skip("the OCDS 1.1 schemas are not beside the project")
    from ocdsmerge.rules import get_merge_rules

    schema = json.loads((SCHEMAS / "release-schema.json").read_text(encoding="utf-8"))
    assert get_merge_rules(schema) == MERGE_RULES


# --- the API ---------------------------------------------------------------------------


def test_release_package_and_record_over_the_api(api_client, signed, validate):
    ocid = signed.request.ocid
    answer = api_client.get(reverse("procurement-api:ocds-releases"), {"ocid": ocid})
    assert answer.status_code == 200
    package = answer.json()
    validate(package, "release-package-schema")
    assert [r["tag"] for r in package["releases"]] == [["tender"], ["award"], ["contract"]]
    answer = api_client.get(reverse("procurement-api:ocds-record", args=[ocid]))
    assert answer.status_code == 200
    validate(answer.json(), "record-package-schema")
    compiled = answer.json()["records"][0]["compiledRelease"]
    assert compiled["contracts"][0]["status"] == "active"


def test_the_api_refuses_bad_and_unknown_ocids(api_client, draft):
    url = reverse("procurement-api:ocds-releases")
    assert api_client.get(url).status_code == 400
    assert api_client.get(url, {"ocid": ""}).json()["code"] == "bad_ocid"
    assert api_client.get(url, {"ocid": "x" * 101}).status_code == 404
    assert api_client.get(url, {"ocid": "ocds-nope"}).status_code == 404
    # a draft has no release: its existence is not revealed
    assert api_client.get(url, {"ocid": draft.ocid}).status_code == 404
    assert api_client.get(reverse("procurement-api:ocds-record",
                                  args=[draft.ocid])).status_code == 404


def test_the_validator_bites(signed, validate):
    """The schema check is real: a wrong tag or a text amount is refused."""
    release = dict(releases(signed.request)[0])
    with pytest.raises(AssertionError):
        validate({**release, "tag": ["nonsense"]}, "release-schema")
    broken = json.loads(json.dumps(release))
    broken["tender"]["value"]["amount"] = "300000.00"
    with pytest.raises(AssertionError):
        validate(release_package([broken], uri="https://example.org/p",
                                 published=timezone.now()), "release-package-schema")


# --- the export --------------------------------------------------------------------------


def test_export_writes_one_valid_package_of_every_procedure(signed, draft_kwargs, officer,
                                                            approver, tmp_path, validate):
    from django.core.management import call_command

    from procurement.services.requests import request_draft

    other = request_draft(actor=officer, **{**draft_kwargs, "ceiling": "1000"})
    request_approve(actor=approver, request=other)
    request_publish(actor=officer, request=other)
    target = tmp_path / "ocds.json"
    call_command("ocds_export", "--output", str(target))
    package = json.loads(target.read_text(encoding="utf-8"))
    validate(package, "release-package-schema")
    assert sorted({r["ocid"] for r in package["releases"]}) == sorted(
        [signed.request.ocid, other.ocid])
    assert len(package["releases"]) == 4


def test_export_with_nothing_published_fails_clearly(draft, tmp_path):
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError, match="nothing to export"):
        call_command("ocds_export", "--output", str(tmp_path / "x.json"))
    assert not (tmp_path / "x.json").exists()
