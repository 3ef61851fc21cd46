"""Invitations: an owner invites an email address with a role; the invited person,
logged in with that (verified) address, accepts and becomes a member.

An invitation is pending for 14 days, then the chronograph marks it expired. Accepting
after the deadline is refused even before the chronograph has run.
"""

from __future__ import annotations

from datetime import timedelta

from allauth.account.models import EmailAddress
from allauth.utils import build_absolute_uri
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from marketplace.accounts.errors import (
    AlreadyInvited,
    AlreadyMember,
    InvitationUnusable,
    InvitationWrongUser,
)
from marketplace.accounts.models import Invitation, Membership, Organisation, User
from marketplace.accounts.rules import AccountsPerm
from marketplace.accounts.services.organisations import membership_add, role_check
from marketplace.accounts.states import INVITATION_STATES, AccountsAction
from marketplace.core.audit import audit_log, stream_for
from marketplace.core.errors import DomainError, NotFoundError
from marketplace.core.mail import mail_once
from marketplace.core.permissions import require_perm
from marketplace.core.tasks import enqueue
from marketplace.core.transitions import transition
from marketplace.notifications.services import notification_create

INVITATION_MAIL_TASK = "accounts.invitation_send_email"

INVITATION_VALIDITY = timedelta(days=14)


def _normalise_email(email: str) -> str:
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError as exc:
        raise DomainError(_("Enter a valid email address."), code="email_invalid",
                          data={"field": "email"}) from exc
    return email


def invitation_create(*, organisation: Organisation, actor: User, email: str, role: str) -> Invitation:
    require_perm(actor, AccountsPerm.INVITE_MEMBER, organisation,
                 message=_("Only an owner of this organisation may invite people."))
    email = _normalise_email(email)
    role_check(organisation.kind, role)
    with transaction.atomic():
        Organisation.objects.select_for_update().get(pk=organisation.pk)
        if Membership.objects.filter(organisation=organisation, user__email__iexact=email).exists():
            raise AlreadyMember(data={"field": "email"})
        pending = Invitation.objects.filter(
            organisation=organisation, email=email, status=Invitation.Status.PENDING
        ).first()
        if pending is not None:
            if not pending.is_past_expiry:
                raise AlreadyInvited(data={"field": "email"})
            invitation_expire(pending)
        invitation = Invitation.objects.create(
            organisation=organisation, email=email, role=role, invited_by=actor,
            expires_at=timezone.now() + INVITATION_VALIDITY,
        )
        audit_log(
            actor=actor, action=AccountsAction.INVITATION_CREATED, obj=invitation,
            stream=stream_for(organisation), data={"email": email, "role": role},
        )
        enqueue(INVITATION_MAIL_TASK, invitation.pk)  # after commit, through the outbox
    return invitation


def _language_for(email: str) -> str:
    user = User.objects.filter(email__iexact=email).only("preferred_language").first()
    return user.preferred_language if user else settings.LANGUAGE_CODE


def _invitation_message(invitation: Invitation) -> tuple[str, str]:
    """Subject and body, in the invitee's language (Chinese unless they have an account
    in another language)."""
    with translation.override(_language_for(invitation.email)):
        context = {
            "invitation": invitation,
            "organisation": invitation.organisation,
            "inviter": invitation.invited_by,
            "role": invitation.get_role_display(),
            "accept_url": build_absolute_uri(
                None, reverse("accounts:invitation_accept", args=[invitation.token])
            ),
            "expires_at": timezone.localtime(invitation.expires_at),
        }
        subject = render_to_string("accounts/email/invitation_subject.txt", context)
        body = render_to_string("accounts/email/invitation_message.txt", context)
    return " ".join(subject.split()), body


