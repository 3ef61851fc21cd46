"""Index updates follow the catalogue's commits through Celery tasks (eager in tests)."""

import logging

import pytest

from catalog.services.makerspaces import makerspace_update
from catalog.services.products import product_publish, product_update, product_withdraw
from search.backends.base import SearchUnavailable
from search.backends.database import DatabaseBackend
from search.service import get_backend
from search.tasks import index_documents
from tests.catalog.factories import MakerspaceFactory, ProductFactory, PublishedProductFactory
from tests.factories import OrganisationFactory, StaffFactory, member_of
from tests.search.helpers import ids, run

pytestmark = pytest.mark.django_db


@pytest.fixture
def maker():
    organisation = OrganisationFactory(name="浪花智造", name_en="Wave Works")
    return member_of(organisation), organisation


@pytest.fixture
def draft(maker):
    return ProductFactory(organisation=maker[1], name="潮汐发电浮标", name_en="Tidal power buoy")


def test_publishing_through_the_catalogue_makes_the_product_searchable(
    maker, draft, django_capture_on_commit_callbacks
):
    backend = get_backend()
    assert isinstance(backend, DatabaseBackend)
    assert run(backend, "潮汐").total == 0
    with django_capture_on_commit_callbacks(execute=True):
        product_publish(actor=maker[0], product=draft)
    assert ids(run(backend, "潮汐")) == [draft.pk]

    with django_capture_on_commit_callbacks(execute=True):
        product_update(actor=maker[0], product=draft, name="潮汐能发电浮标")
    assert ids(run(backend, "潮汐能")) == [draft.pk]

    with django_capture_on_commit_callbacks(execute=True):
        product_withdraw(actor=maker[0], product=draft, reason="sold out")
    assert run(backend, "潮汐").total == 0


def test_a_draft_change_never_indexes_the_draft(maker, draft, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        product_update(actor=maker[0], product=draft, name="潮汐草稿")
    assert run(get_backend(), "潮汐").total == 0


def test_makerspace_change_reindexes_it_and_its_products(django_capture_on_commit_callbacks):
    space = MakerspaceFactory(name="海风众创空间", name_en="Sea Breeze Space")
    operator = member_of(space.operator)
    product = PublishedProductFactory(makerspace=space)
    with django_capture_on_commit_callbacks(execute=True):
        index_documents.delay("product", [product.pk])
    assert {h.makerspace_label for h in run(get_backend(), doc_types=("product",)).hits} == {
        "海风众创空间"}
    with django_capture_on_commit_callbacks(execute=True):
        makerspace_update(actor=operator, makerspace=space, name="海风创新工场")
    result = run(get_backend(), "海风创新工场")
    assert ids(result, "makerspace") == [space.pk]
    assert {h.makerspace_label for h in run(get_backend(), doc_types=("product",)).hits} == {
        "海风创新工场"}


def test_elasticsearch_outage_during_save_does_not_break_the_save(
    es_settings, unused_tcp_port, maker, draft, django_capture_on_commit_callbacks, caplog
):
    es_settings.ELASTICSEARCH_URL = f"http://127.0.0.1:{unused_tcp_port}"
    with caplog.at_level(logging.ERROR), django_capture_on_commit_callbacks(execute=True):
        product_publish(actor=maker[0], product=draft)
    draft.refresh_from_db()
    assert draft.status == "published"
    # the failure is logged (and, with a real worker, retried), never raised
    assert any(r.levelno >= logging.ERROR for r in caplog.records)


def test_publishing_reaches_elasticsearch(es_settings, maker, draft,
                                          django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        product_publish(actor=maker[0], product=draft)
    backend = get_backend()
    assert backend.name == "elasticsearch"
    assert ids(run(backend, "潮汐")) == [draft.pk]
    with django_capture_on_commit_callbacks(execute=True):
        product_withdraw(actor=maker[0], product=draft)
    assert run(backend, "潮汐").total == 0


class FlakyBackend(DatabaseBackend):
    """Refuses the first two writes, as a search server that is restarting would."""

    failures_left = 0
    attempts = 0

    def upsert(self, documents):
        documents = list(documents)
        type(self).attempts += 1
        if type(self).failures_left > 0:
            type(self).failures_left -= 1
            raise SearchUnavailable("restarting")
        return super().upsert(documents)


@pytest.fixture
def eager_retries():
    """Eager tasks only retry when they do not propagate errors (Celery re-raises the
    Retry otherwise); a worker always retries."""
    conf = index_documents.app.conf
    previous = conf.task_eager_propagates
    conf.task_eager_propagates = False
    yield
    conf.task_eager_propagates = previous


def test_failed_index_calls_are_retried(settings, maker, draft, eager_retries,
                                        django_capture_on_commit_callbacks):
    product_publish(actor=maker[0], product=draft)  # its own announcement is not run
    settings.SEARCH_BACKEND = "tests.search.test_indexing.FlakyBackend"
    FlakyBackend.failures_left, FlakyBackend.attempts = 2, 0
    with django_capture_on_commit_callbacks(execute=True):
        index_documents.delay("product", [draft.pk])
    assert FlakyBackend.attempts == 3
    assert ids(run(get_backend(), "潮汐")) == [draft.pk]


def test_retry_policy_backs_off():
    assert index_documents.autoretry_for == (SearchUnavailable,)
    assert index_documents.retry_backoff and index_documents.retry_jitter
    assert index_documents.max_retries >= 5


def test_a_broken_broker_never_reaches_the_maker(maker, draft, monkeypatch,
                                                 django_capture_on_commit_callbacks, caplog):
    def refuse(*args, **kwargs):
        raise ConnectionError("broker down")

    monkeypatch.setattr(index_documents, "apply_async", refuse)
    with caplog.at_level(logging.ERROR, logger="search.receivers"), \
            django_capture_on_commit_callbacks(execute=True):
        product_publish(actor=maker[0], product=draft)
    draft.refresh_from_db()
    assert draft.status == "published"
    assert caplog.records


def test_task_refuses_unknown_document_types():
    with pytest.raises(ValueError, match="unknown document type"):
        index_documents("unicorn", [1])


def test_certification_decisions_reach_the_certified_facet(django_capture_on_commit_callbacks):
    from datetime import timedelta

    from django.utils import timezone

    from catalog.models import Certification
    from catalog.services.certification import certification_certify, certification_revoke
    from tests.catalog.factories import certification_in

    product = PublishedProductFactory(name="深海声呐", name_en="Deep sea sonar")
    with django_capture_on_commit_callbacks(execute=True):
        index_documents.delay("product", [product.pk])
    backend = get_backend()
    assert [h.certified for h in run(backend, "声呐").hits] == [False]
    staff = StaffFactory()
    application = certification_in(Certification.Status.UNDER_REVIEW, product=product,
                                   staff=staff)
    today = timezone.localdate()
    with django_capture_on_commit_callbacks(execute=True):
        certification_certify(actor=staff, certification=application,
                              certificate_number="RD-2026-0042", valid_from=today,
                              valid_until=today + timedelta(days=365))
    hit = run(backend, "声呐").hits[0]
    assert hit.certified is True and hit.extra["certified_until"]
    assert ids(run(backend, "声呐", filters={"certified": ("true",)})) == [product.pk]
    with django_capture_on_commit_callbacks(execute=True):
        certification_revoke(actor=staff, certification=application, reason="false claims")
    assert [h.certified for h in run(backend, "声呐").hits] == [False]
