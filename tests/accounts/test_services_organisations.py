import threading

import pytest
from django.db import connection

from marketplace.accounts.errors import AlreadyMember, LastOwnerError
from marketplace.accounts.models import Membership, MembershipRole, Organisation
from marketplace.accounts.rules import (
    is_buyer_of,
    is_government_buyer,
    is_org_member,
    requires_mfa,
)
from marketplace.accounts.selectors import buyer_organisations_for
from marketplace.accounts.services.organisations import (
    membership_add,
    membership_change_role,
    membership_remove,
    organisation_create,
    organisation_update,
    organisation_verification_withdraw,
    organisation_verify,
)
from marketplace.core.audit import stream_for
from marketplace.core.errors import ConflictError, DomainError, NotFoundError, PermissionDeniedError
from marketplace.core.models import AuditEvent
from marketplace.notifications.models import Notification
from tests.accounts.factories import (
    GovernmentAgencyFactory,
    MembershipFactory,
    OrganisationFactory,
    OwnerFactory,
    StaffFactory,
    UserFactory,
    VerifiedGovernmentAgencyFactory,
)

pytestmark = pytest.mark.django_db


def org_actions(organisation) -> list[str]:
    return list(
        AuditEvent.objects.filter(stream=stream_for(organisation)).order_by("seq")
        .values_list("action", flat=True)
    )


class TestCreate:
    def test_creator_becomes_owner_and_it_is_audited(self):
        user = UserFactory()
        organisation = organisation_create(
            actor=user, kind="maker_company", name="蓝湾智造", name_en="Blue Bay Making",
            district="laoshan", unified_credit_code="91370212ma3c1234x1",
            website="https://bluebay.example.org",
        )
        assert organisation.slug == "blue-bay-making"
        assert organisation.unified_credit_code == "91370212MA3C1234X1"
        assert not organisation.is_verified
        assert is_org_member(user, organisation, {MembershipRole.OWNER})
        assert org_actions(organisation) == [
            "accounts.organisation.created", "accounts.membership.added",
        ]

    def test_slug_from_a_chinese_name_is_made_unique(self):
        user = UserFactory()
        first = organisation_create(actor=user, kind="maker_company", name="青岛创客")
        second = organisation_create(actor=user, kind="maker_company", name="青岛创客")
        assert first.slug == "org"
        assert second.slug == "org-2"

    def test_an_explicit_slug_that_is_taken_is_refused(self):
        OrganisationFactory(slug="taken")
        with pytest.raises(ConflictError) as exc:
            organisation_create(actor=UserFactory(), kind="maker_company", name="X", slug="taken")
        assert exc.value.status_code == 409
        assert Organisation.objects.count() == 1

    @pytest.mark.parametrize(
        ("values", "field"),
        [
            ({"kind": "church"}, "kind"),
            ({"name": "  "}, "name"),
            ({"slug": "Not A Slug"}, "slug"),
            ({"unified_credit_code": "12345"}, "unified_credit_code"),
            ({"district": "manhattan"}, "district"),
            ({"website": "ftp://example.org"}, "website"),
        ],
    )
    def test_bad_values_are_refused_and_nothing_is_written(self, values, field):
        kwargs = {"kind": "maker_company", "name": "Good name", **values}
        with pytest.raises(DomainError) as exc:
            organisation_create(actor=UserFactory(), **kwargs)
        assert exc.value.status_code == 400
        assert exc.value.data["field"] == field
        assert not Organisation.objects.exists()
        assert not Membership.objects.exists()

    def test_an_unverified_agency_is_not_a_buyer_after_staff_verification_it_is(self):
        user = UserFactory()
        assert not requires_mfa(user)
        agency = organisation_create(actor=user, kind="government_agency", name="市科技局")
        # anyone may create an agency and own it: MFA at once, buyer powers not yet
        assert requires_mfa(user)
        assert not agency.is_verified
        assert not is_government_buyer(user)
        assert not is_buyer_of(user, agency)
        assert list(buyer_organisations_for(user)) == []

        organisation_verify(organisation=agency, actor=StaffFactory())
        assert is_government_buyer(user)
        assert is_buyer_of(user, agency)
        assert list(buyer_organisations_for(user)) == [agency]
        assert requires_mfa(user)


