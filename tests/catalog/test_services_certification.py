"""Innovation certification: apply, review, decide, notify; eligibility for first-purchase."""

import threading
from datetime import timedelta

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.utils import timezone, translation

from catalog.models import Certification, CertificationDocument
from catalog.selectors import product_is_eligible_for_first_purchase
from catalog.services.certification import (
    OpenApplicationExists,
    certification_apply,
    certification_certify,
    certification_reject,
    certification_revoke,
    certification_start_review,
)
from catalog.validators import CatalogValidationError
from marketplace.core.errors import ConflictError, IllegalTransition, PermissionDeniedError
from marketplace.core.models import AuditEvent
from marketplace.notifications.models import Notification
from tests.catalog.factories import (
    PublishedProductFactory,
    certification_in,
    image_upload,
    pdf_upload,
    stored_files,
)
from tests.factories import (
    member_of,
)

pytestmark = pytest.mark.django_db
S = Certification.Status


@pytest.fixture
def application(maker, product):
    return certification_apply(actor=maker, product=product, documents=[pdf_upload()],
                               statement="国内首创的浮标回收方案")


@pytest.fixture
def in_review(application, staff):
    return certification_start_review(actor=staff, certification=application)


def _certify(staff, certification, days=365, number="QD-CX-0001"):
    today = timezone.localdate()
    return certification_certify(actor=staff, certification=certification, certificate_number=number,
                                 valid_from=today, valid_until=today + timedelta(days=days))


