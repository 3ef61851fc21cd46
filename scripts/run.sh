#!/usr/bin/env bash
# The one-command demo: set up everything on a fresh machine and run the marketplace at
# http://127.0.0.1:8000 (SQLite, in-memory channel layer, database search, a Celery
# worker with an embedded beat on kombu's filesystem broker; Redis when REDIS_URL is set).
#
# Payments: unless STRIPE_SECRET_KEY holds a real key, the project's fake Stripe server
# runs beside daphne on STRIPE_FAKE_PORT (12111), the app is pointed at it
# (STRIPE_API_BASE, a fake sk_test_ key) and the fake delivers signed webhooks to
# /payments/stripe/webhook/ with a secret made for this run. Its state is in memory.
#
# Environment: HOST (127.0.0.1), PORT (8000), REDIS_URL (optional), VENV_DIR (.venv),
# PYTHON (python3 >= 3.11); DJANGO_ALLOWED_HOSTS when serving under another host name
# (e.g. HOST=0.0.0.0 DJANGO_ALLOWED_HOSTS=demo.lan). Stop with Ctrl-C: the worker stops
# with the server.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/_venv.sh

HOST="${HOST:-127.0.0.1}"
PORT="${PORT:-8000}"
export HOST PORT  # the demo seeder points the Site (links in mails) at this address
export DJANGO_SETTINGS_MODULE=marketplace.settings.embedded
export PYTHONUNBUFFERED=1

ensure_venv runtime
PY="$VENV_DIR/bin/python"
mkdir -p var

echo "==> compiling translations"
"$PY" manage.py compile_translations

# collectstatic only when a static source or the installed packages changed since the
# last run (whitenoise compresses every file, which takes a few seconds).
static_stamp=var/static/.collected
if [ ! -f "$static_stamp" ] || [ pyproject.toml -nt "$static_stamp" ] \
  || [ -n "$(find marketplace catalog crowdfunding procurement search -path '*/static/*' -type f -newer "$static_stamp" -print -quit 2>/dev/null)" ]; then
  echo "==> collecting static files"
  "$PY" manage.py collectstatic --noinput --verbosity 0
  touch "$static_stamp"
fi

fake_pid=""
if [ -z "${STRIPE_SECRET_KEY:-}" ]; then
  STRIPE_FAKE_PORT="${STRIPE_FAKE_PORT:-12111}"
  export STRIPE_SECRET_KEY="sk_test_embedded_demo"
  export STRIPE_API_BASE="http://127.0.0.1:$STRIPE_FAKE_PORT"
  export STRIPE_WEBHOOK_SECRET="${STRIPE_WEBHOOK_SECRET:-whsec_$("$PY" -c 'import secrets; print(secrets.token_hex(16))')}"
  echo "==> starting the fake Stripe server at $STRIPE_API_BASE (log: var/fake-stripe.log)"
  "$PY" -m marketplace.payments.fake_stripe --host 127.0.0.1 --port "$STRIPE_FAKE_PORT" \
    --webhook-url "http://$HOST:$PORT/payments/stripe/webhook/" \
    --webhook-secret "$STRIPE_WEBHOOK_SECRET" >var/fake-stripe.log 2>&1 &
  fake_pid=$!
  trap 'kill "$fake_pid" 2>/dev/null || true' EXIT
  "$PY" - "$STRIPE_API_BASE" "$fake_pid" <<'PYEOF'
import os, sys, time
from marketplace.payments.fake_stripe.control import FakeStripeControl
url, pid = sys.argv[1], int(sys.argv[2])
for _ in range(300):
    try:
        os.kill(pid, 0)
    except OSError:
        sys.exit("the fake Stripe server stopped during start-up (is the port in use? see var/fake-stripe.log)")
    try:
        FakeStripeControl(url, timeout=1).health()
        break
    except Exception:
        time.sleep(0.1)
else:
    sys.exit("the fake Stripe server did not answer within 30 s")
PYEOF
fi

echo "==> migrating the database"
"$PY" manage.py migrate --noinput
echo "==> loading demo data"
"$PY" manage.py seed_demo
# Deadlines that passed while the demo was stopped move now; beat ticks every minute after.
echo "==> running due deadline handlers once"
"$PY" manage.py chronograph

worker_pid=""
server_pid=""
cleanup() {
  trap - EXIT INT TERM
  echo
  echo "==> stopping"
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null || true
  [ -n "$worker_pid" ] && kill "$worker_pid" 2>/dev/null || true
  [ -n "$fake_pid" ] && kill "$fake_pid" 2>/dev/null || true
  wait 2>/dev/null || true
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

echo "==> starting the Celery worker with embedded beat (log: var/celery.log)"
"$VENV_DIR/bin/celery" -A marketplace worker -B --pool=solo --loglevel=INFO \
  --schedule var/celerybeat-schedule >var/celery.log 2>&1 &
worker_pid=$!

echo "==> starting the ASGI server (daphne) at http://$HOST:$PORT/"
"$VENV_DIR/bin/daphne" -b "$HOST" -p "$PORT" --access-log - marketplace.asgi:application &
server_pid=$!

# Wait until the server answers (200, or 503 while the first chronograph tick is pending).
"$PY" - "$HOST" "$PORT" "$server_pid" <<'PYEOF'
import os, sys, time, urllib.error, urllib.request
host, port, pid = sys.argv[1], sys.argv[2], int(sys.argv[3])
for _ in range(600):
    try:
        os.kill(pid, 0)
    except OSError:
        sys.exit("the server stopped during start-up (is the port already in use?)")
    try:
        urllib.request.urlopen(f"http://{host}:{port}/healthz", timeout=2)
        break
    except urllib.error.HTTPError:
        break
    except OSError:
        time.sleep(0.1)
else:
    sys.exit("the server did not answer within 60 s")
PYEOF

cat <<BANNER

==========================================================================
 Makerspace Marketplace is running:  http://$HOST:$PORT/
   API docs: http://$HOST:$PORT/api/docs/    health: http://$HOST:$PORT/healthz

 Demo accounts (password for all: demo-pass-2026)
   maker@demo.local      maker company owner (demo-maker)
   backer@demo.local     backer
   investor@demo.local   investor entity owner, real-name verified
   operator@demo.local   makerspace operator
   buyer@demo.local      government buyer officer      (MFA)
   expert@demo.local     procurement panel expert      (MFA)
   staff@demo.local      platform staff, superuser     (MFA)

 MFA accounts use the TOTP secret JBSWY3DPEHPK3PXP: add it to an
 authenticator app, or print the current code with
   python3 scripts/totp.py

 Payments: ${STRIPE_API_BASE:-Stripe} (saved cards: /payments/cards/, staff:
   /payments/staff/payouts/). Test cards by name, e.g. pm_card_visa.
 Celery worker + beat log: var/celery.log        Stop: Ctrl-C
==========================================================================

BANNER

# Whichever stops first (the server on Ctrl-C, or a crashed worker) stops the other.
status=0
wait -n "$server_pid" "$worker_pid" || status=$?
if ! kill -0 "$worker_pid" 2>/dev/null; then
  echo "error: the Celery worker stopped; see var/celery.log" >&2
  status=1
fi
exit "$status"
