"""Migration 0005's PostgreSQL triggers: what the database itself refuses, to every role,
the tables' owner (the test run's superuser) included."""

import pytest
from django.db import DatabaseError, connection, transaction

from marketplace.core.audit import GENESIS
from marketplace.core.audit.checkpoints import audit_checkpoint_create
from marketplace.core.models import AuditEvent, AuditStream
from tests.core.factories import AuditEventFactory

AUDIT_TABLES = ("core_auditevent", "core_auditstream", "core_auditcheckpoint",
                "core_auditcheckpointleaf")


def refused(sql: str, params=(), match: str = ""):
    with (pytest.raises(DatabaseError, match=match), transaction.atomic(),
          connection.cursor() as cursor):
        cursor.execute(sql, params)


@pytest.fixture
def stream(requires_postgres, signing_key):
    """A stream of three events and a checkpoint over it."""
    for _ in range(3):
        AuditEventFactory(stream="procurement.bid:1")
    audit_checkpoint_create()
    return AuditStream.objects.get(name="procurement.bid:1")


@pytest.mark.parametrize("table", AUDIT_TABLES)
def test_truncate_is_refused_even_to_the_owner(stream, table):
    with connection.cursor() as cursor:
        # the test's own inserts left deferred foreign-key checks, which TRUNCATE refuses
        # before any trigger runs; in production those rows were committed long ago
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    refused(f"TRUNCATE {table} CASCADE", match="cannot be truncated")
    assert AuditEvent.objects.filter(stream=stream.name).count() == 3


def test_a_stream_head_cannot_be_deleted(stream):
    refused("DELETE FROM core_auditstream WHERE name = %s", [stream.name],
            match="cannot be deleted")
    refused("DELETE FROM core_auditstream", match="cannot be deleted")
    assert AuditStream.objects.filter(name=stream.name).exists()


@pytest.mark.parametrize(
    ("assignment", "why"),
    [
        ("last_seq = 2, head_hash = (SELECT hash FROM core_auditevent WHERE stream = name "
         "AND seq = 2)", "backwards to a real event"),
        ("last_seq = 0, head_hash = repeat('0', 64)", "back to the beginning"),
        ("last_seq = 4", "ahead, with no event #4"),
        ("head_hash = repeat('f', 64)", "another hash, same number"),
        ("last_seq = 4, head_hash = repeat('f', 64)", "ahead to an invented hash"),
    ],
)
def test_a_head_only_advances(stream, assignment, why):
    refused(f"UPDATE core_auditstream SET {assignment} WHERE name = %s", [stream.name],
            match="may only advance by one")
    stream.refresh_from_db()
    assert stream.last_seq == 3, why


def test_a_head_cannot_skip_an_event_or_point_behind_the_newest(stream):
    events = list(AuditEvent.objects.filter(stream=stream.name).order_by("seq"))
    with connection.cursor() as cursor:
        # an event appended behind the head's back (as an INSERT-only role could)
        cursor.execute(
            "INSERT INTO core_auditevent (stream, seq, prev_hash, hash, action, object_type, "
            "object_id, data, created_at) VALUES (%s, 4, %s, %s, 'x', '', '', '{}', now()), "
            "(%s, 5, %s, %s, 'x', '', '', '{}', now())",
            [stream.name, events[-1].hash, "a" * 64, stream.name, "a" * 64, "b" * 64],
        )
    # #4 exists and links, but #5 is newer: the head must not stop short of it ...
    refused("UPDATE core_auditstream SET last_seq = 4, head_hash = %s WHERE name = %s",
            ["a" * 64, stream.name], match="may only advance")
    # ... nor jump two at once
    refused("UPDATE core_auditstream SET last_seq = 5, head_hash = %s WHERE name = %s",
            ["b" * 64, stream.name], match="may only advance")


def test_a_head_is_not_renamed_and_starts_at_zero(stream):
    refused("UPDATE core_auditstream SET name = 'other' WHERE name = %s", [stream.name],
            match="cannot be renamed")
    refused("INSERT INTO core_auditstream (name, last_seq, head_hash) VALUES ('x', 3, %s)",
            ["c" * 64], match="starts at #0")
    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO core_auditstream (name, last_seq, head_hash) "
                       "VALUES ('fresh', 0, %s)", [GENESIS])
        # a no-op write of a head changes nothing and is allowed
        cursor.execute("UPDATE core_auditstream SET last_seq = last_seq WHERE name = %s",
                       [stream.name])


def test_appending_still_advances_the_head(stream):
    event = AuditEventFactory(stream=stream.name)
    stream.refresh_from_db()
    assert (stream.last_seq, stream.head_hash) == (4, event.hash)


def test_the_trigger_is_not_fooled_by_a_temporary_table(stream):
    """pg_temp comes first in a default search_path: a role that may create temporary
    tables could shadow core_auditevent for an unqualified lookup in the trigger."""
    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMP TABLE core_auditevent (stream varchar, seq bigint, "
                       "hash varchar, prev_hash varchar)")
        cursor.execute("INSERT INTO core_auditevent VALUES (%s, 4, %s, %s)",
                       [stream.name, "e" * 64, stream.head_hash])
    refused("UPDATE core_auditstream SET last_seq = 4, head_hash = %s WHERE name = %s",
            ["e" * 64, stream.name], match="may only advance")


@pytest.mark.parametrize("table", ["core_auditcheckpoint", "core_auditcheckpointleaf"])
def test_checkpoints_and_their_leaves_are_append_only(stream, table):
    refused(f"UPDATE {table} SET hash = repeat('0', 64)", match="append-only")
    refused(f"DELETE FROM {table}", match="append-only")


def test_a_checkpoint_must_follow_the_newest_and_name_its_hash(stream):
    columns = ("INSERT INTO core_auditcheckpoint (number, created_at, tree_size, event_count, "
               "root_hash, prev_hash, hash, key_id, signature, statement) "
               "VALUES (%s, now(), 0, 0, '', %s, %s, '', '', '')")
    refused(columns, [3, "d" * 64, "1" * 64], match="must follow checkpoint #1")
    refused(columns, [2, GENESIS, "1" * 64], match="must follow checkpoint #1")


def test_leaves_are_added_to_the_newest_checkpoint_only(stream):
    AuditEventFactory(stream="other")
    audit_checkpoint_create()
    refused("INSERT INTO core_auditcheckpointleaf (checkpoint_id, stream, seq, hash) "
            "VALUES (1, 'late', 1, %s)", ["a" * 64], match="newest checkpoint only")
