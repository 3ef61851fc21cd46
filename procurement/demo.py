"""Procurement demo data (seeder order 75, after accounts, catalog and payments): a budget
line for each demo government agency, and first-purchase (首购) requests of certified
catalogue products walked through the services to every reachable end state: draft,
approved, published, supplier declined, cancelled (after its notice), price agreed,
contracted (both sides signed), delivered, accepted, rectification, terminated and paid
(the offline treasury transfer approved, posted in the ledger).

Who acts: signing and approving need MFA-verified officers, so each agency gets two
passwordless demo users (a buyer officer and an approver, ``<agency>.officer@`` and
``<agency>.approver@buyers.demo.local``) and each supplier a passwordless sales member
(``<maker>.sales@makers.demo.local``), each with a TOTP authenticator on a random secret
nobody knows: they act in the seed only and cannot log in. The login accounts of the
README (buyer@demo.local among them) do not act here and are left as they are.

Idempotent: a request is found again by the demo key at the start of its
title (``[演示-NN]``); a found request is left where it is. The seed calls no payment
provider: the offline provider only writes rows; notifications are enqueued and run after
``seed_demo``'s transaction commits.
"""

from __future__ import annotations

from datetime import timedelta

from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.utils import timezone

from catalog.models import Product
from catalog.selectors import products_with_certification
from marketplace.accounts.models import (
    Membership,
    MembershipRole,
    Organisation,
    OrganisationKind,
    OrganisationVerification,
)
from marketplace.accounts.selectors import user_has_mfa
from marketplace.accounts.services.organisations import membership_add
from marketplace.core.demo import demo_seeder
from procurement.models import BudgetLine, ContractPayment, PurchaseRequest
from procurement.services.budget import budget_line_create
from procurement.services.contracts import contract_generate, contract_sign
from procurement.services.delivery import acceptance_record, delivery_record
from procurement.services.payments import payment_approve, payment_record
from procurement.services.requests import (
    request_agree_price,
    request_approve,
    request_cancel,
    request_draft,
    request_publish,
    request_supplier_accept,
    request_supplier_decline,
)

R = PurchaseRequest.Status
BUDGET_CODE = "SG-DEMO"
BUDGET_TOTAL = "20000000.00"
CEILING, PRICE, QUANTITY = "300000.00", "268000.00", 2
EXPERTS = ["赵海工 Zhao Haigong", "钱立法 Qian Lifa", "孙经济 Sun Jingji"]
_DEMO_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 120]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)

# The steps after drafting that lead to each demo end state, in the services' order.
_TO_CONTRACT = ["approve", "publish", "accept", "price", "contract"]
PATHS: list[tuple[str, list[str]]] = [
    (R.DRAFT, []),
    (R.APPROVED, ["approve"]),
    (R.PUBLISHED, ["approve", "publish"]),
    (R.SUPPLIER_DECLINED, ["approve", "publish", "decline"]),
    (R.CANCELLED, ["approve", "publish", "cancel"]),
    (R.PRICE_AGREED, ["approve", "publish", "accept", "price"]),
    (R.CONTRACTED, _TO_CONTRACT),
    (R.DELIVERED, [*_TO_CONTRACT, "deliver"]),
    (R.ACCEPTED, [*_TO_CONTRACT, "deliver", "pass"]),
    (R.RECTIFICATION, [*_TO_CONTRACT, "deliver", "rectify"]),
    (R.TERMINATED, [*_TO_CONTRACT, "deliver", "rectify", "deliver", "terminate"]),
    (R.PAID, [*_TO_CONTRACT, "deliver", "pass", "pay"]),
]


def _mfa_user(email: str, name: str):
    """A passwordless demo user with an active authenticator (random, unknown secret)."""
    User = get_user_model()
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User(email=email, display_name=name)
        user.set_unusable_password()
        user.save()
    if not user_has_mfa(user):
        TOTP.activate(user, generate_totp_secret())
    return user


def _member(org: Organisation, email: str, name: str, role: str):
    user = _mfa_user(email, name)
    if not Membership.objects.filter(organisation=org, user=user).exists():
        membership_add(organisation=org, user=user, role=role, actor=None)
    return user


def _agencies() -> list[Organisation]:
    return list(Organisation.objects.filter(
        kind=OrganisationKind.GOVERNMENT_AGENCY,
        verification_status=OrganisationVerification.VERIFIED,
    ).order_by("slug"))


def _people(agency: Organisation) -> tuple[object, object]:
    officer = _member(agency, f"{agency.slug}.officer@buyers.demo.local",
                      f"{agency.name} 采购经办", MembershipRole.BUYER_OFFICER)
    approver = _member(agency, f"{agency.slug}.approver@buyers.demo.local",
                       f"{agency.name} 采购审批", MembershipRole.APPROVER)
    return officer, approver


