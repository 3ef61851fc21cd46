"""Factories of the catalogue's models and upload helpers. People, organisations and
memberships come from the shared tests/factories.py."""

from __future__ import annotations

import io
from datetime import timedelta
from decimal import Decimal

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from factory.django import DjangoModelFactory
from PIL import Image

from catalog.models import (
    Category,
    Certification,
    FirstSetInsurance,
    Makerspace,
    Product,
    ProductStage,
)
from marketplace.accounts.models import OrganisationKind
from tests.factories import (
    OrganisationFactory,
    StaffFactory,
    UserFactory,
    VerifiedGovernmentAgencyFactory,
)


class MakerspaceOperatorFactory(OrganisationFactory):
    kind = OrganisationKind.MAKERSPACE


class BuyerFactory(VerifiedGovernmentAgencyFactory):
    """A buying organisation verified by staff (its officers may confirm units)."""

    name = factory.Sequence(lambda n: f"采购单位{n}")
    name_en = factory.Sequence(lambda n: f"Buyer {n}")


class MakerspaceFactory(DjangoModelFactory):
    class Meta:
        model = Makerspace

    slug = factory.Sequence(lambda n: f"catalog-space-{n}")
    name = factory.Sequence(lambda n: f"众创空间{n}")
    name_en = factory.Sequence(lambda n: f"Makerspace {n}")
    district = "laoshan"
    address = "青岛市崂山区松岭路"
    focus_areas = factory.LazyFunction(lambda: ["smart_hardware"])
    operator = factory.SubFactory(MakerspaceOperatorFactory)

    @classmethod
    def _create(cls, model_class, *args, published=True, **kwargs):
        """Onboarded as a draft, then published through the makerspace state machine
        (audited) unless ``published=False``."""
        from catalog.states import MAKERSPACE_STATES, CatalogAction
        from marketplace.core.transitions import transition

        makerspace = super()._create(model_class, *args, **kwargs)
        if published:
            transition(makerspace, MAKERSPACE_STATES, Makerspace.Status.PUBLISHED,
                       action=CatalogAction.MAKERSPACE_PUBLISHED)
        return makerspace


class CategoryFactory(DjangoModelFactory):
    class Meta:
        model = Category

    slug = factory.Sequence(lambda n: f"catalog-cat-{n}")
    name = factory.Sequence(lambda n: f"类别{n}")
    name_en = factory.Sequence(lambda n: f"Category {n}")
    parent = None


class ProductFactory(DjangoModelFactory):
    class Meta:
        model = Product

    organisation = factory.SubFactory(OrganisationFactory)
    category = factory.SubFactory(CategoryFactory)
    makerspace = None
    slug = factory.Sequence(lambda n: f"catalog-product-{n}")
    name = factory.Sequence(lambda n: f"智能传感器{n}")
    name_en = factory.Sequence(lambda n: f"Smart sensor {n}")
    summary = "面向仓储的温湿度传感器"
    summary_en = "A temperature sensor for warehouses"
    stage = ProductStage.FIRST_BATCH
    price_amount = Decimal("199.00")  # in the marketplace currency (the model's default)
    status = Product.Status.DRAFT


class PublishedProductFactory(ProductFactory):
    """Created as a draft, then published through the product state machine (audited),
    as product_publish does (without needing a maker to act)."""

    published_at = factory.LazyFunction(timezone.now)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        from catalog.states import PRODUCT_STATES, CatalogAction
        from marketplace.core.transitions import transition

        product = super()._create(model_class, *args, **kwargs)
        return transition(product, PRODUCT_STATES, Product.Status.PUBLISHED,
                          action=CatalogAction.PRODUCT_PUBLISHED,
                          changes={"published_at": product.published_at})


class WithdrawnProductFactory(PublishedProductFactory):
    """Published, then withdrawn, both through the product state machine."""

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        from catalog.states import PRODUCT_STATES, CatalogAction
        from marketplace.core.transitions import transition

        product = super()._create(model_class, *args, **kwargs)
        return transition(product, PRODUCT_STATES, Product.Status.WITHDRAWN,
                          action=CatalogAction.PRODUCT_WITHDRAWN)


class FirstSetProductFactory(PublishedProductFactory):
    is_first_set = True
    first_set_catalogue_ref = factory.Sequence(lambda n: f"SDTT-2025-{n:03d}")


