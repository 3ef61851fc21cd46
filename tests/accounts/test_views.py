"""The accounts pages: profile, KYC submit and review, documents, organisations."""

import pytest
from django.core import mail
from django.urls import reverse

from marketplace.accounts.models import (
    Invitation,
    KycRequest,
    Membership,
    Organisation,
    VerificationStatus,
)
from marketplace.accounts.services.invitations import invitation_create
from marketplace.accounts.services.kyc import kyc_approve, kyc_reject, kyc_submit
from tests.accounts.factories import (
    InvitationFactory,
    MembershipFactory,
    OrganisationFactory,
    OwnerFactory,
    StaffFactory,
    UserFactory,
    VerifiedGovernmentAgencyFactory,
    mfa_activate,
    pdf,
    png,
    stored_files,
    upload,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(client):
    user = StaffFactory()
    mfa_activate(user)
    return user


def submit(user, documents=None):
    return kyc_submit(user=user, legal_name="李四", id_type="passport", id_number_last4="E123",
                      documents=documents or [pdf()])


def kyc_form(**overrides):
    data = {"legal_name": "李四", "id_type": "resident_id", "id_number_last4": "123X",
            "documents": [pdf(), png()]}
    data.update(overrides)
    return data


class TestProfile:
    def test_profile_shows_status_mfa_and_memberships(self, client):
        membership = OwnerFactory()
        client.force_login(membership.user)
        response = client.get(reverse("accounts:profile"), HTTP_ACCEPT_LANGUAGE="en")
        html = response.content.decode()
        assert response.status_code == 200
        assert "Unverified" in html
        assert membership.organisation.name in html
        assert reverse("mfa_index") in html
        assert 'enctype="multipart/form-data"' in html

    def test_saving_name_and_language_switches_the_ui(self, client):
        user = UserFactory(preferred_language="zh-hans")
        client.force_login(user)
        response = client.post(reverse("accounts:profile"),
                               {"display_name": "Ada", "phone": "", "preferred_language": "en"})
        assert response.status_code == 302
        assert response.cookies["django_language"].value == "en"
        user.refresh_from_db()
        assert (user.display_name, user.preferred_language) == ("Ada", "en")
        assert "Your profile was saved." in client.get(reverse("accounts:profile")).content.decode()

    def test_bad_language_is_a_400(self, client):
        client.force_login(UserFactory())
        response = client.post(reverse("accounts:profile"), {"preferred_language": "xx"})
        assert response.status_code == 400

    def test_anonymous_is_sent_to_login(self, client):
        response = client.get(reverse("accounts:profile"))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))

    def test_rejected_user_sees_the_reason_and_can_resubmit(self, client):
        user, staff = UserFactory(), StaffFactory()
        kyc_reject(kyc_request=submit(user), reviewer=staff, reason="证件已过期")
        client.force_login(user)
        html = client.get(reverse("accounts:profile")).content.decode()
        assert "证件已过期" in html
        assert reverse("accounts:kyc_submit") in html


