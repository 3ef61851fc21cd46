"""Factories and helpers of the accounts tests."""

import io
import time
from pathlib import Path

import factory
from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from factory.django import DjangoModelFactory

from marketplace.accounts.models import (
    Invitation,
    Membership,
    MembershipRole,
    Organisation,
    OrganisationKind,
    User,
)
from marketplace.accounts.services.invitations import INVITATION_VALIDITY

PASSWORD = "correct-horse-battery-2026"
TOTP_SECRET = "JBSWY3DPEHPK3PXP"

PDF_BYTES = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPG_BYTES = b"\xff\xd8\xff\xe0" + b"\x00" * 64


class UserFactory(DjangoModelFactory):
    """A user with a verified primary email address (pass ``verified_email=False`` to
    skip it) and the password ``PASSWORD``."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    display_name = factory.Sequence(lambda n: f"Person {n}")

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        password = kwargs.pop("password", PASSWORD)
        return model_class.objects.create_user(*args, password=password, **kwargs)

    @factory.post_generation
    def verified_email(obj, create, extracted, **kwargs):
        if create and extracted is not False:
            EmailAddress.objects.create(user=obj, email=obj.email, verified=True, primary=True)


class StaffFactory(UserFactory):
    is_staff = True


class ExpertFactory(UserFactory):
    is_panel_expert = True


class OrganisationFactory(DjangoModelFactory):
    class Meta:
        model = Organisation

    kind = OrganisationKind.MAKER_COMPANY
    name = factory.Sequence(lambda n: f"Organisation {n}")
    slug = factory.Sequence(lambda n: f"org-{n}")


class GovernmentAgencyFactory(OrganisationFactory):
    kind = OrganisationKind.GOVERNMENT_AGENCY


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = Membership

    organisation = factory.SubFactory(OrganisationFactory)
    user = factory.SubFactory(UserFactory)
    role = MembershipRole.MEMBER


class OwnerFactory(MembershipFactory):
    role = MembershipRole.OWNER


class InvitationFactory(DjangoModelFactory):
    class Meta:
        model = Invitation

    organisation = factory.SubFactory(OrganisationFactory)
    email = factory.Sequence(lambda n: f"invitee{n}@example.org")
    role = MembershipRole.MEMBER
    invited_by = factory.SubFactory(UserFactory)
    expires_at = factory.LazyFunction(lambda: timezone.now() + INVITATION_VALIDITY)


def buyer_officer(**user_kwargs) -> User:
    """A government buyer: buyer officer of a government agency."""
    membership = MembershipFactory(
        organisation=GovernmentAgencyFactory(), role=MembershipRole.BUYER_OFFICER,
        user=UserFactory(**user_kwargs),
    )
    return membership.user


def upload(name: str, content: bytes, content_type: str = "application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def pdf(name: str = "id-card.pdf", padding: int = 0):
    return upload(name, PDF_BYTES + b"\x00" * padding, "application/pdf")


def png(name: str = "id-card.png"):
    return upload(name, PNG_BYTES, "image/png")


def jpg(name: str = "id-card.jpg"):
    return upload(name, JPG_BYTES, "image/jpeg")


def big_pdf(megabytes: int = 11):
    """A PDF header followed by ``megabytes`` MB of padding, built in memory."""
    buffer = io.BytesIO(PDF_BYTES + b"\x00" * (megabytes * 1024 * 1024))
    return upload("scan.pdf", buffer.getvalue(), "application/pdf")


def mfa_activate(user: User, secret: str = TOTP_SECRET) -> TOTP:
    return TOTP.activate(user, secret)


def totp_code(secret: str = TOTP_SECRET, at: float | None = None) -> str:
    counter = int(at if at is not None else time.time()) // 30
    return format_hotp_value(hotp_value(secret, counter))


def stored_files(root) -> list[Path]:
    root = Path(root)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []
