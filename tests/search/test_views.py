"""The search page and the HTMX suggestions partial."""

import re

import pytest

from search.service import get_backend
from tests.catalog.factories import PublishedProductFactory
from tests.search.corpus import build_corpus, index_corpus

pytestmark = pytest.mark.django_db


@pytest.fixture
def corpus():
    data = build_corpus()
    index_corpus(get_backend())
    return data


def test_page_shows_highlighted_results_and_facets_in_chinese(client, corpus):
    response = client.get("/search/", {"q": "海洋"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "<mark>海洋</mark>浮标无人机" in html
    assert 'data-facet="stage"' in html and "阶段" in html
    assert "相关度" in html  # sort options
    assert 'hx-get="/search/suggest"' in html
    # a facet value is a checkbox link that adds the filter and resets the page
    link = re.search(r'href="(\?[^"]*stage=prototype[^"]*)"', html)
    assert link and "q=%E6%B5%B7%E6%B4%8B" in link.group(1)
    assert 'aria-checked="false"' in html


def test_page_in_english(client, corpus):
    response = client.get("/search/", {"q": "buoy"}, HTTP_ACCEPT_LANGUAGE="en")
    html = response.content.decode()
    assert "Ocean <mark>buoy</mark> drone" in html
    assert "Stage" in html and "Relevance" in html and "result" in html


def test_selected_facet_link_removes_the_filter(client, corpus):
    response = client.get("/search/", {"type": "product", "stage": "prototype"})
    html = response.content.decode()
    assert response.status_code == 200
    stage = html.split('data-facet="stage"', 1)[1].split("</section>", 1)[0]
    selected = re.search(r'<a href="([^"]*)" role="checkbox" aria-checked="true"', stage)
    assert selected and "stage=prototype" not in selected.group(1)
    assert "type=product" in selected.group(1)
    assert corpus.buoy.name in html and corpus.sensor.name not in html


def test_price_facet_link_sets_the_range(client, corpus):
    html = client.get("/search/", {"type": "product"}).content.decode()
    assert "price_min=10000" in html and "price_max=100000" in html
    filtered = client.get("/search/", {"type": "product", "price_min": "10000",
                                       "price_max": "100000"}).content.decode()
    assert corpus.buoy.name in filtered and corpus.sensor.name not in filtered


def test_pagination_links(client, corpus):
    html = client.get("/search/", {"type": "product", "page_size": 1}).content.decode()
    assert 'rel="next"' in html and "page=2" in html
    second = client.get("/search/", {"type": "product", "page_size": 1, "page": 2})
    assert 'rel="prev"' in second.content.decode()


def test_bad_input_shows_the_message_with_400(client, corpus):
    response = client.get("/search/", {"q": "海" * 201})
    assert response.status_code == 400
    assert "搜索词最多 200 个字符。" in response.content.decode()
    response = client.get("/search/", {"stage": "foo"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert "is not a valid choice" in response.content.decode()
    response = client.get("/search/", {"cursor": "forged"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert "This results link is no longer valid" in response.content.decode()


def test_product_text_is_escaped_on_the_page(client, corpus):
    PublishedProductFactory(name="海洋<script>alert(1)</script>",
                            summary="<img src=x onerror=alert(2)>")
    index_corpus(get_backend())
    html = client.get("/search/", {"q": "海洋"}).content.decode()
    assert "<script>alert(1)" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_suggestions_partial(client, corpus):
    response = client.get("/search/suggest", {"q": "海洋"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<li" in html and f'href="/catalog/products/{corpus.buoy.slug}/"' in html
    assert "<html" not in html
    assert client.get("/search/suggest", {"q": ""}).content.decode().strip() == ""
    too_long = client.get("/search/suggest", {"q": "x" * 201}, HTTP_ACCEPT_LANGUAGE="en")
    assert too_long.status_code == 400
    assert "at most 200 characters" in too_long.content.decode()


def test_page_answers_503_when_the_backend_is_down(client, es_settings, unused_tcp_port):
    es_settings.ELASTICSEARCH_URL = f"http://127.0.0.1:{unused_tcp_port}"
    response = client.get("/search/", {"q": "海洋"})
    assert response.status_code == 503
    assert "搜索服务暂时不可用" in response.content.decode()


@pytest.mark.parametrize("text", ["\x00", "海洋\x00", "sensor\x1b", "海" * 10_000])
def test_bad_text_on_the_page_and_the_suggestions_is_a_400_with_a_message(client, corpus, text):
    page = client.get("/search/", {"q": text}, HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 400
    if "\x00" in text:
        # the middleware that guards every query string answers before the view
        assert "NUL character" in page.content.decode()
    else:
        assert 'class="error"' in page.content.decode()
    partial = client.get("/search/suggest", {"q": text}, HTTP_ACCEPT_LANGUAGE="en")
    assert partial.status_code == 400
    assert 'role="alert"' in partial.content.decode()


def test_a_raw_nul_in_the_query_string_of_the_suggestions(client, corpus):
    # what a browser or a probe sends: /search/suggest?q=%00, anonymous
    response = client.get("/search/suggest?q=%00")
    assert response.status_code == 400
    assert "NUL 字符" in response.content.decode()


def test_only_punctuation_is_an_empty_page(client, corpus):
    response = client.get("/search/", {"q": "!!!"})
    assert response.status_code == 200
    assert "没有找到" in response.content.decode() or "0 " in response.content.decode()


def test_did_you_mean_and_partial_matches_on_the_page(client, corpus):
    html = client.get("/search/", {"q": "smart sensr", "type": "product"},
                      HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Did you mean:" in html
    link = re.search(r'<p class="did-you-mean">.*?<a href="([^"]+)"', html)
    assert link and "q=smart+sensor" in link.group(1) and "type=product" in link.group(1)
    partial = client.get("/search/", {"q": "传感水质"}).content.decode()
    assert 'class="muted partial"' in partial and corpus.sensor.name in partial


def test_the_page_shows_only_registered_types_and_their_labels(client, corpus):
    html = client.get("/search/", {"q": "海洋"}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    facet = html.split('data-facet="doc_type"', 1)[1].split("</section>", 1)[0]
    assert "Products" in facet and "Makerspaces" in facet
    assert "campaign" not in facet.lower() and "notice" not in facet.lower()
    assert '<span class="badge">Product</span>' in html
