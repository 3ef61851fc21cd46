"""Production serving, run for real: scripts/serve.sh starts gunicorn with its uvicorn
workers on a free port with the production settings, on this test run's PostgreSQL
database and Redis; it answers a page, a campaign's live-progress websocket handshake
(Channels through uvicorn), and refuses a socket for a campaign that does not exist.
The gunicorn configuration's sizing from the environment is checked on its own."""

from __future__ import annotations

import asyncio
import os
import runpy
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import aiohttp
import pytest
from django.conf import settings
from django.db import connection
from django.test import Client

from tests.crowdfunding.factories import live_campaign

ROOT = Path(__file__).resolve().parent.parent
SERVE = ROOT / "scripts" / "serve.sh"
CONF = ROOT / "marketplace" / "gunicorn_conf.py"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _database_url() -> str:
    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode(errors="replace")


@pytest.fixture
def server(requires_postgres, requires_redis, transactional_db, tmp_path):
    port = _free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "marketplace.settings.production",
        "DJANGO_SECRET_KEY": "serving-test-" + "x" * 50,
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": _database_url(),
        "REDIS_URL": settings.REDIS_URL,
        "ELASTICSEARCH_URL": "",
        "STATIC_ROOT": str(tmp_path / "static"),
        "HOST": "127.0.0.1",
        "PORT": str(port),
        "WEB_WORKERS": "2",
        "LOG_LEVEL": "INFO",  # gunicorn says which workers it boots
    }
    (tmp_path / "static").mkdir()
    log = tmp_path / "serve.log"
    with log.open("wb") as out:
        process = subprocess.Popen([str(SERVE)], cwd=ROOT, env=env, stdout=out,
                                   stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 15
        while True:
            assert process.poll() is None, f"serve.sh stopped:\n{log.read_text()[-3000:]}"
            try:
                _get(base + "/healthz")
                break
            except OSError:
                assert time.monotonic() < deadline, f"no answer in 15 s:\n{log.read_text()[-3000:]}"
                time.sleep(0.2)
        yield base, log
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


async def _handshake(url: str, origin: str) -> tuple[bool, object]:
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10)) as session:
        try:
            async with session.ws_connect(url, headers={"Origin": origin}) as ws:
                return True, await ws.receive_json(timeout=5)
        except aiohttp.WSServerHandshakeError as exc:
            return False, exc.status


def test_serve_script_answers_a_page_and_a_websocket(server):
    campaign = live_campaign(goal="1000")
    base, log = server
    status, body = _get(f"{base}/crowdfunding/{campaign.pk}/")
    assert status == 200
    assert campaign.title in body

    ws = base.replace("http://", "ws://")
    connected, first = asyncio.run(
        _handshake(f"{ws}/ws/crowdfunding/campaigns/{campaign.pk}/", base))
    assert connected
    assert first["type"] == "progress" and first["backers"] == 0

    # no socket for a campaign that does not exist, nor from another site's page
    assert asyncio.run(_handshake(f"{ws}/ws/crowdfunding/campaigns/{campaign.pk + 999}/",
                                  base)) == (False, 403)
    assert asyncio.run(_handshake(f"{ws}/ws/crowdfunding/campaigns/{campaign.pk}/",
                                  "http://evil.example")) == (False, 403)

    # the benchmark's trivial view is not routed unless asked for
    assert _get(f"{base}/bench/trivial/")[0] == 404
    # gunicorn runs the configured number of uvicorn workers
    text = log.read_text()
    assert "marketplace.serving.Worker" in text
    assert text.count("Booting worker") == 2


def _config(monkeypatch, **env) -> dict:
    for name in ("HOST", "PORT", "WEB_WORKERS", "WEB_TIMEOUT", "WEB_MAX_REQUESTS",
                 "WEB_ACCESS_LOG"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(CONF))


