"""Notices in search: a notice is found once published (through the portal's redacted
selector), follows its request's status, and a draft or an approved request never is."""

import pytest

from procurement.search import build_notice
from procurement.selectors import notice_get_public
from procurement.services.requests import (
    request_approve,
    request_cancel,
    request_publish,
    request_supplier_accept,
    request_supplier_decline,
)
from search.documents import get_document_type
from search.service import get_backend
from tests.search.helpers import ids, run


def _notice_ids(text, status=None):
    filters = {"status": (status,)} if status else {}
    return ids(run(get_backend(), text, doc_types=("notice",), filters=filters), "notice")


@pytest.fixture
def published(draft, approver, officer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        request_approve(actor=approver, request=draft)
        request_publish(actor=officer, request=draft)
    draft.refresh_from_db()
    return draft


def test_notices_are_a_registered_type_with_their_statuses():
    notice = get_document_type("notice")
    assert str(notice.label) == "Procurement notices"
    assert set(notice.statuses) >= {"published", "contracted", "accepted", "paid", "cancelled"}
    assert "draft" not in notice.statuses and "approved" not in notice.statuses


def test_a_draft_and_an_approved_request_are_never_found(draft, approver,
                                                         django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        request_approve(actor=approver, request=draft)
    assert _notice_ids("水质监测浮标") == []
    assert list(get_document_type("notice").documents()) == []


def test_a_published_notice_is_found_with_its_page(published):
    result = run(get_backend(), "水质监测浮标")
    assert ids(result, "notice") == [published.pk]
    hit = next(h for h in result.hits if h.doc_type == "notice")
    assert hit.url == f"/procurement/notices/{published.pk}/"
    assert _notice_ids("", status="published") == [published.pk]


def test_the_index_follows_the_status(published, supplier, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        request_supplier_accept(actor=supplier, request=published)
    assert _notice_ids("", status="supplier_accepted") == [published.pk]
    assert _notice_ids("", status="published") == []


def test_a_declined_or_cancelled_notice_stays_findable_as_such(
        published, officer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        request_cancel(actor=officer, request=published, reason="预算调整")
    assert _notice_ids("水质监测浮标", status="cancelled") == [published.pk]


def test_a_request_cancelled_before_its_notice_is_never_found(
        draft, officer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        request_cancel(actor=officer, request=draft, reason="需求变更")
    assert _notice_ids("水质监测浮标") == []


def test_the_document_holds_no_secret(agreed, line):
    document = build_notice(notice_get_public(pk=agreed.pk))
    text = repr(document.as_dict())
    assert "材料与装配成本" not in text  # the cost reference
    assert line.code not in text and line.name not in text
    assert agreed.ocid in document.codes and document.status == "price_agreed"


def test_the_declining_reason_is_not_searchable(published, supplier,
                                                django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        request_supplier_decline(actor=supplier, request=published, reason="产能独特理由")
    assert _notice_ids("产能独特理由") == []
    assert _notice_ids("", status="supplier_declined") == [published.pk]


def test_the_type_is_labelled_in_chinese():
    from django.utils import translation

    with translation.override("zh-hans"):
        notice = get_document_type("notice")
        assert str(notice.label) == "采购公告" and str(notice.item_label) == "采购公告"
        assert str(notice.statuses["published"]) == "公告已发布"


def test_only_public_changes_queue_an_index_task(monkeypatch, draft, approver, officer,
                                                 django_capture_on_commit_callbacks):
    from search import receivers

    queued = []
    monkeypatch.setattr(receivers, "enqueue", lambda name, doc_type, pks: queued.append(
        (doc_type, pks)))
    with django_capture_on_commit_callbacks(execute=True):
        request_approve(actor=approver, request=draft)
    assert [q for q in queued if q[0] == "notice"] == []
    with django_capture_on_commit_callbacks(execute=True):
        request_publish(actor=officer, request=draft)
    assert [q for q in queued if q[0] == "notice"] == [("notice", [draft.pk])]
