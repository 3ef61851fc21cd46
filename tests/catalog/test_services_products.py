"""Product services: create, update, publish, withdraw, images."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from PIL import Image

from catalog.models import Product, ProductImage
from catalog.services.images import (
    MAX_IMAGES_PER_PRODUCT,
    product_image_add,
    product_image_delete,
    product_image_thumbnail_generate,
)
from catalog.services.products import (
    product_create,
    product_publish,
    product_update,
    product_withdraw,
)
from catalog.validators import CatalogValidationError
from marketplace.accounts.models import MembershipRole
from marketplace.core.errors import (
    ConflictError,
    DomainError,
    IllegalTransition,
    PermissionDeniedError,
)
from marketplace.core.models import AuditEvent
from marketplace.core.money import Money
from marketplace.core.validation import InvalidInput
from tests.catalog.factories import (
    BuyerFactory,
    FirstSetProductFactory,
    MakerspaceFactory,
    MakerspaceOperatorFactory,
    image_bytes,
    image_upload,
    record_unit,
    stored_files,
)
from tests.factories import (
    member_of,
)

pytestmark = pytest.mark.django_db


def _create(actor, org, category, **overrides):
    data = {"name": "智能水质传感器", "name_en": "Smart water quality sensor",
            "summary": "养殖水质在线监测", "stage": "prototype", "price_amount": Decimal("1999.50")}
    data.update(overrides)
    return product_create(actor=actor, organisation=org, category=category, **data)


# --- create -----------------------------------------------------------------------------


def test_member_creates_a_draft_with_audit_and_signal(
    maker, maker_org, category, makerspace, changed_products, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        product = _create(maker, maker_org, category, makerspace=makerspace,
                          specifications={"量程": "0-20 mg/L", " 精度 ": "±0.1"})
    assert product.status == Product.Status.DRAFT
    assert product.slug == "smart-water-quality-sensor"
    assert product.specifications == {"量程": "0-20 mg/L", "精度": "±0.1"}
    assert product.created_by == maker
    assert changed_products == [product.pk]
    assert AuditEvent.objects.filter(action="catalog.product.created", object_id=str(product.pk)).exists()


def test_member_role_may_create_but_a_buyer_officer_may_not(maker_org, category):
    member = member_of(maker_org, role=MembershipRole.MEMBER)
    assert _create(member, maker_org, category).organisation == maker_org
    officer = member_of(maker_org, role=MembershipRole.BUYER_OFFICER)
    with pytest.raises(PermissionDeniedError):
        _create(officer, maker_org, category)


def test_outsider_and_other_maker_cannot_create_for_an_organisation(
    maker_org, other_maker, outsider, category
):
    for user in (other_maker, outsider):
        with pytest.raises(PermissionDeniedError):
            _create(user, maker_org, category)
    assert not Product.objects.exists()


def test_only_maker_companies_list_products(category):
    operator_org = MakerspaceOperatorFactory()
    owner = member_of(operator_org)
    with pytest.raises(PermissionDeniedError):
        _create(owner, operator_org, category)


def test_description_is_sanitised(maker, maker_org, category):
    product = _create(
        maker, maker_org, category,
        description='<p onclick="steal()">好产品<script>alert(1)</script></p>'
                    '<a href="javascript:alert(1)">x</a><a href="https://example.org" style="x">官网</a>'
                    '<img src=x onerror=alert(1)><iframe src="//evil"></iframe><strong>强</strong>',
    )
    html = product.description
    assert "<script" not in html and "alert(1)" not in html
    assert "onclick" not in html and "onerror" not in html and "<iframe" not in html
    assert "<img" not in html and "style=" not in html and "javascript:" not in html
    assert "<strong>强</strong>" in html and "<p>好产品</p>" in html
    assert 'href="https://example.org"' in html and 'rel="noopener noreferrer nofollow"' in html


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"price_amount": Decimal("-0.01")}, "negative"),
        ({"price_amount": Decimal("1.005")}, "decimals"),
        ({"name": "x" * 201}, "too long"),
        ({"name": "   "}, "required"),
        ({"summary": "s" * 301}, "too long"),
        ({"stage": "vaporware"}, "stage"),
        ({"stock": -1}, "negative"),
        ({"specifications": ["not", "a", "dict"]}, "JSON object"),
        ({"specifications": {str(i): "v" for i in range(51)}}, "At most 50"),
        ({"specifications": {"重量": 5}}, "must be text"),
        ({"specifications": {"": "x"}}, "cannot be empty"),
        ({"specifications": {"k" * 101: "x"}}, "too long"),
        ({"is_first_set": True}, "catalogue reference"),
    ],
)
def test_bad_input_is_refused_with_a_message(maker, maker_org, category, overrides, message):
    with pytest.raises(DomainError) as exc:
        _create(maker, maker_org, category, **overrides)
    assert message in str(exc.value)
    assert not Product.objects.exists()


@pytest.mark.parametrize("code", ["XYZ", "XXX", "XTS", "XAU", "XDR", "DEM"])
def test_a_currency_that_is_not_money_is_refused(maker, maker_org, category, code):
    """Unknown codes, and the ISO codes that are not legal tender anywhere today (no
    currency, testing, gold, special drawing rights, withdrawn currencies)."""
    with pytest.raises(CatalogValidationError, match=code) as exc:
        _create(maker, maker_org, category, price_amount=Decimal("10"), price_currency=code)
    assert exc.value.data == {"field": "price_currency"}
    assert not Product.objects.exists()


def test_price_on_request_and_other_currencies(maker, maker_org, category):
    assert _create(maker, maker_org, category, price_amount=None).price_amount is None
    product = _create(maker, maker_org, category, name="JPY item", name_en="JPY item",
                      price_amount=Decimal("1500"), price_currency="jpy")
    assert product.price_currency == "JPY"
    with pytest.raises(CatalogValidationError, match="at most 0 decimals in JPY"):
        _create(maker, maker_org, category, price_amount=Decimal("10.5"), price_currency="JPY")
    # three decimals are fine where the currency has them (Kuwaiti dinar)
    kwd = _create(maker, maker_org, category, name="KWD item", name_en="KWD item",
                  price_amount=Decimal("12.345"), price_currency="KWD")
    kwd.refresh_from_db()
    assert kwd.price == Money(Decimal("12.345"), "KWD")
    with pytest.raises(CatalogValidationError, match="at most 2 decimals in CNY"):
        _create(maker, maker_org, category, price_amount=Decimal("12.345"), price_currency="CNY")


def test_makerspace_must_host_the_maker(maker, maker_org, category):
    elsewhere = MakerspaceFactory()
    with pytest.raises(CatalogValidationError, match="not a resident"):
        _create(maker, maker_org, category, makerspace=elsewhere)
    closed = MakerspaceFactory(published=False)
    closed.residents.add(maker_org)
    with pytest.raises(CatalogValidationError, match="not open"):
        _create(maker, maker_org, category, makerspace=closed)


def test_slugs_stay_unique_and_avoid_page_routes(maker, maker_org, category):
    first = _create(maker, maker_org, category)
    second = _create(maker, maker_org, category)
    assert first.slug != second.slug and second.slug.startswith(first.slug)
    assert _create(maker, maker_org, category, name_en="New").slug != "new"


# --- update -----------------------------------------------------------------------------


def test_update_changes_only_given_fields_and_is_audited(
    maker, draft, changed_products, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        product = product_update(actor=maker, product=draft, summary="新的摘要",
                                 description="<p>ok</p><script>x</script>", stock=7)
    assert (product.summary, product.description, product.stock) == ("新的摘要", "<p>ok</p>", 7)
    event = AuditEvent.objects.get(action="catalog.product.updated", object_id=str(draft.pk))
    assert event.data["fields"] == ["description", "stock", "summary"]
    assert changed_products == [draft.pk]


def test_update_without_changes_writes_nothing(maker, draft, changed_products,
                                               django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        product_update(actor=maker, product=draft, name=draft.name)
    assert not AuditEvent.objects.filter(action="catalog.product.updated").exists()
    assert changed_products == []


def test_other_maker_cannot_update(other_maker, staff, draft):
    for user in (other_maker, staff):
        with pytest.raises(PermissionDeniedError):
            product_update(actor=user, product=draft, name="hijacked")
    draft.refresh_from_db()
    assert draft.name != "hijacked"


def test_update_refuses_unknown_fields_and_bad_values(maker, draft):
    with pytest.raises(InvalidInput, match="status") as exc:
        product_update(actor=maker, product=draft, status="published")
    assert exc.value.code == "unknown_fields"
    with pytest.raises(CatalogValidationError, match="negative"):
        product_update(actor=maker, product=draft, price_amount=Decimal("-5"))
    draft.refresh_from_db()
    assert draft.status == "draft" and draft.price_amount == Decimal("199.00")


def test_first_set_flag_cannot_be_dropped_once_units_exist(maker_org, maker):

    product = FirstSetProductFactory(organisation=maker_org)
    product_update(actor=maker, product=product, first_set_catalogue_ref="SDTT-2026-001")
    record_unit(actor=maker, product=product, buyer=BuyerFactory(), serial_number="S1",
                          put_into_use_on=product.created_at.date())
    with pytest.raises(ConflictError):
        product_update(actor=maker, product=product, is_first_set=False)


# --- transitions ------------------------------------------------------------------------


def test_publish_withdraw_republish(maker, draft, changed_products,
                                    django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        product_publish(actor=maker, product=draft)
    draft.refresh_from_db()
    assert draft.status == "published" and draft.published_at is not None
    with django_capture_on_commit_callbacks(execute=True):
        product_withdraw(actor=maker, product=draft, reason="停产")
    assert Product.objects.get(pk=draft.pk).status == "withdrawn"
    with django_capture_on_commit_callbacks(execute=True):
        product_publish(actor=maker, product=draft)
    assert Product.objects.get(pk=draft.pk).status == "published"
    actions = list(AuditEvent.objects.filter(object_id=str(draft.pk), object_type="catalog.product")
                   .order_by("seq").values_list("action", flat=True))
    assert actions == ["catalog.product.published", "catalog.product.withdrawn",
                       "catalog.product.published"]
    assert changed_products == [draft.pk] * 3


def test_draft_cannot_be_withdrawn_and_published_cannot_be_published_again(maker, draft, product):
    with pytest.raises(IllegalTransition):
        product_withdraw(actor=maker, product=draft)
    with pytest.raises(IllegalTransition):
        product_publish(actor=maker, product=product)


def test_a_refused_move_names_the_states_in_the_users_language(maker, draft):
    """A stale copy (someone published meanwhile) reaches the state machine, whose 409
    names the states with their labels, not their codes."""
    stale = Product.objects.get(pk=draft.pk)
    product_publish(actor=maker, product=draft)
    with translation.override("zh-hans"), pytest.raises(IllegalTransition) as exc:
        product_publish(actor=maker, product=stale)
    assert str(exc.value.message) == "该产品已发布。"
    assert exc.value.status_code == 409
    with translation.override("en"), pytest.raises(IllegalTransition) as exc:
        product_publish(actor=maker, product=stale)
    assert str(exc.value.message) == "The product is already published."


def test_publish_needs_a_summary(maker, draft):
    Product.objects.filter(pk=draft.pk).update(summary="", summary_en="")
    draft.refresh_from_db()
    with pytest.raises(CatalogValidationError, match="summary"):
        product_publish(actor=maker, product=draft)


def test_other_maker_cannot_publish_or_withdraw(other_maker, draft, product):
    with pytest.raises(PermissionDeniedError):
        product_publish(actor=other_maker, product=draft)
    with pytest.raises(PermissionDeniedError):
        product_withdraw(actor=other_maker, product=product)
    assert Product.objects.get(pk=product.pk).status == "published"


# --- images -----------------------------------------------------------------------------


def test_image_is_stored_and_thumbnailed_after_commit(
    maker, draft, changed_products, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        image = product_image_add(actor=maker, product=draft,
                                  file=image_upload("big.jpg", "JPEG", (1200, 900)), alt="正面")
    image.refresh_from_db()
    assert (image.width, image.height, image.format) == (1200, 900, "JPEG")
    # a draft's image is not public yet (catalog.models.product_image_path)
    assert image.image.name.startswith(f"product-drafts/{draft.pk}/")
    assert image.image.name.endswith(".jpg")
    assert "big" not in image.image.name  # never the uploader's file name
    assert image.thumbnail.name.endswith(".webp")
    with Image.open(image.thumbnail.path) as thumb:
        assert max(thumb.size) == 400
    assert changed_products.count(draft.pk) >= 1
    # idempotent: a second run changes nothing
    assert product_image_thumbnail_generate(image_id=image.pk) is False


def test_thumbnail_is_not_made_when_the_transaction_rolls_back(maker, draft):
    from django.db import transaction

    class Boom(Exception):
        pass

    with pytest.raises(Boom), transaction.atomic():
        product_image_add(actor=maker, product=draft, file=image_upload())
        raise Boom
    assert not ProductImage.objects.exists()


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (SimpleUploadedFile("a.png", b"not an image at all", content_type="image/png"), "not a valid image"),
        (SimpleUploadedFile("a.png", b"", content_type="image/png"), "empty"),
        (image_upload("a.gif", "GIF"), "Only JPEG, PNG and WebP"),
        (image_upload("huge.png", "PNG", (8001, 10)), "8000"),
        (SimpleUploadedFile("big.png", b"\x89PNG\r\n\x1a\n" + b"0" * (5 * 1024 * 1024),
                            content_type="image/png"), "5 MB"),
        (SimpleUploadedFile("trunc.png", image_bytes("PNG", (300, 300))[:200], content_type="image/png"),
         "not a valid image"),
    ],
    ids=["garbage", "empty", "gif", "too-many-pixels", "too-many-bytes", "truncated"],
)
def test_bad_uploads_are_refused_and_nothing_is_written(maker, draft, upload, message):
    with pytest.raises(CatalogValidationError, match=message):
        product_image_add(actor=maker, product=draft, file=upload)
    assert not ProductImage.objects.exists()
    assert stored_files() == []


def test_create_with_an_image_is_one_write_all_or_nothing(maker, maker_org, category):
    product = _create(maker, maker_org, category, image=image_upload())
    assert product.images.count() == 1
    assert AuditEvent.objects.filter(object_id=str(product.pk), action__in=[
        "catalog.product.created", "catalog.product.image_added"]).count() == 2
    with pytest.raises(CatalogValidationError, match="not a valid image"):
        _create(maker, maker_org, category, name="坏图片", image=SimpleUploadedFile(
            "x.png", b"not an image", content_type="image/png"))
    assert Product.objects.count() == 1  # the refused image stored no product either
    assert stored_files() == [product.images.get().image.name]


def test_update_with_an_image_is_one_write_all_or_nothing(maker, draft):
    for _ in range(MAX_IMAGES_PER_PRODUCT):
        product_image_add(actor=maker, product=draft, file=image_upload())
    with pytest.raises(CatalogValidationError, match="at most"):
        product_update(actor=maker, product=draft, name="新名称", image=image_upload())
    assert Product.objects.get(pk=draft.pk).name != "新名称"  # the field change rolled back
    draft.images.first().delete()
    product_update(actor=maker, product=draft, name="新名称", image=image_upload())
    assert Product.objects.get(pk=draft.pk).name == "新名称"
    assert draft.images.count() == MAX_IMAGES_PER_PRODUCT


def test_image_limit_per_product(maker, draft):
    for _ in range(MAX_IMAGES_PER_PRODUCT):
        product_image_add(actor=maker, product=draft, file=image_upload())
    files_before = stored_files()
    with pytest.raises(CatalogValidationError, match="at most"):
        product_image_add(actor=maker, product=draft, file=image_upload())
    assert stored_files() == files_before


def test_other_maker_cannot_add_or_delete_images(maker, other_maker, draft):
    with pytest.raises(PermissionDeniedError):
        product_image_add(actor=other_maker, product=draft, file=image_upload())
    image = product_image_add(actor=maker, product=draft, file=image_upload())
    with pytest.raises(PermissionDeniedError):
        product_image_delete(actor=other_maker, image=image)
    assert ProductImage.objects.filter(pk=image.pk).exists()


def test_image_delete_removes_files_after_commit(maker, draft, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        image = product_image_add(actor=maker, product=draft, file=image_upload())
    assert len(stored_files()) == 2  # image + thumbnail
    with django_capture_on_commit_callbacks(execute=True):
        product_image_delete(actor=maker, image=image)
    assert stored_files() == []
    assert AuditEvent.objects.filter(action="catalog.product.image_deleted").exists()
