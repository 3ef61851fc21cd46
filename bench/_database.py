"""The benchmarks' own PostgreSQL database: ``DATABASE_URL`` when set, otherwise a fresh
database of the benchmark's name on 127.0.0.1:5432 (dropped and created each run);
Django set up and migrated on it."""

from __future__ import annotations

import os
import sys

SERVER = "postgresql://postgres@127.0.0.1:5432"


def prepare_database(name: str, *, script: str, settings_module: str,
                     environ: dict[str, str] | None = None) -> str:
    url = os.environ.get("DATABASE_URL")
    if not url:
        import psycopg

        with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
            conn.execute(f"CREATE DATABASE {name}")
        url = f"{SERVER}/{name}"
        os.environ["DATABASE_URL"] = url
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit(f"bench/{script} measures PostgreSQL: DATABASE_URL must be postgres://")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", settings_module)
    # a throwaway key: the benchmark signs nothing anyone keeps (DEBUG stays off)
    os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only-" + "0" * 50)
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    # the test settings push live progress at every change; production coalesces it
    os.environ.setdefault("CROWDFUNDING_PROGRESS_PUSH_INTERVAL", "0.25")
    for key, value in (environ or {}).items():
        if not os.environ.get(key):
            os.environ[key] = value
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    return url
