"""First purchase from draft to agreed price: each transition allowed and refused, each
role, bad input refused with nothing written, and the budget line kept right."""

import threading
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from marketplace.core.errors import IllegalTransition, PermissionDeniedError
from marketplace.core.models import AuditEvent
from marketplace.core.money import InvalidMoney
from marketplace.core.validation import InvalidInput
from procurement.errors import (
    AboveCeiling,
    BudgetExceeded,
    ProcurementValidationError,
    ProductNotListed,
    SelfApproval,
)
from procurement.models import BudgetLine, PurchaseRequest
from procurement.selectors import listed_products_in_category, request_get_for_viewer
from procurement.services.budget import budget_line_create
from procurement.services.requests import (
    request_agree_price,
    request_approve,
    request_cancel,
    request_draft,
    request_publish,
    request_supplier_accept,
    request_supplier_decline,
)
from tests.catalog.factories import PublishedProductFactory

R = PurchaseRequest.Status
pytestmark = pytest.mark.django_db


def committed(line):
    line.refresh_from_db()
    return line.committed_amount


# --- draft ----------------------------------------------------------------------------


def test_draft_names_the_supplier_and_an_ocid(draft, product, maker_org):
    assert draft.status == R.DRAFT
    assert draft.supplier == maker_org and draft.category == product.category
    assert draft.ocid.startswith("ocds-")
    assert AuditEvent.objects.filter(action="procurement.request.drafted").count() == 1


def test_ocid_prefix_is_a_setting(officer, draft_kwargs, settings):
    settings.OCDS_OCID_PREFIX = "ocds-qd1234"
    assert request_draft(actor=officer, **draft_kwargs).ocid.startswith("ocds-qd1234-")


@pytest.mark.parametrize("who", ["approver", "other_officer", "supplier", "staff", "stranger"])
def test_only_a_drafter_of_the_agency_drafts(request, who, draft_kwargs):
    with pytest.raises(PermissionDeniedError):
        request_draft(actor=request.getfixturevalue(who), **draft_kwargs)
    assert PurchaseRequest.objects.count() == 0


@pytest.mark.parametrize("field,value,error,code", [
    ("quantity", 0, ProcurementValidationError, "bad_quantity"),
    ("quantity", -2, ProcurementValidationError, "bad_quantity"),
    ("quantity", "1.5", ProcurementValidationError, "bad_quantity"),
    ("ceiling", "1000000.01", BudgetExceeded, "budget_exceeded"),
    ("ceiling", "0", InvalidMoney, None),
    ("ceiling", "abc", InvalidMoney, None),
    ("title", "  ", ProcurementValidationError, "required"),
    ("acceptance_criteria", "", ProcurementValidationError, "required"),
    ("delivery_date", "2001-01-01", ProcurementValidationError, "bad_date"),
    ("delivery_date", "tomorrow", ProcurementValidationError, "bad_date"),
])
def test_bad_input_is_refused_naming_the_rule(officer, draft_kwargs, field, value, error, code):
    with pytest.raises(error) as caught:
        request_draft(actor=officer, **{**draft_kwargs, field: value})
    if code:
        assert caught.value.code == code
    assert PurchaseRequest.objects.count() == 0


def test_an_unlisted_product_is_refused(officer, draft_kwargs, maker_org):
    unlisted = PublishedProductFactory(organisation=maker_org)
    with pytest.raises(ProductNotListed):
        request_draft(actor=officer, **{**draft_kwargs, "product": unlisted})


def test_another_agencys_budget_line_is_refused(officer, draft_kwargs, other_officer):
    from marketplace.accounts.models import MembershipRole
    from tests.factories import member_of

    other_agency = other_officer.memberships.get().organisation
    other_line = budget_line_create(
        actor=member_of(other_agency, MembershipRole.APPROVER), agency=other_agency,
        year=2026, code="X", name="x", total="10")
    with pytest.raises(ProcurementValidationError) as caught:
        request_draft(actor=officer, **{**draft_kwargs, "budget_line": other_line})
    assert caught.value.code == "bad_budget_line"


# --- approve --------------------------------------------------------------------------


