import threading
from datetime import timedelta

import pytest
import time_machine
from allauth.account.models import EmailAddress
from django.core import mail
from django.db import DatabaseError, connection, transaction
from django.utils import timezone, translation

from marketplace.accounts.deadlines import invitations_expire
from marketplace.accounts.errors import (
    AlreadyInvited,
    AlreadyMember,
    InvitationUnusable,
    InvitationWrongUser,
)
from marketplace.accounts.models import Invitation, Membership, MembershipRole
from marketplace.accounts.services.invitations import (
    invitation_accept,
    invitation_create,
    invitation_revoke,
)
from marketplace.accounts.tasks import invitation_send_email
from marketplace.core.chronograph import registered_handlers
from marketplace.core.errors import DomainError, NotFoundError, PermissionDeniedError
from marketplace.core.models import AuditEvent
from marketplace.notifications.models import Notification
from tests.accounts.factories import (
    GovernmentAgencyFactory,
    InvitationFactory,
    MembershipFactory,
    OwnerFactory,
    StaffFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def invite(owner_membership, email="new.person@example.org", role=MembershipRole.MEMBER):
    return invitation_create(organisation=owner_membership.organisation,
                             actor=owner_membership.user, email=email, role=role)


class TestCreate:
    def test_owner_invites_and_the_mail_leaves_after_commit(self, django_capture_on_commit_callbacks):
        owner = OwnerFactory()
        with time_machine.travel("2026-03-01 10:00 +08:00", tick=False):
            with django_capture_on_commit_callbacks(execute=False) as callbacks:
                invitation = invite(owner, email="  New.Person@Example.ORG ")
            assert mail.outbox == []  # nothing before the commit
            for callback in callbacks:
                callback()

        assert invitation.status == Invitation.Status.PENDING
        assert invitation.email == "new.person@example.org"
        assert invitation.invited_by == owner.user
        assert invitation.expires_at - invitation.created_at == timedelta(days=14)
        assert len(mail.outbox) == 1
        message = mail.outbox[0]
        assert message.to == ["new.person@example.org"]
        assert f"/invitations/{invitation.token}/" in message.body
        assert owner.organisation.name in message.subject
        invitation.refresh_from_db()
        assert invitation.email_sent_at is not None
        assert AuditEvent.objects.filter(action="accounts.invitation.created").exists()

    def test_the_mail_is_sent_once(self, django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks(execute=True):
            invitation = invite(OwnerFactory())
        assert invitation_send_email(invitation.pk) is False
        assert len(mail.outbox) == 1

    def test_a_failing_send_leaves_the_mail_to_be_sent_by_the_retry(self, monkeypatch):
        invitation = InvitationFactory(email="colleague@example.org")

        def smtp_down(*args, **kwargs):
            raise TimeoutError("smtp timed out")  # EMAIL_TIMEOUT expired

        monkeypatch.setattr("marketplace.core.mail.send_mail", smtp_down)
        with pytest.raises(OSError):  # the task retries on OSError
            invitation_send_email(invitation.pk)
        invitation.refresh_from_db()
        assert invitation.email_sent_at is None
        monkeypatch.undo()

        assert invitation_send_email(invitation.pk) is True
        assert [m.to for m in mail.outbox] == [["colleague@example.org"]]
        invitation.refresh_from_db()
        assert invitation.email_sent_at is not None
        assert invitation_send_email(invitation.pk) is False
        assert len(mail.outbox) == 1

    def test_no_mail_for_an_invitation_no_longer_pending(self):
        invitation = InvitationFactory(status=Invitation.Status.REVOKED)
        assert invitation_send_email(invitation.pk) is False
        assert invitation_send_email(999_999) is False
        assert mail.outbox == []

    def test_mail_is_in_the_invitees_language(self, django_capture_on_commit_callbacks):
        UserFactory(email="english@example.org", preferred_language="en")
        with django_capture_on_commit_callbacks(execute=True):
            invite(OwnerFactory(), email="english@example.org")
            invite(OwnerFactory(), email="nobody-yet@example.org")
        english, chinese = mail.outbox
        assert english.subject.startswith("You are invited to join")
        assert "邀请" in chinese.subject

    def test_non_owners_cannot_invite(self):
        member = MembershipFactory(role=MembershipRole.MEMBER)
        with pytest.raises(PermissionDeniedError):
            invite(member)
        outsider = OwnerFactory()
        with pytest.raises(PermissionDeniedError):
            invitation_create(organisation=member.organisation, actor=outsider.user,
                              email="x@example.org", role="member")
        assert not Invitation.objects.exists()

    def test_a_member_is_not_invited_again(self):
        owner = OwnerFactory()
        member = MembershipFactory(organisation=owner.organisation)
        with pytest.raises(AlreadyMember):
            invite(owner, email=member.user.email.upper())

    def test_one_pending_invitation_per_address(self):
        owner = OwnerFactory()
        invite(owner)
        with pytest.raises(AlreadyInvited) as exc:
            invite(owner)
        assert exc.value.status_code == 409

    def test_an_expired_pending_invitation_is_replaced(self):
        owner = OwnerFactory()
        old = InvitationFactory(organisation=owner.organisation, email="again@example.org",
                                expires_at=timezone.now() - timedelta(minutes=1))
        new = invite(owner, email="again@example.org")
        old.refresh_from_db()
        assert old.status == Invitation.Status.EXPIRED
        assert new.status == Invitation.Status.PENDING

    @pytest.mark.parametrize(("email", "role", "code"), [
        ("not-an-email", "member", "email_invalid"),
        ("ok@example.org", "buyer_officer", "role_not_for_kind"),
        ("ok@example.org", "king", "role_invalid"),
    ])
    def test_bad_input_is_refused(self, email, role, code):
        with pytest.raises(DomainError) as exc:
            invite(OwnerFactory(), email=email, role=role)
        assert exc.value.code == code
        assert exc.value.status_code == 400

    def test_government_agencies_invite_buyer_officers(self):
        owner = OwnerFactory(organisation=GovernmentAgencyFactory())
        assert invite(owner, role="buyer_officer").role == "buyer_officer"


class TestAccept:
    def test_the_invited_person_becomes_a_member(self, django_capture_on_commit_callbacks):
        owner = OwnerFactory()
        invitation = invite(owner, role=MembershipRole.OWNER)
        person = UserFactory(email="new.person@example.org")
        membership = invitation_accept(token=invitation.token, user=person)

        assert membership.organisation == owner.organisation
        assert membership.role == MembershipRole.OWNER
        invitation.refresh_from_db()
        assert invitation.status == Invitation.Status.ACCEPTED
        assert invitation.accepted_by == person
        assert invitation.accepted_at is not None
        note = Notification.objects.get(user=owner.user)
        assert note.kind == "accounts.invitation.accepted"
        actions = set(AuditEvent.objects.values_list("action", flat=True))
        assert {"accounts.invitation.accepted", "accounts.membership.added"} <= actions

    def test_a_second_verified_address_counts(self):
        invitation = invite(OwnerFactory(), email="work@example.org")
        person = UserFactory(email="private@example.org")
        EmailAddress.objects.create(user=person, email="work@example.org", verified=True)
        assert invitation_accept(token=invitation.token, user=person).user == person

    def test_wrong_person_is_refused(self):
        invitation = invite(OwnerFactory())
        with pytest.raises(InvitationWrongUser) as exc:
            invitation_accept(token=invitation.token, user=UserFactory(email="other@example.org"))
        assert exc.value.status_code == 403
        invitation.refresh_from_db()
        assert invitation.status == Invitation.Status.PENDING
        assert Membership.objects.count() == 1

    def test_an_unverified_address_is_refused(self):
        invitation = invite(OwnerFactory())
        person = UserFactory(email="new.person@example.org", verified_email=False)
        with pytest.raises(InvitationWrongUser) as exc:
            invitation_accept(token=invitation.token, user=person)
        assert exc.value.code == "email_unverified"

    def test_accepted_twice_is_refused(self):
        invitation = invite(OwnerFactory())
        person = UserFactory(email="new.person@example.org")
        invitation_accept(token=invitation.token, user=person)
        with pytest.raises(InvitationUnusable) as exc:
            invitation_accept(token=invitation.token, user=person)
        assert exc.value.status_code == 410
        assert exc.value.code == "invitation_accepted"

    def test_revoked_is_refused(self):
        owner = OwnerFactory()
        invitation = invite(owner)
        invitation_revoke(invitation=invitation, actor=owner.user)
        with pytest.raises(InvitationUnusable) as exc:
            invitation_accept(token=invitation.token, user=UserFactory(email=invitation.email))
        assert exc.value.code == "invitation_revoked"
        assert not Membership.objects.filter(user__email=invitation.email).exists()

    def test_expired_is_refused_even_before_the_chronograph_ran(self):
        invitation = invite(OwnerFactory())
        person = UserFactory(email=invitation.email)
        with (
            time_machine.travel(timezone.now() + timedelta(days=14, seconds=1)),
            pytest.raises(InvitationUnusable) as exc,
        ):
            invitation_accept(token=invitation.token, user=person)
        assert exc.value.code == "invitation_expired"
        assert not Membership.objects.filter(user=person).exists()

    def test_still_valid_just_before_the_deadline(self):
        invitation = invite(OwnerFactory())
        person = UserFactory(email=invitation.email)
        with time_machine.travel(timezone.now() + timedelta(days=13, hours=23)):
            assert invitation_accept(token=invitation.token, user=person)

    def test_already_a_member_is_refused(self):
        owner = OwnerFactory()
        invitation = InvitationFactory(organisation=owner.organisation, invited_by=owner.user)
        person = UserFactory(email=invitation.email)
        MembershipFactory(organisation=owner.organisation, user=person)
        with pytest.raises(AlreadyMember):
            invitation_accept(token=invitation.token, user=person)

    def test_unknown_token(self):
        with pytest.raises(NotFoundError):
            invitation_accept(token="no-such-token", user=UserFactory())


class TestRevokeAndExpire:
    def test_owner_revokes(self):
        owner = OwnerFactory()
        invitation = invite(owner)
        invitation_revoke(invitation=invitation, actor=owner.user)
        invitation.refresh_from_db()
        assert invitation.status == Invitation.Status.REVOKED
        assert invitation.revoked_at is not None

    def test_staff_may_revoke_members_may_not(self):
        owner = OwnerFactory()
        invitation = invite(owner)
        member = MembershipFactory(organisation=owner.organisation)
        with pytest.raises(PermissionDeniedError):
            invitation_revoke(invitation=invitation, actor=member.user)
        invitation_revoke(invitation=invitation, actor=StaffFactory())
        assert Invitation.objects.get(pk=invitation.pk).status == Invitation.Status.REVOKED

    def test_revoking_an_accepted_invitation_is_refused(self):
        owner = OwnerFactory()
        invitation = invite(owner)
        invitation_accept(token=invitation.token, user=UserFactory(email=invitation.email))
        with translation.override("en"), pytest.raises(DomainError) as exc:
            invitation_revoke(invitation=invitation, actor=owner.user)
        assert exc.value.status_code == 409
        assert str(exc.value.message) == "This invitation has already been accepted."
        # the refused call changed nothing, in the database or in memory
        assert Invitation.objects.get(pk=invitation.pk).status == Invitation.Status.ACCEPTED
        assert invitation.revoked_at is None

    def test_chronograph_expires_due_invitations_once(self):
        assert registered_handlers()["accounts.invitations_expire"] is invitations_expire
        due = InvitationFactory(expires_at=timezone.now() - timedelta(seconds=1))
        fresh = InvitationFactory()
        accepted = InvitationFactory(status=Invitation.Status.ACCEPTED,
                                     expires_at=timezone.now() - timedelta(days=1))
        assert invitations_expire(timezone.now()) == 1
        assert invitations_expire(timezone.now()) == 0
        due.refresh_from_db()
        fresh.refresh_from_db()
        accepted.refresh_from_db()
        assert due.status == Invitation.Status.EXPIRED
        assert fresh.status == Invitation.Status.PENDING
        assert accepted.status == Invitation.Status.ACCEPTED
        assert AuditEvent.objects.filter(action="accounts.invitation.expired").count() == 1


@pytest.mark.django_db(transaction=True)
def test_no_row_lock_is_held_while_the_invitation_is_mailed(requires_postgres, monkeypatch):
    invitation = InvitationFactory(email="colleague@example.org")
    seen = {}

    def lock_from_elsewhere():
        try:
            with transaction.atomic():
                row = Invitation.objects.select_for_update(nowait=True).get(pk=invitation.pk)
                seen["email_sent_at"] = row.email_sent_at
        except DatabaseError as exc:
            seen["error"] = exc
        finally:
            connection.close()

    def send_mail(*args, **kwargs):
        thread = threading.Thread(target=lock_from_elsewhere)
        thread.start()
        thread.join(10)
        return 1

    monkeypatch.setattr("marketplace.core.mail.send_mail", send_mail)
    assert invitation_send_email(invitation.pk) is True
    assert "error" not in seen, seen.get("error")
    assert seen["email_sent_at"] is not None  # claimed and committed before the send


@pytest.mark.django_db(transaction=True)
def test_one_invitation_accepted_twice_at_once_makes_one_member(requires_postgres):
    invitation = InvitationFactory(email="twice@example.org")
    person = UserFactory(email="twice@example.org")
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def accept():
        try:
            barrier.wait()
            invitation_accept(token=invitation.token, user=person)
            outcomes.append("ok")
        except (InvitationUnusable, AlreadyMember):
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=accept) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert sorted(outcomes) == ["ok", "refused"]
    assert Membership.objects.filter(user=person).count() == 1