class TestKycSubmitPage:
    def test_submit_moves_to_pending(self, client, private_root):
        user = UserFactory()
        client.force_login(user)
        response = client.post(reverse("accounts:kyc_submit"), kyc_form())
        assert response.status_code == 302
        user.refresh_from_db()
        assert user.verification_status == VerificationStatus.PENDING
        assert len(stored_files(private_root)) == 2
        html = client.get(reverse("accounts:profile")).content.decode()
        assert reverse("accounts:kyc_submit") not in html  # no second form while pending

    @pytest.mark.parametrize("documents", [
        [upload("virus.exe", b"MZ\x90\x00")],
        [upload("scan.pdf", b"%PDF-" + b"\x00" * (11 * 1024 * 1024))],
        [],
    ])
    def test_bad_documents_give_400_with_the_reason_and_write_nothing(
        self, client, documents, private_root
    ):
        user = UserFactory()
        client.force_login(user)
        response = client.post(reverse("accounts:kyc_submit"), kyc_form(documents=documents),
                               HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 400
        errors = response.context["kyc_form"].errors["documents"]
        assert errors and ("PDF, JPG or PNG" in errors[0] or "at most" in errors[0]
                           or "at least one" in errors[0])
        assert not KycRequest.objects.exists()
        assert stored_files(private_root) == []

    def test_submitting_while_pending_is_a_409(self, client):
        user = UserFactory()
        submit(user)
        client.force_login(user)
        response = client.post(reverse("accounts:kyc_submit"), kyc_form())
        assert response.status_code == 409
        assert KycRequest.objects.count() == 1


class TestKycReviewPages:
    def test_queue_lists_requests_with_documents(self, client, staff, django_assert_max_num_queries):
        for _ in range(4):
            submit(UserFactory(), [pdf(), png()])
        client.force_login(staff)
        with django_assert_max_num_queries(12):
            response = client.get(reverse("accounts:kyc_queue"))
        assert response.status_code == 200
        assert len(response.context["page"].object_list) == 4
        assert response.content.decode().count("/kyc/documents/") == 8

    def test_queue_and_review_are_for_staff_only(self, client):
        kyc_request = submit(UserFactory())
        client.force_login(MembershipFactory().user)
        assert client.get(reverse("accounts:kyc_queue")).status_code == 403
        assert client.get(reverse("accounts:kyc_review", args=[kyc_request.pk])).status_code == 403
        response = client.post(reverse("accounts:kyc_approve", args=[kyc_request.pk]))
        assert response.status_code == 403
        kyc_request.refresh_from_db()
        assert kyc_request.status == KycRequest.Status.SUBMITTED

    def test_staff_approves(self, client, staff):
        kyc_request = submit(UserFactory())
        client.force_login(staff)
        assert client.get(reverse("accounts:kyc_review", args=[kyc_request.pk])).status_code == 200
        response = client.post(reverse("accounts:kyc_approve", args=[kyc_request.pk]))
        assert response.status_code == 302
        kyc_request.refresh_from_db()
        assert kyc_request.status == KycRequest.Status.APPROVED
        # a second approval is refused with a readable message
        response = client.post(reverse("accounts:kyc_approve", args=[kyc_request.pk]),
                               HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 409
        assert "already been decided" in response.content.decode()

    def test_reject_without_reason_is_a_400_with_the_message(self, client, staff):
        kyc_request = submit(UserFactory())
        client.force_login(staff)
        url = reverse("accounts:kyc_reject", args=[kyc_request.pk])
        response = client.post(url, {"reason": "  "}, HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 400
        assert "Give the reason" in response.context["reject_form"].errors["reason"][0]
        response = client.post(url, {"reason": "Photo unreadable"})
        assert response.status_code == 302
        kyc_request.refresh_from_db()
        assert kyc_request.rejection_reason == "Photo unreadable"

    def test_unknown_request_is_404(self, client, staff):
        client.force_login(staff)
        assert client.get(reverse("accounts:kyc_review", args=[999999])).status_code == 404


class TestDocuments:
    def test_owner_and_staff_can_read_a_document(self, client, staff):
        user = UserFactory()
        document = submit(user, [pdf("passport.pdf")]).documents.get()
        url = reverse("accounts:kyc_document", args=[document.pk])
        for viewer in (user, staff):
            client.force_login(viewer)
            response = client.get(url)
            assert response.status_code == 200
            assert response["Content-Type"] == "application/pdf"
            assert {"private", "no-store"} <= set(response["Cache-Control"].split(", "))
            assert response["X-Content-Type-Options"] == "nosniff"
            assert b"".join(response.streaming_content).startswith(b"%PDF-")
        response = client.get(url + "?download=1")
        assert "attachment" in response["Content-Disposition"]
        assert "passport.pdf" in response["Content-Disposition"]

    def test_others_get_404_and_anonymous_the_login(self, client):
        document = submit(UserFactory()).documents.get()
        url = reverse("accounts:kyc_document", args=[document.pk])
        # an owner of the same organisation is still not allowed
        client.force_login(OwnerFactory().user)
        assert client.get(url).status_code == 404
        client.logout()
        assert client.get(url).status_code == 302

    @pytest.mark.parametrize(("language", "text"), [
        ("zh-hans", "该文件暂时无法获取，请告知平台工作人员。"),
        ("en", "This file is not available at the moment. Please tell the platform staff."),
    ])
    def test_a_lost_file_is_a_404_page_not_a_500(self, client, caplog, language, text):
        user = UserFactory()
        document = submit(user, [pdf("passport.pdf")]).documents.get()
        document.file.storage.delete(document.file.name)  # the volume lost it
        client.force_login(user)
        response = client.get(reverse("accounts:kyc_document", args=[document.pk]),
                              HTTP_ACCEPT_LANGUAGE=language)
        assert response.status_code == 404
        assert text in response.content.decode()
        assert any(document.file.name in r.getMessage() and r.levelname == "ERROR"
                   for r in caplog.records)

    def test_documents_are_not_under_media(self, client, settings, private_root):
        document = submit(UserFactory()).documents.get()
        assert str(private_root) in document.file.path
        assert not document.file.path.startswith(settings.MEDIA_ROOT)


class TestOrganisationPages:
    def test_list_create_and_detail(self, client):
        user = UserFactory()
        client.force_login(user)
        assert client.get(reverse("accounts:organisation_list")).status_code == 200
        assert client.get(reverse("accounts:organisation_create")).status_code == 200
        response = client.post(reverse("accounts:organisation_create"), {
            "kind": "maker_company", "name": "海之声", "name_en": "Sound of the Sea",
            "district": "laoshan",
        })
        assert response.status_code == 302
        organisation = Organisation.objects.get(slug="sound-of-the-sea")
        assert Membership.objects.get(organisation=organisation).user == user
        page = client.get(reverse("accounts:organisation_detail", args=[organisation.slug]))
        assert page.status_code == 200
        assert "海之声" in page.content.decode()
        assert "崂山区" in page.content.decode()

    def test_create_with_a_bad_credit_code_is_a_400(self, client):
        client.force_login(UserFactory())
        response = client.post(reverse("accounts:organisation_create"), {
            "kind": "maker_company", "name": "X", "unified_credit_code": "123",
        }, HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 400
        assert "18 characters" in response.context["form"].errors["unified_credit_code"][0]
        assert not Organisation.objects.exists()

    def test_member_of_a_cannot_edit_or_see_b(self, client):
        owner_a = OwnerFactory()
        org_b = OrganisationFactory(name="B")
        client.force_login(owner_a.user)
        edit_b = reverse("accounts:organisation_edit", args=[org_b.slug])
        assert client.get(edit_b).status_code == 403
        assert client.post(edit_b, {"name": "Hijacked"}).status_code == 403
        assert client.get(reverse("accounts:organisation_detail", args=[org_b.slug])).status_code == 403
        org_b.refresh_from_db()
        assert org_b.name == "B"

    def test_owner_edits_plain_member_cannot(self, client):
        owner = OwnerFactory()
        member = MembershipFactory(organisation=owner.organisation)
        url = reverse("accounts:organisation_edit", args=[owner.organisation.slug])
        client.force_login(member.user)
        assert client.post(url, {"name": "Member's name"}).status_code == 403
        client.force_login(owner.user)
        response = client.post(url, {"name": "Owner's name", "website": "https://x.example.org"})
        assert response.status_code == 302
        owner.organisation.refresh_from_db()
        assert owner.organisation.name == "Owner's name"

    def test_list_shows_my_role_and_the_member_count(self, client):
        owner = OwnerFactory(organisation=OrganisationFactory(name="海之声"))
        MembershipFactory.create_batch(2, organisation=owner.organisation)
        OrganisationFactory(name="Not mine")
        client.force_login(owner.user)
        html = client.get(reverse("accounts:organisation_list"),
                          HTTP_ACCEPT_LANGUAGE="en").content.decode()
        assert "海之声" in html and "Not mine" not in html
        assert "your role: Owner" in html
        assert "3 members" in html

    def test_an_identity_edit_of_a_verified_organisation_warns_and_withdraws(self, client):
        owner = OwnerFactory(organisation=VerifiedGovernmentAgencyFactory(name="市科技局"),
                             user__mfa=True)  # buyer roles need MFA
        url = reverse("accounts:organisation_edit", args=[owner.organisation.slug])
        client.force_login(owner.user)
        assert "withdraws the verification" in client.get(
            url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
        response = client.post(url, {"name": "市财政局"}, follow=True, HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 200
        assert "the platform staff will verify it again" in response.content.decode()
        owner.organisation.refresh_from_db()
        assert not owner.organisation.is_verified
        assert "Buyer powers (innovation procurement) start once" in response.content.decode()

    def test_unknown_organisation_is_404(self, client):
        client.force_login(UserFactory())
        assert client.get(reverse("accounts:organisation_detail", args=["nope"])).status_code == 404

    def test_members_page_and_invite(self, client, django_capture_on_commit_callbacks):
        owner = OwnerFactory()
        MembershipFactory.create_batch(3, organisation=owner.organisation)
        slug = owner.organisation.slug
        client.force_login(owner.user)
        page = client.get(reverse("accounts:organisation_members", args=[slug]))
        assert page.status_code == 200
        assert len(page.context["members"]) == 4
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("accounts:organisation_invite", args=[slug]),
                                   {"email": "friend@example.org", "role": "member"})
        assert response.status_code == 302
        assert mail.outbox[0].to == ["friend@example.org"]
        # the same address again: 409 with the reason
        response = client.post(reverse("accounts:organisation_invite", args=[slug]),
                               {"email": "friend@example.org", "role": "member"},
                               HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 409
        assert "pending invitation" in response.context["invite_form"].errors["email"][0]

    def test_non_owner_cannot_invite(self, client):
        member = MembershipFactory()
        client.force_login(member.user)
        response = client.post(
            reverse("accounts:organisation_invite", args=[member.organisation.slug]),
            {"email": "friend@example.org", "role": "member"},
        )
        assert response.status_code == 403
        assert not Invitation.objects.exists()

    def test_owner_changes_roles_but_not_the_last_owner(self, client):
        owner = OwnerFactory()
        member = MembershipFactory(organisation=owner.organisation)
        slug = owner.organisation.slug
        client.force_login(owner.user)
        response = client.post(reverse("accounts:membership_role", args=[slug, member.pk]),
                               {f"m{member.pk}-role": "owner"})
        assert response.status_code == 302
        member.refresh_from_db()
        assert member.role == "owner"
        # now demote the first owner (allowed, one remains), then try the last one
        client.post(reverse("accounts:membership_role", args=[slug, owner.pk]),
                    {f"m{owner.pk}-role": "member"})
        client.force_login(member.user)
        response = client.post(reverse("accounts:membership_role", args=[slug, member.pk]),
                               {f"m{member.pk}-role": "member"}, HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 409
        assert "at least one owner" in response.content.decode()
        member.refresh_from_db()
        assert member.role == "owner"

    def test_remove_and_leave(self, client):
        owner = OwnerFactory()
        slug = owner.organisation.slug
        stays, leaves = MembershipFactory.create_batch(2, organisation=owner.organisation)
        client.force_login(leaves.user)
        assert client.post(reverse("accounts:membership_remove", args=[slug, stays.pk])).status_code == 403
        assert client.post(reverse("accounts:membership_remove", args=[slug, leaves.pk])).status_code == 302
        client.force_login(owner.user)
        assert client.post(reverse("accounts:membership_remove", args=[slug, stays.pk])).status_code == 302
        assert client.post(reverse("accounts:membership_remove", args=[slug, owner.pk])).status_code == 409
        assert list(Membership.objects.values_list("pk", flat=True)) == [owner.pk]

    def test_owner_withdraws_an_invitation(self, client):
        owner = OwnerFactory()
        invitation = InvitationFactory(organisation=owner.organisation, invited_by=owner.user)
        url = reverse("accounts:invitation_revoke", args=[owner.organisation.slug, invitation.pk])
        client.force_login(MembershipFactory(organisation=owner.organisation).user)
        assert client.post(url).status_code == 403
        client.force_login(owner.user)
        assert client.post(url).status_code == 302
        invitation.refresh_from_db()
        assert invitation.status == Invitation.Status.REVOKED


class TestInvitationPage:
    def test_accept(self, client):
        owner = OwnerFactory()
        invitation = invitation_create(organisation=owner.organisation, actor=owner.user,
                                       email="joiner@example.org", role="member")
        url = reverse("accounts:invitation_accept", args=[invitation.token])
        assert client.get(url).status_code == 302  # log in first
        joiner = UserFactory(email="joiner@example.org")
        client.force_login(joiner)
        assert owner.organisation.name in client.get(url).content.decode()
        response = client.post(url)
        assert response.status_code == 302
        assert Membership.objects.filter(user=joiner, organisation=owner.organisation).exists()

    @pytest.mark.parametrize(("status", "code", "text"), [
        (Invitation.Status.REVOKED, 410, "withdrawn"),
        (Invitation.Status.ACCEPTED, 410, "already been accepted"),
        (Invitation.Status.EXPIRED, 410, "expired"),
    ])
    def test_unusable_invitations_explain_why(self, client, status, code, text):
        invitation = InvitationFactory(status=status, email="joiner@example.org")
        client.force_login(UserFactory(email="joiner@example.org"))
        response = client.post(reverse("accounts:invitation_accept", args=[invitation.token]),
                               HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == code
        assert text in response.content.decode()

    def test_wrong_person_gets_403_unknown_token_404(self, client):
        invitation = InvitationFactory(email="joiner@example.org")
        client.force_login(UserFactory(email="someone.else@example.org"))
        url = reverse("accounts:invitation_accept", args=[invitation.token])
        assert client.post(url).status_code == 403
        assert client.get(reverse("accounts:invitation_accept", args=["nope"])).status_code == 404


@pytest.mark.parametrize(("language", "text"), [
    ("en", "Give the reason for the rejection"),
    ("zh-hans", "请填写驳回理由"),
])
def test_review_error_is_translated(client, staff, language, text):
    kyc_request = submit(UserFactory())
    client.force_login(staff)
    response = client.post(reverse("accounts:kyc_reject", args=[kyc_request.pk]), {"reason": ""},
                           HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 400
    assert text in response.content.decode()


def test_a_verified_user_sees_the_verified_name(client):
    user = UserFactory(preferred_language="en")
    kyc_approve(kyc_request=submit(user), reviewer=StaffFactory())
    client.force_login(user)
    html = client.get(reverse("accounts:profile"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "verified as 李四" in html
