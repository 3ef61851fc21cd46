import pytest
from django.contrib.auth.models import AnonymousUser

from marketplace.accounts import selectors
from marketplace.accounts.models import Membership, MembershipRole
from marketplace.accounts.rules import (
    is_buyer_of,
    is_government_buyer,
    is_org_member,
    org_roles,
    requires_mfa,
)
from marketplace.accounts.services.kyc import kyc_submit
from marketplace.core.errors import NotFoundError, PermissionDeniedError
from marketplace.core.permissions import has_perm
from tests.accounts.factories import (
    ExpertFactory,
    GovernmentAgencyFactory,
    MembershipFactory,
    OrganisationFactory,
    OwnerFactory,
    StaffFactory,
    UserFactory,
    VerifiedGovernmentAgencyFactory,
    buyer_officer,
    mfa_activate,
    pdf,
)

pytestmark = pytest.mark.django_db


def test_org_roles_and_membership_checks():
    owner = OwnerFactory()
    organisation = owner.organisation
    assert org_roles(owner.user, organisation) == {"owner"}
    assert is_org_member(owner.user, organisation)
    assert is_org_member(owner.user, organisation, {MembershipRole.OWNER})
    assert not is_org_member(owner.user, organisation, {MembershipRole.APPROVER})
    assert not is_org_member(UserFactory(), organisation)
    assert org_roles(owner.user, None) == set()


@pytest.mark.parametrize(("role", "expected"), [
    ("owner", True), ("buyer_officer", True), ("approver", True), ("member", False),
])
def test_who_counts_as_a_government_buyer(role, expected):
    membership = MembershipFactory(organisation=VerifiedGovernmentAgencyFactory(), role=role)
    assert is_government_buyer(membership.user) is expected
    assert is_buyer_of(membership.user, membership.organisation) is expected
    assert requires_mfa(membership.user) is expected


@pytest.mark.parametrize("role", ["owner", "buyer_officer", "approver"])
def test_buyer_roles_in_an_unverified_agency_need_mfa_but_have_no_powers(role):
    membership = MembershipFactory(organisation=GovernmentAgencyFactory(), role=role)
    assert not is_government_buyer(membership.user)
    assert not is_buyer_of(membership.user, membership.organisation)
    assert requires_mfa(membership.user)


def test_is_buyer_of_is_per_agency():
    officer = buyer_officer()
    agency = Membership.objects.get(user=officer).organisation
    assert is_buyer_of(officer, agency)
    assert not is_buyer_of(officer, VerifiedGovernmentAgencyFactory())
    assert not is_buyer_of(officer, None)
    assert not is_buyer_of(AnonymousUser(), agency)
    # a verified organisation of another kind is no purchasing authority
    maker = OrganisationFactory(verified=True)
    MembershipFactory(organisation=maker, user=officer, role="owner")
    assert not is_buyer_of(officer, maker)


def test_buyer_organisations_for(django_assert_num_queries):
    user = UserFactory()
    first = VerifiedGovernmentAgencyFactory(name="A 区科技局")
    second = VerifiedGovernmentAgencyFactory(name="B 市财政局")
    MembershipFactory(organisation=second, user=user, role="approver")
    MembershipFactory(organisation=first, user=user, role="buyer_officer")
    # not counted: an unverified agency, a plain member, a verified non-agency
    MembershipFactory(organisation=GovernmentAgencyFactory(), user=user, role="owner")
    MembershipFactory(organisation=VerifiedGovernmentAgencyFactory(), user=user, role="member")
    MembershipFactory(organisation=OrganisationFactory(verified=True), user=user, role="owner")
    # someone else's agency
    MembershipFactory(organisation=VerifiedGovernmentAgencyFactory(), role="owner")
    with django_assert_num_queries(1):
        assert list(selectors.buyer_organisations_for(user)) == [first, second]
    assert list(selectors.buyer_organisations_for(AnonymousUser())) == []


def test_mfa_is_required_for_experts_and_staff_only():
    assert requires_mfa(ExpertFactory())
    assert requires_mfa(StaffFactory())
    assert not requires_mfa(OwnerFactory().user)
    assert not requires_mfa(UserFactory())


@pytest.mark.parametrize(("perm", "owner", "member", "outsider", "staff"), [
    ("accounts.change_organisation", True, False, False, False),
    ("accounts.invite_member", True, False, False, False),
    ("accounts.manage_members", True, False, False, False),
    ("accounts.revoke_invitation", True, False, False, True),
    ("accounts.view_organisation_members", True, True, False, True),
])
def test_organisation_permissions_per_role(perm, owner, member, outsider, staff):
    owner_membership = OwnerFactory()
    organisation = owner_membership.organisation
    member_user = MembershipFactory(organisation=organisation).user
    assert has_perm(owner_membership.user, perm, organisation) is owner
    assert has_perm(member_user, perm, organisation) is member
    assert has_perm(OwnerFactory().user, perm, organisation) is outsider
    assert has_perm(StaffFactory(), perm, organisation) is staff


def test_inactive_users_have_no_permissions():
    owner = OwnerFactory(user__is_active=False)
    assert not has_perm(owner.user, "accounts.change_organisation", owner.organisation)


def test_user_has_mfa_needs_totp():
    user = buyer_officer()
    assert not selectors.user_has_mfa(user)
    mfa_activate(user)
    assert selectors.user_has_mfa(user)
    assert selectors.user_mfa_types(user) == {"totp"}


def test_organisations_for_user_counts_members(django_assert_num_queries):
    mine = OwnerFactory()
    MembershipFactory.create_batch(2, organisation=mine.organisation)
    other = MembershipFactory(user=mine.user, organisation=OrganisationFactory(name="Zeta"))
    OrganisationFactory(name="Not mine")
    other.role = "member"
    other.save()
    with django_assert_num_queries(1):
        rows = [(o.pk, o.member_count, o.my_role)
                for o in selectors.organisations_for_user(mine.user)]
    assert sorted(rows) == sorted([(mine.organisation_id, 3, "owner"),
                                   (other.organisation_id, 1, "member")])


def test_organisation_get_for_member():
    owner = OwnerFactory()
    slug = owner.organisation.slug
    assert selectors.organisation_get_for_member(slug=slug, user=owner.user) == owner.organisation
    assert selectors.organisation_get_for_member(slug=slug, user=StaffFactory())
    with pytest.raises(PermissionDeniedError):
        selectors.organisation_get_for_member(slug=slug, user=UserFactory())
    with pytest.raises(NotFoundError):
        selectors.organisation_get_for_member(slug="missing", user=owner.user)


def test_kyc_document_visibility():
    applicant = UserFactory()
    document = kyc_submit(user=applicant, legal_name="钱七", id_type="passport",
                          id_number_last4="7777", documents=[pdf()]).documents.get()
    assert selectors.kyc_document_get_for_viewer(user=applicant, pk=document.pk) == document
    assert selectors.kyc_document_get_for_viewer(user=StaffFactory(), pk=document.pk) == document
    for outsider in (UserFactory(), ExpertFactory()):
        with pytest.raises(NotFoundError):
            selectors.kyc_document_get_for_viewer(user=outsider, pk=document.pk)
