"""Settings package.

``marketplace.settings`` is the production-safe default: everything comes from the
environment and DEBUG is off. Overlays:

* ``marketplace.settings.embedded`` - the one-command demo (SQLite, in-memory channel
  layer, database search backend, a Celery broker that needs no server);
* ``marketplace.settings.production`` - hardened cookies, HSTS, CSP-ready headers;
* ``marketplace.settings.test`` - the test suite (PostgreSQL when it answers).
"""

from marketplace.settings.base import *  # noqa: F401,F403
