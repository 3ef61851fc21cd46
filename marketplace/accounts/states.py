"""Allowed status moves of the accounts app, written down as data, and its audit codes."""

from django.utils.translation import gettext_lazy as _

from marketplace.accounts.models import (
    Invitation,
    KycRequest,
    OrganisationVerification,
    VerificationStatus,
)
from marketplace.core.names import AuditAction
from marketplace.core.transitions import ANY, StateMachine


class AccountsAction(AuditAction):
    USER_DEMO_CREATED = "accounts.user.demo_created"
    USER_PROFILE_UPDATED = "accounts.user.profile_updated"
    USER_VERIFICATION_PENDING = "accounts.user.verification_pending"
    USER_VERIFICATION_VERIFIED = "accounts.user.verification_verified"
    USER_VERIFICATION_REJECTED = "accounts.user.verification_rejected"
    USER_ADMIN_CHANGED = "accounts.user.admin_changed"
    USER_ADMIN_CREATED = "accounts.user.admin_created"
    USER_ADMIN_DELETED = "accounts.user.admin_deleted"
    KYC_SUBMITTED = "accounts.kyc.submitted"
    KYC_APPROVED = "accounts.kyc.approved"
    KYC_REJECTED = "accounts.kyc.rejected"
    ORGANISATION_CREATED = "accounts.organisation.created"
    ORGANISATION_DEMO_CREATED = "accounts.organisation.demo_created"
    ORGANISATION_UPDATED = "accounts.organisation.updated"
    ORGANISATION_MODERATED = "accounts.organisation.moderated"
    ORGANISATION_VERIFIED = "accounts.organisation.verified"
    ORGANISATION_VERIFICATION_WITHDRAWN = "accounts.organisation.verification_withdrawn"
    MEMBERSHIP_ADDED = "accounts.membership.added"
    MEMBERSHIP_ROLE_CHANGED = "accounts.membership.role_changed"
    MEMBERSHIP_REMOVED = "accounts.membership.removed"
    INVITATION_CREATED = "accounts.invitation.created"
    INVITATION_ACCEPTED = "accounts.invitation.accepted"
    INVITATION_REVOKED = "accounts.invitation.revoked"
    INVITATION_EXPIRED = "accounts.invitation.expired"


V = VerificationStatus
# User.verification_status: 未认证 -> 审核中 -> 已认证 | 驳回; a rejected user may resubmit.
USER_VERIFICATION_STATES = StateMachine(
    name="accounts.user.verification",
    field="verification_status",
    transitions={
        V.UNVERIFIED: {V.PENDING},
        V.PENDING: {V.VERIFIED, V.REJECTED},
        V.REJECTED: {V.PENDING},
    },
    labels=dict(V.choices),
    refusals={
        (V.PENDING, V.PENDING): _("Your real-name verification is already under review."),
        (V.VERIFIED, V.PENDING): _("Your real name is already verified."),
    },
)

K = KycRequest.Status
# KycRequest.status: one review decision per request. A resubmission is a new request.
KYC_REQUEST_STATES = StateMachine(
    name="accounts.kyc",
    transitions={K.SUBMITTED: {K.APPROVED, K.REJECTED}},
    labels=dict(K.choices),
    refusals={(K.APPROVED, ANY): _("This request has already been decided."),
              (K.REJECTED, ANY): _("This request has already been decided.")},
)

O = OrganisationVerification  # noqa: E741
# Organisation.verification_status: staff verify; staff (or an identity change by the
# owner) withdraw the verification until staff look again.
ORGANISATION_VERIFICATION_STATES = StateMachine(
    name="accounts.organisation.verification",
    field="verification_status",
    transitions={O.UNVERIFIED: {O.VERIFIED}, O.VERIFIED: {O.UNVERIFIED}},
    labels=dict(O.choices),
    refusals={
        (O.VERIFIED, O.VERIFIED): (_("This organisation is already verified."),
                                   "already_verified"),
        (O.UNVERIFIED, O.UNVERIFIED): (_("This organisation is not verified."), "not_verified"),
    },
)

I = Invitation.Status  # noqa: E741
INVITATION_STATES = StateMachine(
    name="accounts.invitation",
    transitions={I.PENDING: {I.ACCEPTED, I.REVOKED, I.EXPIRED}},
    labels=dict(I.choices),
    refusals={
        (I.ACCEPTED, ANY): _("This invitation has already been accepted."),
        (I.REVOKED, ANY): _("This invitation was withdrawn by the organisation."),
        (I.EXPIRED, ANY): _("This invitation has expired."),
    },
)
