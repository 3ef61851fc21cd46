"""Permission rules of the accounts app, and the organisation helpers every app uses."""

from marketplace.accounts.models import Membership, MembershipRole, OrganisationKind
from marketplace.core.permissions import permission_rule


def org_roles(user, organisation) -> set[str]:
    if not getattr(user, "is_authenticated", False) or organisation is None:
        return set()
    return set(
        Membership.objects.filter(user=user, organisation=organisation).values_list(
            "role", flat=True
        )
    )


def is_org_member(user, organisation, roles: set[str] | None = None) -> bool:
    found = org_roles(user, organisation)
    return bool(found and (roles is None or found & set(roles)))


# The roles that act for a purchasing authority.
BUYER_ROLES = frozenset({MembershipRole.OWNER, MembershipRole.BUYER_OFFICER, MembershipRole.APPROVER})


def _agency_buyer_memberships(user):
    return Membership.objects.filter(
        user=user, organisation__kind=OrganisationKind.GOVERNMENT_AGENCY, role__in=BUYER_ROLES,
    )


def is_government_buyer(user) -> bool:
    """Buyer powers: a buyer role in a government agency that platform staff verified.

    Anyone may create an organisation of kind "government agency" and own it; until
    staff verify it (``organisation_verify``) its members have no buyer powers."""
    if not getattr(user, "is_authenticated", False):
        return False
    return _agency_buyer_memberships(user).filter(organisation__is_verified=True).exists()


def is_buyer_of(user, organisation) -> bool:
    """``user`` may act as a buyer for ``organisation`` (a verified government agency)."""
    return bool(
        organisation is not None
        and organisation.kind == OrganisationKind.GOVERNMENT_AGENCY
        and organisation.is_verified
        and is_org_member(user, organisation, BUYER_ROLES)
    )


def holds_government_buyer_role(user) -> bool:
    """A buyer role in any government agency, verified or not (for MFA, not for powers)."""
    if not getattr(user, "is_authenticated", False):
        return False
    return _agency_buyer_memberships(user).exists()


def requires_mfa(user) -> bool:
    """Staff, panel experts and anyone holding a buyer role in a government agency must
    use MFA. Deliberately broader than the buyer powers: an agency awaiting verification
    already needs its officers' accounts protected."""
    if not getattr(user, "is_authenticated", False):
        return False
    return bool(user.is_staff or user.is_panel_expert or holds_government_buyer_role(user))


@permission_rule("accounts.change_organisation")
def _change_organisation(user, organisation):
    return is_org_member(user, organisation, {MembershipRole.OWNER})


@permission_rule("accounts.view_organisation_members")
def _view_members(user, organisation):
    return user.is_staff or is_org_member(user, organisation)


@permission_rule("accounts.invite_member")
def _invite(user, organisation):
    return is_org_member(user, organisation, {MembershipRole.OWNER})


@permission_rule("accounts.revoke_invitation")
def _revoke_invitation(user, organisation):
    return user.is_staff or is_org_member(user, organisation, {MembershipRole.OWNER})


@permission_rule("accounts.manage_members")
def _manage_members(user, organisation):
    return is_org_member(user, organisation, {MembershipRole.OWNER})


@permission_rule("accounts.verify_organisation")
def _verify_organisation(user, _organisation):
    return user.is_staff


@permission_rule("accounts.review_kyc")
def _review_kyc(user, _obj):
    return user.is_staff


@permission_rule("accounts.view_kyc_document")
def _view_kyc_document(user, document):
    """The applicant and platform staff; nobody else, not even organisation owners."""
    return user.is_staff or document.request.user_id == user.pk
