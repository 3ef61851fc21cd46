"""Addresses of the shared services, read once for every settings module that needs them."""

from marketplace.settings.env import env

# REDIS_URL, e.g. redis://127.0.0.1:6379/0: the cache, the channel layer and (unless
# CELERY_BROKER_URL says otherwise) the Celery broker.
REDIS_URL = env("REDIS_URL", default="")
