"""Database-backend specifics: the stored vector, constant query counts, safety of the
SQL built from user text, transactional rebuilds."""

import pytest
from django.db import connection
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


def test_vector_holds_chinese_bigrams_and_stemmed_english(requires_postgres, corpus):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT search_vector::text FROM search_searchentry WHERE doc_type = 'product' "
            "AND object_id = %s", [corpus.buoy.pk])
        vector = cursor.fetchone()[0]
    for token in ("'海洋':1A", "'洋浮':2A", "'浮标':3A", "'ocean'", "'drone'", "'水文'",
                  "'hydrolog'"):
        assert token in vector
    assert "'浮标无'" not in vector


def test_number_of_queries_does_not_grow_with_the_page_size(requires_postgres, db_backend):
    build_corpus()
    from search.sources.catalog import build_product
    from tests.search.factories import ProductFactory

    extra = [build_product(p) for p in _annotated(ProductFactory.create_batch(
        120, name="海洋传感器样机", name_en="Ocean sensor sample"))]
    db_backend.upsert(extra)
    for size in (20, 100):
        with CaptureQueriesContext(connection) as queries:
            result = run(db_backend, "海洋", page_size=size,
                         filters={"stage": ("prototype",), "certified": ("false",)})
        assert len(result.hits) == size
        assert len(queries) == 2, [q["sql"][:80] for q in queries]


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
