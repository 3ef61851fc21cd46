"""The settings overlays: what the embedded run, REDIS_URL, ELASTICSEARCH_URL and the
production overlay switch on. Each combination is imported in a fresh interpreter with a
controlled environment, so nothing leaks into the settings this test run uses."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from marketplace.core.csp import site_policy

ROOT = Path(__file__).resolve().parent.parent

# Every variable the settings read that could leak in from the developer's shell or CI.
_CONTROLLED = (
    "DATABASE_URL",
    "REDIS_URL",
    "CELERY_BROKER_URL",
    "CELERY_FILESYSTEM_DIR",
    "ELASTICSEARCH_URL",
    "SEARCH_BACKEND",
    "DJANGO_DEBUG",
    "DJANGO_SECRET_KEY",
    "DJANGO_ALLOWED_HOSTS",
    "DJANGO_CSRF_TRUSTED_ORIGINS",
    "DJANGO_SECURE_SSL_REDIRECT",
    "DJANGO_HSTS_SECONDS",
    "DJANGO_SETTINGS_MODULE",
    "PYTEST_XDIST_WORKER",
    "DATABASE_MIGRATE_URL",
    "DATABASE_AS_OWNER",
    "AUDIT_SIGNING_KEY",
    "AUDIT_SIGNING_KEY_FILE",
    "AUDIT_VERIFY_KEYS",
)

_DUMP = """
import importlib, json, sys
mod = importlib.import_module(sys.argv[1])
print(json.dumps({k: getattr(mod, k) for k in dir(mod) if k.isupper()}, default=str))
"""

PRODUCTION_ENV = {
    "DJANGO_SECRET_KEY": "x7#production-grade-secret-key-with-enough-length-and-variety-1f9a",
    "DJANGO_ALLOWED_HOSTS": "market.example.org",
    "DJANGO_CSRF_TRUSTED_ORIGINS": "https://market.example.org",
    # base64 of a 32-byte Ed25519 seed (manage.py audit_keygen makes real ones)
    "AUDIT_SIGNING_KEY": "cHJvZHVjdGlvbi10ZXN0LWF1ZGl0LXNpZ25pbmdrZXk=",
}


def _env(tmp_path: Path, **overrides: str) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in _CONTROLLED}
    # the broker folders the filesystem transport creates go to a scratch place
    env["CELERY_FILESYSTEM_DIR"] = str(tmp_path / "broker")
    env.update(overrides)
    return env


def load_settings(module: str, tmp_path: Path, **env: str) -> dict:
    result = subprocess.run(
        [sys.executable, "-c", _DUMP, module],
        cwd=ROOT,
        env=_env(tmp_path, **env),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_embedded_needs_no_server(tmp_path):
    s = load_settings("marketplace.settings.embedded", tmp_path)

    assert s["DEBUG"] is True
    assert s["ALLOWED_HOSTS"] == ["127.0.0.1", "localhost", "[::1]"]
    db = s["DATABASES"]["default"]
    assert db["ENGINE"] == "django.db.backends.sqlite3"
    assert db["NAME"].endswith("var/marketplace.sqlite3")
    # server and worker share the file: WAL + immediate transactions + a lock timeout
    assert db["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    assert "journal_mode=WAL" in db["OPTIONS"]["init_command"]
    assert s["CHANNEL_LAYERS"]["default"]["BACKEND"] == "channels.layers.InMemoryChannelLayer"
    assert s["CACHES"]["default"]["BACKEND"].endswith("LocMemCache")
    assert s["SEARCH_BACKEND"] == "search.backends.database.DatabaseBackend"
    assert s["CELERY_BROKER_URL"] == "filesystem://"
    assert s["CELERY_TASK_ALWAYS_EAGER"] is False  # the worker runs tasks, not the request
    options = s["CELERY_BROKER_TRANSPORT_OPTIONS"]
    assert options["data_folder_in"] == options["data_folder_out"] == str(tmp_path / "broker")
    # importing the settings touches no disk (the Celery app makes the broker folders)
    assert not (tmp_path / "broker").exists()
    assert "chronograph" in s["CELERY_BEAT_SCHEDULE"]


def test_embedded_run_can_be_reached_under_another_host_name(tmp_path):
    s = load_settings(
        "marketplace.settings.embedded", tmp_path, DJANGO_ALLOWED_HOSTS="demo.lan,192.168.1.20"
    )
    assert s["ALLOWED_HOSTS"] == ["demo.lan", "192.168.1.20"]


def test_redis_url_switches_cache_channels_and_broker(tmp_path):
    url = "redis://127.0.0.1:6379/7"
    s = load_settings("marketplace.settings.embedded", tmp_path, REDIS_URL=url)

    assert s["CACHES"]["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert s["CACHES"]["default"]["LOCATION"] == url
    layer = s["CHANNEL_LAYERS"]["default"]
    assert layer["BACKEND"] == "channels_redis.core.RedisChannelLayer"
    assert layer["CONFIG"]["hosts"] == [url]
    assert s["CELERY_BROKER_URL"] == url
    assert "CELERY_BROKER_TRANSPORT_OPTIONS" not in s
    assert not (tmp_path / "broker").exists()


def test_celery_broker_url_wins_over_redis_url(tmp_path):
    s = load_settings(
        "marketplace.settings.embedded",
        tmp_path,
        REDIS_URL="redis://127.0.0.1:6379/0",
        CELERY_BROKER_URL="redis://broker.internal:6379/1",
    )
    assert s["CELERY_BROKER_URL"] == "redis://broker.internal:6379/1"
    assert s["CACHES"]["default"]["LOCATION"] == "redis://127.0.0.1:6379/0"


def test_elasticsearch_url_switches_the_search_backend(tmp_path):
    s = load_settings(
        "marketplace.settings.embedded", tmp_path, ELASTICSEARCH_URL="http://es.internal:9200"
    )
    assert s["SEARCH_BACKEND"] == "search.backends.elasticsearch.ElasticsearchBackend"
    assert s["ELASTICSEARCH_URL"] == "http://es.internal:9200"


def test_database_url_replaces_sqlite_without_sqlite_options(tmp_path):
    s = load_settings(
        "marketplace.settings.embedded",
        tmp_path,
        DATABASE_URL="postgres://app:pw@db.internal:5432/marketplace",
    )
    db = s["DATABASES"]["default"]
    assert db["ENGINE"] == "django.db.backends.postgresql"
    assert (db["HOST"], db["NAME"], db["USER"]) == ("db.internal", "marketplace", "app")
    assert "transaction_mode" not in db.get("OPTIONS", {})


def test_each_xdist_worker_gets_a_redis_database_of_its_own(tmp_path):
    common = {"DATABASE_URL": "sqlite:////tmp/unused.sqlite3", "REDIS_URL": "redis://127.0.0.1:6379/3"}
    alone = load_settings("marketplace.settings.test", tmp_path, **common)
    gw0 = load_settings("marketplace.settings.test", tmp_path, PYTEST_XDIST_WORKER="gw0", **common)
    gw1 = load_settings("marketplace.settings.test", tmp_path, PYTEST_XDIST_WORKER="gw1", **common)

    assert alone["REDIS_URL"] == gw0["REDIS_URL"] == "redis://127.0.0.1:6379/3"
    assert gw1["REDIS_URL"] == "redis://127.0.0.1:6379/4"
    assert gw1["CACHES"]["default"]["LOCATION"] == "redis://127.0.0.1:6379/4"
    assert gw1["CHANNEL_LAYERS"]["default"]["CONFIG"]["hosts"] == ["redis://127.0.0.1:6379/4"]
    assert gw1["CELERY_BROKER_URL"] == "redis://127.0.0.1:6379/4"
    # the databases wrap around Redis' 16
    wrap = load_settings(
        "marketplace.settings.test",
        tmp_path,
        PYTEST_XDIST_WORKER="gw1",
        DATABASE_URL="sqlite:////tmp/unused.sqlite3",
        REDIS_URL="redis://127.0.0.1:6379/15",
    )
    assert wrap["REDIS_URL"] == "redis://127.0.0.1:6379/0"


def test_the_test_overlay_finds_local_services_before_base_reads_the_environment(tmp_path):
    """DATABASE_URL/REDIS_URL chosen by the test overlay must reach DATABASES, CACHES,
    channels and the broker (the settings package must not import base early)."""
    s = load_settings("marketplace.settings.test", tmp_path, REDIS_URL="redis://127.0.0.1:6379/9")
    assert s["CACHES"]["default"]["LOCATION"] == "redis://127.0.0.1:6379/9"
    with socket.socket() as probe:
        postgres_answers = probe.connect_ex(("127.0.0.1", 5432)) == 0
    engine = s["DATABASES"]["default"]["ENGINE"]
    if postgres_answers:
        assert engine == "django.db.backends.postgresql"
    else:
        assert engine == "django.db.backends.sqlite3"
        assert s["DATABASES"]["default"]["NAME"] == "/tmp/marketplace-test.sqlite3"


def test_debug_is_off_by_default_outside_the_embedded_run(tmp_path):
    base = load_settings("marketplace.settings.base", tmp_path, DJANGO_SECRET_KEY="k" * 50)
    assert base["DEBUG"] is False
    production = load_settings("marketplace.settings.production", tmp_path, **PRODUCTION_ENV)
    assert production["DEBUG"] is False
    # even when someone sets DJANGO_DEBUG, production stays off
    forced = load_settings(
        "marketplace.settings.production", tmp_path, DJANGO_DEBUG="true", **PRODUCTION_ENV
    )
    assert forced["DEBUG"] is False


@pytest.mark.parametrize("module", ["marketplace.settings.base", "marketplace.settings.production"])
def test_without_a_key_nothing_but_debug_or_the_embedded_run_starts(tmp_path, module):
    """manage.py, celery.py and asgi.py default to the base settings: without a key they
    refuse to start instead of signing sessions with a key everyone knows."""
    result = subprocess.run([sys.executable, "-c", _DUMP, module], cwd=ROOT,
                            env=_env(tmp_path), capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr
    debug = load_settings("marketplace.settings.base", tmp_path, DJANGO_DEBUG="true")
    assert debug["DEBUG"] is True and debug["SECRET_KEY"].startswith("insecure-")
    embedded = load_settings("marketplace.settings.embedded", tmp_path)
    assert embedded["DEBUG"] is True and embedded["SECRET_KEY"]


def test_production_requires_a_secret_key(tmp_path):
    result = subprocess.run(
        [sys.executable, "-c", _DUMP, "marketplace.settings.production"],
        cwd=ROOT,
        env=_env(tmp_path, DJANGO_ALLOWED_HOSTS="market.example.org"),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_production_hardens_transport_and_cookies(tmp_path):
    s = load_settings("marketplace.settings.production", tmp_path, **PRODUCTION_ENV)

    assert s["SECRET_KEY"] == PRODUCTION_ENV["DJANGO_SECRET_KEY"]
    assert s["ALLOWED_HOSTS"] == ["market.example.org"]
    assert s["CSRF_TRUSTED_ORIGINS"] == ["https://market.example.org"]
    assert s["SECURE_SSL_REDIRECT"] is True
    assert s["SESSION_COOKIE_SECURE"] is True and s["CSRF_COOKIE_SECURE"] is True
    assert s["SECURE_HSTS_SECONDS"] >= 31536000
    assert s["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert s["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert "default-src 'self'" in s["CONTENT_SECURITY_POLICY"]
    assert "frame-ancestors 'none'" in s["CONTENT_SECURITY_POLICY"]
    # the container health probe speaks plain HTTP inside the network
    assert any(re.match(p, "healthz") for p in s["SECURE_REDIRECT_EXEMPT"])
    assert not any(re.match(p, "accounts/login/") for p in s["SECURE_REDIRECT_EXEMPT"])


def test_check_deploy_is_clean_with_production_variables(tmp_path):
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=_env(
            tmp_path,
            DJANGO_SETTINGS_MODULE="marketplace.settings.production",
            DATABASE_URL=f"sqlite:///{tmp_path / 'deploy.sqlite3'}",
            **PRODUCTION_ENV,
        ),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_check_deploy_flags_the_embedded_settings(tmp_path):
    """The embedded demo is not a deployment: check --deploy must say so."""
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=_env(
            tmp_path,
            DJANGO_SETTINGS_MODULE="marketplace.settings.embedded",
            DATABASE_URL=f"sqlite:///{tmp_path / 'embedded.sqlite3'}",
        ),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "security.W018" in result.stdout + result.stderr  # DEBUG on


@pytest.mark.django_db
def test_every_response_carries_the_security_headers(client, settings):
    response = client.get("/healthz")
    assert response["Content-Security-Policy"] == site_policy()
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
