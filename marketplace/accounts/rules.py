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


def is_government_buyer(user) -> bool:
    return getattr(user, "is_authenticated", False) and Membership.objects.filter(
        user=user,
        organisation__kind=OrganisationKind.GOVERNMENT_AGENCY,
        role__in=[MembershipRole.BUYER_OFFICER, MembershipRole.APPROVER, MembershipRole.OWNER],
    ).exists()


def requires_mfa(user) -> bool:
    """Government buyers, panel experts and staff must use MFA."""
    if not getattr(user, "is_authenticated", False):
        return False
    return bool(user.is_staff or user.is_panel_expert or is_government_buyer(user))


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


@permission_rule("accounts.review_kyc")
def _review_kyc(user, _obj):
    return user.is_staff


@permission_rule("accounts.view_kyc_document")
def _view_kyc_document(user, document):
    """The applicant and platform staff; nobody else, not even organisation owners."""
    return user.is_staff or document.request.user_id == user.pk
