"""Innovation certification (认定): apply, review, certify, reject, revoke, expire.

    submitted -> under_review -> certified | rejected
    certified -> expired (by the chronograph) | revoked (by staff)

Only one application per product may be open (submitted or under review); the database
enforces it too. Decisions notify the applicant in their own language.
"""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from catalog.errors import CatalogValidationError, OpenApplicationExists
from catalog.models import Certification, CertificationDocument, Product
from catalog.rules import CatalogPerm
from catalog.services.common import clean_text, upload_name
from catalog.signals import product_changed
from catalog.states import CERTIFICATION_STATES, CatalogAction
from catalog.validators import MAX_DOCUMENTS, check_document
from marketplace.core.audit import audit_log
from marketplace.core.db import unique_conflicts
from marketplace.core.errors import ConflictError
from marketplace.core.permissions import require_perm
from marketplace.core.signals import announce
from marketplace.core.transitions import transition
from marketplace.core.validation import clean_reason
from marketplace.notifications.services import notification_create

S = Certification.Status
MAX_STATEMENT_CHARS = 10_000


def certification_apply(
    *, actor, product: Product, documents: list, statement: str = ""
) -> Certification:
    """The maker applies with at least one document (PDF, JPEG or PNG, at most 10 MB)."""
    require_perm(
        actor, CatalogPerm.APPLY_CERTIFICATION, product,
        message=_("Only the maker of this product can apply for its certification."),
    )
    if product.status == Product.Status.WITHDRAWN:
        raise CatalogValidationError(_("A withdrawn product cannot be certified."))
    statement = (statement or "").strip()
    if len(statement) > MAX_STATEMENT_CHARS:
        raise CatalogValidationError(
            _("The statement is too long (at most %(max)s characters).")
            % {"max": MAX_STATEMENT_CHARS}
        )
    documents = [d for d in documents or [] if d]
    if not documents:
        raise CatalogValidationError(_("Attach at least one supporting document."))
    if len(documents) > MAX_DOCUMENTS:
        raise CatalogValidationError(
            _("Attach at most %(max)s documents.") % {"max": MAX_DOCUMENTS}
        )
    checked = [check_document(doc, field="documents") for doc in documents]  # all checked before any write
    stored: list = []
    try:
        with transaction.atomic():
            if Certification.objects.filter(
                product=product, status__in=Certification.OPEN_STATUSES
            ).exists():
                raise OpenApplicationExists()
            # a concurrent application that won the race ends here as a 409
            with unique_conflicts(Certification, {
                "certification_one_open_per_product": OpenApplicationExists(),
            }):
                certification = Certification.objects.create(
                    product=product, applicant=actor, statement=statement
                )
            for upload, check in zip(documents, checked, strict=True):
                doc = CertificationDocument(
                    certification=certification, content_type=check.content_type,
                    size=check.size, original_name=(getattr(upload, "name", "") or "")[-200:],
                )
                doc.file.save(upload_name(check.extension), upload, save=False)
                stored.append(doc.file)
                doc.save()
            audit_log(
                actor=actor, action=CatalogAction.CERTIFICATION_SUBMITTED, obj=certification,
                data={"product": product.pk, "documents": len(checked)},
            )
            announce(product_changed, product_id=product.pk)
    except BaseException:
        for fieldfile in stored:
            fieldfile.storage.delete(fieldfile.name)
        raise
    return certification


def certification_start_review(*, actor, certification: Certification) -> Certification:
    require_perm(actor, CatalogPerm.REVIEW_CERTIFICATION, certification)
    return transition(
        certification, CERTIFICATION_STATES, S.UNDER_REVIEW, actor=actor,
        action=CatalogAction.CERTIFICATION_UNDER_REVIEW,
        changes={"reviewer": actor, "review_started_at": timezone.now()},
    )