def test_approval_commits_the_ceiling(draft, approver, line):
    request_approve(actor=approver, request=draft)
    draft.refresh_from_db()
    assert draft.status == R.APPROVED and draft.approved_by == approver
    assert committed(line) == Decimal("300000.00")


def test_the_drafter_cannot_approve_even_as_owner(owner, draft_kwargs, line):
    own = request_draft(actor=owner, **draft_kwargs)
    with pytest.raises(SelfApproval):
        request_approve(actor=owner, request=own)
    own.refresh_from_db()
    assert own.status == R.DRAFT and committed(line) == 0


@pytest.mark.parametrize("who", ["officer", "other_officer", "supplier", "staff", "stranger"])
def test_only_an_approver_of_the_agency_approves(request, who, draft, line):
    with pytest.raises(PermissionDeniedError):
        request_approve(actor=request.getfixturevalue(who), request=draft)
    assert committed(line) == 0


def test_approval_beyond_what_is_left_is_refused(officer, approver, draft_kwargs, line):
    first = request_draft(actor=officer, **{**draft_kwargs, "ceiling": "800000"})
    second = request_draft(actor=officer, **{**draft_kwargs, "ceiling": "300000"})
    request_approve(actor=approver, request=first)
    with pytest.raises(BudgetExceeded):
        request_approve(actor=approver, request=second)
    second.refresh_from_db()
    assert second.status == R.DRAFT and committed(line) == Decimal("800000")


def test_approving_twice_is_refused_and_commits_once(draft, approver, line):
    request_approve(actor=approver, request=draft)
    with pytest.raises(IllegalTransition):
        request_approve(actor=approver, request=draft)
    assert committed(line) == Decimal("300000.00")


# --- publish, supplier, price -----------------------------------------------------------


@pytest.fixture
def published(draft, approver, officer):
    request_approve(actor=approver, request=draft)
    return request_publish(actor=officer, request=draft)


def test_a_draft_cannot_be_published(draft, officer):
    with pytest.raises(IllegalTransition) as caught:
        request_publish(actor=officer, request=draft)
    assert caught.value.code == "not_approved"


def test_the_supplier_is_told_of_the_notice(published, supplier):
    from procurement.services.notify import supplier_notify_of_notice

    assert supplier_notify_of_notice(request_id=published.pk) == 1
    assert supplier_notify_of_notice(request_id=published.pk) == 0  # a retry tells nobody twice


@pytest.mark.parametrize("who", ["officer", "other_supplier", "staff", "stranger"])
def test_only_the_supplier_answers(request, who, published):
    with pytest.raises(PermissionDeniedError):
        request_supplier_accept(actor=request.getfixturevalue(who), request=published)


def test_the_supplier_cannot_answer_before_the_notice(draft, approver, supplier):
    request_approve(actor=approver, request=draft)
    with pytest.raises(IllegalTransition) as caught:
        request_supplier_accept(actor=supplier, request=draft)
    assert caught.value.code == "not_published"


def test_decline_needs_a_reason_and_releases_the_line(published, supplier, line):
    with pytest.raises(InvalidInput):
        request_supplier_decline(actor=supplier, request=published, reason=" ")
    request_supplier_decline(actor=supplier, request=published, reason="产能不足")
    published.refresh_from_db()
    assert published.status == R.SUPPLIER_DECLINED and committed(line) == 0
    with pytest.raises(IllegalTransition):
        request_supplier_accept(actor=supplier, request=published)


def test_agreed_price_holds_on_the_line(published, supplier, officer, line):
    request_supplier_accept(actor=supplier, request=published)
    request_agree_price(actor=officer, request=published, price="280000.00",
                        cost_reference="成本核算表：材料 19 万，人工 6 万")
    published.refresh_from_db()
    assert published.status == R.PRICE_AGREED and published.agreed_amount == Decimal("280000")
    assert committed(line) == Decimal("280000.00")


def test_price_above_the_ceiling_is_refused(published, supplier, officer, line):
    request_supplier_accept(actor=supplier, request=published)
    with pytest.raises(AboveCeiling):
        request_agree_price(actor=officer, request=published, price="300000.01",
                            cost_reference="x")
    published.refresh_from_db()
    assert published.status == R.SUPPLIER_ACCEPTED and committed(line) == Decimal("300000")


