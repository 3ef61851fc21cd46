"""Users, real-name verification (KYC), organisations and memberships."""

import os
import secrets
import uuid

from django.conf import settings
from django.contrib.auth.base_user import BaseUserManager
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from marketplace.core.storage import PrivateStorage, private_storage  # noqa: F401  (migrations)


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra):
        if not email:
            raise ValueError("email is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email, password=None, **extra):
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra)


class VerificationStatus(models.TextChoices):
    UNVERIFIED = "unverified", _("Unverified")  # 未认证
    PENDING = "pending", _("Under review")  # 审核中
    VERIFIED = "verified", _("Verified")  # 已认证
    REJECTED = "rejected", _("Rejected")  # 驳回


class User(AbstractUser):
    """A person. Logs in with email (allauth); the username field is not used."""

    username = None
    email = models.EmailField(_("email address"), unique=True)
    display_name = models.CharField(_("display name"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    preferred_language = models.CharField(
        _("language"), max_length=10, choices=settings.LANGUAGES, default="zh-hans"
    )
    verification_status = models.CharField(
        _("real-name verification"), max_length=20, choices=VerificationStatus.choices,
        default=VerificationStatus.UNVERIFIED,
    )
    verified_name = models.CharField(_("verified legal name"), max_length=100, blank=True)
    is_panel_expert = models.BooleanField(
        _("panel expert"), default=False,
        help_text=_("Listed in the expert pool for procurement panels."),
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []
    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self):
        return self.display_name or self.email

    @property
    def is_real_name_verified(self) -> bool:
        return self.verification_status == VerificationStatus.VERIFIED


def kyc_upload_to(instance, filename):
    # The stored name never contains the user's file name: it may hold personal data.
    ext = os.path.splitext(filename)[1].lower()
    return f"kyc/{instance.request.user_id}/{uuid.uuid4().hex}{ext}"


class KycRequest(models.Model):
    """A real-name verification request, reviewed by staff."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    class IdType(models.TextChoices):
        RESIDENT_ID = "resident_id", _("Resident identity card")
        PASSPORT = "passport", _("Passport")
        BUSINESS_LICENCE = "business_licence", _("Business licence")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="kyc_requests"
    )
    legal_name = models.CharField(_("legal name"), max_length=100)
    id_type = models.CharField(_("document type"), max_length=30, choices=IdType.choices)
    id_number_last4 = models.CharField(
        _("last 4 characters of the document number"), max_length=4
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.SUBMITTED
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="kyc_reviews",
    )
    rejection_reason = models.TextField(_("reason for rejection"), blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), default=timezone.now)
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("real-name verification request")
        ordering = ["-submitted_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"], condition=models.Q(status="submitted"),
                name="kyc_one_open_request_per_user",
            )
        ]

    def __str__(self):
        return f"{self.legal_name} ({self.get_status_display()})"


class KycDocument(models.Model):
    """A scanned identity document. Stored in private storage, served only to the
    request's owner and staff."""

    request = models.ForeignKey(KycRequest, on_delete=models.CASCADE, related_name="documents")
    file = models.FileField(upload_to=kyc_upload_to, storage=private_storage, max_length=200)
    original_name = models.CharField(_("file name"), max_length=200, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveIntegerField(default=0)
    description = models.CharField(max_length=200, blank=True)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("identity document")
        ordering = ["pk"]

    def __str__(self):
        return self.original_name or self.file.name


class OrganisationKind(models.TextChoices):
    MAKER_COMPANY = "maker_company", _("Maker company")
    MAKERSPACE = "makerspace", _("Makerspace")
    GOVERNMENT_AGENCY = "government_agency", _("Government agency")
    INVESTOR_ENTITY = "investor_entity", _("Investor entity")
    SERVICE_PROVIDER = "service_provider", _("Service provider")


class OrganisationVerification(models.TextChoices):
    UNVERIFIED = "unverified", _("Not yet verified")
    VERIFIED = "verified", _("Verified by staff")


class Organisation(models.Model):
    kind = models.CharField(_("kind"), max_length=30, choices=OrganisationKind.choices)
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    slug = models.SlugField(max_length=80, unique=True)
    unified_credit_code = models.CharField(
        _("unified social credit code"), max_length=18, blank=True
    )
    district = models.CharField(_("district"), max_length=50, blank=True)
    description = models.TextField(_("description"), blank=True)
    website = models.URLField(_("website"), blank=True)
    # through accounts.states.ORGANISATION_VERIFICATION_STATES only
    verification_status = models.CharField(
        _("verification"), max_length=20, choices=OrganisationVerification.choices,
        default=OrganisationVerification.UNVERIFIED, db_index=True,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("organisation")
        ordering = ["name"]

    def __str__(self):
        return self.name

    @property
    def is_verified(self) -> bool:
        return self.verification_status == OrganisationVerification.VERIFIED


class MembershipRole(models.TextChoices):
    OWNER = "owner", _("Owner")
    MEMBER = "member", _("Member")
    BUYER_OFFICER = "buyer_officer", _("Buyer officer")
    APPROVER = "approver", _("Approver")


class Membership(models.Model):
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=20, choices=MembershipRole.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "user"], name="membership_unique")
        ]

    def __str__(self):
        return f"{self.user} @ {self.organisation} ({self.role})"


def _invitation_token():
    return secrets.token_urlsafe(32)


class Invitation(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        ACCEPTED = "accepted", _("Accepted")
        REVOKED = "revoked", _("Revoked")
        EXPIRED = "expired", _("Expired")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField(_("email address"))
    role = models.CharField(_("role"), max_length=20, choices=MembershipRole.choices)
    token = models.CharField(max_length=64, unique=True, default=_invitation_token)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PENDING
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(db_index=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    email_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("invitation")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "email"], condition=models.Q(status="pending"),
                name="invitation_one_pending_per_email",
            )
        ]

    def __str__(self):
        return f"{self.email} -> {self.organisation}"

    @property
    def is_past_expiry(self) -> bool:
        return timezone.now() >= self.expires_at
