"""The behavioural contract, run against every backend: the database backend on
PostgreSQL and on SQLite (the embedded default), and the Elasticsearch backend over HTTP
against osmem-server."""

from decimal import Decimal

import pytest

from search.contract import InvalidSearch, SearchQuery
from search.indexing import index_objects
from search.service import search, suggest
from tests.search.conftest import DATABASES
from tests.search.corpus import build_corpus, index_corpus
from tests.search.fake_sources import campaign
from tests.search.helpers import counts, ids, run

pytestmark = pytest.mark.django_db(databases=DATABASES)


@pytest.fixture
def corpus(backend):
    data = build_corpus()
    index_corpus(backend)
    return data


def test_chinese_query_finds_the_buoy_drone(backend, corpus):
    result = run(backend, "海洋")
    assert corpus.buoy.pk in ids(result)
    assert corpus.blue.pk in ids(result, "makerspace")
    assert corpus.sensor.pk not in ids(result)


def test_chinese_phrase_must_occur_as_written(backend, corpus):
    result = run(backend, "水质传感器")
    assert ids(result) == [corpus.sensor.pk] and not result.partial
    # the words shuffled: no document has every bigram; the fallback shows the one
    # that has most of them, and says so
    shuffled = run(backend, "传感水质")
    assert ids(shuffled) == [corpus.sensor.pk] and shuffled.partial
    assert run(backend, "质水感传").total == 0  # no bigram in common


def test_english_query_with_stemming(backend, corpus):
    result = run(backend, "buoys", language="en")
    assert ids(result)[0] == corpus.buoy.pk
    assert corpus.sensor.pk not in ids(result)
    assert ids(run(backend, "monitoring water", language="en")) == [corpus.sensor.pk]


@pytest.mark.parametrize(("typo", "meant"), [("droen", "drone"), ("bouy", "buoy"),
                                              ("sensr", "sensor"), ("hydrolgy", "hydrology")])
def test_swapped_dropped_and_missing_letters_in_short_words(backend, corpus, typo, meant):
    """Trigrams alone miss a swap in a short word ("droen"): the one-edit spellings
    find it on PostgreSQL, as Elasticsearch's fuzziness and SQLite's edit distance do."""
    result = run(backend, typo, language="en")
    assert corpus.buoy.pk in ids(result) or corpus.sensor.pk in ids(result)
    assert result.suggestion == meant


def test_typo_tolerance(backend, corpus):
    result = run(backend, "sensr", language="en")
    assert corpus.sensor.pk in ids(result)
    assert corpus.robot.pk not in ids(result)
    assert result.suggestion == "sensor"
    assert run(backend, "sensor", language="en").suggestion is None


def test_title_outranks_description(backend, corpus):
    # "hydrology" is in the buoy's summary; "sensor" in the sensor's title
    result = run(backend, "sensor", language="en", doc_types=("product",))
    assert ids(result)[0] == corpus.sensor.pk


def test_drafts_and_withdrawn_products_never_appear(backend, corpus):
    for text in ("草稿", "撤回", "draft prototype", ""):
        result = run(backend, text, page_size=100)
        found = ids(result)
        assert corpus.draft.pk not in found
        assert corpus.withdrawn.pk not in found
    assert all(s.id not in (corpus.draft.pk, corpus.withdrawn.pk)
               for s in suggest("海洋", language="zh-hans", backend=backend))


