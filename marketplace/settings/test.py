"""Test settings.

Database: DATABASE_URL when set; else the local PostgreSQL at 127.0.0.1:5432 when it
answers; else SQLite (tests that need PostgreSQL then skip, and CI refuses skips).
Redis: REDIS_URL when set; else the local Redis at 127.0.0.1:6379 (db 15) when it answers;
under pytest-xdist each worker shifts to a database of its own.
"""

import os
import socket
from urllib.parse import urlsplit, urlunsplit

from marketplace.settings.env import BASE_DIR, env


def _answers(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


if "DATABASE_URL" not in os.environ and _answers("127.0.0.1", 5432):
    os.environ["DATABASE_URL"] = "postgres://postgres@127.0.0.1:5432/marketplace"
if "REDIS_URL" not in os.environ and _answers("127.0.0.1", 6379):
    os.environ["REDIS_URL"] = "redis://127.0.0.1:6379/15"
os.environ.setdefault("DATABASE_URL", "sqlite:////tmp/marketplace-test.sqlite3")
os.environ.setdefault("DJANGO_SECRET_KEY", "test-secret-key")


def _redis_db_for_worker(url: str, worker: str) -> str:
    """pytest-xdist worker gwN uses Redis database (db + N) % 16, so a test that flushes
    its database (the cache, a broker queue) never wipes another worker's keys; the test
    databases are suffixed per worker by pytest-django in the same way."""
    if not worker.startswith("gw") or not worker[2:].isdigit():
        return url
    split = urlsplit(url)
    path = split.path.strip("/")
    db = (int(path) if path.isdigit() else 0) + int(worker[2:])
    return urlunsplit(split._replace(path=f"/{db % 16}"))


if os.environ.get("REDIS_URL"):
    os.environ["REDIS_URL"] = _redis_db_for_worker(
        os.environ["REDIS_URL"], os.environ.get("PYTEST_XDIST_WORKER", "")
    )

from marketplace.settings.base import *  # noqa: E402,F401,F403

DEBUG = False
# Connections opened by worker threads (concurrency tests, asgiref's sync thread) close
# when their work ends instead of lingering and keeping the test database open.
DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405
SECRET_KEY = "test-secret-key"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=True)
# every committed change pushes its live progress at once (tests/crowdfunding/test_live.py
# sets an interval to test the coalescing)
CROWDFUNDING_PROGRESS_PUSH_INTERVAL = env.float("CROWDFUNDING_PROGRESS_PUSH_INTERVAL", default=0)
CELERY_TASK_EAGER_PROPAGATES = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
MEDIA_ROOT = str(BASE_DIR / "var" / "test-media")
# Checkpoints in tests are signed with a key generated on first use and kept here.
AUDIT_SIGNING_KEY = ""
AUDIT_SIGNING_KEY_FILE = str(BASE_DIR / "var" / "test-audit-signing.key")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Tests never run collectstatic: whitenoise serves from the finders.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