class CertificationFactory(DjangoModelFactory):
    """An open application (submitted, the state a certification is created in). Any
    later state is reached through the services: ``certification_in()``, ``certified()``."""

    class Meta:
        model = Certification

    product = factory.SubFactory(PublishedProductFactory)
    applicant = factory.SubFactory(UserFactory)
    statement = "具有自主知识产权"


def certification_in(status, *, product=None, staff=None, applicant=None, number=None,
                     valid_from=None, valid_until=None) -> Certification:
    """A certification walked to ``status`` through the certification services (each
    step checked by the state machine and audited, the applicant notified as in real
    life). An expired one expires the day after its window; dates default to a window
    valid today."""
    from catalog.services.certification import (
        certification_certify,
        certification_expire,
        certification_reject,
        certification_revoke,
        certification_start_review,
    )

    S = Certification.Status
    fields = {"product": product} if product is not None else {}
    certification = CertificationFactory(applicant=applicant or UserFactory(), **fields)
    if status == S.SUBMITTED:
        return certification
    staff = staff or StaffFactory()
    certification_start_review(actor=staff, certification=certification)
    if status == S.UNDER_REVIEW:
        return certification
    if status == S.REJECTED:
        return certification_reject(actor=staff, certification=certification, reason="材料不全")
    today = timezone.localdate()
    valid_from = valid_from or today - timedelta(days=30)
    valid_until = valid_until or today + timedelta(days=300)
    certification_certify(
        actor=staff, certification=certification, valid_from=valid_from, valid_until=valid_until,
        certificate_number=number or f"QD-{certification.product_id:05d}-{certification.pk:05d}",
    )
    if status == S.EXPIRED:
        certification_expire(certification=certification, today=valid_until + timedelta(days=1))
    elif status == S.REVOKED:
        certification_revoke(actor=staff, certification=certification, reason="检测数据不实")
    return certification


def certified(product, *, days_left=300, days_since=30, number=None, applicant=None) -> Certification:
    """A certification of ``product`` valid from ``days_since`` days ago for ``days_left``
    more days, granted through the services."""
    today = timezone.localdate()
    return certification_in(
        Certification.Status.CERTIFIED, product=product, applicant=applicant,
        number=number or f"QD-{product.pk:05d}-{days_left}",
        valid_from=today - timedelta(days=days_since), valid_until=today + timedelta(days=days_left),
    )


class InsuranceFactory(DjangoModelFactory):
    class Meta:
        model = FirstSetInsurance

    product = factory.SubFactory(FirstSetProductFactory)
    insurer = "中国人民财产保险股份有限公司青岛市分公司"
    policy_number = factory.Sequence(lambda n: f"POL-{n:05d}")
    insured_amount = Decimal("1000000.00")
    premium_amount = Decimal("20000.00")
    rate = Decimal("0.0200")
    subsidy_amount = Decimal("16000.00")
    starts_on = factory.LazyFunction(lambda: timezone.localdate())
    ends_on = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=364))


# --- uploads --------------------------------------------------------------------------


def image_bytes(fmt="PNG", size=(64, 48), color=(10, 120, 200)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, format=fmt)
    return buffer.getvalue()


def image_upload(name="photo.png", fmt="PNG", size=(64, 48)) -> SimpleUploadedFile:
    content_type = {"PNG": "image/png", "JPEG": "image/jpeg", "WEBP": "image/webp",
                    "GIF": "image/gif"}[fmt]
    return SimpleUploadedFile(name, image_bytes(fmt, size), content_type=content_type)


PDF_BYTES = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def pdf_upload(name="report.pdf", size=None) -> SimpleUploadedFile:
    content = PDF_BYTES if size is None else PDF_BYTES + b"0" * (size - len(PDF_BYTES))
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def stored_files(root=None) -> list[str]:
    """Every file under ``root``, or under both MEDIA_ROOT and PRIVATE_MEDIA_ROOT when not
    given (to prove a refused upload wrote nothing, public or private)."""
    from pathlib import Path

    from django.conf import settings

    roots = [root] if root is not None else [settings.MEDIA_ROOT, settings.PRIVATE_MEDIA_ROOT]
    found = []
    for base in map(Path, roots):
        if base.exists():
            found.extend(str(p.relative_to(base)) for p in base.rglob("*") if p.is_file())
    return sorted(found)


def record_unit(**kwargs):
    """``first_set_unit_record`` with a purchase document (a small PDF) unless given."""
    from catalog.services.first_sets import first_set_unit_record

    kwargs.setdefault("purchase_document", pdf_upload("contract.pdf"))
    return first_set_unit_record(**kwargs)
