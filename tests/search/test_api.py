"""/api/search/ and /api/search/suggest/: contract, bad input, OpenAPI."""

import pytest

from search.service import get_backend
from tests.search.corpus import build_corpus, index_corpus

pytestmark = pytest.mark.django_db


@pytest.fixture
def corpus():
    data = build_corpus()
    index_corpus(get_backend())
    return data


def test_search_api_contract(api_client, corpus):
    response = api_client.get("/api/search/", {"q": "海洋", "type": "product", "sort": "relevance"})
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"total", "took_ms", "backend", "page", "page_size", "next_cursor",
                         "suggestion", "partial", "hits", "facets"}
    assert body["suggestion"] is None and body["partial"] is False
    assert body["backend"] == "database"
    assert {h["id"] for h in body["hits"]} == {corpus.buoy.pk, corpus.robot.pk, corpus.data.pk}
    buoy = next(h for h in body["hits"] if h["id"] == corpus.buoy.pk)
    assert buoy["title_html"] == "<mark>海洋</mark>浮标无人机"
    assert buoy["doc_type"] == "product" and buoy["doc_type_label"] == "产品"
    assert buoy["price"] == "12000.00" and buoy["certified"] is True
    assert buoy["category_label"] == "浮标"
    assert {f["value"]: f["count"] for f in body["facets"]["stage"]} == {
        "prototype": 1, "first_batch": 1, "on_market": 1}
    assert body["facets"]["doc_type"][0] == {"value": "product", "label": "产品", "count": 3,
                                             "selected": True}


def test_search_api_filters_and_cursor(api_client, corpus):
    params = {"type": "product", "sort": "price_asc", "page_size": 2,
              "stage": ["on_market", "prototype"]}
    first = api_client.get("/api/search/", params).json()
    assert [h["id"] for h in first["hits"]] == [corpus.sensor.pk, corpus.buoy.pk]
    second = api_client.get("/api/search/", {**params, "cursor": first["next_cursor"]}).json()
    assert [h["id"] for h in second["hits"]] == [corpus.data.pk]
    assert second["next_cursor"] is None


def test_search_api_in_english(api_client, corpus):
    body = api_client.get("/api/search/", {"q": "buoy", "type": "product"},
                          HTTP_ACCEPT_LANGUAGE="en").json()
    assert body["hits"][0]["title"] == "Ocean buoy drone"
    assert body["hits"][0]["title_html"] == "Ocean <mark>buoy</mark> drone"
    assert body["facets"]["doc_type"][0]["label"] == "Products"


@pytest.mark.parametrize(("params", "field"), [
    ({"q": "海" * 201}, "q"),
    ({"stage": "foo"}, "stage"),
    ({"certified": "maybe"}, "certified"),
    ({"type": "unicorn"}, "type"),
    ({"district": "atlantis"}, "district"),
    ({"category": "Not A Path!"}, "category"),
    ({"status": "exploded"}, "status"),
    ({"price_min": "-1"}, "price_min"),
    ({"price_max": "-0.01"}, "price_max"),
    ({"price_min": "abc"}, "price_min"),
    ({"price_min": "500", "price_max": "100"}, "price_max"),
    ({"price_min": "100", "price_max": "100"}, "price_max"),
    ({"sort": "cheapest"}, "sort"),
    ({"page": "0"}, "page"),
    ({"page": "600", "page_size": "20"}, "page"),
    ({"page_size": "101"}, "page_size"),
    ({"colour": "red"}, "colour"),
])
def test_bad_input_is_refused_with_a_message(api_client, corpus, params, field):
    response = api_client.get("/api/search/", params)
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert field in body["errors"] and body["errors"][field][0]


def test_bad_cursor_is_refused(api_client, corpus):
    response = api_client.get("/api/search/", {"cursor": "not-a-cursor"})
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_search"
    assert response.json()["data"] == {"param": "cursor"}