def _line(agency: Organisation, approver, year: int) -> BudgetLine:
    return BudgetLine.objects.filter(agency=agency, year=year, code=BUDGET_CODE).first() \
        or budget_line_create(actor=approver, agency=agency, year=year, code=BUDGET_CODE,
                              name="创新产品首购专项 Innovative products first purchase",
                              total=BUDGET_TOTAL, currency="CNY")


def _products(count: int) -> list[Product]:
    """Listed products (valid certification), not first sets (those need serial numbers
    and feed catalog's first-set count), spread over their makers."""
    chosen = (products_with_certification(Product.objects.filter(is_first_set=False))
              .filter(eligible_for_first_purchase=True)
              .select_related("organisation").order_by("slug"))
    by_maker: dict[int, list[Product]] = {}
    for product in chosen:
        by_maker.setdefault(product.organisation_id, []).append(product)
    spread = []
    while len(spread) < count and any(by_maker.values()):
        for products in by_maker.values():
            if products and len(spread) < count:
                spread.append(products.pop(0))
    return spread


def _walk(request: PurchaseRequest, steps: list[str], *, officer, approver, supplier) -> None:
    today = timezone.localdate()
    for step in steps:
        request.refresh_from_db()
        if step == "approve":
            request_approve(actor=approver, request=request)
        elif step == "publish":
            request_publish(actor=officer, request=request)
        elif step == "decline":
            request_supplier_decline(actor=supplier, request=request,
                                     reason="产能已排满，本季度无法交付。")
        elif step == "cancel":
            request_cancel(actor=officer, request=request, reason="需求调整，本年度暂不采购。")
        elif step == "accept":
            request_supplier_accept(actor=supplier, request=request)
        elif step == "price":
            request_agree_price(actor=officer, request=request, price=PRICE,
                                cost_reference="材料、装配与调试成本合计 231000 元，参照同类产品报价。")
        elif step == "contract":
            contract = contract_generate(actor=officer, request=request)
            contract_sign(actor=officer, contract=contract)
            contract_sign(actor=supplier, contract=contract)
        elif step == "deliver":
            delivery_record(actor=supplier, request=request, quantity=request.quantity,
                            delivered_on=today, note="已送达并完成安装调试。")
        elif step == "pass":
            acceptance_record(actor=officer, request=request, outcome="pass", experts=EXPERTS)
        elif step == "rectify":
            acceptance_record(actor=officer, request=request, outcome="fail", experts=EXPERTS,
                              reasons="连续运行测试中出现两次数据中断。", failure_action="rectify")
        elif step == "terminate":
            acceptance_record(actor=officer, request=request, outcome="fail", experts=EXPERTS,
                              reasons="整改后仍未达到验收标准。", failure_action="terminate")
        elif step == "pay":
            payment = payment_record(
                actor=officer, request=request, transfer_reference=f"GK-DEMO-{request.pk:06d}",
                document=ContentFile(_DEMO_PDF, name="treasury-transfer.pdf"))
            payment_approve(actor=approver, payment=payment)
        else:  # pragma: no cover - PATHS names only the steps above
            raise ValueError(step)


@demo_seeder("procurement", order=75)
def seed_procurement(log) -> dict:
    agencies = _agencies()
    products = _products(len(PATHS))
    if not agencies or not products:
        log("no verified agency or no listed product: skipped")
        return {}
    today = timezone.localdate()
    people = {agency.pk: _people(agency) for agency in agencies}
    lines = {agency.pk: _line(agency, people[agency.pk][1], today.year) for agency in agencies}
    created = 0
    for n, (status, steps) in enumerate(PATHS, start=1):
        key = f"[演示-{n:02d}]"
        if PurchaseRequest.objects.filter(title__startswith=key).exists():
            continue
        agency = agencies[(n - 1) % len(agencies)]
        product = products[(n - 1) % len(products)]
        officer, approver = people[agency.pk]
        supplier = _member(product.organisation,
                           f"{product.organisation.slug}.sales@makers.demo.local",
                           f"{product.organisation.name} 销售", MembershipRole.MEMBER)
        request = request_draft(
            actor=officer, agency=agency, budget_line=lines[agency.pk], product=product,
            title=f"{key} 首购 {product.name}"[:200], quantity=QUANTITY, ceiling=CEILING,
            delivery_place=f"{agency.name}（青岛）", delivery_date=today + timedelta(days=90),
            acceptance_criteria="按合同技术指标逐项检测；连续运行 30 天无故障。",
        )
        _walk(request, steps, officer=officer, approver=approver, supplier=supplier)
        request.refresh_from_db()
        if request.status != status:  # pragma: no cover - a path that does not lead there
            raise RuntimeError(f"demo request {key} ended {request.status}, not {status}")
        created += 1
        log(f"procurement: {key} {status}")
    demo = PurchaseRequest.objects.filter(title__startswith="[演示-")
    return {"budget lines": len(lines), "requests": demo.count(), "created now": created,
            "paid": ContractPayment.objects.filter(request__in=demo).count()}
