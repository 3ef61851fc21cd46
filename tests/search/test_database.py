"""Database-backend specifics: the stored vector, constant query counts, safety of the
SQL built from user text, transactional rebuilds."""

import pytest
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext

from search.backends.database import DatabaseBackend
from search.documents import SearchDocument
from search.indexing import rebuild
from search.models import SearchEntry
from tests.search.corpus import build_corpus, index_corpus
from tests.search.helpers import ids, run

pytestmark = pytest.mark.django_db


@pytest.fixture
def corpus(db_backend):
    data = build_corpus()
    index_corpus(db_backend)
    return data


def test_vectors_hold_bigrams_stemmed_english_and_facet_values(requires_postgres, corpus):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT search_vector::text, rank_vector::text FROM search_searchentry "
            "WHERE doc_type = 'product' AND object_id = %s", [corpus.buoy.pk])
        vector, rank_vector = cursor.fetchone()
    for token in ("'海洋'", "'洋浮'", "'浮标'", "'ocean'", "'drone'", "'水文'", "'hydrolog'",
                  "'__type:product'", "'__cat:t-marine'", "'__cat:t-marine/t-buoys'",
                  "'__stage:prototype'", "'__certified:true'", "'__first_set:true'",
                  "'__district:blue_silicon_valley'", "'__space:t-blue-valley'",
                  "'__price:5'"):
        assert token in vector
    assert "'浮标无'" not in vector and ":1" not in vector  # no positions: not needed
    # ranking reads the titles' own small vector, with positions and weights
    assert "'海洋':1A" in rank_vector and "'drone':" in rank_vector
    assert "水文" not in rank_vector


def test_number_of_queries_does_not_grow_with_the_page_size(requires_postgres, db_backend):
    build_corpus()
    from catalog.search import build_product
    from tests.catalog.factories import PublishedProductFactory

    extra = [build_product(p) for p in _annotated(PublishedProductFactory.create_batch(
        120, name="海洋传感器样机", name_en="Ocean sensor sample", stage="prototype"))]
    db_backend.upsert(extra)
    for size in (20, 100):
        with CaptureQueriesContext(connection) as queries:
            result = run(db_backend, "海洋", page_size=size,
                         filters={"stage": ("prototype",), "certified": ("false",)})
        assert len(result.hits) == size
        # hits, texts, labels, total and every facet: one statement
        assert len(queries) == 1, [q["sql"][:80] for q in queries]


def _annotated(products):
    from catalog.selectors import products_for_index

    return list(products_for_index(ids=[p.pk for p in products]))


@pytest.mark.parametrize("text", [
    "'; DROP TABLE search_searchentry; --", "海洋' OR 1=1 --", "100%_sure", "a\\b", "!!! & | <->",
    ":*", "(((", "海洋 & | ! <->",
])
def test_hostile_text_is_only_data(corpus, db_backend, text):
    result = run(db_backend, text)
    assert result.total >= 0
    assert SearchEntry.objects.count() == 6


def test_stop_words_only_query_finds_nothing_and_does_not_fail(corpus, db_backend):
    assert run(db_backend, "the of and").total == 0


def test_rebuild_replaces_rows_in_one_transaction(corpus, db_backend):
    stale = SearchDocument(doc_type="product", object_id=999999, url="/gone/",
                           title_zh="已删除的海洋产品")
    db_backend.upsert([stale])
    assert 999999 in ids(run(db_backend, "已删除"))
    calls = []
    report = rebuild("product", backend=db_backend, progress=lambda d, t: calls.append((d, t)))
    assert report.indexed == 4 and calls[-1] == (4, 4)
    assert run(db_backend, "已删除").total == 0
    assert SearchEntry.objects.filter(doc_type="product").count() == 4
    assert SearchEntry.objects.filter(doc_type="makerspace").count() == 2


def test_upsert_is_idempotent(corpus, db_backend):
    from search.indexing import index_objects

    for _ in range(3):
        index_objects("product", [corpus.buoy.pk, corpus.sensor.pk], backend=db_backend)
    assert SearchEntry.objects.filter(doc_type="product").count() == 4


def test_health(db_backend):
    report = db_backend.health()
    assert report["vendor"] == connection.vendor
    assert DatabaseBackend().name == "database"


def _table_oid():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 'search_searchentry'::regclass::oid")
        return cursor.fetchone()[0]


def _tables():
    with connection.cursor() as cursor:
        cursor.execute("SELECT relname FROM pg_class WHERE relname LIKE 'search_searchentry%%' "
                       "AND relkind = 'r' ORDER BY relname")
        return [r[0] for r in cursor.fetchall()]


def test_rebuild_swaps_in_a_new_table_without_downtime(requires_postgres, corpus, db_backend):
    before = _table_oid()
    corpus.buoy.name = "海洋浮标无人机二代"
    corpus.buoy.save(update_fields=["name"])
    seen = []

    def progress(done, total):
        # mid-rebuild the live table answers, complete and unchanged
        seen.append((run(db_backend, "二代").total, run(db_backend, "海洋浮标").total,
                     _table_oid()))

    report = rebuild("product", backend=db_backend, progress=progress)
    assert report.indexed == 4
    assert seen and all(s == (0, 1, before) for s in seen)
    assert _table_oid() != before
    assert _tables() == ["search_searchentry", "search_searchentrytext"]
    assert ids(run(db_backend, "二代")) == [corpus.buoy.pk]
    # the other types' entries moved over
    assert ids(run(db_backend, "蓝谷"), "makerspace") == [corpus.blue.pk]
    # and the swapped-in table works for writes and a second rebuild
    from search.indexing import index_objects

    index_objects("product", [corpus.sensor.pk], backend=db_backend)
    assert rebuild("product", backend=db_backend).indexed == 4


