"""The one-command demo: SQLite, in-memory channels, database search, no servers needed.

Set REDIS_URL to use Redis for the cache, channel layer and Celery broker instead.
"""

import os

# The demo runs with DEBUG on unless told otherwise, and then needs no secret key (it
# serves 127.0.0.1). Set before base.py reads the environment.
os.environ.setdefault("DJANGO_DEBUG", "true")

from marketplace.settings.base import *  # noqa: E402,F401,F403
from marketplace.settings.base import DATABASES  # noqa: E402
from marketplace.settings.env import BASE_DIR, env  # noqa: E402

ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
# The demo signs its audit checkpoints with a key generated on first use, kept here.
AUDIT_SIGNING_KEY_FILE = env(
    "AUDIT_SIGNING_KEY_FILE", default=str(BASE_DIR / "var" / "audit-signing.key")
)
# Demo users are created verified; mails go to the console.
ACCOUNT_EMAIL_VERIFICATION = env("ACCOUNT_EMAIL_VERIFICATION", default="optional")

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The web server and the Celery worker write to the same file: WAL lets readers run
    # beside a writer, IMMEDIATE transactions take the write lock up front (no
    # "database is locked" on lock upgrade), and a writer waits up to 20 s for the lock.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
