"""Catalogue reads: visibility, annotations, first-set summary, makerspaces, index feeds."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from catalog.models import Certification, Product
from catalog.selectors import (
    category_subtree_ids,
    makerspace_get,
    makerspace_list,
    makerspace_products,
    makerspaces_for_index,
    product_current_certification,
    product_first_set_summary,
    product_get,
    product_list,
    products_for_index,
    products_visible_to,
    valid_certifications,
)
from marketplace.core.errors import NotFoundError
from tests.catalog.factories import (
    CategoryFactory,
    FirstSetProductFactory,
    InsuranceFactory,
    MakerspaceFactory,
    ProductFactory,
    PublishedProductFactory,
    WithdrawnProductFactory,
    certification_in,
    certified,
    record_unit,
)
from tests.factories import (
    member_of,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue(maker_org, other_org, category):
    return {
        "mine_draft": ProductFactory(organisation=maker_org, category=category),
        "mine_published": PublishedProductFactory(organisation=maker_org, category=category),
        "other_draft": ProductFactory(organisation=other_org, category=category),
        "other_withdrawn": WithdrawnProductFactory(organisation=other_org, category=category),
        "other_published": PublishedProductFactory(organisation=other_org, category=category),
    }


def _names(qs, catalogue):
    ids = set(qs.values_list("pk", flat=True))
    return {name for name, p in catalogue.items() if p.pk in ids}


def test_visibility_per_role(catalogue, maker, outsider, staff):
    assert _names(products_visible_to(AnonymousUser()), catalogue) == {"mine_published", "other_published"}
    assert _names(products_visible_to(outsider), catalogue) == {"mine_published", "other_published"}
    assert _names(products_visible_to(maker), catalogue) == {"mine_draft", "mine_published", "other_published"}
    assert _names(products_visible_to(staff), catalogue) == set(catalogue)


def test_product_get_hides_others_drafts_as_not_found(catalogue, maker, outsider):
    assert product_get(user=maker, pk=catalogue["mine_draft"].pk).pk == catalogue["mine_draft"].pk
    for user in (outsider, AnonymousUser()):
        with pytest.raises(NotFoundError):
            product_get(user=user, pk=catalogue["mine_draft"].pk)
    with pytest.raises(NotFoundError):
        product_get(user=maker, slug="does-not-exist")


def test_first_purchase_eligibility_is_one_rule_for_lists_and_single_products(
    maker, maker_org, django_assert_num_queries
):
    from catalog.selectors import product_is_eligible_for_first_purchase
    from catalog.services.products import product_withdraw

    products = [PublishedProductFactory(organisation=maker_org) for _ in range(4)]
    certified(products[0])
    certified(products[1])
    product_withdraw(actor=maker, product=products[1])
    certification_in(Certification.Status.REVOKED, product=products[2])
    with django_assert_num_queries(1):
        listed = {p.pk: p.eligible_for_first_purchase
                  for p in product_list(user=None, base=Product.objects.all())}
    assert listed == {products[0].pk: True, products[1].pk: False, products[2].pk: False,
                      products[3].pk: False}
    for product in products:
        assert product_is_eligible_for_first_purchase(product) is listed[product.pk]


def test_list_annotations(product):
    certified(product, days_left=40)
    item = product_list(user=None).get(pk=product.pk)
    assert item.is_certified is True
    assert item.certified_until == timezone.localdate() + timedelta(days=40)
    assert item.cover_image is None


def test_current_certification_is_the_latest_valid(product):
    today = timezone.localdate()
    certified(product, days_left=30, number="A")
    later = certified(product, days_left=300, number="B")
    # expired by status, although its window would still cover today
    certification_in(Certification.Status.EXPIRED, product=PublishedProductFactory(), number="C",
                     valid_from=today - timedelta(days=9), valid_until=today + timedelta(days=900))
    assert product_current_certification(product) == later
    assert valid_certifications().filter(certificate_number="C").count() == 0


def test_category_subtree(category):
    child = CategoryFactory(parent=category)
    grandchild = CategoryFactory(parent=child)
    unrelated = CategoryFactory()
    ids = set(Product._meta.get_field("category").related_model.objects.filter(
        pk__in=category_subtree_ids(category)).values_list("pk", flat=True))
    assert ids == {category.pk, child.pk, grandchild.pk}
    assert unrelated.pk not in ids


def test_first_set_summary_counts_confirmed_units_only(maker_org, maker, staff):
    from catalog.services.first_sets import first_set_unit_confirm
    from tests.catalog.factories import BuyerFactory

    product = FirstSetProductFactory(organisation=maker_org)
    b1, b2, b3 = BuyerFactory(), BuyerFactory(), BuyerFactory()
    for buyer, serials in ((b1, ["a0", "a1", "a2", "a3"]), (b2, ["b0"]), (b3, ["c0"])):
        for serial in serials:
            unit = record_unit(actor=maker, product=product, buyer=buyer,
                                         serial_number=serial, put_into_use_on=timezone.localdate())
            if buyer is not b3:  # b3's claim is still waiting
                first_set_unit_confirm(actor=staff, unit=unit)  # staff, on the document
    first = InsuranceFactory(product=product)
    InsuranceFactory(product=product, follows=first, starts_on=first.ends_on + timedelta(days=1),
                     ends_on=first.ends_on + timedelta(days=365), premium_amount=Decimal("10000"),
                     subsidy_amount=Decimal("8000"))
    summary = product_first_set_summary(product)
    assert (summary.units_in_use, summary.first_sets, summary.buyers) == (5, 4, 2)
    assert summary.coverage_from == first.starts_on
    assert summary.premium_total.amount == Decimal("30000") and summary.subsidy_total.amount == Decimal("24000")
    assert product_first_set_summary(PublishedProductFactory()) is None


def test_makerspace_list_counts_and_detail(maker_org, makerspace, outsider):
    PublishedProductFactory(organisation=maker_org, makerspace=makerspace)
    ProductFactory(organisation=maker_org, makerspace=makerspace)  # draft: not counted
    hidden = MakerspaceFactory(published=False)
    spaces = {m.slug: m for m in makerspace_list()}
    assert spaces[makerspace.slug].resident_count == 1
    assert spaces[makerspace.slug].product_count == 1
    assert hidden.slug not in spaces
    assert makerspace_products(makerspace).count() == 1
    with pytest.raises(NotFoundError):
        makerspace_get(user=outsider, slug=hidden.slug)
    operator = member_of(hidden.operator)
    assert makerspace_get(user=operator, slug=hidden.slug) == hidden


def test_index_feeds_return_published_rows_only(catalogue, makerspace):
    certified(catalogue["other_published"], days_left=9)
    docs = {p.pk: p for p in products_for_index()}
    assert set(docs) == {catalogue["mine_published"].pk, catalogue["other_published"].pk}
    assert docs[catalogue["other_published"].pk].is_certified
    assert len(docs[catalogue["other_published"].pk].current_certifications) == 1
    assert list(products_for_index(ids=[catalogue["mine_draft"].pk])) == []
    hidden = MakerspaceFactory(published=False)
    assert [m.pk for m in makerspaces_for_index()] == [makerspace.pk]
    assert list(makerspaces_for_index(ids=[hidden.pk])) == []
