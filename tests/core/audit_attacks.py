"""What someone with the database owner's powers can do to the audit log, for the tests:
drop the triggers of migrations 0002 and 0005, then write raw SQL. Inside a test's
transaction (the ``db`` fixture) everything, the dropped triggers included, is rolled
back afterwards."""

from django.db import connection

AUDIT_TRIGGERS = (
    ("core_auditevent_append_only", "core_auditevent"),
    ("core_auditstream_advance_only", "core_auditstream"),
    ("core_audit_append_only", "core_auditcheckpoint"),
    ("core_audit_append_only", "core_auditcheckpointleaf"),
    ("core_auditcheckpoint_chained", "core_auditcheckpoint"),
    ("core_auditcheckpointleaf_newest", "core_auditcheckpointleaf"),
    ("core_audit_refuse_truncate", "core_auditevent"),
    ("core_audit_refuse_truncate", "core_auditstream"),
    ("core_audit_refuse_truncate", "core_auditcheckpoint"),
    ("core_audit_refuse_truncate", "core_auditcheckpointleaf"),
)


def drop_audit_triggers() -> None:
    if connection.vendor != "postgresql":
        return  # SQLite has none
    with connection.cursor() as cursor:
        for trigger, table in AUDIT_TRIGGERS:
            cursor.execute(f"DROP TRIGGER {trigger} ON {table}")


def raw_sql_as_owner(*statements: str | tuple[str, list]) -> None:
    """Drop the audit triggers, then run each statement (SQL, or (SQL, params))."""
    drop_audit_triggers()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # the test's own inserts left deferred foreign-key checks, which a TRUNCATE
            # refuses; in production those rows were committed long before
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for statement in statements:
            sql, params = statement if isinstance(statement, tuple) else (statement, [])
            for one in _for_this_database(sql):
                cursor.execute(one, params)


def _for_this_database(sql: str) -> list[str]:
    """SQLite has no TRUNCATE: a DELETE per table."""
    if connection.vendor == "postgresql" or not sql.startswith("TRUNCATE "):
        return [sql]
    tables = sql.removeprefix("TRUNCATE ").removesuffix(" CASCADE").split(",")
    return [f"DELETE FROM {table.strip()}" for table in tables]
