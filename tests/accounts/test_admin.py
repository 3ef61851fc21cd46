import pytest
from django.urls import reverse

from marketplace.accounts.models import Invitation, KycRequest, Membership, Organisation, User
from marketplace.accounts.services.kyc import kyc_submit
from marketplace.core.models import AuditEvent
from tests.accounts.factories import (
    GovernmentAgencyFactory,
    InvitationFactory,
    OrganisationFactory,
    OwnerFactory,
    StaffFactory,
    UserFactory,
    VerifiedGovernmentAgencyFactory,
    mfa_activate,
    pdf,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    admin = StaffFactory(is_superuser=True)
    mfa_activate(admin)
    client.force_login(admin)
    return client


def test_every_accounts_admin_page_opens(admin_client):
    owner = OwnerFactory()
    invitation = InvitationFactory(organisation=owner.organisation)
    kyc_request = kyc_submit(user=UserFactory(), legal_name="赵六", id_type="passport",
                             id_number_last4="1111", documents=[pdf()])
    pages = [
        ("accounts_user", owner.user.pk),
        ("accounts_kycrequest", kyc_request.pk),
        ("accounts_organisation", owner.organisation.pk),
        ("accounts_membership", owner.pk),
        ("accounts_invitation", invitation.pk),
    ]
    for name, pk in pages:
        assert admin_client.get(reverse(f"admin:{name}_changelist")).status_code == 200, name
        assert admin_client.get(reverse(f"admin:{name}_change", args=[pk])).status_code == 200, name
    assert admin_client.get(reverse("admin:accounts_user_add")).status_code == 200
    # organisations are created by the people who run them, never in the admin
    assert admin_client.get(reverse("admin:accounts_organisation_add")).status_code == 403
    page = admin_client.get(reverse("admin:accounts_kycrequest_change", args=[kyc_request.pk]))
    assert reverse("accounts:kyc_document", args=[kyc_request.documents.get().pk]) in \
        page.content.decode()


def test_creating_a_user_in_the_admin_uses_the_email(admin_client):
    response = admin_client.post(reverse("admin:accounts_user_add"), {
        "email": "Made.By@Admin.example.org", "usable_password": "true",
        "password1": "a-strong-admin-pass-2026", "password2": "a-strong-admin-pass-2026",
    })
    assert response.status_code == 302, response.context["adminform"].form.errors
    user = User.objects.get(email="made.by@admin.example.org")
    assert user.check_password("a-strong-admin-pass-2026")
    assert AuditEvent.objects.filter(action="accounts.user.admin_created",
                                     object_id=str(user.pk)).exists()


def test_admin_edits_go_through_the_moderation_service(admin_client):
    organisation = OwnerFactory().organisation
    response = admin_client.post(
        reverse("admin:accounts_organisation_change", args=[organisation.pk]),
        {"kind": organisation.kind, "name": organisation.name, "name_en": "", "slug": organisation.slug,
         "unified_credit_code": "", "district": "laoshan", "description": "", "website": "",
         "is_verified": "on",
         "memberships-TOTAL_FORMS": "1", "memberships-INITIAL_FORMS": "1",
         "memberships-MIN_NUM_FORMS": "0", "memberships-MAX_NUM_FORMS": "1000",
         "memberships-0-id": str(organisation.memberships.get().pk),
         "memberships-0-organisation": str(organisation.pk)},
    )
    assert response.status_code == 302
    organisation.refresh_from_db()
    assert organisation.district == "laoshan"
    assert not organisation.is_verified  # read-only: only the verify action sets it
    event = AuditEvent.objects.get(action="accounts.organisation.moderated")
    assert event.data == {"changes": {"district": ["", "laoshan"]}}


def test_an_admin_edit_the_service_refuses_shows_on_the_form(admin_client):
    organisation = OwnerFactory().organisation
    response = admin_client.post(
        reverse("admin:accounts_organisation_change", args=[organisation.pk]),
        {"name": organisation.name, "name_en": "", "unified_credit_code": "not-a-code",
         "district": "", "description": "", "website": "",
         "memberships-TOTAL_FORMS": "0", "memberships-INITIAL_FORMS": "0",
         "memberships-MIN_NUM_FORMS": "0", "memberships-MAX_NUM_FORMS": "1000"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    assert "18 characters" in str(response.context["adminform"].form.errors)
    organisation.refresh_from_db()
    assert organisation.unified_credit_code == ""
    assert not AuditEvent.objects.filter(action="accounts.organisation.moderated").exists()


def test_changing_a_verified_identity_in_the_admin_withdraws_the_verification(admin_client):
    organisation = VerifiedGovernmentAgencyFactory(name="青岛市某局")
    admin_client.post(
        reverse("admin:accounts_organisation_change", args=[organisation.pk]),
        {"name": "青岛市另一局", "name_en": "", "unified_credit_code": "", "district": "",
         "description": "", "website": "",
         "memberships-TOTAL_FORMS": "0", "memberships-INITIAL_FORMS": "0",
         "memberships-MIN_NUM_FORMS": "0", "memberships-MAX_NUM_FORMS": "1000"},
    )
    organisation.refresh_from_db()
    assert organisation.name == "青岛市另一局" and not organisation.is_verified


def test_verify_and_withdraw_actions_go_through_the_service(admin_client):
    agency = GovernmentAgencyFactory()
    already = VerifiedGovernmentAgencyFactory()
    changelist = reverse("admin:accounts_organisation_changelist")
    response = admin_client.post(changelist, {
        "action": "verify_selected", "_selected_action": [agency.pk, already.pk],
    }, follow=True, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    texts = [str(m) for m in response.context["messages"]]
    assert "1 organisation(s) verified." in texts
    assert any("already verified" in t for t in texts)
    agency.refresh_from_db()
    assert agency.is_verified
    assert AuditEvent.objects.filter(action="accounts.organisation.verified",
                                     object_id=str(agency.pk)).count() == 1

    admin_client.post(changelist, {
        "action": "withdraw_verification_selected", "_selected_action": [agency.pk],
    })
    agency.refresh_from_db()
    assert not agency.is_verified
    assert AuditEvent.objects.filter(
        action="accounts.organisation.verification_withdrawn", object_id=str(agency.pk)
    ).exists()


def test_statuses_and_memberships_are_read_only_in_the_admin(admin_client):
    user = UserFactory()
    kyc_request = kyc_submit(user=user, legal_name="赵六", id_type="passport",
                             id_number_last4="1111", documents=[pdf()])
    # the approve action goes through the service
    response = admin_client.post(reverse("admin:accounts_kycrequest_changelist"), {
        "action": "approve_selected", "_selected_action": [kyc_request.pk],
    })
    assert response.status_code == 302
    kyc_request.refresh_from_db()
    assert kyc_request.status == KycRequest.Status.APPROVED
    user.refresh_from_db()
    assert user.verification_status == "verified"
    assert admin_client.get(reverse("admin:accounts_kycrequest_add")).status_code == 403
    assert admin_client.get(reverse("admin:accounts_membership_add")).status_code == 403
    assert admin_client.get(reverse("admin:accounts_invitation_add")).status_code == 403
    membership = Membership.objects.first() or OwnerFactory()
    assert admin_client.post(reverse("admin:accounts_membership_delete", args=[membership.pk]),
                             {"post": "yes"}).status_code == 403
    assert Organisation.objects.exists()


def test_staff_withdraw_invitations_through_the_service(admin_client):
    invitation = InvitationFactory()
    response = admin_client.post(reverse("admin:accounts_invitation_changelist"), {
        "action": "revoke_selected", "_selected_action": [invitation.pk],
    })
    assert response.status_code == 302
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.REVOKED
    assert AuditEvent.objects.filter(action="accounts.invitation.revoked").exists()


def test_the_admin_refuses_a_duplicate_address_in_other_case(admin_client):
    UserFactory(email="taken@example.org")
    response = admin_client.post(reverse("admin:accounts_user_add"), {
        "email": "TAKEN@example.org", "usable_password": "true",
        "password1": "a-strong-admin-pass-2026", "password2": "a-strong-admin-pass-2026",
    })
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["email"]
    assert User.objects.filter(email__iexact="taken@example.org").count() == 1


def test_organisations_cannot_be_deleted_in_the_admin(admin_client):
    organisation = OrganisationFactory(name="Spam Ltd")
    response = admin_client.post(
        reverse("admin:accounts_organisation_delete", args=[organisation.pk]), {"post": "yes"}
    )
    assert response.status_code == 403
    assert Organisation.objects.filter(pk=organisation.pk).exists()


def test_kyc_requests_and_invitations_cannot_be_deleted_in_the_admin(admin_client):
    kyc_request = kyc_submit(user=UserFactory(), legal_name="赵六", id_type="passport",
                             id_number_last4="1111", documents=[pdf()])
    invitation = InvitationFactory()
    for name, pk in (("accounts_kycrequest", kyc_request.pk), ("accounts_invitation", invitation.pk)):
        response = admin_client.post(reverse(f"admin:{name}_delete", args=[pk]), {"post": "yes"})
        assert response.status_code == 403
    assert KycRequest.objects.filter(pk=kyc_request.pk).exists()
    assert Invitation.objects.filter(pk=invitation.pk).exists()
