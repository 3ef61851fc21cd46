"""Errors of the accounts app a user may see (translated, mapped to 4xx in one place)."""

from django.utils.translation import gettext_lazy as _

from marketplace.core.errors import ConflictError, DomainError, PermissionDeniedError


class InvalidDocument(DomainError):
    code = "invalid_document"
    default_message = _("This document cannot be accepted.")


class KycNotAllowed(ConflictError):
    code = "kyc_not_allowed"
    default_message = _("You cannot submit a real-name verification request now.")


class RejectionReasonRequired(DomainError):
    code = "reason_required"
    default_message = _("Give the reason for the rejection; the applicant will see it.")


class LastOwnerError(ConflictError):
    code = "last_owner"
    default_message = _(
        "An organisation needs at least one owner: make someone else owner first."
    )


class AlreadyMember(ConflictError):
    code = "already_member"
    default_message = _("This person is already a member of the organisation.")


class AlreadyInvited(ConflictError):
    code = "already_invited"
    default_message = _("A pending invitation for this email address already exists.")


class InvitationUnusable(DomainError):
    """The invitation exists but can no longer be accepted (410 Gone)."""

    status_code = 410
    code = "invitation_unusable"
    default_message = _("This invitation can no longer be used.")


class InvitationWrongUser(PermissionDeniedError):
    code = "invitation_wrong_email"
    default_message = _(
        "This invitation was sent to another email address. Log in with the invited "
        "address to accept it."
    )
