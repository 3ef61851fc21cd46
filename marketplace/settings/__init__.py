"""Settings package: ``base`` plus one module per concern, read from the environment.

* ``marketplace.settings.base`` - the production-safe default (what manage.py, asgi,
  wsgi and celery fall back to): everything from the environment, DEBUG off;
* ``marketplace.settings.embedded`` - the one-command demo (SQLite, in-memory channel
  layer, database search backend, a Celery broker that needs no server);
* ``marketplace.settings.production`` - hardened transport and cookies, a required
  DJANGO_SECRET_KEY;
* ``marketplace.settings.test`` - the test suite (PostgreSQL and Redis when they answer).

This file imports nothing on purpose: an overlay such as ``test`` adjusts the
environment before ``base`` reads it, which an import here would pre-empt.
"""