def test_error_messages_follow_the_language(api_client, corpus):
    zh = api_client.get("/api/search/", {"q": "x" * 201}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert zh.json()["errors"]["q"] == ["搜索词最多 200 个字符。"]
    en = api_client.get("/api/search/", {"q": "x" * 201}, HTTP_ACCEPT_LANGUAGE="en")
    assert en.json()["errors"]["q"] == ["The search text can be at most 200 characters long."]
    en = api_client.get("/api/search/", {"price_min": "-5"}, HTTP_ACCEPT_LANGUAGE="en")
    assert en.json()["errors"]["price_min"] == ["Prices cannot be negative."]
    zh = api_client.get("/api/search/", {"price_min": "-5"}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert zh.json()["errors"]["price_min"] == ["价格不能为负数。"]
    zh = api_client.get("/api/search/", {"cursor": "x"}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert zh.json()["detail"] == "此结果链接已失效，请重新搜索。"


def test_search_api_answers_503_when_the_backend_is_down(api_client, es_settings, unused_tcp_port):
    es_settings.ELASTICSEARCH_URL = f"http://127.0.0.1:{unused_tcp_port}"
    response = api_client.get("/api/search/", {"q": "海洋"})
    assert response.status_code == 503
    assert response.json()["code"] == "search_unavailable"
    response = api_client.get("/api/search/suggest/", {"q": "海洋"})
    assert response.status_code == 503


def test_suggest_api(api_client, corpus):
    response = api_client.get("/api/search/suggest/", {"q": "智能"})
    assert response.status_code == 200
    suggestions = response.json()["suggestions"]
    # titles starting with the text first, then (database backend) titles containing it
    assert suggestions[0] == {"text": "智能水质传感器", "doc_type": "product",
                              "id": corpus.sensor.pk,
                              "url": f"/catalog/products/{corpus.sensor.slug}/"}
    assert [s["text"] for s in suggestions[1:]] == ["崂山智能硬件实验室"]
    spaces = api_client.get("/api/search/suggest/", {"q": "崂山", "type": "makerspace"}).json()
    assert [s["id"] for s in spaces["suggestions"]] == [corpus.laoshan.pk]
    assert api_client.get("/api/search/suggest/", {"q": "x" * 201}).status_code == 400
    assert api_client.get("/api/search/suggest/", {"type": "unicorn"}).status_code == 400
    assert api_client.get("/api/search/suggest/", {"limit": "0"}).status_code == 400
    assert api_client.get("/api/search/suggest/", {"colour": "red"}).status_code == 400


def test_openapi_documents_the_search_endpoints(api_client):
    schema = api_client.get("/api/schema/", {"format": "json"}).json()
    search = schema["paths"]["/api/search/"]["get"]
    names = {p["name"] for p in search["parameters"]}
    assert {"q", "type", "category", "district", "makerspace", "stage", "certified",
            "first_set", "status", "price_min", "price_max", "sort", "page", "page_size",
            "cursor"} <= names
    assert "SearchResult" in str(search["responses"]["200"])
    assert {"400", "503"} <= set(search["responses"])
    assert "/api/search/suggest/" in schema["paths"]
    hit = schema["components"]["schemas"]["SearchHit"]["properties"]
    assert {"title_html", "snippet_html", "highlights", "facets"} - set(hit) == {"facets"}


BAD_TEXT = {
    "nul": "海洋\x00浮标",
    "only_nul": "\x00",
    "control": "sensor\x07\x1b[31m",
    "delete": "sensor\x7f",
    "too_long": "海" * 10_000,
}


@pytest.mark.parametrize("name", sorted(BAD_TEXT))
@pytest.mark.parametrize("path", ["/api/search/", "/api/search/suggest/"])
def test_bad_text_is_a_400_with_a_message_in_the_one_error_shape(api_client, corpus, name,
                                                                  path):
    response = api_client.get(path, {"q": BAD_TEXT[name]}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400, response.content[:200]
    body = response.json()
    assert set(body) >= {"detail", "code"} and body["detail"]
    if "\x00" in BAD_TEXT[name]:
        # refused before any view runs, by the middleware that guards every query string
        assert body["code"] == "nul_character"
    else:
        assert body["errors"]["q"][0]


@pytest.mark.parametrize("params", [
    {"stage": "\x00"}, {"category": "\x00"}, {"makerspace": "\x00"}, {"cursor": "\x00"},
    {"type": "\x00"}, {"\x00": "x"}, {"price_min": "\x00"}, {"sort": "\x00"},
])
def test_nul_bytes_in_any_parameter_are_refused(api_client, corpus, params):
    response = api_client.get("/api/search/", params)
    assert response.status_code == 400
    assert response.json()["code"] == "nul_character"


@pytest.mark.parametrize("params", [{"category": "no-such-category"},
                                    {"makerspace": "no-such-space"}])
def test_a_well_formed_facet_value_that_names_nothing_matches_nothing(api_client, corpus,
                                                                       params):
    # a stale bookmark or a facet removed since: an empty result, not an error page
    response = api_client.get("/api/search/", params)
    assert response.status_code == 200
    body = response.json()
    assert body["total"] == 0 and body["hits"] == []


@pytest.mark.parametrize("text", ["!!!", "？？？。，", "...", "---", "the of and", "\t\n "])
def test_text_with_nothing_to_match_is_an_empty_result(api_client, corpus, text):
    response = api_client.get("/api/search/", {"q": text})
    assert response.status_code == 200
    body = response.json()
    if text.strip():
        assert body["total"] == 0 and body["hits"] == []


def test_every_facet_at_once_is_answered(api_client, corpus):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from marketplace.core.regions import region_pack

    params = {
        "q": "海洋 buoy LS-147", "type": ["product", "makerspace"],
        "category": ["t-marine", "t-marine/t-buoys", "t-hardware", "t-hardware/t-sensors"],
        "district": [d["code"] for d in region_pack()["districts"]],
        "makerspace": ["t-blue-valley", "t-laoshan-lab"],
        "stage": ["prototype", "first_batch", "on_market"],
        "certified": ["true", "false"], "first_set": ["true", "false"],
        "price_min": "0", "price_max": "999999999999", "sort": "relevance", "page_size": "100",
    }
    with CaptureQueriesContext(connection) as queries:
        response = api_client.get("/api/search/", params)
    assert response.status_code == 200
    assert response.json()["total"] >= 1
    # the strict statement and the most-terms fallback, nothing else (facet values that
    # name nothing match nothing, so they are not looked up first)
    searches = [q for q in queries if "search_searchentry" in q["sql"]]
    assert len(searches) == 2 and len(queries) == 2, [q["sql"][:60] for q in queries]


def test_suggestion_and_partial_results_in_the_api(api_client, corpus):
    body = api_client.get("/api/search/", {"q": "smart sensr"},
                          HTTP_ACCEPT_LANGUAGE="en").json()
    assert body["suggestion"] == "smart sensor"
    assert corpus.sensor.pk in [h["id"] for h in body["hits"]]
    partial = api_client.get("/api/search/", {"q": "sensor xyzzyq"}).json()
    assert partial["partial"] is True and partial["hits"][0]["id"] == corpus.sensor.pk
