"""Elasticsearch-only behaviour, over HTTP against osmem-server: mappings, analyzers,
versioned indices behind aliases and the zero-downtime rebuild."""

import pytest
from django.core.cache import cache
from elasticsearch import Elasticsearch

from search.backends.base import SearchUnavailable
from search.backends.elasticsearch import ElasticsearchBackend
from search.backends.plain_json import PlainJsonHttpNode
from search.contract import BackendQuery, SearchOutage, SearchQuery
from search.indexing import rebuild
from tests.search.corpus import build_corpus, index_corpus
from tests.search.helpers import ids, run

pytestmark = [pytest.mark.django_db, pytest.mark.elasticsearch]


def test_setup_creates_versioned_indices_behind_aliases(es_backend, campaign_type):
    client = es_backend.client
    es_backend.setup()  # the campaign type registered after the fixture's setup
    for doc_type, plural in (("product", "products"), ("makerspace", "makerspaces"),
                             ("campaign", "campaigns")):
        alias = f"{es_backend.prefix}-{plural}"
        behind = es_backend.indices_behind(doc_type)
        assert len(behind) == 1 and behind[0].startswith(f"{alias}-v")
        mapping = client.indices.get_mapping(index=alias)[behind[0]]["mappings"]["properties"]
        assert mapping["title_zh"]["analyzer"] == "cjk"
        assert mapping["title_en"]["analyzer"] == "english"
        assert mapping["suggest"]["type"] == "completion"
        assert mapping["category_facet"]["type"] == "keyword"
        assert mapping["price"]["type"] == "scaled_float"
        assert mapping["codes"]["type"] == mapping["title_keys"]["type"] == "keyword"
    assert "focus_areas" in client.indices.get_mapping(
        index=es_backend.alias("makerspace")).popitem()[1]["mappings"]["properties"]
    campaigns = client.indices.get_mapping(
        index=es_backend.alias("campaign")).popitem()[1]["mappings"]["properties"]
    assert campaigns["ends_at"]["type"] == "date" and campaigns["backers"]["type"] == "integer"
    # only registered types have an index
    assert not client.indices.exists_alias(name=f"{es_backend.prefix}-notices")
    # idempotent
    es_backend.setup()
    assert len(es_backend.indices_behind("product")) == 1


def test_analyzers_segment_chinese_and_stem_english(es_backend):
    client = es_backend.client
    index = es_backend.alias("product")
    tokens = client.indices.analyze(index=index, field="title_zh", text="海洋浮标")["tokens"]
    assert [t["token"] for t in tokens] == ["海洋", "洋浮", "浮标"]
    tokens = client.indices.analyze(index=index, field="title_en", text="Sensors monitoring")
    assert [t["token"] for t in tokens["tokens"]] == ["sensor", "monitor"]


def test_rebuild_swaps_the_alias_atomically_and_drops_the_old_index(es_backend):
    corpus = build_corpus()
    index_corpus(es_backend)
    old = es_backend.indices_behind("product")
    corpus.buoy.name = "海洋浮标无人机二代"
    corpus.buoy.save(update_fields=["name"])
    seen_during = []

    def progress(done, total):
        # mid-rebuild the alias still answers from the complete old index
        seen_during.append((done, total, run(es_backend, "二代").total,
                            run(es_backend, "海洋浮标", doc_types=("product",)).total,
                            es_backend.indices_behind("product")))

    report = rebuild("product", backend=es_backend, progress=progress)
    assert report.indexed == 4 and report.errors == 0
    assert seen_during and all(s[2] == 0 and s[3] == 1 and s[4] == old for s in seen_during)
    assert seen_during[-1][:2] == (4, 4)
    new = es_backend.indices_behind("product")
    assert new == [report.target] and new != old
    assert report.removed == old
    assert not es_backend.client.indices.exists(index=old[0])
    assert ids(run(es_backend, "二代")) == [corpus.buoy.pk]


