import threading

import pytest
from django.core import mail
from django.db import connection

from marketplace.accounts.errors import InvalidDocument, KycNotAllowed, RejectionReasonRequired
from marketplace.accounts.models import KycDocument, KycRequest, User, VerificationStatus
from marketplace.accounts.services import kyc as kyc_services
from marketplace.accounts.services.kyc import kyc_approve, kyc_reject, kyc_submit
from marketplace.core.errors import DomainError, IllegalTransition, PermissionDeniedError
from marketplace.core.models import AuditEvent
from marketplace.notifications.models import Notification
from tests.accounts.factories import (
    StaffFactory,
    UserFactory,
    big_pdf,
    jpg,
    pdf,
    png,
    stored_files,
    upload,
)

pytestmark = pytest.mark.django_db


def submit(user, documents=None, **overrides):
    values = {"legal_name": "张三", "id_type": "resident_id", "id_number_last4": "123x"}
    values.update(overrides)
    return kyc_submit(user=user, documents=documents or [pdf()], **values)


def actions_for(obj) -> list[str]:
    return list(
        AuditEvent.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))
        .order_by("created_at", "seq").values_list("action", flat=True)
    )


class TestSubmit:
    def test_submit_stores_request_documents_and_moves_user_to_pending(self, private_root):
        user = UserFactory()
        kyc_request = submit(user, [pdf(), png(), jpg("photo.JPEG")])

        user.refresh_from_db()
        assert user.verification_status == VerificationStatus.PENDING
        assert kyc_request.status == KycRequest.Status.SUBMITTED
        assert kyc_request.id_number_last4 == "123X"
        documents = list(kyc_request.documents.order_by("pk"))
        assert [d.content_type for d in documents] == ["application/pdf", "image/png", "image/jpeg"]
        assert [d.original_name for d in documents] == ["id-card.pdf", "id-card.png", "photo.JPEG"]
        assert len(stored_files(private_root)) == 3
        assert actions_for(kyc_request) == ["accounts.kyc.submitted"]
        assert actions_for(user) == ["accounts.user.verification_pending"]

    @pytest.mark.parametrize("status", [VerificationStatus.PENDING, VerificationStatus.VERIFIED])
    def test_refused_while_pending_or_verified(self, status, private_root):
        user = UserFactory(verification_status=status)
        with pytest.raises(KycNotAllowed) as exc:
            submit(user)
        assert exc.value.status_code == 409
        assert not KycRequest.objects.exists()
        assert stored_files(private_root) == []

    @pytest.mark.parametrize(
        ("documents", "code"),
        [
            ([upload("setup.exe", b"MZ\x90\x00" * 10)], "document_type"),
            ([pdf(), upload("notes.txt", b"hello")], "document_type"),
            ([big_pdf(11)], "document_too_large"),
            ([upload("fake.pdf", b"MZ\x90\x00 not a pdf")], "document_content"),
            ([upload("fake.png", b"%PDF-1.4 a pdf named png")], "document_content"),
            ([upload("empty.pdf", b"")], "document_empty"),
            ([pdf(f"p{i}.pdf") for i in range(6)], "too_many_documents"),
        ],
    )
    def test_bad_documents_are_refused_and_nothing_is_written(self, documents, code, private_root):
        user = UserFactory()
        with pytest.raises(InvalidDocument) as exc:
            kyc_submit(user=user, legal_name="张三", id_type="passport", id_number_last4="9876",
                       documents=documents)
        assert exc.value.code == code
        assert exc.value.status_code == 400
        assert not KycRequest.objects.exists()
        assert not KycDocument.objects.exists()
        assert stored_files(private_root) == []
        user.refresh_from_db()
        assert user.verification_status == VerificationStatus.UNVERIFIED

    def test_a_document_of_exactly_10_mb_is_accepted(self):
        ten_mb = pdf(padding=10 * 1024 * 1024 - len(pdf().read()))
        assert ten_mb.size == 10 * 1024 * 1024
        assert submit(UserFactory(), [ten_mb]).documents.get().size == ten_mb.size

    def test_at_least_one_document(self):
        with pytest.raises(InvalidDocument) as exc:
            kyc_submit(user=UserFactory(), legal_name="张三", id_type="passport",
                       id_number_last4="9876", documents=[])
        assert exc.value.code == "documents_required"

    @pytest.mark.parametrize(
        ("field", "value"),
        [("legal_name", "  "), ("legal_name", "x" * 101), ("id_type", "driving_licence"),
         ("id_number_last4", "12"), ("id_number_last4", "12 4"), ("id_number_last4", "12345")],
    )
    def test_bad_fields_are_refused(self, field, value):
        with pytest.raises(DomainError) as exc:
            submit(UserFactory(), **{field: value})
        assert exc.value.data["field"] == field
        assert not KycRequest.objects.exists()

    def test_files_are_removed_when_the_transaction_fails(self, private_root, monkeypatch):
        def broken_transition(*args, **kwargs):
            raise RuntimeError("database went away")

        monkeypatch.setattr(kyc_services, "transition", broken_transition)
        with pytest.raises(RuntimeError):
            submit(UserFactory(), [pdf(), png()])
        assert not KycRequest.objects.exists()
        assert stored_files(private_root) == []