def test_price_before_acceptance_is_refused(published, officer):
    with pytest.raises(IllegalTransition) as caught:
        request_agree_price(actor=officer, request=published, price="1", cost_reference="x")
    assert caught.value.code == "not_accepted"


def test_the_supplier_does_not_set_the_price(published, supplier):
    request_supplier_accept(actor=supplier, request=published)
    with pytest.raises(PermissionDeniedError):
        request_agree_price(actor=supplier, request=published, price="1", cost_reference="x")


def test_cancel_releases_and_is_final(published, officer, line):
    request_cancel(actor=officer, request=published, reason="需求变更")
    assert committed(line) == 0
    with pytest.raises(IllegalTransition) as caught:
        request_publish(actor=officer, request=published)
    assert caught.value.code == "cancelled"


# --- visibility, the ordinary-request flag ------------------------------------------------


def test_drafts_are_hidden_from_the_supplier_and_outsiders(draft, supplier, other_officer,
                                                          stranger, approver, staff):
    from marketplace.core.errors import NotFoundError

    for user in (supplier, other_officer, stranger):
        with pytest.raises(NotFoundError):
            request_get_for_viewer(user=user, pk=draft.pk)
    assert request_get_for_viewer(user=approver, pk=draft.pk) == draft
    assert request_get_for_viewer(user=staff, pk=draft.pk) == draft


def test_an_ordinary_request_shows_the_listed_products(officer, draft_kwargs, product):
    ordinary = request_draft(actor=officer, **{**draft_kwargs, "product": None,
                                               "category": product.category,
                                               "kind": PurchaseRequest.Kind.ORDINARY})
    assert list(listed_products_in_category(ordinary.category)) == [product]
    unlisted = PublishedProductFactory(category=product.category)
    assert unlisted not in listed_products_in_category(ordinary.category)


# --- budget lines -----------------------------------------------------------------------


def test_budget_lines_are_kept_by_owners_and_approvers(agency, officer, other_officer):
    for user in (officer, other_officer):
        with pytest.raises(PermissionDeniedError):
            budget_line_create(actor=user, agency=agency, year=2026, code="A", name="a",
                               total="1")
    assert BudgetLine.objects.count() == 0


def test_a_budget_code_is_unique_per_agency_and_year(line, approver, agency):
    from marketplace.core.errors import ConflictError

    with pytest.raises(ConflictError):
        budget_line_create(actor=approver, agency=agency, year=2026, code="KJ-01", name="x",
                           total="5")


@pytest.mark.django_db(transaction=True)
def test_concurrent_approvals_never_exceed_the_line(requires_postgres, agency, officer,
                                                    draft_kwargs):
    """Ten approvals at once with room for three: exactly three pass."""
    from marketplace.accounts.models import MembershipRole
    from tests.factories import member_of

    line = budget_line_create(actor=member_of(agency, MembershipRole.APPROVER), agency=agency,
                              year=2027, code="C", name="c", total="300")
    drafts = [request_draft(actor=officer, **{**draft_kwargs, "budget_line": line,
                                              "ceiling": "100"}) for _ in range(10)]
    approvers = [member_of(agency, MembershipRole.APPROVER) for _ in drafts]
    barrier = threading.Barrier(len(drafts))
    results = []

    def approve(user, req):
        try:
            barrier.wait()
            request_approve(actor=user, request=req)
            results.append("ok")
        except BudgetExceeded:
            results.append("exceeded")
        finally:
            connection.close()

    threads = [threading.Thread(target=approve, args=pair) for pair in zip(approvers, drafts, strict=True)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == ["exceeded"] * 7 + ["ok"] * 3
    assert committed(line) == Decimal("300")
    assert PurchaseRequest.objects.filter(status=R.APPROVED).count() == 3


def test_delivery_date_today_is_allowed(officer, draft_kwargs):
    assert request_draft(actor=officer, **{**draft_kwargs,
                                           "delivery_date": timezone.localdate()}).pk
