"""Permission rules of the accounts app, and the organisation helpers every app uses.

A person's memberships are read once per request (``user_memberships``): while a request
runs (``MembershipMemoMiddleware``), one page asks the database once however many rules it
checks. Outside a request (services called by tasks, commands, tests) nothing is memoised.
The memo of a user is dropped when one of their memberships changes (the model signals
below), and ``fresh=True`` re-reads where a decision must see a change made a moment ago by
someone else (under a row lock).
"""

from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from django.db.models import Exists, F, OuterRef, Q
from django.db.models.signals import post_delete, post_save

from marketplace.accounts.models import (
    Membership,
    MembershipRole,
    Organisation,
    OrganisationKind,
    OrganisationVerification,
)
from marketplace.core.names import PermissionName
from marketplace.core.permissions import permission_rule


class AccountsPerm(PermissionName):
    CHANGE_ORGANISATION = "accounts.change_organisation"
    MODERATE_ORGANISATION = "accounts.moderate_organisation"
    VIEW_ORGANISATION_MEMBERS = "accounts.view_organisation_members"
    INVITE_MEMBER = "accounts.invite_member"
    REVOKE_INVITATION = "accounts.revoke_invitation"
    MANAGE_MEMBERS = "accounts.manage_members"
    VERIFY_ORGANISATION = "accounts.verify_organisation"
    REVIEW_KYC = "accounts.review_kyc"
    VIEW_KYC_DOCUMENT = "accounts.view_kyc_document"


@dataclass(frozen=True)
class MembershipFacts:
    """One membership as the rules need it: the organisation's kind and verification
    travel with it, so buyer checks need no second query."""

    organisation_id: int
    role: str
    kind: str
    verified: bool


_memo: ContextVar[dict | None] = ContextVar("membership_memo", default=None)


@contextmanager
def membership_memo():
    """Memoise memberships for the duration of the block (one request)."""
    token = _memo.set({})
    try:
        yield
    finally:
        _memo.reset(token)


def user_memberships(user, *, fresh: bool = False) -> tuple[MembershipFacts, ...]:
    """Every membership of ``user`` (empty for anonymous users)."""
    if not getattr(user, "is_authenticated", False) or user.pk is None:
        return ()
    memo = _memo.get()
    if memo is not None and not fresh and user.pk in memo:
        return memo[user.pk]
    facts = tuple(
        MembershipFacts(org_id, role, kind, status == OrganisationVerification.VERIFIED)
        for org_id, role, kind, status in Membership.objects.filter(user=user)
        .values_list("organisation_id", "role", "organisation__kind",
                     "organisation__verification_status")
        .order_by("organisation_id", "pk")
    )
    if memo is not None:
        memo[user.pk] = facts
    return facts


def forget_memberships(user) -> None:
    memo = _memo.get()
    if memo is not None and user is not None:
        memo.pop(getattr(user, "pk", user), None)


def _membership_changed(sender, instance, **kwargs):
    forget_memberships(instance.user_id)


post_save.connect(_membership_changed, sender=Membership, dispatch_uid="accounts.memo.save")
post_delete.connect(_membership_changed, sender=Membership, dispatch_uid="accounts.memo.delete")


def org_roles(user, organisation, *, fresh: bool = False) -> set[str]:
    if organisation is None:
        return set()
    org_id = organisation.pk if isinstance(organisation, Organisation) else organisation
    return {m.role for m in user_memberships(user, fresh=fresh) if m.organisation_id == org_id}


def is_org_member(user, organisation, roles=None, *, fresh: bool = False) -> bool:
    found = org_roles(user, organisation, fresh=fresh)
    return bool(found and (roles is None or found & set(roles)))


def organisation_ids_of(user, roles=None) -> list[int]:
    """Organisations where ``user`` holds one of ``roles`` (any role when None)."""
    return sorted({
        m.organisation_id for m in user_memberships(user)
        if roles is None or m.role in roles
    })