def test_writes_during_a_rebuild_reach_both_indices(es_backend):
    corpus = build_corpus()
    index_corpus(es_backend)

    def progress(done, total):
        if done == total:
            # a maker saves while the rebuild is loading: the change must survive the swap
            corpus.sensor.name = "智能水质传感器 Pro"
            corpus.sensor.save(update_fields=["name"])
            from search.indexing import index_objects

            index_objects("product", [corpus.sensor.pk], backend=es_backend)
            # the live index has it at once
            assert ids(run(es_backend, "Pro", language="en")) == [corpus.sensor.pk]

    rebuild("product", backend=es_backend, progress=progress)
    assert ids(run(es_backend, "Pro", language="en")) == [corpus.sensor.pk]
    assert cache.get(es_backend._marker_key("product")) is None


def test_failed_rebuild_keeps_the_old_index(es_backend):
    corpus = build_corpus()
    index_corpus(es_backend)
    old = es_backend.indices_behind("product")

    def broken(done, total):
        raise RuntimeError("worker killed")

    with pytest.raises(RuntimeError):
        rebuild("product", backend=es_backend, progress=broken)
    assert es_backend.indices_behind("product") == old
    assert corpus.buoy.pk in ids(run(es_backend, "海洋"))
    leftovers = es_backend.client.indices.get(index=f"{es_backend.alias('product')}-v*")
    assert sorted(leftovers) == old
    assert cache.get(es_backend._marker_key("product")) is None


def test_unreachable_server_raises_search_unavailable(db, unused_tcp_port):
    backend = ElasticsearchBackend(f"http://127.0.0.1:{unused_tcp_port}", index_prefix="down",
                                   node_class=PlainJsonHttpNode, request_timeout=1)
    with pytest.raises(SearchUnavailable):
        backend.health()
    with pytest.raises(SearchUnavailable):
        backend.search(BackendQuery(SearchQuery(text="海洋")))
    with pytest.raises(SearchUnavailable):
        backend.suggest("海洋", doc_types=(), limit=5)
    # what the reader gets: a 503 with a message, the fault's details only in the log
    with pytest.raises(SearchOutage) as outage:
        run(backend, "海洋")
    assert outage.value.status_code == 503 and "127.0.0.1" not in str(outage.value.message)


def test_health_reports_the_cluster(es_backend):
    assert es_backend.health()["cluster_status"] in ("green", "yellow")


def test_client_is_built_from_settings(settings, osmem_url):
    settings.ELASTICSEARCH_URL = osmem_url
    settings.ELASTICSEARCH_NODE_CLASS = "search.backends.plain_json.PlainJsonHttpNode"
    backend = ElasticsearchBackend(index_prefix="from-settings")
    assert isinstance(backend.client, Elasticsearch)
    assert backend.client.info()["cluster_name"]
    node = next(iter(backend.client.transport.node_pool.all()))
    assert isinstance(node, PlainJsonHttpNode)


def test_relevance_cursor_pages_by_offset_within_the_window_then_search_after():
    from search.backends.elasticsearch import _position
    from search.contract import InvalidSearch

    q = SearchQuery(text="海洋", page_size=20)
    assert _position(BackendQuery(q)) == (None, 0, 0)
    assert _position(BackendQuery(q, after=(0.5, 1700000000000, "product:9", 40))) == (
        None, 40, 40)
    assert _position(BackendQuery(q, after=(0.5, 1700000000000, "product:9", 9990))) == (
        [0.5, 1700000000000, "product:9"], 0, 9990)
    newest = SearchQuery(page_size=20, sort="newest")
    assert _position(BackendQuery(newest, after=(1700000000000, "product:9"))) == (
        [1700000000000, "product:9"], 0, 0)
    for bad in ((0.5, 1, "k"), (0.5, 1, "k", -1), (0.5, 1, "k", "x"), (0.5, 1, "k", True)):
        with pytest.raises(InvalidSearch):
            _position(BackendQuery(q, after=bad))
