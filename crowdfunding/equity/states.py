"""Allowed status moves of equity crowdfunding, written down as data, and its audit codes."""

from django.utils.translation import gettext_lazy as _

from crowdfunding.equity.models import Commitment, InvestorProfile, Offering
from marketplace.core.names import AuditAction
from marketplace.core.transitions import ANY, StateMachine


class EquityAction(AuditAction):
    INVESTOR_PROFILE_SUBMITTED = "equity.investor_profile.submitted"
    INVESTOR_PROFILE_APPROVED = "equity.investor_profile.approved"
    INVESTOR_PROFILE_REFUSED = "equity.investor_profile.refused"
    KNOWLEDGE_TEST_TAKEN = "equity.knowledge_test.taken"
    RISK_WARNING_ACKNOWLEDGED = "equity.risk_warning.acknowledged"
    OFFERING_CREATED = "equity.offering.created"
    OFFERING_UPDATED = "equity.offering.updated"
    OFFERING_SUBMITTED = "equity.offering.submitted"
    OFFERING_CHANGES_REQUESTED = "equity.offering.changes_requested"
    OFFERING_REVISED = "equity.offering.revised"
    OFFERING_APPROVED = "equity.offering.approved"
    OFFERING_LAUNCHED = "equity.offering.launched"
    OFFERING_CLOSING = "equity.offering.closing"
    OFFERING_CLOSED_SUCCESSFUL = "equity.offering.closed_successful"
    OFFERING_CLOSED_UNSUCCESSFUL = "equity.offering.closed_unsuccessful"
    OFFERING_CANCELED = "equity.offering.canceled"
    COMMITMENT_CREATED = "equity.commitment.created"
    COMMITMENT_REVOKED = "equity.commitment.revoked"
    COMMITMENT_CANCELED = "equity.commitment.canceled"


P = InvestorProfile.Status
#   submitted -> approved | refused
# A decision is final: a person whose circumstances change submits a new profile, so the
# record of what was declared and decided stays as it was.
INVESTOR_PROFILE_STATES = StateMachine(
    name="equity.investor_profile",
    transitions={P.SUBMITTED: {P.APPROVED, P.REFUSED}},
    labels=dict(P.choices),
    refusals={
        (P.APPROVED, ANY): _("This investor profile was already approved; "
                             "a change needs a new profile."),
        (P.REFUSED, ANY): _("This investor profile was refused; the investor may submit "
                            "a new one."),
    },
)


OS = Offering.Status
#   draft -> submitted -> (changes_requested -> draft) -> approved -> live -> closing
#   closing -> closed_successful | closed_unsuccessful
#   draft | approved | live -> canceled
# The terms (allocation method included) can be edited only in a draft: once submitted
# they are what staff reviewed and investors read.
OFFERING_STATES = StateMachine(
    name="equity.offering",
    transitions={
        OS.DRAFT: {OS.SUBMITTED, OS.CANCELED},
        OS.SUBMITTED: {OS.CHANGES_REQUESTED, OS.APPROVED},
        OS.CHANGES_REQUESTED: {OS.DRAFT},
        OS.APPROVED: {OS.LIVE, OS.CANCELED},
        OS.LIVE: {OS.CLOSING, OS.CANCELED},
        OS.CLOSING: {OS.CLOSED_SUCCESSFUL, OS.CLOSED_UNSUCCESSFUL},
    },
    labels=dict(OS.choices),
    refusals={
        (OS.SUBMITTED, OS.CANCELED): _("An offering under review cannot be canceled; wait "
                                     "for the review."),
        (OS.CLOSING, OS.CANCELED): _("A closing offering can no longer be canceled."),
        (OS.CLOSED_SUCCESSFUL, ANY): _("This offering is closed."),
        (OS.CLOSED_UNSUCCESSFUL, ANY): _("This offering is closed."),
        (OS.CANCELED, ANY): _("This offering was canceled."),
    },
)

C = Commitment.Status
#   committed -> revoked (reflection period) | canceled | allocated
COMMITMENT_STATES = StateMachine(
    name="equity.commitment",
    transitions={C.COMMITTED: {C.REVOKED, C.CANCELED, C.ALLOCATED}},
    labels=dict(C.choices),
    refusals={
        (C.REVOKED, ANY): _("This commitment was already revoked."),
        (C.CANCELED, ANY): _("This commitment was already canceled."),
        (C.ALLOCATED, ANY): _("This commitment was allocated; it can no longer change."),
    },
)