def invitation_send_email(*, invitation_id: int) -> bool:
    """Mail the accept link of a pending invitation once (``core.mail.mail_once``: no lock
    held while the mail server is talked to); returns whether this call sent it."""

    def compose(invitation):
        subject, body = _invitation_message(invitation)
        return subject, body, [invitation.email]

    return mail_once(
        Invitation.objects.filter(pk=invitation_id, status=Invitation.Status.PENDING)
        .select_related("organisation", "invited_by"),
        claim_field="email_sent_at", compose=compose,
    )


def invitation_revoke(*, invitation: Invitation, actor: User) -> Invitation:
    require_perm(actor, AccountsPerm.REVOKE_INVITATION, invitation.organisation,
                 message=_("Only an owner of this organisation may withdraw invitations."))
    return transition(
        invitation, INVITATION_STATES, Invitation.Status.REVOKED, actor=actor,
        action=AccountsAction.INVITATION_REVOKED, changes={"revoked_at": timezone.now()},
        stream=stream_for(invitation.organisation),
    )


def _email_verified_for(user: User, email: str) -> bool:
    return EmailAddress.objects.filter(user=user, email__iexact=email, verified=True).exists()


def _refuse_unusable(invitation: Invitation) -> None:
    status = invitation.status
    if status == Invitation.Status.ACCEPTED:
        raise InvitationUnusable(_("This invitation has already been accepted."),
                                 code="invitation_accepted")
    if status == Invitation.Status.REVOKED:
        raise InvitationUnusable(_("This invitation was withdrawn by the organisation."),
                                 code="invitation_revoked")
    if status == Invitation.Status.EXPIRED or invitation.is_past_expiry:
        raise InvitationUnusable(
            _("This invitation expired on %(date)s. Ask the organisation for a new one.")
            % {"date": formats.date_format(timezone.localtime(invitation.expires_at),
                                           "SHORT_DATE_FORMAT")},
            code="invitation_expired",
        )


def invitation_accept(*, token: str, user: User) -> Membership:
    with transaction.atomic():
        invitation = (
            Invitation.objects.select_for_update(of=("self",)).select_related("organisation")
            .filter(token=token).first()
        )
        if invitation is None:
            raise NotFoundError(_("This invitation does not exist."))
        _refuse_unusable(invitation)
        if not _email_verified_for(user, invitation.email):
            if user.email.lower() == invitation.email:
                raise InvitationWrongUser(
                    _("Confirm your email address %(email)s before accepting the invitation.")
                    % {"email": invitation.email},
                    code="email_unverified",
                )
            raise InvitationWrongUser()
        organisation = invitation.organisation
        if Membership.objects.filter(organisation=organisation, user=user).exists():
            raise AlreadyMember(_("You are already a member of %(organisation)s.")
                                % {"organisation": organisation.name})
        membership = membership_add(
            organisation=organisation, user=user, role=invitation.role, actor=user
        )
        transition(
            invitation, INVITATION_STATES, Invitation.Status.ACCEPTED, actor=user,
            action=AccountsAction.INVITATION_ACCEPTED,
            changes={"accepted_by": user, "accepted_at": timezone.now()},
            stream=stream_for(organisation), data={"user": user.pk},
        )
        _notify_inviter(invitation, user)
    return membership


def _notify_inviter(invitation: Invitation, user: User) -> None:
    inviter = invitation.invited_by
    if inviter is None:
        return
    with translation.override(inviter.preferred_language):
        notification_create(
            user=inviter, kind="accounts.invitation.accepted",
            title=_("%(person)s joined %(organisation)s")
            % {"person": user, "organisation": invitation.organisation.name},
            url=reverse("accounts:organisation_members", args=[invitation.organisation.slug]),
        )


def invitation_expire(invitation: Invitation) -> Invitation:
    """The chronograph (accounts.deadlines) or a new invitation to the same address ends a
    pending invitation past its deadline."""
    return transition(
        invitation, INVITATION_STATES, Invitation.Status.EXPIRED, actor=None,
        action=AccountsAction.INVITATION_EXPIRED, stream=stream_for(invitation.organisation),
    )
