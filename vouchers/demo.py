"""The voucher programme's demo data: the region's programme, makerspaces of several
districts admitted to the pilot (one still waiting for staff), real-name-verified makers
with applications (issued and waiting), a verified testing centre with its services and
an order paid with a voucher. Idempotent: every step looks for what it would create."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile

from catalog.models import Makerspace
from marketplace.accounts.models import (
    KycRequest,
    Membership,
    MembershipRole,
    Organisation,
    OrganisationKind,
    VerificationStatus,
)
from marketplace.accounts.services.kyc import kyc_approve, kyc_submit
from marketplace.accounts.services.organisations import membership_add, organisation_verify
from marketplace.core.demo import demo_seeder
from vouchers.models import PilotAdmission, Programme, Service, VoucherApplication, VoucherOrder
from vouchers.services.applications import voucher_apply, voucher_issue
from vouchers.services.orders import voucher_order_place
from vouchers.services.pilot import pilot_admit, pilot_apply
from vouchers.services.programmes import programme_create
from vouchers.services.providers import service_create

PILOT_SPACES = 6
_DEMO_PDF = b"%PDF-1.4\n% demo identity document\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

MAKERS = [
    ("voucher-maker-1@makers.demo.local", "王海洋 Wang Haiyang", "rd_design", "60000",
     "海洋浮标外壳结构设计与仿真"),
    ("voucher-maker-2@makers.demo.local", "陈新能 Chen Xinneng", "inspection_testing", "35000",
     "储能模组安全检测"),
    ("voucher-maker-3@makers.demo.local", "刘设计 Liu Sheji", "intellectual_property", "20000",
     "外观设计专利申请"),
]
PROVIDER = ("qingdao-inspection-centre", "青岛科创检验检测中心",
            "Qingdao Innovation Inspection and Testing Centre", "laoshan")
SERVICES = [
    ("rd_design", "产品结构设计与仿真", "80000"),
    ("inspection_testing", "电气安全与环境适应性检测", "40000"),
    ("intellectual_property", "专利申请代理", "15000"),
]


def _user(email: str, name: str):
    User = get_user_model()
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User(email=email, display_name=name)
        user.set_unusable_password()
        user.save()
    return user


def _verified(user, staff):
    if user.verification_status != VerificationStatus.VERIFIED:
        request = KycRequest.objects.filter(user=user, status=KycRequest.Status.SUBMITTED).first() \
            or kyc_submit(user=user, legal_name=user.display_name.split()[0],
                          id_type=KycRequest.IdType.RESIDENT_ID, id_number_last4="2015",
                          documents=[ContentFile(_DEMO_PDF, name="demo-id.pdf")])
        kyc_approve(kyc_request=request, reviewer=staff)
        user.refresh_from_db()
    return user


def _operator_person(space: Makerspace):
    membership = Membership.objects.filter(
        organisation=space.operator, role__in=[MembershipRole.OWNER, MembershipRole.MEMBER]
    ).select_related("user").order_by("pk").first()
    if membership is not None:
        return membership.user
    user = _user(f"{space.slug}@operators.demo.local", f"{space.name} 运营")
    membership_add(organisation=space.operator, user=user, role=MembershipRole.OWNER, actor=None)
    return user


def _pilot(programme, staff, log) -> list[tuple[Makerspace, object]]:
    spaces, seen = [], set()
    for space in Makerspace.objects.filter(status=Makerspace.Status.PUBLISHED).order_by("slug"):
        if space.district not in seen:
            seen.add(space.district)
            spaces.append(space)
        if len(spaces) == PILOT_SPACES:
            break
    admitted = []
    for i, space in enumerate(spaces):
        person = _operator_person(space)
        admission = PilotAdmission.objects.filter(makerspace=space, programme=programme).first()
        if admission is None:
            admission = pilot_apply(actor=person, makerspace=space, programme=programme)
            if i < len(spaces) - 1:  # the last one waits in the staff queue
                pilot_admit(actor=staff, admission=admission)
            log(f"pilot: {space.slug}")
        if admission.status == PilotAdmission.Status.ADMITTED:
            admitted.append((space, person))
    return admitted


def _provider(programme, staff):
    slug, name, name_en, district = PROVIDER
    org = Organisation.objects.filter(slug=slug).first()
    if org is None:
        org = Organisation.objects.create(slug=slug, kind=OrganisationKind.SERVICE_PROVIDER,
                                          name=name, name_en=name_en, district=district)
    person = _user(f"{slug}@providers.demo.local", "检测中心 Testing Centre")
    if not Membership.objects.filter(organisation=org, user=person).exists():
        membership_add(organisation=org, user=person, role=MembershipRole.OWNER, actor=None)
    if not org.is_verified:
        organisation_verify(organisation=org, actor=staff)
    services = {}
    for category, service_name, price in SERVICES:
        services[category] = Service.objects.filter(provider=org, name=service_name).first() \
            or service_create(actor=person, provider=org, programme=programme,
                              category=category, name=service_name, price=price)
    return services


@demo_seeder("vouchers", order=80)
def seed_vouchers(log) -> dict:
    staff = get_user_model().objects.filter(email="staff@demo.local").first()
    if staff is None:
        log("no demo staff member: skipped")
        return {}
    programme = Programme.objects.filter(region=settings.MARKETPLACE_REGION).first() \
        or programme_create(actor=staff)
    admitted = _pilot(programme, staff, log)
    services = _provider(programme, staff)
    issued = 0
    for i, (space, operator) in enumerate(admitted):
        for j, (email, name, category, amount, purpose) in enumerate(MAKERS):
            maker = _verified(_user(email, name), staff)
            application = VoucherApplication.objects.filter(applicant=maker,
                                                            makerspace=space).first()
            if application is None:
                application = voucher_apply(actor=maker, makerspace=space, programme=programme,
                                            purpose=purpose, category=category, amount=amount)
            if (i + j) % 3 != 2 and application.status == VoucherApplication.Status.SUBMITTED:
                voucher = voucher_issue(actor=operator, application=application)
                issued += 1
                if j == 0 and not VoucherOrder.objects.filter(voucher=voucher).exists():
                    voucher_order_place(actor=maker, voucher=voucher,
                                        service=services[category], amount="40000",
                                        rest_payment=VoucherOrder.RestPayment.OUTSIDE)
    return {"makerspaces in the pilot": len(admitted), "vouchers issued": issued,
            "services": len(services)}
