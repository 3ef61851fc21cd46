from marketplace.settings.env import BASE_DIR, env

# DATABASE_URL, e.g. postgres://user:pass@host:5432/marketplace. The fallback is the
# embedded SQLite file, which only the embedded overlay is meant to use.
DATABASES = {
    "default": env.db(
        "DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'var' / 'marketplace.sqlite3'}"
    )
}
DATABASES["default"].setdefault("ATOMIC_REQUESTS", False)
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

# DATABASE_POOL_MAX_SIZE > 0 (PostgreSQL): a connection pool per process (psycopg_pool)
# instead of persistent connections. scripts/serve.sh sets it: under the ASGI server each
# request's synchronous code runs in a thread of its own, and a persistent connection per
# thread outlives its thread until PostgreSQL runs out of connections.
DATABASE_POOL_MAX_SIZE = env.int("DATABASE_POOL_MAX_SIZE", default=0)
if DATABASE_POOL_MAX_SIZE > 0 and "postgresql" in DATABASES["default"]["ENGINE"]:
    DATABASES["default"]["CONN_MAX_AGE"] = 0  # the pool keeps the connections
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": 1,
        "max_size": DATABASE_POOL_MAX_SIZE,
        # seconds a request waits for a free connection before it fails
        "timeout": env.float("DATABASE_POOL_TIMEOUT", default=10.0),
    }
