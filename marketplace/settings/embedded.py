"""The one-command demo: SQLite, in-memory channels, database search, no servers needed.

Set REDIS_URL to use Redis for the cache, channel layer and Celery broker instead.
"""

import os

from marketplace.settings.base import *  # noqa: F401,F403
from marketplace.settings.env import BASE_DIR, env

DEBUG = env.bool("DJANGO_DEBUG", default=True)
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]"]
os.makedirs(BASE_DIR / "var" / "broker", exist_ok=True)
os.makedirs(BASE_DIR / "var" / "broker-processed", exist_ok=True)
# Demo users are created verified; mails go to the console.
ACCOUNT_EMAIL_VERIFICATION = env("ACCOUNT_EMAIL_VERIFICATION", default="optional")