def test_facet_counts(backend, corpus):
    result = run(backend, doc_types=("product",))
    assert result.total == 4
    assert counts(result, "doc_type") == {"product": 4, "makerspace": 2}
    assert counts(result, "category") == {"t-marine/t-buoys": 1, "t-marine": 2,
                                          "t-hardware/t-sensors": 1}
    assert counts(result, "stage") == {"prototype": 1, "on_market": 2, "first_batch": 1}
    assert counts(result, "certified") == {"true": 1, "false": 3}
    assert counts(result, "first_set") == {"true": 1, "false": 3}
    assert counts(result, "price") == {"0-1000": 1, "10000-100000": 1, "100000-1000000": 1}
    assert counts(result, "district") == {"blue_silicon_valley": 2, "laoshan": 1, "jimo": 1}
    assert counts(result, "makerspace") == {"t-blue-valley": 2, "t-laoshan-lab": 1}
    labels = {v.value: v.label for v in result.facets["category"]}
    assert labels["t-marine/t-buoys"] == "浮标"
    assert {v.value: v.label for v in result.facets["district"]}["laoshan"] == "崂山区"
    english = run(backend, doc_types=("product",), language="en")
    assert {v.value: v.label for v in english.facets["category"]}["t-marine"] == (
        "Marine equipment")
    assert {v.value: v.label for v in english.facets["stage"]}["on_market"] == "On the market"


def test_facets_are_disjunctive(backend, corpus):
    result = run(backend, doc_types=("product",), filters={"stage": ("prototype",)})
    assert ids(result) == [corpus.buoy.pk]
    # the stage facet ignores its own filter, so other stages stay choosable ...
    assert counts(result, "stage") == {"prototype": 1, "on_market": 2, "first_batch": 1}
    assert [v.value for v in result.facets["stage"] if v.selected] == ["prototype"]
    # ... while every other facet follows it
    assert counts(result, "certified") == {"true": 1}
    assert counts(result, "makerspace") == {"t-blue-valley": 1}


def test_filters(backend, corpus):
    def found(**filters):
        return set(ids(run(backend, doc_types=("product",), filters=filters)))

    assert found(category=("t-marine",)) == {corpus.buoy.pk, corpus.robot.pk, corpus.data.pk}
    assert found(category=("t-marine/t-buoys",)) == {corpus.buoy.pk}
    assert found(district=("laoshan",)) == {corpus.sensor.pk}
    assert found(makerspace=("t-blue-valley",)) == {corpus.buoy.pk, corpus.robot.pk}
    assert found(stage=("prototype", "first_batch")) == {corpus.buoy.pk, corpus.robot.pk}
    assert found(certified=("true",)) == {corpus.buoy.pk}
    assert found(certified=("false",)) == {corpus.sensor.pk, corpus.robot.pk, corpus.data.pk}
    assert found(first_set=("true",)) == {corpus.buoy.pk}
    assert found(category=("t-marine",), stage=("on_market",)) == {corpus.data.pk}
    priced = run(backend, doc_types=("product",), price_min=Decimal(1000),
                 price_max=Decimal(100000))
    assert ids(priced) == [corpus.buoy.pk]
    assert counts(priced, "price") == {"0-1000": 1, "10000-100000": 1, "100000-1000000": 1}
    assert [v.value for v in priced.facets["price"] if v.selected] == []
    bucket = run(backend, doc_types=("product",), price_min=Decimal(10000),
                 price_max=Decimal(100000))
    assert [v.value for v in bucket.facets["price"] if v.selected] == ["10000-100000"]
    assert set(ids(run(backend, doc_types=("makerspace",)), "makerspace")) == {
        corpus.blue.pk, corpus.laoshan.pk}


def test_sorting(backend, corpus):
    def order(sort):
        return ids(run(backend, doc_types=("product",), sort=sort))

    assert order("newest") == [corpus.data.pk, corpus.robot.pk, corpus.sensor.pk, corpus.buoy.pk]
    assert order("price_asc") == [corpus.sensor.pk, corpus.buoy.pk, corpus.robot.pk,
                                  corpus.data.pk]
    assert order("price_desc") == [corpus.robot.pk, corpus.buoy.pk, corpus.sensor.pk,
                                   corpus.data.pk]
    # without text, "relevance" means newest
    assert order("relevance") == order("newest")


