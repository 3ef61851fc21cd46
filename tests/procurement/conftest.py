"""Fixtures of the procurement tests: a verified agency with its people, a listed product
and its maker, a budget line."""

from datetime import timedelta

import pytest
from django.utils import timezone, translation

from marketplace.accounts.models import MembershipRole
from procurement.services.budget import budget_line_create
from procurement.services.requests import request_draft
from tests.catalog.factories import PublishedProductFactory, certified
from tests.factories import (
    OrganisationFactory,
    StaffFactory,
    UserFactory,
    VerifiedGovernmentAgencyFactory,
    member_of,
)


@pytest.fixture(autouse=True)
def _private_root(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = str(tmp_path / "private")


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def agency(db):
    return VerifiedGovernmentAgencyFactory(name="青岛市科技局")


@pytest.fixture
def owner(agency):
    return member_of(agency, MembershipRole.OWNER)


@pytest.fixture
def officer(agency):
    return member_of(agency, MembershipRole.BUYER_OFFICER)


@pytest.fixture
def approver(agency):
    return member_of(agency, MembershipRole.APPROVER)


@pytest.fixture
def other_officer(db):
    return member_of(VerifiedGovernmentAgencyFactory(), MembershipRole.BUYER_OFFICER)


@pytest.fixture
def maker_org(db):
    return OrganisationFactory(name="海鲸智能")


@pytest.fixture
def supplier(maker_org):
    return member_of(maker_org, MembershipRole.MEMBER)


@pytest.fixture
def other_supplier(db):
    return member_of(OrganisationFactory(), MembershipRole.OWNER)


@pytest.fixture
def staff(db):
    return StaffFactory()


@pytest.fixture
def stranger(db):
    return UserFactory()


@pytest.fixture
def product(maker_org):
    product = PublishedProductFactory(organisation=maker_org)
    certified(product)
    return product


@pytest.fixture
def line(agency, approver):
    return budget_line_create(actor=approver, agency=agency, year=2026, code="KJ-01",
                              name="创新产品首购", total="1000000.00", currency="CNY")


@pytest.fixture
def draft_kwargs(agency, line, product):
    return {"agency": agency, "budget_line": line, "product": product, "title": "水质监测浮标",
            "quantity": 3, "ceiling": "300000.00", "delivery_place": "青岛市市南区",
            "delivery_date": timezone.localdate() + timedelta(days=60),
            "acceptance_criteria": "连续运行 30 天无故障"}


@pytest.fixture
def draft(officer, draft_kwargs):
    return request_draft(actor=officer, **draft_kwargs)


# --- contracts: a request with its price agreed, and the people who sign ---------------


@pytest.fixture
def agreed(draft, approver, officer, supplier):
    from procurement.services.requests import (
        request_agree_price,
        request_approve,
        request_publish,
        request_supplier_accept,
    )

    request_approve(actor=approver, request=draft)
    request_publish(actor=officer, request=draft)
    request_supplier_accept(actor=supplier, request=draft)
    request_agree_price(actor=officer, request=draft, price="250000.00",
                        cost_reference="材料与装配成本 210000 元")
    draft.refresh_from_db()
    return draft


@pytest.fixture
def buyer_signer(agency):
    return member_of(agency, MembershipRole.BUYER_OFFICER, mfa=True, display_name="王采购")


@pytest.fixture
def approver_signer(agency):
    return member_of(agency, MembershipRole.APPROVER, mfa=True, display_name="李审批")


@pytest.fixture
def supplier_signer(maker_org):
    return member_of(maker_org, MembershipRole.MEMBER, mfa=True, display_name="张工程师")


@pytest.fixture
def contract(agreed, officer):
    from procurement.services.contracts import contract_generate

    return contract_generate(actor=officer, request=agreed)


@pytest.fixture
def signed(contract, buyer_signer, supplier_signer):
    from procurement.services.contracts import contract_sign

    contract_sign(actor=buyer_signer, contract=contract)
    contract_sign(actor=supplier_signer, contract=contract)
    contract.refresh_from_db()
    contract.request.refresh_from_db()
    return contract


# --- delivery, acceptance, payment -------------------------------------------------------


@pytest.fixture
def delivered(signed, supplier):
    from procurement.services.delivery import delivery_record

    request = signed.request
    delivery_record(actor=supplier, request=request, quantity=request.quantity,
                    delivered_on=timezone.localdate(), note="已送达市南区")
    request.refresh_from_db()
    return request


@pytest.fixture
def accepted(delivered, officer):
    from procurement.services.delivery import acceptance_record

    acceptance_record(actor=officer, request=delivered, outcome="pass",
                      experts=["赵专家", "钱专家", "孙专家"])
    delivered.refresh_from_db()
    return delivered


@pytest.fixture
def transfer_document():
    from tests.catalog.factories import pdf_upload

    return pdf_upload("treasury-transfer.pdf")
