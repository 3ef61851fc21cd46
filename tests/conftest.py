"""Shared fixtures.

REQUIRE_SERVICES=1 (set by CI) turns every "needs PostgreSQL/Redis" skip into a failure,
so CI can never pass by skipping the tests that matter.
"""

import contextlib
import os

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection

from marketplace.core.names import AuditAction

REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES") == "1"


class TestAudit(AuditAction):
    """The audit codes tests write directly (audit_log refuses undeclared codes)."""

    __test__ = False
    A = "test.a"
    B = "test.b"
    C = "test.c"
    X = "test.x"
    Y = "test.y"
    HAPPENED = "test.happened"
    AFTER_MIGRATE = "test.after_migrate"
    AS_APP = "test.as_app"
    BY_SOMEONE = "test.by_someone"
    CONCURRENT = "test.concurrent"
    DURING = "test.during"
    FORGED = "test.forged"
    HOLD = "test.hold"
    REWRITTEN = "test.rewritten"
    SETUP = "test.setup"
    SOMETHING = "test.something"
    CONFIG_CHANGED = "test.config_changed"


def _missing(what: str):
    if REQUIRE_SERVICES:
        pytest.fail(f"{what} is required (REQUIRE_SERVICES=1) but not available")
    pytest.skip(f"needs {what}")


@pytest.fixture
def requires_postgres(db):
    if connection.vendor != "postgresql":
        _missing("PostgreSQL")


@pytest.fixture
def requires_redis():
    if not settings.REDIS_URL:
        _missing("Redis")
    import redis

    try:
        redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=1).ping()
    except redis.RedisError:
        _missing("Redis")
    return settings.REDIS_URL


@pytest.fixture(scope="session", autouse=True)
def _flush_past_the_audit_truncate_trigger():
    """On PostgreSQL the audit tables refuse TRUNCATE (migration 0005), and TRUNCATE is
    how Django empties the database after a transactional test. Only here, in the test
    run, the flush runs with the session in replica mode, where ordinary triggers do not
    fire (setting it needs a superuser, as the test run's role is)."""
    from django.db.backends.postgresql.operations import DatabaseOperations

    flush = DatabaseOperations.execute_sql_flush

    def execute_sql_flush(self, sql_list):
        if sql_list:
            sql_list = ["SET LOCAL session_replication_role = replica", *sql_list]
        return flush(self, sql_list)

    patch = pytest.MonkeyPatch()
    patch.setattr(DatabaseOperations, "execute_sql_flush", execute_sql_flush)
    yield
    patch.undo()


@pytest.fixture(autouse=True)
def _clear_cache():
    # a test may point the cache at a stopped Redis
    with contextlib.suppress(Exception):
        cache.clear()
    yield


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def api_client():
    from rest_framework.test import APIClient

    return APIClient()


@pytest.fixture
def isolated_cache(settings):
    """A private in-process cache for tests whose outcome lives in the cache (login
    throttling counters, used TOTP codes): suites running in parallel on the shared
    Redis flush their databases, which must not reset our counters mid-test."""
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                    "LOCATION": "accounts-tests"}
    }
    from django.core.cache import cache

    cache.clear()
    return cache
