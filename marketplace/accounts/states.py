"""Allowed status moves of the accounts app, written down as data."""

from marketplace.core.transitions import StateMachine

# User.verification_status: 未认证 -> 审核中 -> 已认证 | 驳回; a rejected user may resubmit.
USER_VERIFICATION_STATES = StateMachine(
    name="accounts.user.verification",
    field="verification_status",
    transitions={
        "unverified": {"pending"},
        "pending": {"verified", "rejected"},
        "rejected": {"pending"},
    },
)

# KycRequest.status: one review decision per request. A resubmission is a new request.
KYC_REQUEST_STATES = StateMachine(
    name="accounts.kyc",
    transitions={"submitted": {"approved", "rejected"}},
)

INVITATION_STATES = StateMachine(
    name="accounts.invitation",
    transitions={"pending": {"accepted", "revoked", "expired"}},
)
