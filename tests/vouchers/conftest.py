"""Fixtures of the voucher tests: the region's programme, a makerspace admitted to the
pilot with its operator's people, makers (verified or not), a maker company, staff."""

from datetime import date

import pytest
from django.utils import translation

from marketplace.accounts.models import MembershipRole, OrganisationKind, VerificationStatus
from tests.catalog.factories import MakerspaceFactory
from tests.factories import OrganisationFactory, StaffFactory, UserFactory, member_of
from vouchers.services.applications import voucher_apply
from vouchers.services.pilot import pilot_admit, pilot_apply
from vouchers.services.programmes import programme_create


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def staff(db):
    return StaffFactory(mfa=True)


@pytest.fixture
def programme(staff):
    return programme_create(actor=staff)


@pytest.fixture
def makerspace(db):
    return MakerspaceFactory(name="海创空间", slug="haichuang")


@pytest.fixture
def operator(makerspace):
    return member_of(makerspace.operator, MembershipRole.OWNER)


@pytest.fixture
def operator_member(makerspace):
    return member_of(makerspace.operator, MembershipRole.MEMBER)


@pytest.fixture
def other_operator(db):
    return member_of(MakerspaceFactory().operator, MembershipRole.OWNER)


@pytest.fixture
def admission(programme, makerspace, operator, staff):
    return pilot_admit(actor=staff, admission=pilot_apply(actor=operator, makerspace=makerspace,
                                                          programme=programme))


def verified_user(**fields):
    return UserFactory(verification_status=VerificationStatus.VERIFIED, **fields)


@pytest.fixture
def maker(db):
    return verified_user()


@pytest.fixture
def unverified_maker(db):
    return UserFactory()


@pytest.fixture
def stranger(db):
    return UserFactory()


@pytest.fixture
def company(db):
    return OrganisationFactory(kind=OrganisationKind.MAKER_COMPANY, name="蓝海智造",
                               unified_credit_code="91370212MA3C000001")


@pytest.fixture
def company_owner(company):
    user = verified_user()
    from tests.factories import MembershipFactory

    MembershipFactory(organisation=company, user=user, role=MembershipRole.OWNER)
    return user


@pytest.fixture
def apply(admission, programme, makerspace):
    """Apply as ``actor`` (defaults: R&D, CNY 50,000)."""

    def _apply(actor, **kwargs):
        values = {"purpose": "样机结构设计", "category": "rd_design", "amount": "50000",
                  **kwargs}
        return voucher_apply(actor=actor, makerspace=makerspace, programme=programme, **values)

    return _apply


@pytest.fixture
def application(apply, maker):
    return apply(maker)


REGISTERED = date(2025, 6, 15)  # 18 months later: 2026-12-15 is the last eligible day


@pytest.fixture
def provider_org(db):
    return OrganisationFactory(kind=OrganisationKind.SERVICE_PROVIDER, name="青岛检测中心",
                               verified=True)


@pytest.fixture
def provider(provider_org):
    return member_of(provider_org, MembershipRole.MEMBER)


@pytest.fixture
def service(provider, provider_org, programme):
    from vouchers.services.providers import service_create

    return service_create(actor=provider, provider=provider_org, programme=programme,
                          category="rd_design", name="结构设计", price="80000")


@pytest.fixture
def voucher(application, operator):
    from vouchers.services.applications import voucher_issue

    return voucher_issue(actor=operator, application=application)  # CNY 50,000, R&D


def invoice_file(name="invoice.pdf"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, b"%PDF-1.4\n%test invoice\n", content_type="application/pdf")
