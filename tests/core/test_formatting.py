"""One locale format for dates, times, numbers and money (Babel), on the catalogue,
search and dashboard pages alike."""

import re
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation

from marketplace.core.formatting import (
    format_date,
    format_datetime,
    format_money,
    format_number,
    format_time,
)
from marketplace.core.money import Money

UTC = ZoneInfo("UTC")


@pytest.mark.parametrize(("language", "expected"), [
    ("zh-hans", "¥268,000.00"), ("en", "CN¥268,000.00")])
def test_money_one_way_per_locale(language, expected):
    with translation.override(language):
        assert format_money(Decimal("268000"), "CNY") == expected
        assert format_money(Money(Decimal("268000.004"), "CNY")) == expected
        assert Template("{% load formatting %}{{ a|money:'CNY' }}").render(
            Context({"a": Decimal("268000")})) == expected


def test_money_keeps_each_currency_exponent():
    with translation.override("en"):
        assert format_money(Decimal("1500"), "JPY") == "¥1,500"
        assert format_money(Decimal("12.5"), "USD") == "$12.50"


def test_dates_and_times_per_locale():
    day = date(2026, 12, 2)
    # 06:05 UTC is 14:05 in the site's zone (Asia/Shanghai)
    moment = datetime(2026, 12, 2, 6, 5, tzinfo=UTC)
    with translation.override("zh-hans"):
        assert format_date(day) == "2026年12月2日"
        assert format_time(moment) == "14:05"
        assert format_datetime(moment) == "2026年12月2日 14:05"
    with translation.override("en"):
        assert format_date(day) == "Dec 2, 2026"
        assert format_date("2026-12-02") == "Dec 2, 2026"  # ISO strings of search documents
        assert format_time(moment) == "2:05\u202fPM" or format_time(moment) == "2:05 PM"
        assert format_datetime(moment).startswith("Dec 2, 2026")


def test_numbers_per_locale_and_empty_values():
    with translation.override("en"):
        assert format_number(1234567) == "1,234,567"
        assert format_number("2.5", decimals=2) == "2.50"
    for empty in (None, ""):
        assert format_money(empty, "CNY") == "" and format_date(empty) == ""
        assert format_datetime(empty) == "" and format_number(empty) == ""
    assert format_date("not a date") == ""


@pytest.mark.django_db
def test_search_and_catalogue_show_money_the_same_way(client):
    from search.service import get_backend
    from tests.catalog.factories import PublishedProductFactory
    from tests.search.corpus import index_corpus

    product = PublishedProductFactory(name="深海浮标", name_en="Deep buoy",
                                      price_amount=Decimal("268000.00"))
    index_corpus(get_backend())
    for language, expected in (("zh-hans", "¥268,000.00"), ("en", "CN¥268,000.00")):
        search = client.get("/search/", {"q": "buoy" if language == "en" else "浮标"},
                            HTTP_ACCEPT_LANGUAGE=language).content.decode()
        assert expected in search and "268000.00 CNY" not in search
        assert not re.search(r"\(\d+ ms\)", search)  # the query time is not for users
        detail = client.get(reverse("catalog:product_detail", args=[product.slug]),
                            HTTP_ACCEPT_LANGUAGE=language).content.decode()
        assert expected in detail


@pytest.mark.django_db
def test_search_results_show_thumbnails(client):
    from django.core.files.base import ContentFile

    from catalog.demo_images import encoded, look_for, picture
    from catalog.models import ProductImage
    from search.service import get_backend
    from tests.catalog.factories import PublishedProductFactory
    from tests.search.corpus import index_corpus

    product = PublishedProductFactory(name="深海浮标", name_en="Deep buoy")
    img = picture(product.slug, look_for(product.category.path))
    image = ProductImage(product=product, position=1, width=800, height=600, format="JPEG")
    image.image.save("p.jpg", ContentFile(encoded(img, fmt="JPEG")), save=False)
    image.thumbnail.save("p-thumb.webp", ContentFile(encoded(img, fmt="WEBP", size=(400, 300))),
                         save=False)
    image.save()
    index_corpus(get_backend())
    html = client.get("/search/", {"q": "buoy"}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    thumb = re.search(r'<img class="thumb" src="([^"]+)"', html)
    assert thumb and thumb.group(1).endswith(".webp")
    assert "/products/" in thumb.group(1)  # a published product's public thumbnail