def test_highlights_are_marked_and_escaped(backend, corpus):
    result = run(backend, "海洋")
    hit = next(h for h in result.hits if h.id == corpus.buoy.pk and h.doc_type == "product")
    assert hit.title_html == "<mark>海洋</mark>浮标无人机"
    data = next(h for h in result.hits if h.id == corpus.data.pk and h.doc_type == "product")
    assert "<服务>" not in data.title_html
    assert data.title_html == "<mark>海洋</mark>数据&lt;服务&gt; &amp; 平台"
    english = run(backend, "buoy", language="en")
    hit = next(h for h in english.hits if h.id == corpus.buoy.pk)
    assert hit.title_html == "Ocean <mark>buoy</mark> drone"
    assert "<mark>buoy</mark>" in hit.snippet_html
    assert hit.title == "Ocean buoy drone"
    assert hit.category_label == "Buoys"
    assert hit.makerspace_label == "Blue Valley Marine Makerspace"
    assert hit.price == Decimal("12000.00") and hit.currency == "CNY"
    assert hit.certified is True and hit.first_set is True
    assert hit.extra["certified_until"]
    assert hit.url.endswith(f"/{corpus.buoy.slug}/")


def test_suggestions(backend, corpus):
    texts = [s.text for s in suggest("海洋", language="zh-hans", backend=backend)]
    assert "海洋浮标无人机" in texts
    english = suggest("smart", language="en", backend=backend)
    assert [s.text for s in english] == ["Smart water quality sensor"]
    assert english[0].id == corpus.sensor.pk and english[0].url
    spaces = suggest("蓝谷", language="zh-hans", doc_types=("makerspace",), backend=backend)
    assert [(s.doc_type, s.id) for s in spaces] == [("makerspace", corpus.blue.pk)]
    assert suggest("", language="zh-hans", backend=backend) == []


@pytest.mark.parametrize("sort", ["newest", "price_asc", "price_desc", "relevance"])
def test_deep_pagination_with_cursor(backend, corpus, sort):
    text = "海洋" if sort == "relevance" else ""
    full = run(backend, text, doc_types=("product",), sort=sort, page_size=100)
    expected = ids(full)
    assert len(expected) >= 3
    seen, cursor = [], None
    for _ in range(10):
        page = run(backend, text, doc_types=("product",), sort=sort, page_size=1, cursor=cursor)
        seen += ids(page)
        cursor = page.next_cursor
        if cursor is None:
            break
    assert seen == expected


def test_offset_pages(backend, corpus):
    first = run(backend, doc_types=("product",), sort="newest", page_size=3)
    second = run(backend, doc_types=("product",), sort="newest", page_size=3, page=2)
    assert ids(first) + ids(second) == [corpus.data.pk, corpus.robot.pk, corpus.sensor.pk,
                                        corpus.buoy.pk]
    assert first.page_count == 2 and second.total == 4


def test_cursor_of_another_search_is_refused(backend, corpus):
    page = run(backend, doc_types=("product",), sort="newest", page_size=1)
    with pytest.raises(InvalidSearch):
        run(backend, doc_types=("product",), sort="price_asc", page_size=1,
            cursor=page.next_cursor)
    with pytest.raises(InvalidSearch):
        run(backend, doc_types=("product",), sort="newest", page_size=1,
            cursor=page.next_cursor[:-3] + "abc")


def test_withdrawn_product_disappears_on_update(backend, corpus):
    assert corpus.sensor.pk in ids(run(backend, "传感器"))
    corpus.sensor.status = "withdrawn"
    corpus.sensor.save(update_fields=["status"])
    change = index_objects("product", [corpus.sensor.pk], backend=backend)
    assert change.deleted == 1 and change.upserted == 0
    assert corpus.sensor.pk not in ids(run(backend, "传感器"))
    assert backend.count("product") == 3


def test_deleted_product_disappears(backend, corpus):
    pk = corpus.data.pk
    corpus.data.delete()
    index_objects("product", [pk], backend=backend)
    assert pk not in ids(run(backend, "海洋"))


