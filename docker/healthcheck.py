#!/usr/bin/env python
"""Container health checks for docker/compose.yaml (exit 0 = healthy).

    python docker/healthcheck.py web      # /healthz answers and the database is up
    python docker/healthcheck.py worker   # this container's Celery worker answers a ping
    python docker/healthcheck.py beat     # the chronograph ticked recently (beat -> broker -> worker)

The web check accepts a "degraded" report as long as the database is up: a late Celery
tick must not take the web server out of the load balancer.
"""

from __future__ import annotations

import json
import os
import socket
import sys
import urllib.error
import urllib.request


def check_web() -> int:
    port = os.environ.get("PORT", "8000")
    hosts = [h.strip() for h in os.environ.get("DJANGO_ALLOWED_HOSTS", "localhost").split(",")]
    host = next((h.lstrip(".") for h in hosts if h and h != "*"), "localhost")
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/healthz",
        # Behind the TLS proxy the app sees X-Forwarded-Proto; say the same so that
        # SECURE_SSL_REDIRECT does not answer the probe with a redirect.
        headers={"Host": host, "X-Forwarded-Proto": "https"},
    )
    try:
        with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310 (fixed URL)
            body = response.read()
    except urllib.error.HTTPError as exc:
        body = exc.read()
    except OSError as exc:
        print(f"web: no answer: {exc}")
        return 1
    try:
        report = json.loads(body)
    except ValueError:
        print(f"web: not a health report: {body[:200]!r}")
        return 1
    database = report.get("checks", {}).get("database", {})
    print(f"web: {report.get('status')}; database {database.get('status')}")
    return 0 if database.get("status") == "up" else 1


def _django():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marketplace.settings.production")
    sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    import django

    django.setup()


def check_worker() -> int:
    _django()
    from marketplace.celery import app

    name = f"celery@{socket.gethostname()}"
    replies = app.control.inspect(destination=[name], timeout=5).ping() or {}
    print(f"worker: {name} {'answers' if name in replies else 'does not answer'}")
    return 0 if name in replies else 1


def check_beat() -> int:
    _django()
    from marketplace.core.health import check_celery

    result = check_celery()
    print(f"beat: {result}")
    return 0 if result["status"] == "up" else 1


CHECKS = {"web": check_web, "worker": check_worker, "beat": check_beat}

if __name__ == "__main__":
    if len(sys.argv) != 2 or sys.argv[1] not in CHECKS:
        sys.exit(f"usage: healthcheck.py {{{'|'.join(CHECKS)}}}")
    sys.exit(CHECKS[sys.argv[1]]())
