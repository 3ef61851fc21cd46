"""The application's database role (``manage.py db_grant_app_role``): everything the
platform needs, and on the audit tables only appending. The statements run under
``SET ROLE``, which checks privileges exactly as a login of that role would; the role and
its grants are made inside the test's transaction and vanish with it."""

from contextlib import contextmanager
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from marketplace.core.audit import audit_chain_verify, audit_log
from marketplace.core.audit.checkpoints import audit_checkpoint_create
from marketplace.core.audit.roles import grant_after_migrate
from marketplace.core.models import AuditEvent, AuditStream
from tests.core.factories import AuditEventFactory, KycRequestFactory


@pytest.fixture
def app_role(requires_postgres, signing_key):
    # roles belong to the whole cluster: one name per test database (xdist workers,
    # other checkouts); created in the test's transaction, so it is rolled back too
    role = f"app_{connection.settings_dict['NAME']}"[:63]
    call_command("db_grant_app_role", "--role", role, stdout=StringIO())
    for _ in range(2):
        AuditEventFactory(stream="procurement.bid:9")
    audit_checkpoint_create()
    return role


@contextmanager
def as_role(role: str):
    with connection.cursor() as cursor:
        cursor.execute(f'SET ROLE "{role}"')
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET ROLE")


def refused(sql: str, params=(), match="permission denied"):
    with (pytest.raises(DatabaseError, match=match), transaction.atomic(),
          connection.cursor() as cursor):
        cursor.execute(sql, params)


def test_the_app_role_appends_events_and_checkpoints_and_runs_the_platform(app_role):
    with as_role(app_role):
        event = audit_log(actor=None, action="test.as_app", stream="procurement.bid:9")
        audit_log(actor=None, action="test.as_app", stream="a.new:stream")
        KycRequestFactory()  # an ordinary table: insert, update, delete
        checkpoint = audit_checkpoint_create()
        assert audit_chain_verify() == []
    assert event.seq == 3
    assert (checkpoint.number, checkpoint.tree_size) == (2, 2)


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE core_auditevent SET action = 'forged'",
        "DELETE FROM core_auditevent",
        "TRUNCATE core_auditevent",
        "TRUNCATE core_auditstream",
        "TRUNCATE core_auditcheckpoint CASCADE",
        "DELETE FROM core_auditstream",
        "UPDATE core_auditstream SET name = 'renamed'",
        "UPDATE core_auditcheckpoint SET root_hash = repeat('0', 64)",
        "DELETE FROM core_auditcheckpoint",
        "DELETE FROM core_auditcheckpointleaf",
        "INSERT INTO django_migrations (app, name, applied) VALUES ('core', 'x', now())",
    ],
)
def test_the_app_role_cannot_rewrite_or_remove_the_audit_log(app_role, sql):
    with as_role(app_role):
        refused(sql)
    assert AuditEvent.objects.filter(stream="procurement.bid:9").count() == 2


def test_the_app_role_can_move_a_head_only_forward_to_its_newest_event(app_role):
    with as_role(app_role):
        # the two columns it may update are policed by the trigger
        refused("UPDATE core_auditstream SET last_seq = 1 WHERE name = 'procurement.bid:9'",
                match="may only advance")


@pytest.mark.parametrize(
    "sql",
    [
        "ALTER TABLE core_auditevent DISABLE TRIGGER core_auditevent_append_only",
        "DROP TRIGGER core_audit_refuse_truncate ON core_auditevent",
        "DROP TABLE core_auditstream",
        "ALTER TABLE core_auditcheckpoint OWNER TO CURRENT_USER",
    ],
)
def test_the_app_role_cannot_take_the_triggers_away(app_role, sql):
    with as_role(app_role):
        refused(sql, match="must be owner")
    assert AuditStream.objects.filter(name="procurement.bid:9").exists()


def test_granting_again_changes_nothing(app_role):
    def grants():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT table_name, privilege_type FROM information_schema.role_table_grants "
                "WHERE grantee = %s ORDER BY 1, 2", [app_role])
            tables = cursor.fetchall()
            cursor.execute(
                "SELECT table_name, column_name, privilege_type "
                "FROM information_schema.column_privileges WHERE grantee = %s "
                "AND privilege_type = 'UPDATE' AND table_name LIKE 'core_audit%%' ORDER BY 1, 2",
                [app_role])
            return tables, cursor.fetchall()

    before = grants()
    call_command("db_grant_app_role", "--role", app_role, stdout=StringIO())
    assert grants() == before
    tables, columns = before
    audit = {(t, p) for t, p in tables if t.startswith("core_audit")}
    assert audit == {(t, p) for t in ("core_auditcheckpoint", "core_auditcheckpointleaf",
                                      "core_auditevent", "core_auditstream")
                     for p in ("INSERT", "SELECT")}
    assert columns == [("core_auditstream", "head_hash", "UPDATE"),
                       ("core_auditstream", "last_seq", "UPDATE")]
    assert ("accounts_kycrequest", "DELETE") in tables
    assert not any(p == "TRUNCATE" for _, p in tables)


