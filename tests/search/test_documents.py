"""The registry of document types: the one place that says what can be found, and the
contract an app's ready() calls (a test-only campaign type stands in for crowdfunding)."""

import pytest
from django.dispatch import Signal

from search.documents import (
    SearchDocument,
    document_types,
    get_document_type,
    register_document_type,
    status_labels,
    type_names,
    unknown_values,
    unregister_document_type,
    value_labels,
)
from search.indexing import index_objects, rebuild, rebuild_all
from tests.search import fake_sources
from tests.search.helpers import ids, run

pytestmark = pytest.mark.django_db


def test_the_catalogue_registers_products_and_makerspaces_and_nothing_else_exists():
    assert type_names() == ("product", "makerspace")
    product = get_document_type("product")
    assert product.index_name == "products" and "stage" in product.facets
    assert str(product.label) and value_labels("stage")["on_market"]
    assert status_labels() == {}  # no app with statuses is installed yet
    with pytest.raises(ValueError, match="unknown document type"):
        get_document_type("campaign")


def test_an_app_that_registers_a_type_gets_indexed_and_labelled(db_backend, campaign_type):
    assert type_names() == ("product", "makerspace", "campaign")
    counts = rebuild_all(backend=db_backend)
    assert counts["campaign"] == 1
    result = run(db_backend, "众筹", doc_types=("campaign",))
    assert ids(result, "campaign") == [7]
    hit = result.hits[0]
    assert hit.status_label == "进行中" and hit.doc_type_label == "众筹"
    assert {v.value: v.label for v in result.facets["doc_type"]}["campaign"] == "众筹项目"
    assert value_labels("status") == fake_sources.STATUSES


def test_its_signal_is_followed_and_stops_being_followed(campaign_type,
                                                         django_capture_on_commit_callbacks):
    from search.service import get_backend

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
    unregister_document_type("campaign")
    assert not fake_sources.campaign_changed.has_listeners()


def test_an_unregistered_type_is_refused_everywhere(db_backend):
    with pytest.raises(ValueError, match="unknown document type"):
        index_objects("campaign", [1], backend=db_backend)
    with pytest.raises(ValueError, match="unknown document type"):
        rebuild("campaign", backend=db_backend)
    with pytest.raises(ValueError, match="unknown document type"):
        db_backend.upsert([SearchDocument(doc_type="campaign", object_id=1, url="/")])


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"doc_type": "Bad Name"}, "short lower-case identifiers"),
    ({"facets": ("colour",)}, "unknown facets"),
    ({"facets": ("doc_type",)}, "unknown facets"),
    ({"statuses": {"live": "Live"}}, "without the status facet"),
    ({"index_fields": {"x": "geo_point"}}, "unknown index field kinds"),
    ({"signal": Signal()}, "needs the name of the id"),
])
def test_contract_violations_are_refused(kwargs, message):
    arguments = {"doc_type": "gadget", "label": "Gadgets", "rows": list, "build": str, **kwargs}
    with pytest.raises(ValueError, match=message):
        register_document_type(arguments.pop("doc_type"), **arguments)
    assert "gadget" not in type_names()


def test_registering_again_replaces_the_type(campaign_type):
    before = len(document_types())
    again = fake_sources.register_campaigns()
    assert len(document_types()) == before and get_document_type("campaign") is again
    # one receiver, not two: a change is indexed once
    assert len(fake_sources.campaign_changed.receivers) == 1


def test_vocabularies_validate_data_valued_facets(db):
    from tests.catalog.factories import CategoryFactory

    CategoryFactory(slug="known-cat")
    assert unknown_values("category", ["known-cat", "nope"]) == ["nope"]
    assert unknown_values("district", ["anything"]) == []  # no vocabulary registered


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


def test_health_check_reports_the_search_backend_with_typo_tolerance(client):
    from marketplace.core.health import _timed
    from search.health import search_health

    report = _timed(search_health, detailed=True)
    assert report["status"] == "up" and report["backend"] == "database"
    assert report["typo_tolerance"] is True
    assert client.get("/healthz").json()["checks"]["search"]["typo_tolerance"] is True
