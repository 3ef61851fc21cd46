"""Fixtures of the search tests.

Backends: ``database`` (the default database: PostgreSQL here and in CI), ``sqlite`` (the
embedded default's SQLite, a second test database holding only what the database
backend writes; the documents are read from the default database as always) and
``elasticsearch``: ``osmem`` starts one osmem-server (an in-memory OpenSearch-compatible
server from PyPI) for the session on a free port and stops it afterwards; each test that
needs Elasticsearch gets its own clone (an empty cluster on its own port). Under
REQUIRE_SERVICES=1 an unavailable osmem fails the tests instead of skipping them.

A test using the ``sqlite`` backend declares both databases:
``pytest.mark.django_db(databases=DATABASES)``.
"""

import tempfile
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connections

from search.backends.database import DatabaseBackend
from tests.conftest import _missing
from tests.search.fake_sources import register_campaigns, unregister_campaigns

SQLITE = "search_sqlite"
DATABASES = ["default", SQLITE]
BACKENDS = ["database", "sqlite", "elasticsearch"]

# The SQLite alias exists only for these tests; pytest-django creates (and migrates)
# its test database when a collected test asks for it (suffixed per xdist worker).
# connections.settings is this same dict, so adding the alias here is seen whether or
# not it was read already. A file, not ":memory:": Django never closes an in-memory
# SQLite connection, and an open one trips pytest-django's guard in tests without db.
if SQLITE not in settings.DATABASES:
    _file = str(Path(tempfile.gettempdir()) / f"search-sqlite-{uuid.uuid4().hex[:8]}.sqlite3")
    settings.DATABASES[SQLITE] = connections.configure_settings({"default": {
        "ENGINE": "django.db.backends.sqlite3", "NAME": _file, "TEST": {"NAME": _file},
    }})["default"]


@pytest.fixture(scope="session")
def osmem():
    try:
        from osmem_server import OsmemError, OsmemServer
    except ImportError:
        _missing("osmem-server (pip install osmem-server)")
    try:
        server = OsmemServer.start(addr="127.0.0.1:0", japanese=False, startup_timeout=30)
    except (OsmemError, OSError) as exc:
        _missing(f"osmem-server ({exc})")
    yield server
    server.close()


@pytest.fixture
def osmem_url(osmem):
    clone = osmem.clone()
    yield clone.url
    clone.close()


@pytest.fixture
def es_backend(osmem_url):
    from search.backends.elasticsearch import ElasticsearchBackend
    from search.backends.plain_json import PlainJsonHttpNode

    backend = ElasticsearchBackend(
        osmem_url, index_prefix=f"test-{uuid.uuid4().hex[:8]}", node_class=PlainJsonHttpNode,
        refresh="wait_for",
    )
    backend.setup()
    return backend


@pytest.fixture
def db_backend(db):
    return DatabaseBackend()


@pytest.fixture
def sqlite_backend(request, db):
    marker = request.node.get_closest_marker("django_db")
    if marker is None or SQLITE not in (marker.kwargs.get("databases") or ()):
        pytest.fail("a test using the sqlite backend marks django_db(databases=DATABASES)")
    return DatabaseBackend(using=SQLITE)


@pytest.fixture(params=BACKENDS)
def backend(request, db):
    if request.param == "database":
        return request.getfixturevalue("db_backend")
    if request.param == "sqlite":
        return request.getfixturevalue("sqlite_backend")
    return request.getfixturevalue("es_backend")


@pytest.fixture
def campaign_type():
    """Campaigns registered as a crowdfunding app would register them, for one test."""
    registered = register_campaigns()
    yield registered
    unregister_campaigns()


@pytest.fixture
def es_settings(settings, osmem_url):
    """Point the configured backend (what signals and views use) at an osmem clone."""
    settings.ELASTICSEARCH_URL = osmem_url
    settings.ELASTICSEARCH_NODE_CLASS = "search.backends.plain_json.PlainJsonHttpNode"
    settings.SEARCH_INDEX_PREFIX = f"test-{uuid.uuid4().hex[:8]}"
    settings.SEARCH_BACKEND = "search.backends.elasticsearch.ElasticsearchBackend"
    return settings


@pytest.fixture(autouse=True)
def _only_the_catalogue_and_fake_types():
    """Search's own tests see the catalogue's types and the fakes they register: the
    feature apps' own types (crowdfunding's campaigns, procurement's notices) are taken
    out for each test and registered again after it; they are tested with their apps
    (tests/crowdfunding/test_search.py, tests/procurement/test_search.py)."""
    from crowdfunding.search import register as register_campaigns_of_the_app
    from procurement.search import register as register_notices
    from search.documents import type_names, unregister_document_type

    apps = {"campaign": register_campaigns_of_the_app, "notice": register_notices}
    present = [name for name in apps if name in type_names()]
    for name in present:
        unregister_document_type(name)
    yield
    for name in present:
        unregister_document_type(name)  # a fake of the same name may be left registered
        apps[name]()