def test_the_role_and_its_password_come_from_database_url(requires_postgres, settings):
    role = f"url_{connection.settings_dict['NAME']}"[:63]
    settings.DATABASE_APP = {**settings.DATABASE_APP, "USER": role, "PASSWORD": "s3cret pw"}
    out = StringIO()
    call_command("db_grant_app_role", stdout=out)
    assert "s3cret" not in out.getvalue()
    assert f"application role {role}: grants in place" in out.getvalue()
    with connection.cursor() as cursor:
        cursor.execute("SELECT rolcanlogin, rolsuper, rolpassword IS NOT NULL FROM pg_authid "
                       "WHERE rolname = %s", [role])
        assert cursor.fetchone() == (True, False, True)


def test_when_the_app_connects_as_the_owner_there_is_nothing_to_grant(requires_postgres,
                                                                      settings):
    settings.DATABASE_APP = {**settings.DATABASE_APP,
                             "USER": connection.settings_dict["USER"]}
    out = StringIO()
    call_command("db_grant_app_role", stdout=out)
    assert "no separate application role" in out.getvalue()


def test_a_role_name_that_is_not_plain_is_refused(requires_postgres):
    with pytest.raises(CommandError, match="not a plain role name"):
        call_command("db_grant_app_role", "--role", 'x"; DROP TABLE core_auditevent; --',
                     stdout=StringIO())
    assert AuditEvent.objects.count() == 0  # the table is still there


def test_migrate_as_the_owner_grants_the_application_role_afterwards(requires_postgres,
                                                                    settings, capsys):
    from django.apps import apps

    core = apps.get_app_config("core")
    role = f"mig_{connection.settings_dict['NAME']}"[:63]
    settings.DATABASE_APP = {**settings.DATABASE_APP, "USER": role, "PASSWORD": ""}
    grant_after_migrate(core, using="default", verbosity=1)
    assert capsys.readouterr().out == ""  # not connected as the owner: nothing done
    settings.DATABASE_AS_OWNER = True
    grant_after_migrate(core, using="default", verbosity=1)
    assert f"application role {role}: grants in place" in capsys.readouterr().out
    with as_role(role):
        refused("DELETE FROM core_auditevent")
        audit_log(actor=None, action="test.after_migrate", stream="x")


SHELL_AS_APP = """
from django.core.management import call_command
from django.db import connection, transaction
from marketplace.core.audit import audit_log
audit_log(actor=None, action="accounts.user.profile_updated", stream="e2e:1")
for sql in ("TRUNCATE core_auditevent", "DELETE FROM core_auditstream"):
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql)
    except Exception as exc:
        print("refused:", type(exc).__name__, str(exc).splitlines()[0])
call_command("audit_checkpoint")
call_command("audit_verify")
"""


def test_the_two_database_urls_end_to_end(requires_postgres, signing_key, settings):
    """What the compose file's migrate service and the app containers do, on a database
    of its own: migrate as the owner (DATABASE_AS_OWNER), then run as the app role."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    import psycopg

    base = connection.settings_dict
    database, role = f"{base['NAME']}_roles"[:63], f"e2e_{base['NAME']}"[:63]
    server = f"host={base['HOST'] or '127.0.0.1'} port={base['PORT'] or 5432} user={base['USER']}"
    url = f"postgres://{{user}}@{base['HOST'] or '127.0.0.1'}:{base['PORT'] or 5432}/{database}"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "DJANGO_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="marketplace.settings.production",
        DJANGO_SECRET_KEY="e2e-secret-key-of-enough-length-and-variety-0123456789abcdef",
        DATABASE_URL=url.format(user=role), DATABASE_MIGRATE_URL=url.format(user=base["USER"]),
        AUDIT_SIGNING_KEY=settings.AUDIT_SIGNING_KEY,
    )
    root = Path(__file__).resolve().parents[2]

    def manage(*args, **extra):
        return subprocess.run([sys.executable, "manage.py", *args], cwd=root,
                              env={**env, **extra}, capture_output=True, text=True, timeout=300)

    with psycopg.connect(f"{server} dbname=postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{database}"')
    try:
        migrated = manage("migrate", "--noinput", DATABASE_AS_OWNER="true")
        assert migrated.returncode == 0, migrated.stderr
        assert f"application role {role}: grants in place" in migrated.stdout
        shell = manage("shell", "-c", SHELL_AS_APP)
        assert shell.returncode == 0, shell.stderr
        assert "refused: ProgrammingError permission denied for table core_auditevent" in shell.stdout
        assert "refused: ProgrammingError permission denied for table core_auditstream" in shell.stdout
        assert "checkpoint #1: 1 streams, 1 events" in shell.stdout
        assert "audit chain intact" in shell.stdout
    finally:
        with psycopg.connect(f"{server} dbname=postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
            admin.execute(f'DROP ROLE IF EXISTS "{role}"')
