"""Fixtures of the search tests.

``osmem`` starts one osmem-server (an in-memory OpenSearch-compatible server from PyPI)
for the session on a free port and stops it afterwards; each test that needs
Elasticsearch gets its own clone (an empty cluster on its own port). Under
REQUIRE_SERVICES=1 an unavailable osmem fails the tests instead of skipping them.
"""

import uuid

import pytest

from search.backends.database import DatabaseBackend
from tests.conftest import _missing

BACKENDS = ["database", "elasticsearch"]


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


@pytest.fixture(params=BACKENDS)
def backend(request, db):
    if request.param == "database":
        return request.getfixturevalue("db_backend")
    return request.getfixturevalue("es_backend")


@pytest.fixture
def es_settings(settings, osmem_url):
    """Point the configured backend (what signals and views use) at an osmem clone."""
    settings.ELASTICSEARCH_URL = osmem_url
    settings.ELASTICSEARCH_NODE_CLASS = "search.backends.plain_json.PlainJsonHttpNode"
    settings.SEARCH_INDEX_PREFIX = f"test-{uuid.uuid4().hex[:8]}"
    settings.SEARCH_BACKEND = "search.backends.elasticsearch.ElasticsearchBackend"
    return settings
