"""Minimal catalogue factories for the search tests (independent of the catalogue's own
test helpers): rows are created through the model managers."""

from datetime import timedelta
from decimal import Decimal

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from catalog.models import Category, Certification, Makerspace, Product
from marketplace.accounts.models import (
    Membership,
    MembershipRole,
    Organisation,
    OrganisationKind,
    User,
)


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("email",)

    email = factory.Sequence(lambda n: f"search-user{n}@example.org")
    display_name = factory.Sequence(lambda n: f"Search user {n}")
    password = factory.django.Password("search-pass-2026")


class OrganisationFactory(DjangoModelFactory):
    class Meta:
        model = Organisation

    kind = OrganisationKind.MAKER_COMPANY
    name = factory.Sequence(lambda n: f"创客公司{n}")
    name_en = factory.Sequence(lambda n: f"Maker company {n}")
    slug = factory.Sequence(lambda n: f"search-maker-{n}")
    district = "laoshan"


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = Membership

    organisation = factory.SubFactory(OrganisationFactory)
    user = factory.SubFactory(UserFactory)
    role = MembershipRole.OWNER


class MakerspaceFactory(DjangoModelFactory):
    class Meta:
        model = Makerspace

    slug = factory.Sequence(lambda n: f"search-space-{n}")
    name = factory.Sequence(lambda n: f"众创空间{n}")
    name_en = factory.Sequence(lambda n: f"Makerspace {n}")
    district = "laoshan"
    address = "青岛市崂山区"
    focus_areas = factory.LazyFunction(lambda: ["smart_hardware"])
    operator = factory.SubFactory(OrganisationFactory, kind=OrganisationKind.MAKERSPACE)
    status = "published"


class CategoryFactory(DjangoModelFactory):
    class Meta:
        model = Category

    slug = factory.Sequence(lambda n: f"search-cat-{n}")
    name = factory.Sequence(lambda n: f"类别{n}")
    name_en = factory.Sequence(lambda n: f"Category {n}")
    parent = None


class ProductFactory(DjangoModelFactory):
    class Meta:
        model = Product

    organisation = factory.SubFactory(OrganisationFactory)
    makerspace = None
    category = factory.SubFactory(CategoryFactory)
    slug = factory.Sequence(lambda n: f"search-product-{n}")
    name = factory.Sequence(lambda n: f"产品{n}")
    name_en = factory.Sequence(lambda n: f"Product {n}")
    summary = "一个创新产品"
    summary_en = "An innovative product"
    stage = "prototype"
    price_amount = Decimal("100.00")
    price_currency = "CNY"
    status = Product.Status.PUBLISHED
    published_at = factory.LazyFunction(timezone.now)


class CertificationFactory(DjangoModelFactory):
    class Meta:
        model = Certification

    product = factory.SubFactory(ProductFactory)
    applicant = factory.SubFactory(UserFactory)
    status = Certification.Status.CERTIFIED
    certificate_number = factory.Sequence(lambda n: f"RD-{n:05d}")
    valid_from = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=30))
    valid_until = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=335))