class TestVerify:
    def test_staff_verify_it_is_audited_and_the_owners_are_told(self):
        owner = OwnerFactory(organisation=GovernmentAgencyFactory(name="市科技局"),
                             user__preferred_language="en")
        agency, staff = owner.organisation, StaffFactory()
        returned = organisation_verify(organisation=agency, actor=staff)
        assert returned.is_verified
        agency.refresh_from_db()
        assert agency.is_verified
        event = AuditEvent.objects.get(action="accounts.organisation.verified")
        assert event.actor_id == staff.pk
        assert event.object_id == str(agency.pk)
        assert event.data["kind"] == "government_agency"
        note = Notification.objects.get(user=owner.user)
        assert note.kind == "accounts.organisation.verified"
        assert note.title == "市科技局 was verified by the platform staff"

    @pytest.mark.parametrize("role", ["owner", "buyer_officer", "approver", "member"])
    def test_nobody_but_staff_may_verify(self, role):
        membership = MembershipFactory(organisation=GovernmentAgencyFactory(), role=role)
        with pytest.raises(PermissionDeniedError) as exc:
            organisation_verify(organisation=membership.organisation, actor=membership.user)
        assert exc.value.status_code == 403
        membership.organisation.refresh_from_db()
        assert not membership.organisation.is_verified
        assert not AuditEvent.objects.filter(action="accounts.organisation.verified").exists()
        assert not is_government_buyer(membership.user)

    def test_verifying_twice_is_a_conflict(self):
        agency = VerifiedGovernmentAgencyFactory()
        before = AuditEvent.objects.filter(action="accounts.organisation.verified").count()
        with pytest.raises(ConflictError) as exc:
            organisation_verify(organisation=agency, actor=StaffFactory())
        assert exc.value.code == "already_verified"
        assert AuditEvent.objects.filter(action="accounts.organisation.verified").count() == before

    @pytest.mark.parametrize("kind", ["investor_entity", "makerspace", "maker_company"])
    def test_other_kinds_are_verified_the_same_way_but_give_no_buyer_powers(self, kind):
        owner = OwnerFactory(organisation=OrganisationFactory(kind=kind))
        organisation_verify(organisation=owner.organisation, actor=StaffFactory())
        owner.organisation.refresh_from_db()
        assert owner.organisation.is_verified
        assert not is_government_buyer(owner.user)
        assert not requires_mfa(owner.user)

    def test_staff_withdraw_a_verification(self):
        owner = OwnerFactory(organisation=VerifiedGovernmentAgencyFactory())
        agency = owner.organisation
        assert is_government_buyer(owner.user)
        organisation_verification_withdraw(organisation=agency, actor=StaffFactory(),
                                           reason="Not a purchasing authority")
        agency.refresh_from_db()
        assert not agency.is_verified
        assert not is_government_buyer(owner.user)
        event = AuditEvent.objects.get(action="accounts.organisation.verification_withdrawn")
        assert event.data == {"reason": "Not a purchasing authority", "from": "verified",
                              "to": "unverified"}
        with pytest.raises(ConflictError) as exc:
            organisation_verification_withdraw(organisation=agency, actor=StaffFactory())
        assert exc.value.code == "not_verified"
        with pytest.raises(PermissionDeniedError):
            organisation_verification_withdraw(
                organisation=VerifiedGovernmentAgencyFactory(), actor=owner.user
            )

    @pytest.mark.parametrize("field", ["name", "name_en", "unified_credit_code"])
    def test_changing_a_verified_identity_withdraws_the_verification(self, field):
        owner = OwnerFactory(organisation=VerifiedGovernmentAgencyFactory())
        value = {"name": "假冒的科技局", "name_en": "Fake bureau",
                 "unified_credit_code": "11370200MB1234567X"}[field]
        organisation = organisation_update(organisation=owner.organisation, actor=owner.user,
                                           **{field: value})
        assert not organisation.is_verified
        owner.organisation.refresh_from_db()
        assert not owner.organisation.is_verified
        assert not is_government_buyer(owner.user)
        event = AuditEvent.objects.get(action="accounts.organisation.verification_withdrawn")
        assert event.data == {"reason": "identity_changed", "fields": [field],
                              "from": "verified", "to": "unverified"}

    def test_other_edits_keep_the_verification(self):
        owner = OwnerFactory(organisation=VerifiedGovernmentAgencyFactory())
        organisation_update(organisation=owner.organisation, actor=owner.user,
                            description="负责全市科技创新", district="shinan",
                            website="https://kjj.qingdao.example.org")
        owner.organisation.refresh_from_db()
        assert owner.organisation.is_verified
        assert is_government_buyer(owner.user)