class TestReview:
    def test_approve_verifies_the_user_and_notifies_them(self, django_capture_on_commit_callbacks):
        user, staff = UserFactory(preferred_language="en"), StaffFactory()
        kyc_request = submit(user)
        with django_capture_on_commit_callbacks(execute=True):
            kyc_approve(kyc_request=kyc_request, reviewer=staff)

        kyc_request.refresh_from_db()
        user.refresh_from_db()
        assert kyc_request.status == KycRequest.Status.APPROVED
        assert kyc_request.reviewer == staff
        assert kyc_request.reviewed_at is not None
        assert user.verification_status == VerificationStatus.VERIFIED
        assert user.verified_name == "张三"
        assert user.is_real_name_verified
        note = Notification.objects.get(user=user)
        assert note.kind == "accounts.kyc.approved"
        assert note.title == "Your real-name verification was approved"
        assert [m.to for m in mail.outbox] == [[user.email]]
        assert actions_for(kyc_request) == ["accounts.kyc.submitted", "accounts.kyc.approved"]
        assert actions_for(user)[-1] == "accounts.user.verification_verified"

    def test_reject_records_the_reason_and_the_user_may_resubmit(self):
        user, staff = UserFactory(), StaffFactory()
        first = submit(user)
        kyc_reject(kyc_request=first, reviewer=staff, reason="  照片模糊，请重新拍摄。 ")

        first.refresh_from_db()
        user.refresh_from_db()
        assert first.status == KycRequest.Status.REJECTED
        assert first.rejection_reason == "照片模糊，请重新拍摄。"
        assert user.verification_status == VerificationStatus.REJECTED
        note = Notification.objects.get(user=user, kind="accounts.kyc.rejected")
        assert "照片模糊" in note.body

        second = submit(user)
        user.refresh_from_db()
        assert user.verification_status == VerificationStatus.PENDING
        assert second.pk != first.pk
        kyc_approve(kyc_request=second, reviewer=staff)
        user.refresh_from_db()
        assert user.verification_status == VerificationStatus.VERIFIED

    @pytest.mark.parametrize("reason", ["", "   ", None])
    def test_reject_needs_a_reason(self, reason):
        kyc_request = submit(UserFactory())
        with pytest.raises(RejectionReasonRequired) as exc:
            kyc_reject(kyc_request=kyc_request, reviewer=StaffFactory(), reason=reason)
        assert exc.value.status_code == 400
        kyc_request.refresh_from_db()
        assert kyc_request.status == KycRequest.Status.SUBMITTED
        assert kyc_request.user.verification_status == VerificationStatus.PENDING

    def test_reason_has_a_limit(self):
        with pytest.raises(DomainError) as exc:
            kyc_reject(kyc_request=submit(UserFactory()), reviewer=StaffFactory(),
                       reason="x" * 2001)
        assert exc.value.code == "reason_too_long"

    @pytest.mark.parametrize("second", ["approve", "reject"])
    def test_a_decided_request_cannot_be_decided_again(self, second):
        staff = StaffFactory()
        kyc_request = submit(UserFactory())
        kyc_approve(kyc_request=kyc_request, reviewer=staff)
        with pytest.raises(IllegalTransition) as exc:
            if second == "approve":
                kyc_approve(kyc_request=kyc_request, reviewer=StaffFactory())
            else:
                kyc_reject(kyc_request=kyc_request, reviewer=StaffFactory(), reason="late")
        assert exc.value.status_code == 409
        kyc_request.refresh_from_db()
        assert kyc_request.status == KycRequest.Status.APPROVED
        assert kyc_request.reviewer == staff
        assert kyc_request.rejection_reason == ""
        assert kyc_request.user.verification_status == VerificationStatus.VERIFIED

    def test_only_staff_may_review(self):
        kyc_request = submit(UserFactory())
        for outsider in (UserFactory(), UserFactory(is_panel_expert=True)):
            with pytest.raises(PermissionDeniedError):
                kyc_approve(kyc_request=kyc_request, reviewer=outsider)
            with pytest.raises(PermissionDeniedError):
                kyc_reject(kyc_request=kyc_request, reviewer=outsider, reason="no")
        kyc_request.refresh_from_db()
        assert kyc_request.status == KycRequest.Status.SUBMITTED

    def test_staff_cannot_review_their_own_request(self):
        staff = StaffFactory()
        kyc_request = submit(staff)
        with pytest.raises(PermissionDeniedError):
            kyc_approve(kyc_request=kyc_request, reviewer=staff)
        assert User.objects.get(pk=staff.pk).verification_status == VerificationStatus.PENDING


@pytest.mark.django_db(transaction=True)
def test_concurrent_decisions_on_one_request_give_one_outcome(requires_postgres):
    """Two reviewers decide at the same moment: exactly one decision lands, and the
    user's status matches it."""
    user = UserFactory()
    kyc_request = submit(user)
    reviewers = [StaffFactory(), StaffFactory()]
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def decide(i):
        try:
            request_copy = KycRequest.objects.get(pk=kyc_request.pk)
            barrier.wait()
            if i == 0:
                kyc_approve(kyc_request=request_copy, reviewer=reviewers[i])
            else:
                kyc_reject(kyc_request=request_copy, reviewer=reviewers[i], reason="blurred")
            outcomes.append("ok")
        except IllegalTransition:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=decide, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert sorted(outcomes) == ["ok", "refused"]
    kyc_request.refresh_from_db()
    user.refresh_from_db()
    expected = {"approved": "verified", "rejected": "rejected"}[kyc_request.status]
    assert user.verification_status == expected
    decisions = AuditEvent.objects.filter(
        action__in=["accounts.kyc.approved", "accounts.kyc.rejected"]
    )
    assert decisions.count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_double_submit_creates_one_request(requires_postgres, private_root):
    user = UserFactory()
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def send():
        try:
            barrier.wait()
            submit(User.objects.get(pk=user.pk))
            outcomes.append("ok")
        except KycNotAllowed:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert sorted(outcomes) == ["ok", "refused"]
    assert KycRequest.objects.filter(user=user).count() == 1
    assert len(stored_files(private_root)) == 1  # the loser's file was cleaned up
