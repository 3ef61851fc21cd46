"""Demo accounts and organisations (seeder order 10). Idempotent: users and
organisations are looked up by email and slug; passwords are set only on creation.

buyer@, expert@ and staff@ must use MFA, so they get a TOTP authenticator with a fixed,
published demo secret: add it to any authenticator app to log in as them.
"""

from __future__ import annotations

import os

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP
from django.contrib.sites.models import Site
from django.core.files.base import ContentFile

from marketplace.accounts.models import (
    KycRequest,
    Membership,
    MembershipRole,
    Organisation,
    OrganisationKind,
    User,
    VerificationStatus,
)
from marketplace.accounts.services.kyc import kyc_approve, kyc_submit
from marketplace.accounts.services.organisations import membership_add, organisation_verify
from marketplace.accounts.states import AccountsAction
from marketplace.core.audit import audit_log
from marketplace.core.demo import demo_seeder

DEMO_PASSWORD = "demo-pass-2026"
# Base32 of "Hello!\xde\xad\xbe\xef": the classic demo secret. Public on purpose.
DEMO_TOTP_SECRET = "JBSWY3DPEHPK3PXP"

USERS = [
    {"email": "maker@demo.local", "display_name": "李创客 Li Maker"},
    {"email": "backer@demo.local", "display_name": "赵支持 Zhao Backer"},
    {"email": "investor@demo.local", "display_name": "钱投资 Qian Investor"},
    {"email": "buyer@demo.local", "display_name": "孙采购 Sun Buyer", "mfa": True},
    {"email": "expert@demo.local", "display_name": "周专家 Zhou Expert",
     "is_panel_expert": True, "mfa": True},
    {"email": "operator@demo.local", "display_name": "吴运营 Wu Operator"},
    {"email": "staff@demo.local", "display_name": "平台管理员 Platform Staff",
     "is_staff": True, "is_superuser": True, "mfa": True},
]

ORGANISATIONS = [
    {"slug": "demo-maker", "kind": OrganisationKind.MAKER_COMPANY,
     "name": "青岛蓝湾智造科技有限公司", "name_en": "Blue Bay Smart Making Co., Ltd.",
     "district": "laoshan", "member": ("maker@demo.local", MembershipRole.OWNER),
     "description": "崂山区的智能硬件初创团队，研发海洋环境监测设备。"},
    {"slug": "demo-investor", "kind": OrganisationKind.INVESTOR_ENTITY,
     "name": "青岛海创天使投资合伙企业", "name_en": "Haichuang Angel Investment LP",
     "district": "shinan", "member": ("investor@demo.local", MembershipRole.OWNER),
     "description": "关注海洋科技与智能制造的天使投资机构。"},
    {"slug": "qingdao-sti-bureau", "kind": OrganisationKind.GOVERNMENT_AGENCY,
     "name": "青岛市科学技术局", "name_en": "Qingdao Municipal Science and Technology Bureau",
     "district": "shinan", "member": ("buyer@demo.local", MembershipRole.BUYER_OFFICER),
     "description": "首购、订购创新产品的采购人。"},
]

# A one-page PDF standing in for a scanned identity card.
_DEMO_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 120]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def _user(spec: dict, log) -> User:
    user = User.objects.filter(email=spec["email"]).first()
    if user is None:
        user = User.objects.create_user(
            email=spec["email"], password=DEMO_PASSWORD, display_name=spec["display_name"],
            is_staff=spec.get("is_staff", False), is_superuser=spec.get("is_superuser", False),
            is_panel_expert=spec.get("is_panel_expert", False),
        )
        audit_log(actor=None, action=AccountsAction.USER_DEMO_CREATED, obj=user)
        log(f"user {user.email}")
    address, _ = EmailAddress.objects.get_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )
    if not (address.verified and address.primary):
        EmailAddress.objects.filter(pk=address.pk).update(verified=True, primary=True)
    if spec.get("mfa"):
        if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
            TOTP.activate(user, DEMO_TOTP_SECRET)
            log(f"TOTP for {user.email}")
        if not Authenticator.objects.filter(
            user=user, type=Authenticator.Type.RECOVERY_CODES
        ).exists():
            RecoveryCodes.activate(user)
    return user


