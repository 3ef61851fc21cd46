"""The public procurement portal: which requests it shows (published ones and what became
of them; never a draft or an approved request before its notice), what it redacts, its
filters, pagination, timeline, both languages and query counts that do not grow."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse
from django.utils import timezone

from marketplace.core.errors import NotFoundError
from marketplace.core.navigation import links_for
from procurement.models import PurchaseRequest
from procurement.selectors import notice_get_public, notices_public
from procurement.services.delivery import acceptance_record, delivery_record
from procurement.services.requests import (
    request_approve,
    request_cancel,
    request_draft,
    request_publish,
    request_supplier_decline,
)
from tests.factories import StaffFactory, VerifiedGovernmentAgencyFactory, member_of

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}
LIST = reverse("procurement:notices")


def _detail(notice) -> str:
    return reverse("procurement:notice", kwargs={"pk": notice.pk})


def _publish(officer, approver, draft_kwargs, **overrides):
    kwargs = {**draft_kwargs, "ceiling": "1000.00", **overrides}
    request = request_draft(actor=officer, **kwargs)
    request_approve(actor=approver, request=request)
    request_publish(actor=officer, request=request)
    request.refresh_from_db()
    return request


@pytest.fixture
def published(draft, approver, officer):
    request_approve(actor=approver, request=draft)
    request_publish(actor=officer, request=draft)
    draft.refresh_from_db()
    return draft


# --- what is public ----------------------------------------------------------------------


def test_the_portal_needs_no_login_and_lists_published_notices_newest_first(
        client, officer, approver, draft_kwargs):
    older = _publish(officer, approver, draft_kwargs, title="Older buoy")
    newer = _publish(officer, approver, draft_kwargs, title="Newer buoy")
    response = client.get(LIST, **EN)
    html = response.content.decode()
    assert response.status_code == 200
    assert html.index("Newer buoy") < html.index("Older buoy")
    assert [n.pk for n in notices_public()] == [newer.pk, older.pk]


def test_drafts_and_approved_requests_are_not_public(client, draft, officer, approver,
                                                     draft_kwargs):
    approved = request_draft(actor=officer, **{**draft_kwargs, "title": "Approved only",
                                               "ceiling": "1000.00"})
    request_approve(actor=approver, request=approved)
    html = client.get(LIST, **EN).content.decode()
    assert draft.title not in html and "Approved only" not in html
    assert client.get(_detail(draft), **EN).status_code == 404
    assert client.get(_detail(approved), **EN).status_code == 404
    assert client.get(reverse("procurement:notice", kwargs={"pk": 999999}), **EN).status_code == 404
    with pytest.raises(NotFoundError):
        notice_get_public(pk=draft.pk)
    assert list(notices_public()) == []


def test_a_request_cancelled_before_its_notice_stays_private(client, draft, officer):
    request_cancel(actor=officer, request=draft, reason="需求变更")
    assert client.get(_detail(draft), **EN).status_code == 404
    assert list(notices_public()) == []


def test_a_notice_cancelled_after_publication_shows_its_reason(client, published, officer):
    request_cancel(actor=officer, request=published, reason="预算调整，暂停采购")
    response = client.get(_detail(published), **EN)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Cancelled" in html and "预算调整，暂停采购" in html


def test_a_declined_notice_is_public_without_the_suppliers_reason(client, published,
                                                                  supplier):
    request_supplier_decline(actor=supplier, request=published, reason="产能不足，内部原因")
    html = client.get(_detail(published), **EN).content.decode()
    assert "Declined by the supplier" in html
    assert "产能不足" not in html


def test_the_notice_page_shows_result_contract_and_acceptance_and_redacts_secrets(
        client, accepted, line, officer, approver, buyer_signer, supplier_signer):
    request = accepted
    contract = request.contract
    response = client.get(_detail(request), **EN)
    html = response.content.decode()
    assert response.status_code == 200
    # the notice, the result, the contract summary, the acceptance outcome
    assert request.title in html and request.ocid in html and request.agency.name in html
    assert request.supplier.name in html and "250,000.00" in html
    assert contract.number in html and "Signed for the buyer" in html
    assert "Acceptance passed" in html
    # redacted: cost reference, budget line, officers, signatories, experts, the PDF
    assert "材料与装配成本" not in html
    assert line.code not in html and line.name not in html
    for person in (officer, approver, buyer_signer, supplier_signer):
        assert person.email not in html
        if person.display_name:
            assert person.display_name not in html
    assert "王采购" not in html and "张工程师" not in html
    assert "赵专家" not in html
    assert reverse("procurement:contract-pdf", kwargs={"pk": contract.pk}) not in html
    assert "已送达市南区" not in html  # the delivery note


def test_the_public_notice_carries_no_secret_field(accepted):
    notice = notice_get_public(pk=accepted.pk)
    fields = set(vars(notice))
    for secret in ("cost_reference", "budget_line", "committed_amount", "drafted_by",
                   "approved_by", "price_agreed_by", "supplier_decided_by", "decline_reason"):
        assert secret not in fields
    assert notice.contract is not None and not hasattr(notice.contract, "pdf")
    assert not hasattr(notice.contract, "buyer_signatory")
    assert notice.outcome.status == "passed" and not hasattr(notice.outcome, "experts")


def test_a_failed_acceptance_shows_the_outcome_not_the_reasons(client, delivered, officer):
    acceptance_record(actor=officer, request=delivered, outcome="fail",
                      experts=["赵专家"], reasons="浮标密封不合格", failure_action="rectify")
    html = client.get(_detail(delivered), **EN).content.decode()
    assert "Acceptance failed" in html and "Rectify and deliver again" in html
    assert "浮标密封不合格" not in html and "赵专家" not in html


# --- the timeline ------------------------------------------------------------------------


def test_the_timeline_shows_actions_and_dates_without_actors(client, signed, officer,
                                                              approver, buyer_signer):
    html = client.get(_detail(signed.request), **EN).content.decode()
    timeline = html[html.index('class="timeline"'):]
    for label in ("Request drafted", "Request approved", "Notice published",
                  "Accepted by the supplier", "Price agreed", "Contract generated",
                  "Contract signed by the buyer", "Contract signed"):
        assert label in timeline
    for person in (officer, approver, buyer_signer):
        assert person.email not in html and person.get_username() not in timeline


def test_staff_see_who_acted_on_the_timeline(client, published, officer):
    staff = StaffFactory(mfa=True)
    client.force_login(staff)
    notice = notice_get_public(pk=published.pk, viewer=staff)
    assert any(entry.actor for entry in notice.timeline)
    anonymous = notice_get_public(pk=published.pk, viewer=AnonymousUser())
    assert not any(entry.actor for entry in anonymous.timeline)
    html = client.get(_detail(published), **EN).content.decode()
    expected = officer.get_full_name() or officer.get_username()
    assert expected in html[html.index('class="timeline"'):]


def test_a_non_staff_party_sees_no_actors_either(client, published, officer, supplier):
    client.force_login(supplier)
    html = client.get(_detail(published), **EN).content.decode()
    assert (officer.get_full_name() or officer.get_username()) not in html[html.index('class="timeline"'):]


# --- filters, pagination -----------------------------------------------------------------


def test_filter_by_status_and_agency(client, published, officer, approver, draft_kwargs,
                                     supplier, product, maker_org):
    declined = _publish(officer, approver, draft_kwargs, title="Declined buoy")
    request_supplier_decline(actor=supplier, request=declined, reason="不接单")
    other_agency = VerifiedGovernmentAgencyFactory(name="市教育局")
    from procurement.services.budget import budget_line_create

    other_approver = member_of(other_agency, "approver")
    other_officer = member_of(other_agency, "buyer_officer")
    other_line = budget_line_create(actor=other_approver, agency=other_agency, year=2026,
                                    code="JY-01", name="教育装备", total="50000.00",
                                    currency="CNY")
    elsewhere = _publish(other_officer, other_approver,
                         {**draft_kwargs, "agency": other_agency, "budget_line": other_line},
                         title="School robot")

    html = client.get(LIST + "?status=supplier_declined", **EN).content.decode()
    assert "Declined buoy" in html and published.title not in html and "School robot" not in html
    html = client.get(LIST + f"?agency={other_agency.pk}", **EN).content.decode()
    assert "School robot" in html and "Declined buoy" not in html
    assert [n.pk for n in notices_public(agency_id=other_agency.pk)] == [elsewhere.pk]


@pytest.mark.parametrize("query", ["status=draft", "status=approved", "status=nonsense",
                                   "agency=abc", "agency=999999"])
def test_bad_filters_answer_400_naming_the_filter(client, published, query):
    response = client.get(LIST + "?" + query, **EN)
    html = response.content.decode()
    assert response.status_code == 400
    assert "Some filters are not valid" in html and published.title not in html


def test_an_agency_without_public_notices_is_not_a_filter_choice(client, draft, published):
    other = VerifiedGovernmentAgencyFactory(name="无公告的局")
    assert client.get(LIST + f"?agency={other.pk}", **EN).status_code == 400


def test_the_list_is_paginated(client, officer, approver, draft_kwargs):
    for number in range(21):
        _publish(officer, approver, draft_kwargs, title=f"Notice {number:02d}")
    first = client.get(LIST, **EN).content.decode()
    second = client.get(LIST + "?page=2", **EN).content.decode()
    assert "Notice 20" in first and "Notice 00" not in first and "Page 1 of 2" in first
    assert "Notice 00" in second and "Notice 20" not in second
    filtered = client.get(LIST + "?status=published&page=2", **EN).content.decode()
    assert "Notice 00" in filtered and "status=published&amp;page=1" in filtered


# --- languages, navigation, query counts --------------------------------------------------


def test_the_portal_speaks_chinese(client, accepted):
    html = client.get(LIST, **ZH).content.decode()
    assert "采购公告" in html and "全部状态" in html and "预算上限" in html
    detail = client.get(_detail(accepted), **ZH).content.decode()
    assert "采购公告" in detail and "合同编号" in detail and "时间线" in detail


def test_the_header_links_to_the_portal(client):
    links = links_for(AnonymousUser())
    assert any(link.url == LIST and str(link.label) == "Procurement" for link in links)
    assert "创新采购" in client.get("/", **ZH).content.decode()


def test_the_list_queries_do_not_grow_with_notices(client, officer, approver, draft_kwargs,
                                                   django_assert_max_num_queries):
    _publish(officer, approver, draft_kwargs)
    with django_assert_max_num_queries(15) as few:
        assert client.get(LIST, **EN).status_code == 200
    for _ in range(8):
        _publish(officer, approver, draft_kwargs)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(LIST, **EN).status_code == 200


def test_the_notice_page_queries_do_not_grow_with_its_history(client, accepted, officer,
                                                              approver, draft_kwargs,
                                                              django_assert_max_num_queries):
    fresh = _publish(officer, approver, draft_kwargs)
    with django_assert_max_num_queries(15) as few:
        assert client.get(_detail(fresh), **EN).status_code == 200
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(_detail(accepted), **EN).status_code == 200


def test_a_notice_delivered_again_after_rectification_lists_both_deliveries(
        client, delivered, officer, supplier):
    acceptance_record(actor=officer, request=delivered, outcome="fail", experts=["赵专家"],
                      reasons="不合格", failure_action="rectify")
    delivery_record(actor=supplier, request=delivered, quantity=delivered.quantity,
                    delivered_on=timezone.localdate() - timedelta(days=0))
    notice = notice_get_public(pk=delivered.pk)
    assert [d.status for d in notice.deliveries] == ["failed", "recorded"]
    assert notice.outcome.status == "failed"
    assert notice.status == PurchaseRequest.Status.DELIVERED
