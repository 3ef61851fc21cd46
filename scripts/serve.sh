#!/usr/bin/env bash
# The production web server: gunicorn with uvicorn workers running marketplace.asgi
# (HTTP through Django, websockets through Channels), WEB_WORKERS processes.
#
#   DJANGO_SETTINGS_MODULE=marketplace.settings.production ./scripts/serve.sh
#
# Sizing and binding from the environment (marketplace/gunicorn_conf.py): HOST (0.0.0.0),
# PORT (8000), WEB_WORKERS (CPU count, at least 2), WEB_TIMEOUT, WEB_GRACEFUL_TIMEOUT,
# WEB_KEEPALIVE, WEB_MAX_REQUESTS, WEB_ACCESS_LOG ("-" = stdout, empty = none),
# FORWARDED_ALLOW_IPS, DATABASE_POOL_MAX_SIZE (8 per worker). The settings module, the
# database, Redis etc. as for any process (README "Production configuration");
# migrations and collectstatic are not run here.
# Extra arguments go to gunicorn. Runs with the Python of $VENV_DIR (.venv) when it
# exists, else the one on PATH (the container). The embedded demo is ./scripts/run.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
export PYTHONUNBUFFERED=1
export DJANGO_SETTINGS_MODULE="${DJANGO_SETTINGS_MODULE:-marketplace.settings.production}"
# Each worker keeps a pool of at most this many PostgreSQL connections (persistent
# connections leak under ASGI: marketplace/settings/database.py). Size PostgreSQL's
# max_connections for WEB_WORKERS x DATABASE_POOL_MAX_SIZE plus the Celery processes.
export DATABASE_POOL_MAX_SIZE="${DATABASE_POOL_MAX_SIZE:-8}"

PY="python"
VENV_DIR="${VENV_DIR:-.venv}"
if [ -x "$VENV_DIR/bin/python" ]; then
  PY="$VENV_DIR/bin/python"
fi
exec "$PY" -m gunicorn -c python:marketplace.gunicorn_conf "$@" marketplace.asgi:application
