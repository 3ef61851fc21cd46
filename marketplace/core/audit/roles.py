"""The application's PostgreSQL role (docs/audit.md, README "Two database roles").

The application may read and write the platform's tables, but on the audit tables only
what appending needs: SELECT and INSERT, plus UPDATE of the two columns that advance a
stream head (which the trigger of migration 0005 then polices). It may read, never
write, the migration history, and owns nothing, so it can neither TRUNCATE, ALTER,
DISABLE TRIGGER nor DROP. Migrations and this grant run as the tables' owner.
"""

from __future__ import annotations

import re

from django.db import transaction
from psycopg import sql

ROLE_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")
ROLE_ATTRIBUTES = "LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS"


class RoleError(Exception):
    pass


def audit_tables() -> list[str]:
    from marketplace.core.models import (
        AuditCheckpoint,
        AuditCheckpointLeaf,
        AuditEvent,
        AuditStream,
    )

    return [m._meta.db_table for m in (AuditEvent, AuditStream, AuditCheckpoint,
                                       AuditCheckpointLeaf)]


def _grants(role: sql.Identifier, schema: sql.Identifier, database: sql.Identifier) -> list:
    from marketplace.core.models import AuditStream

    audit = sql.SQL(", ").join(sql.Identifier(t) for t in audit_tables())
    head_columns = sql.SQL(", ").join(
        sql.Identifier(AuditStream._meta.get_field(f).column) for f in ("last_seq", "head_hash")
    )
    head_table = sql.Identifier(AuditStream._meta.db_table)
    migrations = sql.Identifier("django_migrations")
    statements = [
        "GRANT CONNECT ON DATABASE {database} TO {role}",
        "GRANT USAGE ON SCHEMA {schema} TO {role}",
        # start from nothing, so running it again leaves exactly these grants
        "REVOKE ALL ON ALL TABLES IN SCHEMA {schema} FROM {role}",
        "REVOKE ALL ON ALL SEQUENCES IN SCHEMA {schema} FROM {role}",
        "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {schema} TO {role}",
        "GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {schema} TO {role}",
        "REVOKE ALL ON {audit}, {migrations} FROM {role}",
        "GRANT SELECT, INSERT ON {audit} TO {role}",
        "GRANT UPDATE ({head_columns}) ON {head_table} TO {role}",
        "GRANT SELECT ON {migrations} TO {role}",
    ]
    names = {"role": role, "schema": schema, "database": database, "audit": audit,
             "migrations": migrations, "head_columns": head_columns, "head_table": head_table}
    return [sql.SQL(s).format(**names) for s in statements]


def app_role_grant(connection, *, role: str, password: str | None) -> list[str]:
    """Create ``role`` (or reset its attributes and password) and give it exactly the
    application's grants, in one transaction, on ``connection`` (the owner's). Returns
    the statements run, passwords masked."""
    if not ROLE_NAME.match(role):
        raise RoleError(f"{role!r} is not a plain role name (a-z, 0-9, _)")
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        cursor.execute("SELECT current_user, current_schema(), current_database()")
        owner, schema, database = cursor.fetchone()
        if owner == role:
            raise RoleError(f"{role} is the role this command runs as (the owner): the "
                            "application role must be another one")
        cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role])
        verb = "ALTER" if cursor.fetchone() else "CREATE"
        ident = sql.Identifier(role)
        statement = sql.SQL(f"{verb} ROLE {{role}} {ROLE_ATTRIBUTES}").format(role=ident)
        shown = [f"{verb} ROLE {role} {ROLE_ATTRIBUTES}"]
        if password:
            statement += sql.SQL(" PASSWORD {}").format(sql.Literal(password))
            shown[0] += " PASSWORD '…'"
        raw = connection.connection
        cursor.execute(statement.as_string(raw))
        for grant in _grants(ident, sql.Identifier(schema), sql.Identifier(database)):
            text = grant.as_string(raw)
            cursor.execute(text)
            shown.append(text)
    return shown


def grant_after_migrate(sender, *, using="default", verbosity=1, **kwargs) -> None:
    """post_migrate (connected in ``CoreConfig.ready``): a process that connects as the
    owner (DATABASE_AS_OWNER) re-grants the application role after every migrate, so a
    table a migration adds is never out of the application's reach, and an audit table
    never within reach of more than appending."""
    from django.conf import settings
    from django.db import connections

    connection = connections[using]
    role = settings.DATABASE_APP.get("USER") or ""
    if not settings.DATABASE_AS_OWNER or connection.vendor != "postgresql" or not role:
        return
    if role == connection.settings_dict.get("USER"):
        return  # DATABASE_MIGRATE_URL unset: the application is the owner
    app_role_grant(connection, role=role, password=settings.DATABASE_APP.get("PASSWORD") or None)
    if verbosity:
        print(f"  application role {role}: grants in place")