def are_related(first, second) -> bool:
    """Two organisations are related when they are the same or share a person who owns or
    is a member of both (a maker cannot buy from or confirm for itself through another
    organisation it runs)."""
    if first is None or second is None:
        return False
    if first.pk == second.pk:
        return True
    return Membership.objects.filter(organisation=first).filter(
        user__in=Membership.objects.filter(organisation=second).values("user")
    ).exists()


def related_exists(first: str, second: str) -> Exists:
    """The queryset form of ``are_related``: an ``Exists`` true for rows whose
    organisations named by the lookups ``first`` and ``second`` are the same or share a
    person (``qs.filter(~related_exists("buyer_id", "product__organisation_id"))``)."""
    shared = Membership.objects.filter(
        organisation_id=OuterRef(first),
        user_id__in=Membership.objects.filter(organisation_id=OuterRef(OuterRef(second)))
        .values("user_id"),
    )
    return Exists(shared) | Q(**{first: F(second)})


# The roles that act for a purchasing authority.
BUYER_ROLES = frozenset({MembershipRole.OWNER, MembershipRole.BUYER_OFFICER, MembershipRole.APPROVER})


def _agency_buyer_memberships(user) -> list[MembershipFacts]:
    return [
        m for m in user_memberships(user)
        if m.kind == OrganisationKind.GOVERNMENT_AGENCY and m.role in BUYER_ROLES
    ]


def is_government_buyer(user) -> bool:
    """Buyer powers: a buyer role in a government agency that platform staff verified.

    Anyone may create an organisation of kind "government agency" and own it; until
    staff verify it (``organisation_verify``) its members have no buyer powers."""
    return any(m.verified for m in _agency_buyer_memberships(user))


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
    return bool(_agency_buyer_memberships(user))


def requires_mfa(user) -> bool:
    """Staff, panel experts and anyone holding a buyer role in a government agency must
    use MFA. Deliberately broader than the buyer powers: an agency awaiting verification
    already needs its officers' accounts protected."""
    if not getattr(user, "is_authenticated", False):
        return False
    return bool(user.is_staff or user.is_panel_expert or holds_government_buyer_role(user))


@permission_rule(AccountsPerm.CHANGE_ORGANISATION)
def _change_organisation(user, organisation):
    return is_org_member(user, organisation, {MembershipRole.OWNER})


@permission_rule(AccountsPerm.MODERATE_ORGANISATION)
def _moderate_organisation(user, _organisation):
    """Staff correct an organisation's details from the admin (audited as moderation)."""
    return user.is_staff


@permission_rule(AccountsPerm.VIEW_ORGANISATION_MEMBERS)
def _view_members(user, organisation):
    return user.is_staff or is_org_member(user, organisation)


@permission_rule(AccountsPerm.INVITE_MEMBER)
def _invite(user, organisation):
    return is_org_member(user, organisation, {MembershipRole.OWNER})


@permission_rule(AccountsPerm.REVOKE_INVITATION)
def _revoke_invitation(user, organisation):
    return user.is_staff or is_org_member(user, organisation, {MembershipRole.OWNER})


@permission_rule(AccountsPerm.MANAGE_MEMBERS)
def _manage_members(user, organisation):
    # read fresh: an owner demoted a moment ago (another request) no longer counts
    return is_org_member(user, organisation, {MembershipRole.OWNER}, fresh=True)


@permission_rule(AccountsPerm.VERIFY_ORGANISATION)
def _verify_organisation(user, _organisation):
    return user.is_staff


@permission_rule(AccountsPerm.REVIEW_KYC)
def _review_kyc(user, _obj):
    return user.is_staff


@permission_rule(AccountsPerm.VIEW_KYC_DOCUMENT)
def _view_kyc_document(user, document):
    """The applicant and platform staff; nobody else, not even organisation owners."""
    return user.is_staff or document.request.user_id == user.pk
