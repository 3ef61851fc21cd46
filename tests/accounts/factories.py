"""Factories and helpers of the accounts tests."""

import io
import time
from pathlib import Path

import factory
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from factory.django import DjangoModelFactory

from marketplace.accounts.models import Invitation, MembershipRole, User
from marketplace.accounts.services.invitations import INVITATION_VALIDITY
from tests.factories import (  # noqa: F401  (the accounts tests import them from here)
    PASSWORD,
    TOTP_SECRET,
    ExpertFactory,
    GovernmentAgencyFactory,
    MembershipFactory,
    OrganisationFactory,
    OwnerFactory,
    StaffFactory,
    SuperuserFactory,
    UserFactory,
    VerifiedGovernmentAgencyFactory,
    buyer_officer,
    member_of,
)

PDF_BYTES = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPG_BYTES = b"\xff\xd8\xff\xe0" + b"\x00" * 64


class InvitationFactory(DjangoModelFactory):
    class Meta:
        model = Invitation

    organisation = factory.SubFactory(OrganisationFactory)
    email = factory.Sequence(lambda n: f"invitee{n}@example.org")
    role = MembershipRole.MEMBER
    invited_by = factory.SubFactory(UserFactory)
    expires_at = factory.LazyFunction(lambda: timezone.now() + INVITATION_VALIDITY)


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
