"""Reads of equity crowdfunding, scoped by the rules."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from crowdfunding.equity import onboarding, rulepacks
from crowdfunding.equity.models import (
    Commitment,
    InvestorProfile,
    KnowledgeTestAttempt,
    Offering,
    RiskWarningAcknowledgement,
)
from crowdfunding.equity.rules import EquityPerm
from marketplace.core.errors import NotFoundError
from marketplace.core.permissions import has_perm, scope_for

S = InvestorProfile.Status
OS = Offering.Status
# An offering the public may see at all: live or past it (a cancellation after the
# launch stays visible, with its reason). Before that, its issuer and staff only.
LISTED_STATES = (OS.LIVE, OS.CLOSING, OS.CLOSED_SUCCESSFUL, OS.CLOSED_UNSUCCESSFUL)


def _listed() -> Q:
    return Q(status__in=LISTED_STATES) | Q(status=OS.CANCELED, launched_at__isnull=False)


def offerings_list_for_viewer(*, viewer) -> QuerySet[Offering]:
    """What ``viewer`` may see: every offering for staff; its own offerings in any state
    for an issuer's people; otherwise live and past offerings, a non-public one only
    where its pack allows the viewer (under every pack: logged in and real-name
    verified). Anonymous and unverified viewers never learn that a non-public offering
    exists (pages, search, API)."""
    offerings = Offering.objects.select_related("organisation")
    if viewer is not None and viewer.is_authenticated and viewer.is_active and viewer.is_staff:
        return offerings
    authenticated = bool(viewer is not None and viewer.is_authenticated and viewer.is_active)
    verified = authenticated and viewer.is_real_name_verified
    shown = Q(is_public=True)
    packs_showing_private = [code for code in rulepacks.codes()
                             if rulepacks.get(code).offering_visible(
                                 public=False, authenticated=authenticated, verified=verified)]
    if packs_showing_private:
        shown |= Q(rule_pack__in=packs_showing_private)
    visible = _listed() & shown
    if authenticated:
        own = scope_for(viewer, EquityPerm.VIEW_OFFERING, Offering.objects.all())
        visible |= Q(pk__in=own.values("pk"))
    return offerings.filter(visible)


def offering_get_for_viewer(*, viewer, offering_id: int) -> Offering:
    offering = offerings_list_for_viewer(viewer=viewer).filter(pk=offering_id).first()
    if offering is None:
        raise NotFoundError()  # an offering the viewer may not see does not exist for them
    return offering


def commitments_list_for_viewer(*, viewer, offering: Offering | None = None
                                ) -> QuerySet[Commitment]:
    """An investor's own commitments; the issuer's people see their offerings' book;
    staff see every one."""
    commitments = scope_for(viewer, EquityPerm.VIEW_COMMITMENT,
                            Commitment.objects.select_related("offering", "investor"))
    return commitments.filter(offering=offering) if offering is not None else commitments


def commitment_get_for_viewer(*, viewer, commitment_id: int) -> Commitment:
    commitment = commitments_list_for_viewer(viewer=viewer).filter(pk=commitment_id).first()
    if commitment is None:
        raise NotFoundError()
    return commitment


def investor_profile_list_for_viewer(*, viewer) -> QuerySet[InvestorProfile]:
    """Staff see every profile (the review queue filters ``status=submitted``); an
    investor sees their own."""
    return scope_for(viewer, EquityPerm.VIEW_INVESTOR_PROFILE,
                     InvestorProfile.objects.select_related("user"))


def investor_profile_get_for_viewer(*, viewer, profile_id: int) -> InvestorProfile:
    profile = InvestorProfile.objects.select_related("user").filter(pk=profile_id).first()
    if profile is None or not has_perm(viewer, EquityPerm.VIEW_INVESTOR_PROFILE, profile):
        raise NotFoundError()  # another person's profile does not exist for the viewer
    return profile


@dataclass(frozen=True)
class Missing:
    """One step an investor still has to take, with the reason in their language."""

    code: str
    reason: str


@dataclass(frozen=True)
class Readiness:
    rule_pack: str
    profile: InvestorProfile | None
    missing: list[Missing] = field(default_factory=list)

    @property
    def ready(self) -> bool:
        return not self.missing

    @property
    def sophisticated(self) -> bool:
        return bool(self.profile and self.profile.sophisticated)


def _current_profile(user, at: datetime) -> InvestorProfile | None:
    return (InvestorProfile.objects.filter(user=user, status=S.APPROVED, decided_at__lte=at,
                                           valid_until__gt=at)
            .order_by("-decided_at", "-pk").first())


def investor_readiness(user, at: datetime, pack=None) -> Readiness:
    """What ``user`` still lacks at ``at`` before committing to an offering under the
    active pack: real-name verification, an approved classification valid at ``at``, a
    passed knowledge test valid at ``at`` (when the pack requires it for their
    classification) and an acknowledgement of the current risk warning. ``pack``: the
    rule pack asked about (an offering's own), the active one by default."""
    pack = pack or rulepacks.active()
    missing: list[Missing] = []
    if not (user and user.is_authenticated):
        return Readiness(rule_pack=pack.code, profile=None, missing=[
            Missing("login", str(_("Log in to invest.")))])
    if not user.is_real_name_verified:
        missing.append(Missing("real_name", str(_("Verify your real name first."))))
    profile = _current_profile(user, at)
    if profile is None:
        pending = InvestorProfile.objects.filter(user=user, status=S.SUBMITTED).exists()
        lapsed = InvestorProfile.objects.filter(user=user, status=S.APPROVED,
                                                valid_until__lte=at).exists()
        if pending:
            reason = _("Your investor profile is under review.")
        elif lapsed:
            reason = _("Your investor classification is more than 2 years old; submit "
                       "your profile again.")
        else:
            reason = _("Submit your investor profile (income, net worth and "
                       "classification).")
        missing.append(Missing("classification", str(reason)))
    sophisticated = bool(profile and profile.sophisticated)
    if pack.requires_knowledge_test(sophisticated=sophisticated):
        passed = KnowledgeTestAttempt.objects.filter(
            user=user, passed=True, test_version=onboarding.KNOWLEDGE_TEST_VERSION,
            taken_at__lte=at, valid_until__gt=at,
        ).exists()
        if not passed:
            earlier = KnowledgeTestAttempt.objects.filter(user=user, passed=True,
                                                          taken_at__lte=at).exists()
            reason = (_("Your knowledge test is more than 2 years old or was an earlier "
                        "version; take it again.") if earlier
                      else _("Pass the investor knowledge test."))
            missing.append(Missing("knowledge_test", str(reason)))
    acknowledged = RiskWarningAcknowledgement.objects.filter(
        user=user, warning_version=onboarding.RISK_WARNING_VERSION, acknowledged_at__lte=at,
    ).exists()
    if not acknowledged:
        missing.append(Missing("risk_warning", str(_("Read and acknowledge the risk warning."))))
    return Readiness(rule_pack=pack.code, profile=profile, missing=missing)