class TestUpdate:
    def test_owner_edits_and_the_changes_are_audited(self):
        owner = OwnerFactory()
        organisation = owner.organisation
        organisation_update(organisation=organisation, actor=owner.user, name="New name",
                            description="About us", kind="government_agency")
        organisation.refresh_from_db()
        assert organisation.name == "New name"
        assert organisation.description == "About us"
        assert organisation.kind == "maker_company"  # kind is not editable
        event = AuditEvent.objects.get(action="accounts.organisation.updated")
        assert set(event.data["changes"]) == {"name", "description"}

    def test_nothing_changed_writes_nothing(self):
        owner = OwnerFactory()
        organisation_update(organisation=owner.organisation, actor=owner.user,
                            name=owner.organisation.name)
        assert not AuditEvent.objects.filter(action="accounts.organisation.updated").exists()

    def test_a_plain_member_cannot_edit(self):
        member = MembershipFactory(role=MembershipRole.MEMBER)
        with pytest.raises(PermissionDeniedError):
            organisation_update(organisation=member.organisation, actor=member.user, name="X")

    def test_an_owner_of_another_organisation_cannot_edit(self):
        owner_a = OwnerFactory()
        org_b = OrganisationFactory(name="B")
        with pytest.raises(PermissionDeniedError):
            organisation_update(organisation=org_b, actor=owner_a.user, name="Hijacked")
        org_b.refresh_from_db()
        assert org_b.name == "B"


class TestRoles:
    def test_government_roles_exist_only_in_government_agencies(self):
        maker = OrganisationFactory()
        with pytest.raises(DomainError) as exc:
            membership_add(organisation=maker, user=UserFactory(), role="buyer_officer", actor=None)
        assert exc.value.code == "role_not_for_kind"
        agency = GovernmentAgencyFactory()
        membership = membership_add(organisation=agency, user=UserFactory(), role="approver",
                                    actor=None)
        assert membership.role == "approver"

    def test_unknown_role_is_refused(self):
        owner = OwnerFactory()
        member = MembershipFactory(organisation=owner.organisation)
        with pytest.raises(DomainError) as exc:
            membership_change_role(membership=member, actor=owner.user, role="emperor")
        assert exc.value.code == "role_invalid"

    def test_adding_a_member_twice_is_refused(self):
        member = MembershipFactory()
        with pytest.raises(AlreadyMember):
            membership_add(organisation=member.organisation, user=member.user, role="member",
                           actor=None)

    def test_owner_changes_a_role(self):
        owner = OwnerFactory()
        member = MembershipFactory(organisation=owner.organisation)
        membership_change_role(membership=member, actor=owner.user, role=MembershipRole.OWNER)
        member.refresh_from_db()
        assert member.role == MembershipRole.OWNER
        event = AuditEvent.objects.get(action="accounts.membership.role_changed")
        assert event.data == {"user": member.user_id, "from": "member", "to": "owner"}

    def test_the_last_owner_cannot_be_demoted(self):
        owner = OwnerFactory()
        with pytest.raises(LastOwnerError) as exc:
            membership_change_role(membership=owner, actor=owner.user, role=MembershipRole.MEMBER)
        assert exc.value.status_code == 409
        owner.refresh_from_db()
        assert owner.role == MembershipRole.OWNER

    def test_an_owner_may_step_down_when_another_owner_remains(self):
        owner = OwnerFactory()
        OwnerFactory(organisation=owner.organisation)
        membership_change_role(membership=owner, actor=owner.user, role=MembershipRole.MEMBER)
        owner.refresh_from_db()
        assert owner.role == MembershipRole.MEMBER

    def test_a_member_cannot_change_roles(self):
        owner = OwnerFactory()
        member = MembershipFactory(organisation=owner.organisation)
        with pytest.raises(PermissionDeniedError):
            membership_change_role(membership=member, actor=member.user, role=MembershipRole.OWNER)
        member.refresh_from_db()
        assert member.role == MembershipRole.MEMBER


