"""The accounts REST API: /api/me/, /api/kyc/, /api/staff/kyc/, organisations, invitations."""

import pytest
from django.core import mail

from marketplace.accounts.models import (
    Invitation,
    KycRequest,
    Membership,
    Organisation,
    VerificationStatus,
)
from marketplace.accounts.rules import is_government_buyer
from marketplace.accounts.services.kyc import kyc_approve, kyc_submit
from marketplace.core.models import AuditEvent
from tests.accounts.factories import (
    GovernmentAgencyFactory,
    InvitationFactory,
    MembershipFactory,
    OrganisationFactory,
    OwnerFactory,
    StaffFactory,
    UserFactory,
    big_pdf,
    mfa_activate,
    pdf,
    png,
    stored_files,
    upload,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff():
    user = StaffFactory()
    mfa_activate(user)
    return user


def as_user(api_client, user):
    api_client.force_authenticate(user=None)
    api_client.force_login(user)
    return api_client


def submit(user):
    return kyc_submit(user=user, legal_name="王五", id_type="resident_id", id_number_last4="0042",
                      documents=[pdf()])


class TestMe:
    def test_get_and_patch(self, api_client):
        user = UserFactory(display_name="Old")
        as_user(api_client, user)
        body = api_client.get("/api/me/").json()
        assert body["email"] == user.email
        assert body["verification_status"] == "unverified"
        assert body["mfa_required"] is False
        response = api_client.patch("/api/me/", {"display_name": "New", "preferred_language": "en"},
                                    format="json")
        assert response.status_code == 200
        assert response.json()["display_name"] == "New"
        user.refresh_from_db()
        assert user.preferred_language == "en"

    def test_bad_language_is_400_with_the_standard_body(self, api_client):
        as_user(api_client, UserFactory())
        response = api_client.patch("/api/me/", {"preferred_language": "klingon"}, format="json")
        assert response.status_code == 400
        body = response.json()
        assert body["code"] == "language_invalid"
        assert body["detail"]

    def test_too_long_name_is_a_validation_error(self, api_client):
        as_user(api_client, UserFactory())
        response = api_client.patch("/api/me/", {"display_name": "x" * 101}, format="json")
        assert response.status_code == 400
        assert response.json()["code"] == "invalid"
        assert "display_name" in response.json()["errors"]

    def test_anonymous_is_refused(self, api_client):
        assert api_client.get("/api/me/").status_code in (401, 403)


class TestKyc:
    def form(self, **overrides):
        data = {"legal_name": "王五", "id_type": "passport", "id_number_last4": "E987",
                "documents": [pdf(), png()]}
        data.update(overrides)
        return data

    def test_submit_multipart_and_list_my_requests(self, api_client, private_root):
        user = UserFactory()
        submit(UserFactory())  # someone else's
        as_user(api_client, user)
        response = api_client.post("/api/kyc/", self.form(), format="multipart")
        assert response.status_code == 201, response.json()
        body = response.json()
        assert body["status"] == "submitted"
        assert [d["content_type"] for d in body["documents"]] == ["application/pdf", "image/png"]
        assert body["documents"][0]["url"].startswith("/kyc/documents/")
        user.refresh_from_db()
        assert user.verification_status == VerificationStatus.PENDING
        listed = api_client.get("/api/kyc/").json()
        assert [r["id"] for r in listed] == [body["id"]]

    @pytest.mark.parametrize(("documents", "code"), [
        ([upload("run.exe", b"MZ\x90\x00")], "document_type"),
        ([big_pdf(11)], "document_too_large"),
        ([], "documents_required"),
    ])
    def test_bad_documents_are_400_and_nothing_is_written(
        self, api_client, documents, code, private_root
    ):
        user = UserFactory()
        as_user(api_client, user)
        response = api_client.post("/api/kyc/", self.form(documents=documents), format="multipart")
        assert response.status_code == 400
        assert response.json()["code"] == code
        assert response.json()["data"]["field"] == "documents"
        assert not KycRequest.objects.exists()
        assert stored_files(private_root) == []
        user.refresh_from_db()
        assert user.verification_status == VerificationStatus.UNVERIFIED

    def test_missing_fields_are_400(self, api_client):
        as_user(api_client, UserFactory())
        response = api_client.post("/api/kyc/", {"documents": [pdf()]}, format="multipart")
        assert response.status_code == 400
        assert {"legal_name", "id_type", "id_number_last4"} <= set(response.json()["errors"])

    def test_submitting_twice_is_409(self, api_client):
        user = UserFactory()
        submit(user)
        as_user(api_client, user)
        response = api_client.post("/api/kyc/", self.form(), format="multipart")
        assert response.status_code == 409
        assert response.json()["code"] == "kyc_not_allowed"


class TestStaffKyc:
    def test_queue_for_staff_only(self, api_client, staff, django_assert_max_num_queries):
        for _ in range(3):
            submit(UserFactory())
        as_user(api_client, staff)
        with django_assert_max_num_queries(10):
            body = api_client.get("/api/staff/kyc/").json()
        assert body["count"] == 3
        assert body["results"][0]["user"]["email"]
        as_user(api_client, UserFactory())
        assert api_client.get("/api/staff/kyc/").status_code == 403

    def test_approve_then_approve_again_is_409(self, api_client, staff):
        kyc_request = submit(UserFactory())
        as_user(api_client, staff)
        url = f"/api/staff/kyc/{kyc_request.pk}/approve/"
        response = api_client.post(url)
        assert response.status_code == 200
        assert response.json()["status"] == "approved"
        again = api_client.post(url)
        assert again.status_code == 409
        assert again.json()["code"] == "illegal_transition"

    def test_reject_without_reason_is_400(self, api_client, staff):
        kyc_request = submit(UserFactory())
        as_user(api_client, staff)
        url = f"/api/staff/kyc/{kyc_request.pk}/reject/"
        for payload in ({}, {"reason": ""}, {"reason": "   "}):
            response = api_client.post(url, payload, format="json")
            assert response.status_code == 400
            assert response.json()["code"] == "reason_required"
        response = api_client.post(url, {"reason": "Expired passport"}, format="json")
        assert response.status_code == 200
        assert response.json()["rejection_reason"] == "Expired passport"
        kyc_request.user.refresh_from_db()
        assert kyc_request.user.verification_status == VerificationStatus.REJECTED

    @pytest.mark.parametrize("action", ["approve", "reject"])
    def test_non_staff_get_403_even_for_unknown_ids(self, api_client, action):
        kyc_request = submit(UserFactory())
        as_user(api_client, OwnerFactory().user)
        for pk in (kyc_request.pk, 999999):
            response = api_client.post(f"/api/staff/kyc/{pk}/{action}/", {"reason": "x"})
            assert response.status_code == 403
            assert response.json()["code"] == "permission_denied"
        kyc_request.refresh_from_db()
        assert kyc_request.status == KycRequest.Status.SUBMITTED

    def test_unknown_request_is_404_for_staff(self, api_client, staff):
        as_user(api_client, staff)
        assert api_client.post("/api/staff/kyc/999999/approve/").status_code == 404

    @pytest.mark.parametrize(("language", "text"), [
        ("en", "Give the reason for the rejection"),
        ("zh-hans", "请填写驳回理由"),
    ])
    def test_errors_come_in_the_request_language(self, api_client, staff, language, text):
        kyc_request = submit(UserFactory())
        as_user(api_client, staff)
        response = api_client.post(f"/api/staff/kyc/{kyc_request.pk}/reject/", {"reason": ""},
                                   format="json", HTTP_ACCEPT_LANGUAGE=language)
        assert text in response.json()["detail"]


class TestOrganisations:
    def test_create_and_list_mine(self, api_client):
        user = UserFactory()
        OwnerFactory()  # not mine
        as_user(api_client, user)
        response = api_client.post("/api/organisations/", {
            "kind": "investor_entity", "name": "海创天使", "name_en": "Sea Angels",
        }, format="json")
        assert response.status_code == 201
        assert response.json()["slug"] == "sea-angels"
        assert response.json()["my_role"] == "owner"
        assert response.json()["member_count"] == 1
        listed = api_client.get("/api/organisations/").json()
        assert [o["slug"] for o in listed] == ["sea-angels"]

    def test_list_gives_my_role_and_the_member_count_in_one_query(
        self, api_client, django_assert_max_num_queries
    ):
        user = UserFactory()
        mine = OwnerFactory(user=user, organisation=OrganisationFactory(name="A"))
        MembershipFactory.create_batch(2, organisation=mine.organisation)
        MembershipFactory(user=user, organisation=OrganisationFactory(name="B"))
        as_user(api_client, user)
        with django_assert_max_num_queries(4):  # session, user, MFA check, the list
            listed = api_client.get("/api/organisations/").json()
        assert [(o["name"], o["my_role"], o["member_count"]) for o in listed] == [
            ("A", "owner", 3), ("B", "member", 1),
        ]

    def test_create_with_bad_input_is_400(self, api_client):
        as_user(api_client, UserFactory())
        response = api_client.post("/api/organisations/", {"kind": "club", "name": ""},
                                   format="json")
        assert response.status_code == 400
        assert {"kind", "name"} <= set(response.json()["errors"])
        response = api_client.post("/api/organisations/", {
            "kind": "maker_company", "name": "X", "district": "atlantis",
        }, format="json")
        assert response.status_code == 400
        assert response.json()["code"] == "district_invalid"
        assert not Organisation.objects.exists()

    def test_detail_for_members_403_for_others_404_for_unknown(self, api_client):
        owner = OwnerFactory()
        MembershipFactory(organisation=owner.organisation)
        url = f"/api/organisations/{owner.organisation.slug}/"
        as_user(api_client, owner.user)
        body = api_client.get(url).json()
        assert body["my_roles"] == ["owner"]
        assert len(body["members"]) == 2
        as_user(api_client, OwnerFactory().user)
        assert api_client.get(url).status_code == 403
        assert api_client.get("/api/organisations/no-such-org/").status_code == 404

    def test_patch_by_owner_only(self, api_client):
        owner = OwnerFactory()
        member = MembershipFactory(organisation=owner.organisation)
        other_owner = OwnerFactory()
        url = f"/api/organisations/{owner.organisation.slug}/"
        for outsider in (member.user, other_owner.user):
            as_user(api_client, outsider)
            response = api_client.patch(url, {"name": "Hijacked"}, format="json")
            assert response.status_code == 403
        as_user(api_client, owner.user)
        response = api_client.patch(url, {"description": "We make buoys"}, format="json")
        assert response.status_code == 200
        assert response.json()["description"] == "We make buoys"
        response = api_client.patch(url, {"website": "not a url"}, format="json")
        assert response.status_code == 400
        owner.organisation.refresh_from_db()
        assert owner.organisation.name != "Hijacked"

    def test_roles_and_removal(self, api_client):
        owner = OwnerFactory()
        member = MembershipFactory(organisation=owner.organisation)
        slug = owner.organisation.slug
        as_user(api_client, member.user)
        assert api_client.patch(f"/api/organisations/{slug}/members/{owner.pk}/",
                                {"role": "member"}, format="json").status_code == 403
        as_user(api_client, owner.user)
        response = api_client.patch(f"/api/organisations/{slug}/members/{owner.pk}/",
                                    {"role": "member"}, format="json")
        assert response.status_code == 409
        assert response.json()["code"] == "last_owner"
        response = api_client.patch(f"/api/organisations/{slug}/members/{member.pk}/",
                                    {"role": "buyer_officer"}, format="json")
        assert response.status_code == 400
        assert response.json()["code"] == "role_not_for_kind"
        assert api_client.delete(f"/api/organisations/{slug}/members/{member.pk}/").status_code == 204
        assert api_client.delete(f"/api/organisations/{slug}/members/{member.pk}/").status_code == 404
        assert not Membership.objects.filter(pk=member.pk).exists()


class TestStaffVerify:
    url = "/api/staff/organisations/{slug}/verify/"

    def test_staff_verify_an_agency_its_officer_becomes_a_buyer(self, api_client, staff):
        officer = MembershipFactory(organisation=GovernmentAgencyFactory(slug="sti-bureau"),
                                    role="buyer_officer").user
        assert not is_government_buyer(officer)
        as_user(api_client, staff)
        response = api_client.post(self.url.format(slug="sti-bureau"))
        assert response.status_code == 200
        assert response.json()["is_verified"] is True
        assert is_government_buyer(officer)
        assert AuditEvent.objects.filter(action="accounts.organisation.verified",
                                         actor_id=staff.pk).count() == 1
        # a second time: 409 with the standard body
        response = api_client.post(self.url.format(slug="sti-bureau"), HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 409
        body = response.json()
        assert (body["detail"], body["code"]) == ("This organisation is already verified.",
                                                  "already_verified")

    @pytest.mark.parametrize("role", ["owner", "buyer_officer", "member"])
    def test_non_staff_get_403_and_nothing_changes(self, api_client, role):
        membership = MembershipFactory(organisation=GovernmentAgencyFactory(), role=role)
        mfa_activate(membership.user)
        as_user(api_client, membership.user)
        response = api_client.post(self.url.format(slug=membership.organisation.slug),
                                   HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 403
        assert response.json() == {"detail": "Only platform staff may verify organisations.",
                                   "code": "permission_denied"}
        membership.organisation.refresh_from_db()
        assert not membership.organisation.is_verified
        # non-staff learn nothing about which slugs exist
        assert api_client.post(self.url.format(slug="no-such-org")).status_code == 403

    def test_anonymous_and_unknown(self, api_client, staff):
        agency = GovernmentAgencyFactory()
        assert api_client.post(self.url.format(slug=agency.slug)).status_code == 403
        as_user(api_client, staff)
        assert api_client.get(self.url.format(slug=agency.slug)).status_code == 405
        assert api_client.post(self.url.format(slug="no-such-org")).status_code == 404


class TestInvitations:
    def test_owner_invites_the_token_is_only_in_the_mail(self, api_client,
                                                         django_capture_on_commit_callbacks):
        owner = OwnerFactory()
        as_user(api_client, owner.user)
        with django_capture_on_commit_callbacks(execute=True):
            response = api_client.post(
                f"/api/organisations/{owner.organisation.slug}/invitations/",
                {"email": "colleague@example.org", "role": "member"}, format="json",
            )
        assert response.status_code == 201
        assert "token" not in response.json()
        invitation = Invitation.objects.get()
        assert invitation.token in mail.outbox[0].body
        listed = api_client.get(f"/api/organisations/{owner.organisation.slug}/invitations/").json()
        assert [i["email"] for i in listed] == ["colleague@example.org"]

    def test_non_owner_cannot_invite_or_list(self, api_client):
        member = MembershipFactory()
        url = f"/api/organisations/{member.organisation.slug}/invitations/"
        as_user(api_client, member.user)
        assert api_client.post(url, {"email": "x@example.org", "role": "member"},
                               format="json").status_code == 403
        assert api_client.get(url).status_code == 403
        assert not Invitation.objects.exists()

    def test_bad_invitation_input(self, api_client):
        owner = OwnerFactory()
        as_user(api_client, owner.user)
        url = f"/api/organisations/{owner.organisation.slug}/invitations/"
        response = api_client.post(url, {"email": "nope", "role": "member"}, format="json")
        assert response.status_code == 400
        assert "email" in response.json()["errors"]
        assert api_client.post("/api/organisations/ghost/invitations/",
                               {"email": "a@example.org", "role": "member"},
                               format="json").status_code == 404

    def test_accept(self, api_client):
        invitation = InvitationFactory(email="joiner@example.org", role="member")
        joiner = UserFactory(email="joiner@example.org")
        as_user(api_client, joiner)
        response = api_client.post(f"/api/invitations/{invitation.token}/accept/")
        assert response.status_code == 201
        assert response.json()["organisation"] == invitation.organisation.slug
        again = api_client.post(f"/api/invitations/{invitation.token}/accept/")
        assert again.status_code == 410
        assert again.json()["code"] == "invitation_accepted"

    @pytest.mark.parametrize(("status", "code"), [
        (Invitation.Status.REVOKED, "invitation_revoked"),
        (Invitation.Status.EXPIRED, "invitation_expired"),
    ])
    def test_unusable_tokens(self, api_client, status, code):
        invitation = InvitationFactory(email="joiner@example.org", status=status)
        as_user(api_client, UserFactory(email="joiner@example.org"))
        response = api_client.post(f"/api/invitations/{invitation.token}/accept/")
        assert response.status_code == 410
        assert response.json()["code"] == code

    def test_wrong_email_403_unknown_404(self, api_client):
        invitation = InvitationFactory(email="joiner@example.org")
        as_user(api_client, UserFactory(email="intruder@example.org"))
        response = api_client.post(f"/api/invitations/{invitation.token}/accept/")
        assert response.status_code == 403
        assert response.json()["code"] == "invitation_wrong_email"
        assert api_client.post("/api/invitations/unknown/accept/").status_code == 404

    def test_owner_revokes(self, api_client):
        owner = OwnerFactory()
        invitation = InvitationFactory(organisation=owner.organisation)
        url = f"/api/organisations/{owner.organisation.slug}/invitations/{invitation.pk}/revoke/"
        as_user(api_client, MembershipFactory(organisation=owner.organisation).user)
        assert api_client.post(url).status_code == 403
        as_user(api_client, owner.user)
        assert api_client.post(url).json()["status"] == "revoked"
        assert api_client.post(url).status_code == 409
        other = InvitationFactory(organisation=OrganisationFactory())
        assert api_client.post(
            f"/api/organisations/{owner.organisation.slug}/invitations/{other.pk}/revoke/"
        ).status_code == 404


def test_verified_user_shows_in_me(api_client):
    user = UserFactory()
    kyc_approve(kyc_request=submit(user), reviewer=StaffFactory())
    as_user(api_client, user)
    body = api_client.get("/api/me/").json()
    assert body["verification_status"] == "verified"
    assert body["verified_name"] == "王五"


def test_openapi_schema_documents_the_accounts_endpoints():
    from drf_spectacular.generators import SchemaGenerator

    paths = SchemaGenerator().get_schema(request=None, public=True)["paths"]
    for path in ("/api/me/", "/api/kyc/", "/api/staff/kyc/{id}/approve/",
                 "/api/organisations/{slug}/", "/api/organisations/{slug}/invitations/",
                 "/api/invitations/{token}/accept/"):
        assert path in paths
