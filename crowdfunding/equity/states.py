"""Allowed status moves of equity crowdfunding, written down as data, and its audit codes."""

from django.utils.translation import gettext_lazy as _

from crowdfunding.equity.models import InvestorProfile
from marketplace.core.names import AuditAction
from marketplace.core.transitions import ANY, StateMachine


class EquityAction(AuditAction):
    INVESTOR_PROFILE_SUBMITTED = "equity.investor_profile.submitted"
    INVESTOR_PROFILE_APPROVED = "equity.investor_profile.approved"
    INVESTOR_PROFILE_REFUSED = "equity.investor_profile.refused"
    KNOWLEDGE_TEST_TAKEN = "equity.knowledge_test.taken"
    RISK_WARNING_ACKNOWLEDGED = "equity.risk_warning.acknowledged"


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
