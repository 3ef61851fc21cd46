from datetime import timedelta

import pytest
from django.utils import timezone

from marketplace.accounts.models import (
    KycDocument,
    KycRequest,
    VerificationStatus,
    kyc_upload_to,
    private_storage,
)
from marketplace.accounts.states import (
    INVITATION_STATES,
    KYC_REQUEST_STATES,
    USER_VERIFICATION_STATES,
)
from marketplace.core.errors import IllegalTransition
from tests.accounts.factories import InvitationFactory, UserFactory


def test_user_verification_moves_are_written_down():
    assert USER_VERIFICATION_STATES.field == "verification_status"
    assert USER_VERIFICATION_STATES.allowed_from("unverified") == {"pending"}
    assert USER_VERIFICATION_STATES.allowed_from("pending") == {"verified", "rejected"}
    assert USER_VERIFICATION_STATES.allowed_from("rejected") == {"pending"}
    # verified is final: nobody un-verifies by a status write
    assert USER_VERIFICATION_STATES.allowed_from("verified") == frozenset()
    assert USER_VERIFICATION_STATES.states == set(VerificationStatus.values)


def test_kyc_request_gets_one_decision():
    assert KYC_REQUEST_STATES.allowed_from("submitted") == {"approved", "rejected"}
    for final in ("approved", "rejected"):
        with pytest.raises(IllegalTransition):
            KYC_REQUEST_STATES.check(final, "approved")


def test_invitation_leaves_pending_once():
    assert INVITATION_STATES.allowed_from("pending") == {"accepted", "revoked", "expired"}
    for final in ("accepted", "revoked", "expired"):
        assert INVITATION_STATES.allowed_from(final) == frozenset()


@pytest.mark.django_db
def test_user_is_created_with_lower_case_email_and_no_username():
    from marketplace.accounts.models import User

    user = User.objects.create_user(email="Someone@Example.ORG", password="x-pass-2026")
    assert user.email == "someone@example.org"
    assert not hasattr(user, "username") or user.username is None
    assert user.verification_status == VerificationStatus.UNVERIFIED
    assert not user.is_real_name_verified
    assert str(user) == "someone@example.org"


@pytest.mark.django_db
def test_invitation_knows_when_it_is_past_expiry():
    invitation = InvitationFactory()
    assert not invitation.is_past_expiry
    invitation.expires_at = timezone.now() - timedelta(seconds=1)
    assert invitation.is_past_expiry


@pytest.mark.django_db
def test_document_names_do_not_leak_the_uploaded_file_name():
    user = UserFactory()
    document = KycDocument(request=KycRequest(user=user))
    name = kyc_upload_to(document, "张三 身份证.PDF")
    assert name.startswith(f"kyc/{user.pk}/")
    assert name.endswith(".pdf")
    assert "张三" not in name


def test_private_storage_has_no_public_url(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = str(tmp_path / "vault")
    storage = private_storage()
    assert storage.location == str(tmp_path / "vault")
    assert settings.MEDIA_ROOT not in storage.location
    with pytest.raises(ValueError):
        storage.url("kyc/1/x.pdf")
