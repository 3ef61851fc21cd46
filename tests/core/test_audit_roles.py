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
