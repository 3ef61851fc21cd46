"""Reads of the accounts app. Other apps use these (and rules.py) instead of querying
accounts models directly."""

from __future__ import annotations

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery

from marketplace.accounts.models import (
    Invitation,
    KycDocument,
    KycRequest,
    Membership,
    Organisation,
    OrganisationKind,
    OrganisationVerification,
)
from marketplace.accounts.rules import BUYER_ROLES, AccountsPerm
from marketplace.core.errors import NotFoundError, PermissionDeniedError
from marketplace.core.permissions import has_perm


def user_has_mfa(user) -> bool:
    """An active TOTP authenticator (recovery codes alone do not count)."""
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def unverified_emails(user) -> list[str]:
    """The user's e-mail addresses not confirmed yet (allauth refuses to add an
    authenticator while one is unconfirmed)."""
    return list(
        EmailAddress.objects.filter(user=user, verified=False).order_by("email")
        .values_list("email", flat=True)
    )


def user_mfa_types(user) -> set[str]:
    return set(Authenticator.objects.filter(user=user).values_list("type", flat=True))


def memberships_for_user(user) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(user=user).select_related("organisation")
        .order_by("organisation__name")
    )


def organisations_for_user(user) -> QuerySet[Organisation]:
    """Organisations ``user`` belongs to, by name, each with ``member_count`` and
    ``my_role`` (the user's role in it), in one query."""
    mine = Membership.objects.filter(user=user)
    return (
        Organisation.objects
        .filter(pk__in=mine.values("organisation_id"))
        .annotate(
            member_count=Count("memberships"),
            my_role=Subquery(mine.filter(organisation=OuterRef("pk")).values("role")[:1]),
        )
        .order_by("name", "pk")
    )


def buyer_organisations_for(user) -> QuerySet[Organisation]:
    """The verified government agencies ``user`` may buy for (owner, buyer officer or
    approver), by name. Empty for anonymous users and for unverified agencies."""
    if not getattr(user, "is_authenticated", False):
        return Organisation.objects.none()
    return (
        Organisation.objects.filter(
            kind=OrganisationKind.GOVERNMENT_AGENCY,
            verification_status=OrganisationVerification.VERIFIED,
            pk__in=Membership.objects.filter(user=user, role__in=BUYER_ROLES)
            .values("organisation_id"),
        )
        .order_by("name", "pk")
    )


def organisations_awaiting_verification() -> QuerySet[Organisation]:
    return Organisation.objects.filter(
        verification_status=OrganisationVerification.UNVERIFIED).order_by("created_at", "pk")


def organisation_get(slug: str) -> Organisation:
    organisation = Organisation.objects.filter(slug=slug).first()
    if organisation is None:
        raise NotFoundError()
    return organisation


def organisation_get_for_member(*, slug: str, user) -> Organisation:
    """The organisation if ``user`` is a member (or staff); 404 / 403 otherwise."""
    organisation = organisation_get(slug)
    if not has_perm(user, AccountsPerm.VIEW_ORGANISATION_MEMBERS, organisation):
        raise PermissionDeniedError()
    return organisation


def organisation_members(organisation: Organisation) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(organisation=organisation).select_related("user")
        .order_by("created_at", "pk")
    )


def organisation_membership_get(*, organisation: Organisation, membership_id: int) -> Membership:
    membership = (
        Membership.objects.select_related("organisation", "user")
        .filter(organisation=organisation, pk=membership_id).first()
    )
    if membership is None:
        raise NotFoundError()
    return membership


def organisation_pending_invitations(organisation: Organisation) -> QuerySet[Invitation]:
    return (
        Invitation.objects.filter(organisation=organisation, status=Invitation.Status.PENDING)
        .select_related("invited_by").order_by("-created_at")
    )


def organisation_invitation_get(*, organisation: Organisation, invitation_id: int) -> Invitation:
    invitation = (
        Invitation.objects.select_related("organisation")
        .filter(organisation=organisation, pk=invitation_id).first()
    )
    if invitation is None:
        raise NotFoundError()
    return invitation


def invitation_get_by_token(token: str) -> Invitation:
    invitation = (
        Invitation.objects.select_related("organisation", "invited_by").filter(token=token).first()
    )
    if invitation is None:
        raise NotFoundError()
    return invitation


def _with_documents(qs: QuerySet[KycRequest]) -> QuerySet[KycRequest]:
    return qs.prefetch_related(Prefetch("documents", queryset=KycDocument.objects.order_by("pk")))


def kyc_requests_for_user(user) -> QuerySet[KycRequest]:
    return _with_documents(KycRequest.objects.filter(user=user).order_by("-submitted_at", "-pk"))


def kyc_queue() -> QuerySet[KycRequest]:
    """Requests awaiting review, oldest first."""
    return _with_documents(
        KycRequest.objects.filter(status=KycRequest.Status.SUBMITTED)
        .select_related("user").order_by("submitted_at", "pk")
    )


def kyc_request_get(pk: int) -> KycRequest:
    kyc_request = _with_documents(
        KycRequest.objects.select_related("user", "reviewer")
    ).filter(pk=pk).first()
    if kyc_request is None:
        raise NotFoundError()
    return kyc_request


def kyc_document_get_for_viewer(*, user, pk: int) -> KycDocument:
    """The document if ``user`` may see it. Anyone else gets 404: the existence of
    someone's identity document is itself private."""
    document = KycDocument.objects.select_related("request").filter(pk=pk).first()
    if document is None or not has_perm(user, AccountsPerm.VIEW_KYC_DOCUMENT, document):
        raise NotFoundError()
    return document



def organisations_matching(*, text: str, kinds=None, limit: int = 10) -> list[Organisation]:
    """Verified organisations whose name (either language) or web address contains
    ``text``, for the name pickers; ``kinds`` narrows them. At most ``limit``, by name."""
    text = (text or "").strip()
    if len(text) < 1:
        return []
    qs = Organisation.objects.filter(
        Q(name__icontains=text) | Q(name_en__icontains=text) | Q(slug__icontains=text),
        verification_status=OrganisationVerification.VERIFIED)
    if kinds:
        qs = qs.filter(kind__in=list(kinds))
    return list(qs.order_by("name", "pk")[:limit])
