"""Document sources: catalogue builders, sources of apps that do not exist yet, the
registry, and signals of apps that add a source later."""

from dataclasses import replace
from decimal import Decimal
from types import SimpleNamespace

import pytest

from search import documents
from search.documents import DocumentSource, active_sources, get_source, register_source
from search.indexing import rebuild, rebuild_all
from search.receivers import connect_receivers
from search.sources.crowdfunding import build_campaign
from search.sources.procurement import build_notice
from tests.search import fake_sources
from tests.search.helpers import ids, run

pytestmark = pytest.mark.django_db


def test_catalogue_sources_are_active_and_future_ones_wait():
    assert [s.doc_type for s in active_sources()] == ["product", "makerspace"]
    assert get_source("campaign").selector == "crowdfunding.selectors.campaigns_for_index"
    assert not get_source("campaign").available()
    assert not get_source("notice").available()


def test_rebuilding_a_type_without_source_gives_an_empty_index(db_backend):
    db_backend.upsert([build_campaign(SimpleNamespace(pk=1, title="旧的众筹", status="live"))])
    report = rebuild("campaign", backend=db_backend)
    assert report.indexed == 0
    assert db_backend.count("campaign") == 0


def test_notice_builder():
    doc = build_notice(SimpleNamespace(
        pk=3, title="海洋监测浮标首购公告", title_en="First purchase of ocean buoys",
        summary="采购 10 套", body="<p>详见<b>附件</b></p>", status="open",
        procedure_kind="first_purchase", budget_amount=Decimal("500000"), currency="CNY",
        buyer=SimpleNamespace(name="青岛市科技局", name_en="Qingdao STI Bureau",
                              slug="qingdao-sti-bureau", district="shinan"),
    ))
    assert doc.doc_type == "notice" and doc.status == "open" and doc.district == "shinan"
    assert doc.body_zh == "详见附件" and doc.price == Decimal("500000")
    assert doc.url == "/procurement/notices/3/"
    assert doc.extra["buyer_slug"] == "qingdao-sti-bureau"


@pytest.fixture
def fake_campaign_source():
    original = get_source("campaign")
    register_source(replace(
        original, selector="tests.search.fake_sources.campaigns_for_index",
        signal="tests.search.fake_sources.campaign_changed",
    ))
    yield
    fake_sources.campaign_changed.disconnect(dispatch_uid="search:campaign")
    register_source(original)


def test_an_app_that_adds_its_selector_gets_indexed(db_backend, fake_campaign_source):
    assert "campaign" in [s.doc_type for s in active_sources()]
    counts = rebuild_all(backend=db_backend)
    assert counts["campaign"] == 1
    result = run(db_backend, "众筹", doc_types=("campaign",))
    assert ids(result, "campaign") == [7]
    assert result.hits[0].status_label == "进行中"


def test_its_signal_is_followed(fake_campaign_source, django_capture_on_commit_callbacks):
    from search.service import get_backend

    assert "tests.search.fake_sources.campaign_changed" in connect_receivers()
    with django_capture_on_commit_callbacks(execute=True):
        fake_sources.campaign_changed.send(sender=None, campaign_id=7)
    assert ids(run(get_backend(), "海洋牧场"), "campaign") == [7]
    fake_sources.PUBLIC.discard(7)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            fake_sources.campaign_changed.send(sender=None, campaign_id=7)
        assert run(get_backend(), "海洋牧场").total == 0
    finally:
        fake_sources.PUBLIC.add(7)


def test_unknown_document_types_are_refused():
    with pytest.raises(ValueError):
        register_source(DocumentSource(doc_type="unicorn", selector="x.y", build=str))
    with pytest.raises(ValueError):
        documents.SearchDocument(doc_type="unicorn", object_id=1, url="/")


def test_demo_seeder_is_idempotent(db_backend):
    from search.demo import seed_search_index
    from search.models import SearchEntry
    from tests.search.corpus import build_corpus

    build_corpus()
    first = seed_search_index(lambda msg: None)
    rows = sorted(SearchEntry.objects.values_list("doc_type", "object_id"))
    second = seed_search_index(lambda msg: None)
    assert first == second == {"product": 4, "makerspace": 2}
    assert sorted(SearchEntry.objects.values_list("doc_type", "object_id")) == rows


def test_health_check_reports_the_search_backend(client):
    from marketplace.core.health import _timed
    from search.health import search_health

    report = _timed(search_health, detailed=True)
    assert report["status"] == "up" and report["backend"] == "database"
