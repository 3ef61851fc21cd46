"""Allowed status moves of the payment records, written down as data, and the audit codes.

Each attempt, refund, payout, card and account is its own audit stream (the default: one
stream per object), never one per campaign: a per-campaign stream would make every pledge
of a campaign wait for the same row.
"""

from django.utils.translation import gettext_lazy as _

from marketplace.core.names import AuditAction
from marketplace.core.transitions import ANY, StateMachine
from marketplace.payments.models import (
    ConnectedAccount,
    OfflinePayout,
    PaymentAttempt,
    Payout,
    Refund,
    SavedPaymentMethod,
    WebhookEvent,
)


class PaymentsAction(AuditAction):
    CUSTOMER_CREATED = "payments.customer.created"
    METHOD_ACTIVE = "payments.method.active"
    METHOD_FAILED = "payments.method.failed"
    METHOD_REMOVED = "payments.method.removed"
    METHOD_SETUP_STARTED = "payments.method.setup_started"
    ATTEMPT_CREATED = "payments.attempt.created"
    ATTEMPT_REQUIRES_ACTION = "payments.attempt.requires_action"
    ATTEMPT_PROCESSING = "payments.attempt.processing"
    ATTEMPT_SUCCEEDED = "payments.attempt.succeeded"
    ATTEMPT_FAILED = "payments.attempt.failed"
    ATTEMPT_CANCELED = "payments.attempt.canceled"
    ATTEMPT_CAPTURED = "payments.attempt.captured"
    OFFLINE_RECORDED = "payments.offline.recorded"
    OFFLINE_APPROVED = "payments.offline.approved"
    OFFLINE_REJECTED = "payments.offline.rejected"
    OFFLINE_PAYOUT_RECORDED = "payments.offline_payout.recorded"
    OFFLINE_PAYOUT_PAID = "payments.offline_payout.paid"
    OFFLINE_PAYOUT_REJECTED = "payments.offline_payout.rejected"
    REFUND_REQUESTED = "payments.refund.requested"
    REFUND_SUCCEEDED = "payments.refund.succeeded"
    REFUND_FAILED = "payments.refund.failed"
    ACCOUNT_CREATED = "payments.account.created"
    ACCOUNT_ONBOARDING = "payments.account.onboarding"
    ACCOUNT_ENABLED = "payments.account.enabled"
    ACCOUNT_RESTRICTED = "payments.account.restricted"
    PAYOUT_REQUESTED = "payments.payout.requested"
    PAYOUT_APPROVED = "payments.payout.approved"
    PAYOUT_PAID = "payments.payout.paid"
    PAYOUT_FAILED = "payments.payout.failed"
    PAYOUT_CANCELED = "payments.payout.canceled"
    EVENT_PROCESSED = "payments.event.processed"
    EVENT_IGNORED = "payments.event.ignored"
    EVENT_FAILED = "payments.event.failed"
    RECONCILIATION_RUN = "payments.reconciliation.run"
    DEMO_SEEDED = "payments.demo.seeded"


A = PaymentAttempt.Status
# A provider may report the end result before our own call returns (a webhook first), so
# an attempt can jump straight from created to any later state; nothing leaves a terminal
# state (a second try is a new attempt).
ATTEMPT_STATES = StateMachine(
    name="payments.attempt",
    transitions={
        A.CREATED: {A.REQUIRES_ACTION, A.PROCESSING, A.SUCCEEDED, A.FAILED, A.CANCELED},
        A.REQUIRES_ACTION: {A.PROCESSING, A.SUCCEEDED, A.FAILED, A.CANCELED},
        A.PROCESSING: {A.SUCCEEDED, A.FAILED, A.CANCELED},
    },
    labels=dict(A.choices),
    refusals={
        (A.SUCCEEDED, A.CANCELED): (_("This payment has succeeded; refund it instead."),
                                    "attempt_succeeded"),
        (A.SUCCEEDED, ANY): (_("This payment has already succeeded."), "attempt_succeeded"),
        (A.FAILED, ANY): (_("This payment failed; start a new payment instead."),
                          "attempt_failed"),
        (A.CANCELED, ANY): (_("This payment was canceled."), "attempt_canceled"),
    },
)

R = Refund.Status
REFUND_STATES = StateMachine(
    name="payments.refund",
    transitions={R.PENDING: {R.SUCCEEDED, R.FAILED}},
    labels=dict(R.choices),
    refusals={
        (R.SUCCEEDED, ANY): (_("This refund has already been paid."), "refund_done"),
        (R.FAILED, ANY): (_("This refund failed; request a new one."), "refund_failed"),
    },
)

P = Payout.Status
PAYOUT_STATES = StateMachine(
    name="payments.payout",
    transitions={
        P.PENDING: {P.APPROVED, P.CANCELED},
        P.APPROVED: {P.PAID, P.FAILED, P.CANCELED},
    },
    labels=dict(P.choices),
    refusals={
        (P.PENDING, P.PAID): (_("A payout must be approved before it is sent."),
                              "payout_not_approved"),
        (P.APPROVED, P.APPROVED): (_("This payout is already approved."), "payout_approved"),
        (P.PAID, ANY): (_("This payout has already been paid."), "payout_paid"),
        (P.FAILED, ANY): (_("This payout failed; request a new one."), "payout_failed"),
        (P.CANCELED, ANY): (_("This payout was canceled."), "payout_canceled"),
    },
)

OP = OfflinePayout.Status
OFFLINE_PAYOUT_STATES = StateMachine(
    name="payments.offline_payout",
    transitions={OP.RECORDED: {OP.PAID, OP.REJECTED}},
    labels=dict(OP.choices),
    refusals={
        (OP.PAID, ANY): (_("This treasury payout has already been approved."),
                         "offline_payout_paid"),
        (OP.REJECTED, ANY): (_("This treasury payout was rejected; record a new one."),
                             "offline_payout_rejected"),
    },
)

C = ConnectedAccount.Status
# An enabled account can be asked for more information again (new requirements): back to
# restricted (details kept) or onboarding (a new account at the provider).
ACCOUNT_STATES = StateMachine(
    name="payments.account",
    transitions={
        C.PENDING: {C.ONBOARDING, C.ENABLED, C.RESTRICTED},
        C.ONBOARDING: {C.ENABLED, C.RESTRICTED},
        C.ENABLED: {C.RESTRICTED, C.ONBOARDING},
        C.RESTRICTED: {C.ENABLED, C.ONBOARDING},
    },
    labels=dict(C.choices),
)

M = SavedPaymentMethod.Status
METHOD_STATES = StateMachine(
    name="payments.method",
    transitions={
        M.PENDING: {M.ACTIVE, M.FAILED, M.REMOVED},
        M.ACTIVE: {M.REMOVED},
    },
    labels=dict(M.choices),
    refusals={
        (M.REMOVED, ANY): (_("This card has already been removed."), "method_removed"),
        (M.FAILED, M.REMOVED): (_("This card was never saved."), "method_failed"),
    },
)

E = WebhookEvent.Status
EVENT_STATES = StateMachine(
    name="payments.event",
    transitions={
        E.RECEIVED: {E.PROCESSED, E.IGNORED, E.FAILED},
        E.FAILED: {E.PROCESSED, E.IGNORED, E.FAILED},
    },
    labels=dict(E.choices),
)