class TestRemove:
    def test_owner_removes_a_member(self):
        owner = OwnerFactory()
        member = MembershipFactory(organisation=owner.organisation)
        membership_remove(membership=member, actor=owner.user)
        assert not Membership.objects.filter(pk=member.pk).exists()
        assert "accounts.membership.removed" in org_actions(owner.organisation)

    def test_a_member_may_leave(self):
        owner = OwnerFactory()
        member = MembershipFactory(organisation=owner.organisation)
        membership_remove(membership=member, actor=member.user)
        assert not Membership.objects.filter(pk=member.pk).exists()
        event = AuditEvent.objects.get(action="accounts.membership.removed")
        assert event.data["left"] is True

    def test_a_member_cannot_remove_someone_else(self):
        owner = OwnerFactory()
        member = MembershipFactory(organisation=owner.organisation)
        with pytest.raises(PermissionDeniedError):
            membership_remove(membership=owner, actor=member.user)
        assert Membership.objects.filter(pk=owner.pk).exists()

    def test_the_last_owner_can_neither_be_removed_nor_leave(self):
        owner = OwnerFactory()
        with pytest.raises(LastOwnerError):
            membership_remove(membership=owner, actor=owner.user)
        assert Membership.objects.filter(pk=owner.pk).exists()

    def test_removing_a_membership_that_is_gone(self):
        owner = OwnerFactory()
        member = MembershipFactory(organisation=owner.organisation)
        Membership.objects.filter(pk=member.pk).delete()
        with pytest.raises(NotFoundError):
            membership_remove(membership=member, actor=owner.user)


@pytest.mark.django_db(transaction=True)
def test_two_owners_demoting_each_other_at_once_leave_one_owner(requires_postgres):
    first = OwnerFactory()
    organisation = first.organisation
    second = OwnerFactory(organisation=organisation)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def demote(actor_membership, target_membership):
        try:
            target = Membership.objects.select_related("organisation").get(pk=target_membership.pk)
            barrier.wait()
            membership_change_role(membership=target, actor=actor_membership.user,
                                   role=MembershipRole.MEMBER)
            outcomes.append("demoted")
        except (LastOwnerError, PermissionDeniedError):
            outcomes.append("refused")
        finally:
            connection.close()

    # each owner demotes the other
    threads = [
        threading.Thread(target=demote, args=(first, second)),
        threading.Thread(target=demote, args=(second, first)),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    assert sorted(outcomes) == ["demoted", "refused"]
    assert Membership.objects.filter(organisation=organisation, role="owner").count() == 1


def test_an_owner_demoted_meanwhile_can_no_longer_act():
    """A demotes B, then B (holding a stale page) tries to demote C: B's permission is
    judged on the current roles, not on what B saw."""
    a = OwnerFactory()
    organisation = a.organisation
    b = OwnerFactory(organisation=organisation)
    c = OwnerFactory(organisation=organisation)
    membership_change_role(membership=b, actor=a.user, role=MembershipRole.MEMBER)
    stale_target = Membership.objects.select_related("organisation").get(pk=c.pk)
    with pytest.raises(PermissionDeniedError):
        membership_change_role(membership=stale_target, actor=b.user, role=MembershipRole.MEMBER)
    c.refresh_from_db()
    assert c.role == MembershipRole.OWNER