def test_the_gunicorn_config_is_sized_by_the_environment(monkeypatch):
    conf = _config(monkeypatch, WEB_WORKERS="5", HOST="127.0.0.1", PORT="9001",
                   WEB_MAX_REQUESTS="1000", WEB_ACCESS_LOG="")
    assert conf["workers"] == 5
    assert conf["bind"] == ["127.0.0.1:9001"]
    assert conf["worker_class"] == "marketplace.serving.Worker"
    assert (conf["max_requests"], conf["max_requests_jitter"]) == (1000, 100)
    assert conf["accesslog"] is None
    assert conf["control_socket_disable"] is True


def test_the_gunicorn_config_defaults(monkeypatch):
    conf = _config(monkeypatch)
    assert conf["workers"] == max(2, os.cpu_count() or 1)
    assert conf["bind"] == ["0.0.0.0:8000"]
    assert conf["accesslog"] == "-"
    assert conf["max_requests"] == 0


@pytest.mark.parametrize("value", ["0", "-1", "two"])
def test_the_gunicorn_config_refuses_a_bad_worker_count(monkeypatch, value):
    with pytest.raises(SystemExit, match="WEB_WORKERS"):
        _config(monkeypatch, WEB_WORKERS=value)


def test_the_trivial_view_only_when_the_setting_is_on(settings, db):
    from importlib import reload

    from django.urls import clear_url_caches

    import marketplace.urls

    client = Client()
    try:
        settings.BENCH_TRIVIAL_VIEW = True
        reload(marketplace.urls)
        clear_url_caches()
        response = client.get("/bench/trivial/")
        assert (response.status_code, response.content) == (200, b"ok\n")
        assert "no-cache" in response["Cache-Control"]
        settings.BENCH_TRIVIAL_VIEW = False
        reload(marketplace.urls)
        clear_url_caches()
        assert client.get("/bench/trivial/").status_code == 404
    finally:
        settings.BENCH_TRIVIAL_VIEW = False
        reload(marketplace.urls)
        clear_url_caches()


def _database_settings(**env) -> dict:
    import json
    import sys

    code = ("import json; from marketplace.settings import database as d; "
            "print(json.dumps(d.DATABASES['default'], default=str))")
    clean = {k: v for k, v in os.environ.items()
             if k not in ("DATABASE_POOL_MAX_SIZE", "DATABASE_CONN_MAX_AGE")}
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env={**clean, **env},
                         capture_output=True, text=True, check=True, timeout=30).stdout
    return json.loads(out)


def test_a_pool_per_process_replaces_persistent_connections_when_sized():
    url = "postgres://app@127.0.0.1:5432/marketplace"
    pooled = _database_settings(DATABASE_URL=url, DATABASE_POOL_MAX_SIZE="6",
                                DATABASE_CONN_MAX_AGE="60")
    assert pooled["CONN_MAX_AGE"] == 0
    assert pooled["OPTIONS"]["pool"] == {"min_size": 1, "max_size": 6, "timeout": 10.0}
    plain = _database_settings(DATABASE_URL=url, DATABASE_CONN_MAX_AGE="60")
    assert plain["CONN_MAX_AGE"] == 60
    assert "pool" not in plain.get("OPTIONS", {})
    # SQLite has no pool: the size is ignored
    sqlite = _database_settings(DATABASE_URL="sqlite:////tmp/x.sqlite3",
                                DATABASE_POOL_MAX_SIZE="6")
    assert "pool" not in sqlite.get("OPTIONS", {})



def test_bench_http_py_does_not_shadow_the_standard_library_for_the_other_benches():
    """Python puts a script's folder first on sys.path: a script in bench/ that imports
    ``http`` (Django does) must still get the standard library's package."""
    import sys

    code = ("import sys; sys.path.insert(0, 'bench'); import http.client, http.cookies; "
            "import django.http; print(http.client.HTTPConnection.__module__)")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                         text=True, timeout=30)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "http.client"
    usage = subprocess.run([sys.executable, "bench/http.py", "--help"], cwd=ROOT,
                           capture_output=True, text=True, timeout=30)
    assert usage.returncode == 0, usage.stderr
    assert "--connections" in usage.stdout and "--server" in usage.stdout
