"""Real-name verification (KYC): submit, approve, reject.

A request and its user's ``verification_status`` always move together, in one
transaction: submitted <-> pending, approved <-> verified, rejected <-> rejected.
"""

from __future__ import annotations

import re

from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from marketplace.accounts.documents import documents_check
from marketplace.accounts.errors import KycNotAllowed, RejectionReasonRequired
from marketplace.accounts.models import (
    KycDocument,
    KycRequest,
    User,
    VerificationStatus,
    private_storage,
)
from marketplace.accounts.rules import AccountsPerm
from marketplace.accounts.states import (
    KYC_REQUEST_STATES,
    USER_VERIFICATION_STATES,
    AccountsAction,
)
from marketplace.core.audit import audit_log
from marketplace.core.errors import DomainError, PermissionDeniedError
from marketplace.core.permissions import require_perm
from marketplace.core.transitions import transition
from marketplace.core.validation import clean_reason
from marketplace.notifications.services import notification_create

MAX_REASON_LENGTH = 2000
_LAST4 = re.compile(r"^[0-9A-Za-z]{4}$")

_NOT_ALLOWED = {
    VerificationStatus.PENDING: gettext_lazy(
        "Your real-name verification is already under review."
    ),
    VerificationStatus.VERIFIED: gettext_lazy("Your real name is already verified."),
}


def _clean_fields(*, legal_name: str, id_type: str, id_number_last4: str) -> tuple[str, str, str]:
    legal_name = (legal_name or "").strip()
    if not legal_name or len(legal_name) > 100:
        raise DomainError(
            _("Enter your legal name (at most 100 characters)."),
            code="legal_name_invalid", data={"field": "legal_name"},
        )
    if id_type not in KycRequest.IdType.values:
        raise DomainError(
            _("Choose a valid document type."),
            code="id_type_invalid", data={"field": "id_type"},
        )
    last4 = (id_number_last4 or "").strip().upper()
    if not _LAST4.match(last4):
        raise DomainError(
            _("Enter the last 4 letters or digits of the document number."),
            code="id_number_invalid", data={"field": "id_number_last4"},
        )
    return legal_name, id_type, last4


def kyc_submit(
    *, user: User, legal_name: str, id_type: str, id_number_last4: str, documents: list
) -> KycRequest:
    """Submit a request with its documents; the user becomes ``pending``.

    Every input is checked before anything is written. Should the transaction fail
    after files were stored, the stored files are deleted again.
    """
    legal_name, id_type, last4 = _clean_fields(
        legal_name=legal_name, id_type=id_type, id_number_last4=id_number_last4
    )
    checked = documents_check(documents)
    stored: list[str] = []
    try:
        with transaction.atomic():
            locked = User.objects.select_for_update().get(pk=user.pk)
            if locked.verification_status in _NOT_ALLOWED:
                raise KycNotAllowed(_NOT_ALLOWED[locked.verification_status])
            kyc_request = KycRequest.objects.create(
                user=locked, legal_name=legal_name, id_type=id_type, id_number_last4=last4
            )
            for doc in checked:
                document = KycDocument(
                    request=kyc_request, original_name=doc.name,
                    content_type=doc.content_type, size=doc.size,
                )
                doc.file.seek(0)
                document.file.save(doc.name, doc.file, save=False)
                stored.append(document.file.name)
                document.save()
            audit_log(
                actor=user, action=AccountsAction.KYC_SUBMITTED, obj=kyc_request,
                data={"id_type": id_type, "documents": len(checked)},
            )
            transition(
                locked, USER_VERIFICATION_STATES, VerificationStatus.PENDING, actor=user,
                action=AccountsAction.USER_VERIFICATION_PENDING,
                data={"kyc_request": kyc_request.pk},
            )
    except BaseException:
        for name in stored:
            private_storage().delete(name)
        raise
    user.verification_status = locked.verification_status
    return kyc_request


def _check_reviewer(reviewer, kyc_request: KycRequest) -> None:
    require_perm(
        reviewer, AccountsPerm.REVIEW_KYC, kyc_request,
        message=_("Only platform staff may review real-name verification requests."),
    )
    if kyc_request.user_id == reviewer.pk:
        raise PermissionDeniedError(_("You cannot review your own verification request."))


def _notify_decision(user: User, kyc_request: KycRequest) -> None:
    with translation.override(user.preferred_language):
        if kyc_request.status == KycRequest.Status.APPROVED:
            title = _("Your real-name verification was approved")
            body = _("You are verified as %(name)s.") % {"name": kyc_request.legal_name}
        else:
            title = _("Your real-name verification was rejected")
            body = _("Reason: %(reason)s You may correct it and submit again.") % {
                "reason": kyc_request.rejection_reason
            }
        notification_create(
            user=user, kind=f"accounts.kyc.{kyc_request.status}", title=str(title),
            body=str(body), url=reverse("accounts:profile"), email=True,
        )


def _decide(kyc_request: KycRequest, *, reviewer, request_target: str, user_target: str,
            reason: str = "") -> KycRequest:
    with transaction.atomic():
        transition(
            kyc_request, KYC_REQUEST_STATES, request_target, actor=reviewer,
            action=AccountsAction.resolve(f"accounts.kyc.{request_target}"),
            data={"reason": reason} if reason else None,
            changes={"reviewer": reviewer, "reviewed_at": timezone.now(),
                     "rejection_reason": reason},
        )
        user = User.objects.select_for_update().get(pk=kyc_request.user_id)
        transition(
            user, USER_VERIFICATION_STATES, user_target, actor=reviewer,
            action=AccountsAction.resolve(f"accounts.user.verification_{user_target}"),
            data={"kyc_request": kyc_request.pk},
            changes={"verified_name": kyc_request.legal_name}
            if user_target == VerificationStatus.VERIFIED else None,
        )
        _notify_decision(user, kyc_request)
    return kyc_request


def kyc_approve(*, kyc_request: KycRequest, reviewer) -> KycRequest:
    _check_reviewer(reviewer, kyc_request)
    return _decide(
        kyc_request, reviewer=reviewer, request_target=KycRequest.Status.APPROVED,
        user_target=VerificationStatus.VERIFIED,
    )


def kyc_reject(*, kyc_request: KycRequest, reviewer, reason: str) -> KycRequest:
    _check_reviewer(reviewer, kyc_request)
    reason = clean_reason(reason, missing=RejectionReasonRequired.default_message,
                          max_chars=MAX_REASON_LENGTH, error=RejectionReasonRequired)
    return _decide(
        kyc_request, reviewer=reviewer, request_target=KycRequest.Status.REJECTED,
        user_target=VerificationStatus.REJECTED, reason=reason,
    )