def test_update_changes_the_document(backend, corpus):
    corpus.robot.name = "深海水下机器人"
    corpus.robot.save(update_fields=["name"])
    index_objects("product", [corpus.robot.pk], backend=backend)
    assert ids(run(backend, "深海")) == [corpus.robot.pk]
    assert backend.count("product") == 4


def test_makerspace_change_follows_into_its_products(backend, corpus):
    corpus.blue.name = "蓝色硅谷海洋空间"
    corpus.blue.save(update_fields=["name"])
    index_objects("makerspace", [corpus.blue.pk], backend=backend)
    result = run(backend, doc_types=("product",), filters={"makerspace": ("t-blue-valley",)})
    assert {h.makerspace_label for h in result.hits} == {"蓝色硅谷海洋空间"}


def test_campaign_status_facet(backend, corpus, campaign_type):
    def goal(pk, status, title):
        return campaign(pk, title, status, goal=Decimal("50000"))

    backend.upsert([goal(1, "live", "海洋浮标众筹"), goal(2, "funded", "海洋牧场众筹"),
                    goal(3, "live", "传感器众筹")])
    result = run(backend, "众筹", doc_types=("campaign",))
    assert counts(result, "status") == {"live": 2, "funded": 1}
    assert {v.value: v.label for v in result.facets["status"]}["funded"] == "众筹成功"
    live = run(backend, "众筹", doc_types=("campaign",), filters={"status": ("live",)})
    assert sorted(ids(live, "campaign")) == [1, 3]
    assert counts(live, "status") == {"live": 2, "funded": 1}


def test_empty_index_answers(backend, db):
    result = search(SearchQuery(text="海洋"), backend=backend)
    assert result.total == 0 and result.hits == [] and result.next_cursor is None


@pytest.mark.parametrize("sort", ["relevance", "newest"])
def test_deep_pagination_through_many_ties(backend, db, sort, campaign_type):
    created = campaign(0, "x").created_at
    backend.upsert([campaign(pk, "海洋牧场众筹", created_at=created) for pk in range(1, 46)])
    seen, cursor = [], None
    for _ in range(20):
        page = run(backend, "海洋牧场", doc_types=("campaign",), sort=sort, page_size=7,
                   cursor=cursor)
        assert page.total == 45
        seen += ids(page, "campaign")
        cursor = page.next_cursor
        if cursor is None:
            break
    assert sorted(seen) == list(range(1, 46)) and len(seen) == 45


@pytest.mark.parametrize("sort", ["relevance", "newest"])
def test_partial_results_page_with_the_cursor_as_they_started(backend, corpus, sort):
    """A query with a word nothing contains falls back to most terms; its cursor keeps
    the next pages on the fallback (never switching to the strict, empty query)."""
    text = "海洋 xyzzyq"
    full = run(backend, text, doc_types=("product",), sort=sort, page_size=100)
    assert full.partial and len(ids(full)) == 3
    seen, cursor = [], None
    for _ in range(10):
        page = run(backend, text, doc_types=("product",), sort=sort, page_size=1, cursor=cursor)
        assert page.partial
        seen += ids(page)
        cursor = page.next_cursor
        if cursor is None:
            break
    assert seen == ids(full)


def test_a_code_finds_its_product_in_any_spelling_and_is_highlighted(backend, corpus):
    for spelling in ("SD-2026-001", "sd2026001", "SD 2026-001"):
        result = run(backend, spelling, doc_types=("product",))
        assert ids(result)[:1] == [corpus.buoy.pk], spelling


def test_suggestions_tolerate_a_typo(backend, corpus):
    texts = [s.text for s in suggest("smrat water", language="en", backend=backend)]
    assert "Smart water quality sensor" in texts


def test_a_single_chinese_character_matches_as_the_start_of_a_bigram(backend, corpus):
    assert corpus.blue.pk in ids(run(backend, "蓝"), "makerspace")
    assert corpus.sensor.pk in ids(run(backend, "感"))