def certification_certify(
    *, actor, certification: Certification, certificate_number: str, valid_from: date,
    valid_until: date,
) -> Certification:
    require_perm(actor, CatalogPerm.REVIEW_CERTIFICATION, certification)
    number = clean_text(Certification, "certificate_number", certificate_number, required=True)
    if not valid_from or not valid_until:
        raise CatalogValidationError(_("Give the validity window of the certificate."))
    if valid_until <= valid_from:
        raise CatalogValidationError(_("The certificate must end after it starts."))
    if valid_until < timezone.localdate():
        raise CatalogValidationError(_("The certificate would already have expired."))
    taken = ConflictError(_("This certificate number is already in use."),
                          code="certificate_number_taken", data={"field": "certificate_number"})
    if Certification.objects.filter(certificate_number=number).exclude(pk=certification.pk).exists():
        raise taken
    with transaction.atomic(), unique_conflicts(Certification, {
        "certification_number_unique": taken,
    }):
        transition(
            certification, CERTIFICATION_STATES, S.CERTIFIED, actor=actor,
            action=CatalogAction.CERTIFICATION_CERTIFIED,
            data={"number": number, "valid_from": valid_from, "valid_until": valid_until},
            changes={"certificate_number": number, "valid_from": valid_from,
                     "valid_until": valid_until, "reviewer": actor,
                     "decided_at": timezone.now()},
        )
        _after_decision(certification, _("Your product “%(product)s” is certified as innovative"),
                        _("Certificate %(number)s, valid until %(until)s."))
    return certification


def certification_reject(*, actor, certification: Certification, reason: str) -> Certification:
    require_perm(actor, CatalogPerm.REVIEW_CERTIFICATION, certification)
    reason = clean_reason(reason, missing=_("Give the reason for the rejection."),
                          error=CatalogValidationError)
    with transaction.atomic():
        transition(
            certification, CERTIFICATION_STATES, S.REJECTED, actor=actor,
            action=CatalogAction.CERTIFICATION_REJECTED, data={"reason": reason},
            changes={"decision_reason": reason, "reviewer": actor, "decided_at": timezone.now()},
        )
        _after_decision(certification, _("The certification of “%(product)s” was rejected"),
                        _("Reason: %(reason)s"))
    return certification


def certification_revoke(*, actor, certification: Certification, reason: str) -> Certification:
    require_perm(actor, CatalogPerm.REVIEW_CERTIFICATION, certification)
    reason = clean_reason(reason, missing=_("Give the reason for the revocation."),
                          error=CatalogValidationError)
    with transaction.atomic():
        transition(
            certification, CERTIFICATION_STATES, S.REVOKED, actor=actor,
            action=CatalogAction.CERTIFICATION_REVOKED, data={"reason": reason},
            changes={"decision_reason": reason, "ended_at": timezone.now()},
        )
        _after_decision(certification, _("The certification of “%(product)s” was revoked"),
                        _("Reason: %(reason)s"))
    return certification


def certification_expire(*, certification: Certification, today: date) -> Certification:
    """Called by the chronograph for a certified row whose window ended before ``today``."""
    if certification.valid_until is None or certification.valid_until >= today:
        raise CatalogValidationError(_("This certification has not reached its end date."))
    with transaction.atomic():
        transition(
            certification, CERTIFICATION_STATES, S.EXPIRED, actor=None,
            action=CatalogAction.CERTIFICATION_EXPIRED,
            data={"valid_until": certification.valid_until},
            changes={"ended_at": timezone.now()},
        )
        _after_decision(certification, _("The certification of “%(product)s” has expired"),
                        _("It was valid until %(until)s. You can apply again."))
    return certification


def _after_decision(certification: Certification, title, body) -> None:
    """Announce the change to search and tell the applicant, in their language, in the
    decision's transaction."""
    product = certification.product
    applicant = certification.applicant
    announce(product_changed, product_id=product.pk)
    values = {
        "product": product.name,
        "number": certification.certificate_number,
        "until": certification.valid_until.isoformat() if certification.valid_until else "",
        "reason": certification.decision_reason,
    }
    with translation.override(applicant.preferred_language or "zh-hans"):
        notification_create(
            user=applicant,
            kind=f"catalog.certification.{certification.status}",
            title=(str(title) % values)[:200],
            body=str(body) % values,
            url=reverse("catalog:product_detail", kwargs={"slug": product.slug}),
            email=True,
        )
