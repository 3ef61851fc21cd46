"""The procurement demo data: every reachable end state of a first purchase, seeded through
the services, idempotent, and an OCDS export of at least 10 releases valid against the
official schema (when ../shared/ocds-1.1 is there)."""

import json
from pathlib import Path

import pytest
from django.core.management import call_command

from marketplace.accounts.models import Membership, MembershipRole, User
from marketplace.accounts.selectors import user_has_mfa
from marketplace.core.models import AuditEvent
from marketplace.payments.ledger.check import ledger_problems
from procurement.demo import PATHS
from procurement.models import (
    BudgetLine,
    Contract,
    ContractPayment,
    Delivery,
    PurchaseRequest,
    Release,
)

R, C = PurchaseRequest.Status, Contract.Status
SCHEMAS = Path(__file__).resolve().parents[3] / "shared" / "ocds-1.1"
if not SCHEMAS.is_dir():
    SCHEMAS = Path("/work/shared/ocds-1.1")
README_ACCOUNTS = {f"{role}@demo.local" for role in
                   ("maker", "backer", "investor", "operator", "buyer", "expert", "staff")}


def _demo_requests():
    return PurchaseRequest.objects.filter(title__startswith="[演示-")


def _counts() -> dict[str, int]:
    models = (BudgetLine, PurchaseRequest, Contract, Delivery, ContractPayment, Release,
              Membership, User)
    return {model._meta.label_lower: model.objects.count() for model in models}


@pytest.fixture
def seeded(db):
    call_command("seed_demo")


@pytest.mark.django_db(transaction=True)
def test_seeding_gives_every_end_state_and_twice_the_same_data(seeded):
    statuses = sorted(_demo_requests().values_list("status", flat=True))
    assert statuses == sorted(status for status, _steps in PATHS)
    assert set(statuses) == {R.DRAFT, R.APPROVED, R.PUBLISHED, R.SUPPLIER_DECLINED, R.CANCELLED,
                             R.PRICE_AGREED, R.CONTRACTED, R.DELIVERED, R.ACCEPTED,
                             R.RECTIFICATION, R.TERMINATED, R.PAID}
    # every move went through the request's state machine with its audit event
    terminated = _demo_requests().get(status=R.TERMINATED)
    actions = list(AuditEvent.objects.filter(
        object_id=str(terminated.pk), action__startswith="procurement.request.")
        .order_by("created_at", "seq").values_list("action", flat=True))
    assert actions == [f"procurement.request.{step}" for step in (
        "drafted", "approved", "published", "supplier_accepted", "price_agreed", "contracted",
        "delivered", "rectification", "delivered", "terminated")]
    # the contracted ones are signed by both named, MFA-verified sides
    contracted = _demo_requests().filter(status=R.CONTRACTED).get()
    contract = Contract.objects.get(request=contracted)
    assert contract.status == C.SIGNED
    assert user_has_mfa(contract.buyer_signed_by) and user_has_mfa(contract.supplier_signed_by)
    assert contract.buyer_signatory and contract.supplier_signatory
    # paid: the offline treasury transfer approved by another officer, in the ledger
    paid = _demo_requests().get(status=R.PAID)
    payment = ContractPayment.objects.get(request=paid)
    assert payment.transfer.attempt.status == "succeeded"
    assert payment.transfer.decided_by != payment.recorded_by
    assert ledger_problems() == []
    # the budget lines hold what is committed and nothing is above a line
    for line in BudgetLine.objects.filter(code="SG-DEMO"):
        held = sum(r.committed_amount for r in _demo_requests().filter(budget_line=line))
        assert line.committed_amount == held <= line.total_amount
    # the README's login accounts are untouched: the acting officers are new, passwordless
    actors = {contract.buyer_signed_by, contract.supplier_signed_by, payment.recorded_by,
              payment.transfer.decided_by}
    assert not {a.email for a in actors} & README_ACCOUNTS
    assert not any(a.has_usable_password() for a in actors)
    assert not Membership.objects.filter(user__email="buyer@demo.local").exclude(
        role=MembershipRole.BUYER_OFFICER).exists()

    first = _counts()
    call_command("seed_demo")
    assert _counts() == first
    assert sorted(_demo_requests().values_list("status", flat=True)) == statuses


@pytest.fixture
def validate():
    if not SCHEMAS.is_dir():
        pytest.skip("the OCDS 1.1 schemas are not beside the project")
    from jsonschema import Draft4Validator
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT4

    loaded = {name: json.loads((SCHEMAS / f"{name}.json").read_text(encoding="utf-8"))
              for name in ("release-schema", "release-package-schema")}
    registry = Registry().with_resources(
        (schema["id"], Resource.from_contents(schema, default_specification=DRAFT4))
        for schema in loaded.values()
    )

    def check(document, schema_name):
        validator = Draft4Validator(loaded[schema_name], registry=registry,
                                    format_checker=Draft4Validator.FORMAT_CHECKER)
        problems = sorted(validator.iter_errors(document), key=lambda e: list(e.path))
        assert not problems, [f"{list(e.path)}: {e.message}" for e in problems[:10]]

    return check


@pytest.mark.django_db(transaction=True)
def test_the_export_after_seeding_holds_at_least_ten_valid_releases(seeded, tmp_path, validate):
    output = tmp_path / "releases.json"
    call_command("ocds_export", output=str(output))
    package = json.loads(output.read_text(encoding="utf-8"))
    releases = package["releases"]
    assert len(releases) >= 10
    tags = {tag for release in releases for tag in release["tag"]}
    assert {"tender", "tenderUpdate", "tenderCancellation", "award", "contract",
            "contractTermination", "implementation"} <= tags
    # drafts and approved requests publish nothing
    unpublished = set(_demo_requests().filter(status__in=[R.DRAFT, R.APPROVED])
                      .values_list("ocid", flat=True))
    assert unpublished and not unpublished & {release["ocid"] for release in releases}
    validate(package, "release-package-schema")
    for release in releases:
        validate(release, "release-schema")
