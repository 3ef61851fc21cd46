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
