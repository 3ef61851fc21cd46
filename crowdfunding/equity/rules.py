"""Permission rules of equity crowdfunding (checked object by object with require_perm).

An investor acts for themselves: they submit their own profile, take the knowledge test
and acknowledge the risk warning, and see their own records. Staff review profiles, but
never their own (four eyes).

Issuers act through their organisation: the owners and members of a *staff-verified*
maker company create its offerings and change its drafts; staff review them. An offering
not yet live (draft, review, approved) is seen by its issuer's people and staff only;
the selectors decide the rest with the pack's visibility rule. A person may commit to an
offering except the issuer's own people; a commitment is its investor's.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from marketplace.accounts.models import MembershipRole, OrganisationKind
from marketplace.accounts.rules import is_org_member, organisation_ids_of
from marketplace.core.names import PermissionName
from marketplace.core.permissions import permission_rule


class EquityPerm(PermissionName):
    SUBMIT_INVESTOR_PROFILE = "equity.submit_investor_profile"
    REVIEW_INVESTOR_PROFILE = "equity.review_investor_profile"
    VIEW_INVESTOR_PROFILE = "equity.view_investor_profile"
    TAKE_KNOWLEDGE_TEST = "equity.take_knowledge_test"
    ACKNOWLEDGE_RISK_WARNING = "equity.acknowledge_risk_warning"
    ADD_OFFERING = "equity.add_offering"
    CHANGE_OFFERING = "equity.change_offering"
    VIEW_OFFERING = "equity.view_offering"
    REVIEW_OFFERING = "equity.review_offering"
    CANCEL_OFFERING = "equity.cancel_offering"
    COMMIT_TO_OFFERING = "equity.commit_to_offering"
    CHANGE_COMMITMENT = "equity.change_commitment"
    VIEW_COMMITMENT = "equity.view_commitment"

ISSUER_ROLES = frozenset({MembershipRole.OWNER, MembershipRole.MEMBER})


def _is_person(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


@permission_rule(EquityPerm.SUBMIT_INVESTOR_PROFILE)
def _submit_profile(user, _obj):
    return _is_person(user)


@permission_rule(EquityPerm.TAKE_KNOWLEDGE_TEST)
def _take_test(user, _obj):
    return _is_person(user)


@permission_rule(EquityPerm.ACKNOWLEDGE_RISK_WARNING)
def _acknowledge(user, _obj):
    return _is_person(user)


@permission_rule(EquityPerm.REVIEW_INVESTOR_PROFILE)
def _review_profile(user, profile):
    return bool(user.is_staff) and profile is not None and profile.user_id != user.pk


@permission_rule(EquityPerm.VIEW_INVESTOR_PROFILE)
def _view_profile(user, profile):
    return user.is_staff or profile.user_id == user.pk


@_view_profile.scope
def _(user, profiles):
    return profiles if user.is_staff else profiles.filter(user_id=user.pk)


def is_issuer_member(user, offering) -> bool:
    return is_org_member(user, offering.organisation_id, ISSUER_ROLES)


@permission_rule(EquityPerm.ADD_OFFERING)
def _add_offering(user, organisation):
    """The owners and members of a staff-verified maker company."""
    return (
        organisation is not None
        and organisation.kind == OrganisationKind.MAKER_COMPANY
        and organisation.is_verified
        and is_org_member(user, organisation, ISSUER_ROLES)
    )


@permission_rule(EquityPerm.CHANGE_OFFERING)
def _change_offering(user, offering):
    return is_issuer_member(user, offering)


@permission_rule(EquityPerm.VIEW_OFFERING)
def _view_offering(user, offering):
    """An offering that is not public yet (or was canceled before it went live): its
    issuer's people and staff. Live and closed ones are decided by the selectors."""
    return user.is_staff or is_issuer_member(user, offering)


@_view_offering.scope
def _(user, offerings: QuerySet) -> QuerySet:
    if user.is_staff:
        return offerings
    return offerings.filter(organisation_id__in=organisation_ids_of(user, ISSUER_ROLES))


@permission_rule(EquityPerm.REVIEW_OFFERING)
def _review_offering(user, offering):
    """Staff, never on an offering of an organisation they belong to."""
    return bool(user.is_staff) and not is_org_member(user, offering.organisation_id)


@permission_rule(EquityPerm.CANCEL_OFFERING)
def _cancel_offering(user, offering):
    """The issuer withdraws its offering; staff stop one (with a reason)."""
    return user.is_staff or is_issuer_member(user, offering)


@permission_rule(EquityPerm.COMMIT_TO_OFFERING)
def _commit(user, offering):
    """Anyone signed in except the issuer's own people (no investing in oneself)."""
    return _is_person(user) and not is_org_member(user, offering.organisation_id)


@permission_rule(EquityPerm.CHANGE_COMMITMENT)
def _change_commitment(user, commitment):
    return commitment.investor_id == user.pk


@permission_rule(EquityPerm.VIEW_COMMITMENT)
def _view_commitment(user, commitment):
    """The investor; the issuer's people (their offering's book); staff."""
    return (user.is_staff or commitment.investor_id == user.pk
            or is_org_member(user, commitment.offering.organisation_id, ISSUER_ROLES))


@_view_commitment.scope
def _(user, commitments: QuerySet) -> QuerySet:
    if user.is_staff:
        return commitments
    return commitments.filter(
        Q(investor_id=user.pk)
        | Q(offering__organisation_id__in=organisation_ids_of(user, ISSUER_ROLES)))