def test_apply_stores_documents_privately_and_audits(maker, product, changed_products,
                                                     django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        cert = certification_apply(
            actor=maker, product=product, statement="说明",
            documents=[pdf_upload("检测报告.pdf"), image_upload("licence.png"),
                       image_upload("patent.jpg", "JPEG")],
        )
    assert cert.status == S.SUBMITTED and cert.applicant == maker
    docs = list(cert.documents.order_by("pk"))
    assert [d.content_type for d in docs] == ["application/pdf", "image/png", "image/jpeg"]
    assert docs[0].original_name == "检测报告.pdf"
    assert all(d.file.name.startswith(f"certifications/{cert.pk}/") for d in docs)
    # in private storage, outside MEDIA_ROOT (nothing serves it by URL)
    assert stored_files(settings.MEDIA_ROOT) == []
    assert stored_files(settings.PRIVATE_MEDIA_ROOT) == sorted(d.file.name for d in docs)
    assert "检测报告" not in docs[0].file.name
    assert AuditEvent.objects.filter(action="catalog.certification.submitted").exists()
    assert changed_products == [product.pk]


@pytest.mark.parametrize(
    ("documents", "message"),
    [
        ([], "at least one"),
        ([SimpleUploadedFile("run.exe", b"MZ\x90\x00binary", content_type="application/pdf")],
         "not a PDF, JPEG or PNG"),
        ([pdf_upload("big.pdf", size=10 * 1024 * 1024 + 1)], "10 MB"),
        ([pdf_upload(), SimpleUploadedFile("fake.png", b"\x89PNG\r\n\x1a\nbroken", content_type="image/png")],
         "not a readable image"),
        ([pdf_upload() for _ in range(11)], "at most 10"),
    ],
    ids=["none", "exe", "oversized", "broken-png-after-good-pdf", "too-many"],
)
def test_bad_documents_are_refused_and_nothing_is_written(maker, product, documents, message):
    with pytest.raises(CatalogValidationError, match=message):
        certification_apply(actor=maker, product=product, documents=documents)
    assert not Certification.objects.exists()
    assert not CertificationDocument.objects.exists()
    assert stored_files() == []
    assert stored_files(settings.PRIVATE_MEDIA_ROOT) == []


def test_only_the_maker_applies(other_maker, staff, product):
    for user in (other_maker, staff):
        with pytest.raises(PermissionDeniedError):
            certification_apply(actor=user, product=product, documents=[pdf_upload()])


def test_withdrawn_product_cannot_apply(maker, product):
    from catalog.services.products import product_withdraw

    product_withdraw(actor=maker, product=product)
    with pytest.raises(CatalogValidationError, match="withdrawn"):
        certification_apply(actor=maker, product=product, documents=[pdf_upload()])


def test_one_open_application_per_product(maker, application, staff):
    with pytest.raises(OpenApplicationExists):
        certification_apply(actor=maker, product=application.product, documents=[pdf_upload()])
    certification_start_review(actor=staff, certification=application)
    with pytest.raises(OpenApplicationExists):
        certification_apply(actor=maker, product=application.product, documents=[pdf_upload()])
    certification_reject(actor=staff, certification=application, reason="材料不全")
    again = certification_apply(actor=maker, product=application.product, documents=[pdf_upload()])
    assert again.status == S.SUBMITTED
    assert Certification.objects.filter(product=application.product).count() == 2


def test_full_review_to_certified(in_review, staff, maker, changed_products,
                                  django_capture_on_commit_callbacks):
    assert in_review.status == S.UNDER_REVIEW and in_review.reviewer == staff
    with django_capture_on_commit_callbacks(execute=True):
        cert = _certify(staff, in_review)
    cert.refresh_from_db()
    assert cert.status == S.CERTIFIED and cert.certificate_number == "QD-CX-0001"
    assert product_is_eligible_for_first_purchase(cert.product)
    note = Notification.objects.get(user=maker)
    assert note.kind == "catalog.certification.certified"
    assert "QD-CX-0001" in note.body
    assert note.title.startswith("您的产品")  # the applicant's language (zh-hans)
    assert changed_products == [cert.product_id]
    assert list(AuditEvent.objects.filter(object_type="catalog.certification", object_id=str(cert.pk))
                .order_by("seq").values_list("action", flat=True)) == [
        "catalog.certification.submitted", "catalog.certification.under_review",
        "catalog.certification.certified"]


def test_notification_follows_the_applicants_language(in_review, staff, maker):
    maker.preferred_language = "en"
    maker.save(update_fields=["preferred_language"])
    certification_reject(actor=staff, certification=in_review, reason="Missing test report")
    note = Notification.objects.get(user=maker)
    assert note.title.startswith("The certification of")
    assert "Missing test report" in note.body


def test_reject_and_revoke_need_a_reason(in_review, staff):
    with pytest.raises(CatalogValidationError, match="reason"):
        certification_reject(actor=staff, certification=in_review, reason="  ")
    cert = _certify(staff, in_review)
    with pytest.raises(CatalogValidationError, match="reason"):
        certification_revoke(actor=staff, certification=cert, reason="")
    certification_revoke(actor=staff, certification=cert, reason="检测数据造假")
    cert.refresh_from_db()
    assert cert.status == S.REVOKED and cert.decision_reason == "检测数据造假"
    assert not product_is_eligible_for_first_purchase(cert.product)


def test_certify_validates_the_window_and_number(in_review, staff):
    today = timezone.localdate()
    with pytest.raises(CatalogValidationError, match="end after"):
        certification_certify(actor=staff, certification=in_review, certificate_number="A",
                               valid_from=today, valid_until=today)
    with pytest.raises(CatalogValidationError, match="expired"):
        certification_certify(actor=staff, certification=in_review, certificate_number="A",
                              valid_from=today - timedelta(days=30), valid_until=today - timedelta(days=1))
    with pytest.raises(CatalogValidationError, match="required"):
        certification_certify(actor=staff, certification=in_review, certificate_number=" ",
                              valid_from=today, valid_until=today + timedelta(days=1))
    other = certification_in(S.CERTIFIED, product=PublishedProductFactory(), number="TAKEN",
                             staff=staff)
    with pytest.raises(ConflictError):
        _certify(staff, in_review, number=other.certificate_number)
    assert Certification.objects.get(pk=in_review.pk).status == S.UNDER_REVIEW


@pytest.mark.parametrize(
    ("step", "status"),
    [("certify", S.SUBMITTED), ("reject", S.SUBMITTED), ("revoke", S.UNDER_REVIEW),
     ("start", S.CERTIFIED), ("certify", S.REJECTED), ("revoke", S.EXPIRED), ("certify", S.REVOKED)],
)
def test_illegal_transitions_are_refused(staff, product, step, status):
    cert = certification_in(status, product=product, staff=staff, number=f"N-{status}")
    call = {
        "start": lambda: certification_start_review(actor=staff, certification=cert),
        "certify": lambda: _certify(staff, cert),
        "reject": lambda: certification_reject(actor=staff, certification=cert, reason="r"),
        "revoke": lambda: certification_revoke(actor=staff, certification=cert, reason="r"),
    }[step]
    with pytest.raises(IllegalTransition):
        call()
    assert Certification.objects.get(pk=cert.pk).status == status


def test_a_refused_decision_names_the_states_in_the_users_language(application, staff):
    with translation.override("zh-hans"), pytest.raises(IllegalTransition) as exc:
        _certify(staff, application)
    assert str(exc.value.message) == "请先开始审核，再作出决定。"
    with translation.override("en"), pytest.raises(IllegalTransition) as exc:
        certification_reject(actor=staff, certification=application, reason="r")
    assert str(exc.value.message) == "Start the review before deciding."
    rejected = certification_in(S.REJECTED)
    with translation.override("en"), pytest.raises(IllegalTransition) as exc:
        certification_start_review(actor=staff, certification=rejected)
    assert str(exc.value.message) == "This application was rejected; the maker may apply again."
    certified_one = certification_in(S.CERTIFIED)
    with translation.override("en"), pytest.raises(IllegalTransition) as exc:
        certification_reject(actor=staff, certification=certified_one, reason="r")
    # no specific message for this move: the generic one names both states
    assert str(exc.value.message) == "The status cannot change from “Certified” to “Rejected”."


def test_only_staff_review(application, maker, other_maker, staff):
    for user in (maker, other_maker):
        with pytest.raises(PermissionDeniedError):
            certification_start_review(actor=user, certification=application)
    certification_start_review(actor=staff, certification=application)
    with pytest.raises(PermissionDeniedError):
        _certify(maker, application)
    assert Certification.objects.get(pk=application.pk).status == S.UNDER_REVIEW


def test_eligibility_respects_the_validity_window(product, staff):
    today = timezone.localdate()
    assert not product_is_eligible_for_first_purchase(product)
    certification_in(S.CERTIFIED, product=product, staff=staff, number="W-1",
                     valid_from=today + timedelta(days=10), valid_until=today + timedelta(days=400))
    assert not product_is_eligible_for_first_purchase(product)
    assert product_is_eligible_for_first_purchase(product, on=today + timedelta(days=10))
    assert product_is_eligible_for_first_purchase(product, on=today + timedelta(days=400))
    assert not product_is_eligible_for_first_purchase(product, on=today + timedelta(days=401))


def test_unpublished_product_is_not_eligible(maker, product):
    from catalog.services.products import product_withdraw

    today = timezone.localdate()
    certification_in(S.CERTIFIED, product=product, number="W-2", valid_from=today,
                     valid_until=today + timedelta(days=30))
    assert product_is_eligible_for_first_purchase(product)
    product_withdraw(actor=maker, product=product)
    product.refresh_from_db()
    assert not product_is_eligible_for_first_purchase(product)


@pytest.mark.django_db(transaction=True)
def test_concurrent_applications_leave_exactly_one_open(requires_postgres, maker_org):
    product = PublishedProductFactory(organisation=maker_org)
    makers = [member_of(maker_org) for _ in range(4)]
    barrier = threading.Barrier(len(makers))
    results = []

    def apply(user):
        try:
            barrier.wait()
            certification_apply(actor=user, product=product, documents=[pdf_upload()])
            results.append("ok")
        except OpenApplicationExists:
            results.append("conflict")
        finally:
            connection.close()

    threads = [threading.Thread(target=apply, args=(u,)) for u in makers]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == ["conflict", "conflict", "conflict", "ok"]
    assert Certification.objects.filter(product=product, status=S.SUBMITTED).count() == 1
    assert CertificationDocument.objects.count() == 1