def test_writes_during_a_rebuild_survive_the_swap(requires_postgres, corpus, db_backend):
    from search.indexing import index_objects

    def progress(done, total):
        if done == total:
            corpus.sensor.name = "智能水质传感器 Pro"
            corpus.sensor.save(update_fields=["name"])
            index_objects("product", [corpus.sensor.pk], backend=db_backend)
            corpus.robot.status = "withdrawn"
            corpus.robot.save(update_fields=["status"])
            index_objects("product", [corpus.robot.pk], backend=db_backend)

    rebuild("product", backend=db_backend, progress=progress)
    assert ids(run(db_backend, "Pro", language="en")) == [corpus.sensor.pk]
    assert corpus.robot.pk not in ids(run(db_backend, "机器人"))


def test_a_failed_rebuild_leaves_the_live_table(requires_postgres, corpus, db_backend):
    before = _table_oid()

    def broken(done, total):
        raise RuntimeError("worker killed")

    with pytest.raises(RuntimeError):
        rebuild("product", backend=db_backend, progress=broken)
    assert _table_oid() == before
    assert _tables() == ["search_searchentry", "search_searchentrytext"]
    assert corpus.buoy.pk in ids(run(db_backend, "海洋"))


@pytest.mark.django_db(transaction=True)
def test_only_one_rebuild_at_a_time(requires_postgres, db_backend):
    import psycopg

    from tests.catalog.factories import PublishedProductFactory

    PublishedProductFactory()
    from search.backends.base import SearchUnavailable
    from search.backends.database_rebuild import LOCK_ID

    settings = connection.settings_dict
    other = psycopg.connect(host=settings["HOST"], port=settings["PORT"] or 5432,
                            user=settings["USER"], dbname=settings["NAME"], autocommit=True)
    try:
        other.execute("SELECT pg_advisory_lock(%s)", [LOCK_ID])
        with pytest.raises(SearchUnavailable, match="another rebuild"):
            rebuild("product", backend=db_backend)
    finally:
        # release explicitly: closing alone ends the server session asynchronously, so
        # the lock could still be held when the next rebuild asks for it
        other.execute("SELECT pg_advisory_unlock(%s)", [LOCK_ID])
        other.close()
    assert rebuild("product", backend=db_backend).indexed == 1


def test_price_decades_narrow_the_index_and_the_rows_decide():
    from decimal import Decimal

    from search.backends.database_sql import price_decade, price_lexemes

    assert [price_decade(Decimal(v)) for v in ("0", "0.99", "1", "9.99", "10", "12000")] == [
        0, 0, 1, 1, 2, 5]
    assert price_lexemes(Decimal(1000), Decimal(100000)) == [
        "__price:4", "__price:5"]  # 1000 ... 99999.99
    assert price_lexemes(Decimal(150), None)[0] == "__price:3"
    assert price_lexemes(None, Decimal(1)) == ["__price:0"]


def test_typos_widen_only_words_the_index_does_not_know(requires_postgres, db_backend):
    from tests.catalog.factories import PublishedProductFactory

    model = PublishedProductFactory(name="智能模型", name_en="Smart model kit")
    module = PublishedProductFactory(name="智能模组", name_en="Smart module kit")
    rebuild("product", backend=db_backend)
    # a known word is taken as written (stemmed), never widened
    assert ids(run(db_backend, "module", language="en")) == [module.pk]
    assert ids(run(db_backend, "model", language="en")) == [model.pk]
    # an unknown one is widened to the known words within one edit (AUTO for 5 letters)
    assert sorted(ids(run(db_backend, "modle", language="en"))) == sorted([model.pk, module.pk])
    # and too far is too far
    assert run(db_backend, "mxdxle", language="en").total == 0


def _statements(db_backend, text, **kwargs):
    with CaptureQueriesContext(connection) as queries:
        result = run(db_backend, text, **kwargs)
    return result, [q["sql"] for q in queries]


def test_one_statement_strict_two_with_the_fallback(requires_postgres, corpus, db_backend):
    result, statements = _statements(db_backend, "海洋 buoy", filters={"stage": ("prototype",)})
    assert ids(result) == [corpus.buoy.pk] and not result.partial and len(statements) == 1
    # a typo is widened inside the same statement
    result, statements = _statements(db_backend, "海洋 buoyy")
    assert corpus.buoy.pk in ids(result) and len(statements) == 1
    assert result.suggestion == "海洋 buoy"
    # nothing has every term: the strict statement, then the most-terms one
    result, statements = _statements(db_backend, "海洋 xyzzyq")
    assert result.partial and corpus.buoy.pk in ids(result) and len(statements) == 2


@pytest.mark.django_db(databases=["default", "search_sqlite"])
def test_sqlite_reads_the_lexicon_once_then_searches(sqlite_backend):
    build_corpus()
    index_corpus(sqlite_backend)
    sqlite = connections["search_sqlite"]
    with CaptureQueriesContext(sqlite) as queries:
        result = run(sqlite_backend, "monitorng water", language="en")
    assert result.suggestion == "monitoring water" and ids(result)
    assert len(queries) == 2  # the lexicon's candidates, the search
    with CaptureQueriesContext(sqlite) as queries:
        run(sqlite_backend, "海洋")  # no Latin word: no lexicon read
    assert len(queries) == 1


def test_lexicon_keeps_the_shortest_spelling_to_propose(requires_postgres, corpus):
    from search.models import SearchLexicon

    words = dict(SearchLexicon.objects.values_list("word", "surface"))
    assert words["sensor"] == "sensor"
    assert words["monitor"] == "monitors"  # "monitoring" is longer
