"""Test settings.

Database: DATABASE_URL when set; else the local PostgreSQL at 127.0.0.1:5432 when it
answers; else SQLite (tests that need PostgreSQL then skip, and CI refuses skips).
Redis: REDIS_URL when set; else the local Redis at 127.0.0.1:6379 (db 15) when it answers.
"""

import os
import socket

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

from marketplace.settings.base import *  # noqa: E402,F401,F403

DEBUG = False
SECRET_KEY = "test-secret-key"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=True)
CELERY_TASK_EAGER_PROPAGATES = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
MEDIA_ROOT = str(BASE_DIR / "var" / "test-media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Tests never run collectstatic: whitenoise serves from the finders.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