def _organisation(spec: dict, users: dict[str, User], staff: User, log) -> Organisation:
    fields = {k: spec[k] for k in ("kind", "name", "name_en", "district", "description")}
    organisation, created = Organisation.objects.get_or_create(slug=spec["slug"], defaults=fields)
    if created:
        audit_log(actor=None, action=AccountsAction.ORGANISATION_DEMO_CREATED, obj=organisation,
                  data={"kind": organisation.kind, "slug": organisation.slug})
        log(f"organisation {organisation.slug}")
    email, role = spec["member"]
    if not Membership.objects.filter(organisation=organisation, user=users[email]).exists():
        membership_add(organisation=organisation, user=users[email], role=role, actor=None)
    # Every demo organisation is verified by the demo staff member, as in production:
    # the bureau's buyer officer has buyer powers only because of it.
    if not organisation.is_verified:
        organisation_verify(organisation=organisation, actor=staff)
        log(f"verified {organisation.slug}")
    return organisation


def _verify_investor(investor: User, staff: User, log) -> None:
    if investor.verification_status == VerificationStatus.VERIFIED:
        return
    kyc_request = KycRequest.objects.filter(
        user=investor, status=KycRequest.Status.SUBMITTED
    ).first() or kyc_submit(
        user=investor, legal_name="钱投资", id_type=KycRequest.IdType.RESIDENT_ID,
        id_number_last4="123X", documents=[ContentFile(_DEMO_PDF, name="demo-id-card.pdf")],
    )
    kyc_approve(kyc_request=kyc_request, reviewer=staff)
    log(f"real-name verified {investor.email}")


DEMO_HOST_NAMES = ("127.0.0.1", "localhost", "[::1]")


def demo_site_domain() -> str:
    """The address the demo server listens on, from the same HOST and PORT as
    scripts/run.sh (a server bound to every interface is reached at 127.0.0.1)."""
    host = os.environ.get("HOST", "127.0.0.1").strip() or "127.0.0.1"
    if host in ("0.0.0.0", "::", "[::]"):  # noqa: S104  (a bind address, not a binding)
        host = "127.0.0.1"
    port = os.environ.get("PORT", "8000").strip() or "8000"
    return f"{host}:{port}"


def _site(log) -> None:
    """Links in mails sent outside a request (invitations from a worker) use the Site;
    point Django's placeholder, or an earlier run's local address, at the demo server.
    A domain someone set to a real name is left alone."""
    site = Site.objects.filter(pk=1).first()
    if site is None:
        return
    domain = demo_site_domain()
    local = site.domain == "example.com" or site.domain.rsplit(":", 1)[0] in DEMO_HOST_NAMES
    if local and site.domain != domain:
        site.domain, site.name = domain, "Makerspace Marketplace"
        site.save(update_fields=["domain", "name"])
        log(f"site domain {domain}")


@demo_seeder("accounts", order=10)
def seed_accounts(log) -> dict:
    _site(log)
    users = {spec["email"]: _user(spec, log) for spec in USERS}
    staff = users["staff@demo.local"]
    organisations = [_organisation(spec, users, staff, log) for spec in ORGANISATIONS]
    _verify_investor(users["investor@demo.local"], users["staff@demo.local"], log)
    return {
        "users": User.objects.filter(email__in=users).count(),
        "organisations": len(organisations),
        "memberships": Membership.objects.filter(organisation__in=organisations).count(),
        "password": DEMO_PASSWORD,
        "mfa_users": sorted(spec["email"] for spec in USERS if spec.get("mfa")),
        "totp_secret": DEMO_TOTP_SECRET,
    }
