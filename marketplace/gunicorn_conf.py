"""gunicorn configuration of the production web server (scripts/serve.sh):
``gunicorn -c python:marketplace.gunicorn_conf marketplace.asgi:application``.

Every value comes from the environment:

    HOST (0.0.0.0), PORT (8000)        where to listen
    WEB_WORKERS (CPU count, at least 2) worker processes, each an event loop (uvicorn)
    WEB_TIMEOUT (30)                    seconds a silent worker lives before it is restarted
    WEB_GRACEFUL_TIMEOUT (30)           seconds a stopping worker gets to finish its requests
    WEB_KEEPALIVE (5)                   seconds an idle keep-alive connection stays open
    WEB_MAX_REQUESTS (0 = never)        restart a worker after this many requests (+ jitter)
    WEB_ACCESS_LOG (-)                  access log file, "-" for stdout, empty for none
    FORWARDED_ALLOW_IPS (127.0.0.1)     addresses whose X-Forwarded-* headers are trusted
                                        (gunicorn reads it itself; "*" behind the proxy)
"""

from __future__ import annotations

import os


def _int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise SystemExit(f"{name} must be a whole number, not {value!r}") from exc


def default_workers() -> int:
    return max(2, os.cpu_count() or 1)


bind = [f"{os.environ.get('HOST', '0.0.0.0')}:{_int('PORT', 8000)}"]  # noqa: S104 (a container)
workers = _int("WEB_WORKERS", default_workers())
if workers < 1:
    raise SystemExit("WEB_WORKERS must be at least 1")
worker_class = "marketplace.serving.Worker"
timeout = _int("WEB_TIMEOUT", 30)
graceful_timeout = _int("WEB_GRACEFUL_TIMEOUT", 30)
keepalive = _int("WEB_KEEPALIVE", 5)
max_requests = _int("WEB_MAX_REQUESTS", 0)
max_requests_jitter = max_requests // 10
_access_log = os.environ.get("WEB_ACCESS_LOG", "-")
accesslog = _access_log or None
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
# The application is imported in each worker (not before the fork): database and Redis
# connections are never shared between processes.
preload_app = False
proc_name = "marketplace-web"
# gunicorn's control socket (a file under $HOME) is not used: two servers on one machine
# (a test beside a benchmark) would contend for it, and the container's home is read-only.
control_socket_disable = True
