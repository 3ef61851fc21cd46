#!/usr/bin/env bash
# Run the whole test suite: creates .venv when missing, installs the project with its dev
# extras (only when pyproject.toml changed), compiles translations, runs pytest.
# Extra arguments go to pytest, e.g.  ./scripts/test.sh tests/catalog -k pledge -x
#
# Database: DATABASE_URL when set; else the local PostgreSQL at 127.0.0.1:5432 when it
# answers; else SQLite (PostgreSQL-only tests then skip). Redis likewise (REDIS_URL, else
# 127.0.0.1:6379 when it answers). See marketplace/settings/test.py.
# Browser tests drive Debian's chromium (CHROMIUM_PATH, default /usr/bin/chromium).
# PYTEST_WORKERS (default 2) sets pytest-xdist parallelism; 0 runs serially.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/_venv.sh

ensure_venv dev
PY="$VENV_DIR/bin/python"

export DJANGO_SETTINGS_MODULE=marketplace.settings.test
# Playwright drives the system chromium (tests/browser/conftest.py); no browser download.
export CHROMIUM_PATH="${CHROMIUM_PATH:-/usr/bin/chromium}"

echo "==> compiling translations"
"$PY" manage.py compile_translations

workers="${PYTEST_WORKERS:-2}"
xdist=()
if [ "$workers" != "0" ]; then
  xdist=(-n "$workers")
fi
echo "==> running the test suite"
exec "$PY" -m pytest ${xdist[@]+"${xdist[@]}"} "$@"
