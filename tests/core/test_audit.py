import threading
from datetime import UTC, datetime
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from marketplace.core.audit import GENESIS, audit_chain_verify, audit_log, stream_for
from marketplace.core.models import AppendOnlyError, AuditEvent, AuditStream
from tests.core.audit_attacks import raw_sql_as_owner
from tests.core.factories import KycRequestFactory, UserFactory

TRIGGER = "core_auditevent_append_only"


def verify_command() -> str:
    out = StringIO()
    call_command("audit_verify", stdout=out, stderr=StringIO())
    return out.getvalue()


def assert_tamper_detected(expected_problem: str):
    err = StringIO()
    with pytest.raises(CommandError, match="audit chain broken"):
        call_command("audit_verify", stdout=StringIO(), stderr=err)
    assert expected_problem in err.getvalue()


def raw_sql_as_attacker(sql: str, params=()):
    """What a superuser with database access could do: switch the trigger off."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"ALTER TABLE core_auditevent DISABLE TRIGGER {TRIGGER}")
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute(f"ALTER TABLE core_auditevent ENABLE TRIGGER {TRIGGER}")


@pytest.fixture
def chain(db):
    """Two streams: one per object, three and two events."""
    first, second = KycRequestFactory(), KycRequestFactory()
    actor = UserFactory()
    for step in ("a", "b", "c"):
        audit_log(actor=actor, action=f"test.{step}", obj=first, data={"step": step})
    for step in ("x", "y"):
        audit_log(actor=None, action=f"test.{step}", obj=second, data={"step": step})
    return first, second


def test_events_chain_per_stream(chain):
    first, second = chain
    for obj, count in ((first, 3), (second, 2)):
        stream = stream_for(obj)
        events = list(AuditEvent.objects.filter(stream=stream).order_by("seq"))
        assert [e.seq for e in events] == list(range(1, count + 1))
        assert events[0].prev_hash == GENESIS
        for prev, ev in zip(events, events[1:], strict=False):
            assert ev.prev_hash == prev.hash
        head = AuditStream.objects.get(name=stream)
        assert (head.last_seq, head.head_hash) == (count, events[-1].hash)
    assert audit_chain_verify() == []


@pytest.mark.django_db
def test_event_without_object_goes_to_the_platform_stream_and_data_survives_round_trip():
    event = audit_log(
        actor=None, action="test.config_changed",
        data={"amount": Decimal("12.30"), "at": datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC),
              "name": "青岛", "nested": {"b": 1, "a": [1, 2]}},
    )
    assert event.stream == "platform"
    assert event.data["amount"] == "12.30"
    stored = AuditEvent.objects.get(pk=event.pk)
    assert stored.data == event.data
    assert audit_chain_verify() == []


def test_audit_verify_passes_on_an_intact_log(chain):
    assert "audit chain intact" in verify_command()


def test_audit_verify_detects_an_edited_row(chain):
    first, _ = chain
    raw_sql_as_attacker(
        "UPDATE core_auditevent SET data = %s WHERE stream = %s AND seq = 2",
        ['{"step": "forged"}', stream_for(first)],
    )
    assert_tamper_detected(f"{stream_for(first)}#2: content altered")


def test_audit_verify_detects_an_edited_actor(chain):
    first, _ = chain
    other = UserFactory()
    raw_sql_as_attacker(
        "UPDATE core_auditevent SET actor_id = %s WHERE stream = %s AND seq = 1",
        [other.pk, stream_for(first)],
    )
    assert_tamper_detected("content altered")


def test_audit_verify_detects_a_deleted_middle_row(chain):
    first, _ = chain
    raw_sql_as_attacker(
        "DELETE FROM core_auditevent WHERE stream = %s AND seq = 2", [stream_for(first)]
    )
    assert_tamper_detected(f"{stream_for(first)}#2: missing event(s)")


def test_audit_verify_detects_a_deleted_last_row_by_the_head(chain):
    _, second = chain
    raw_sql_as_attacker(
        "DELETE FROM core_auditevent WHERE stream = %s AND seq = 2", [stream_for(second)]
    )
    # the remaining chain is internally consistent: only the stored head gives it away
    assert_tamper_detected("head says #2, chain ends at #1")


def test_audit_verify_detects_an_altered_head(chain):
    first, _ = chain
    raw_sql_as_owner(("UPDATE core_auditstream SET head_hash = %s WHERE name = %s",
                      ["f" * 64, stream_for(first)]))
    assert_tamper_detected("events deleted or head altered")


def test_audit_verify_detects_events_without_a_head(chain):
    first, _ = chain
    raw_sql_as_owner(("DELETE FROM core_auditstream WHERE name = %s", [stream_for(first)]))
    assert_tamper_detected("events without a stream head")


def test_audit_verify_can_check_selected_streams(chain):
    first, second = chain
    raw_sql_as_attacker(
        "UPDATE core_auditevent SET action = 'forged' WHERE stream = %s AND seq = 1",
        [stream_for(first)],
    )
    out = StringIO()
    call_command("audit_verify", stream_for(second), stdout=out)
    assert "intact" in out.getvalue()
    with pytest.raises(CommandError):
        call_command("audit_verify", stream_for(first), stdout=StringIO(), stderr=StringIO())


def test_model_refuses_update_and_delete(chain):
    event = AuditEvent.objects.first()
    event.action = "forged"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(action="forged")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.get(pk=event.pk).action != "forged"
    assert audit_chain_verify() == []


def test_trigger_refuses_update_and_delete_on_postgres(requires_postgres, chain):
    event = AuditEvent.objects.first()
    for sql in (
        "UPDATE core_auditevent SET action = 'forged' WHERE id = %s",
        "DELETE FROM core_auditevent WHERE id = %s",
    ):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql, [event.pk])
    assert AuditEvent.objects.get(pk=event.pk).action == event.action


def test_deleting_an_actor_keeps_the_chain_intact(chain):
    actor = UserFactory()
    event = audit_log(actor=actor, action="test.by_someone", obj=chain[0])
    actor.delete()
    assert AuditEvent.objects.get(pk=event.pk).actor_id == event.actor_id
    assert audit_chain_verify() == []


def _run(fn, errors):
    try:
        fn()
    except Exception as exc:  # collected and asserted by the test
        errors.append(exc)
    finally:
        connection.close()


@pytest.mark.django_db(transaction=True)
def test_concurrent_appends_to_one_stream_give_a_gap_free_chain(requires_postgres):
    threads_count, per_thread = 6, 8
    barrier = threading.Barrier(threads_count)
    errors: list = []

    def writer(n):
        barrier.wait()
        for i in range(per_thread):
            audit_log(actor=None, action="test.concurrent", stream="shared",
                      data={"writer": n, "i": i})

    threads = [
        threading.Thread(target=_run, args=(lambda n=n: writer(n), errors))
        for n in range(threads_count)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)

    assert errors == []
    seqs = list(AuditEvent.objects.filter(stream="shared").order_by("seq")
                .values_list("seq", flat=True))
    assert seqs == list(range(1, threads_count * per_thread + 1))
    assert AuditStream.objects.get(name="shared").last_seq == threads_count * per_thread
    assert audit_chain_verify() == []


@pytest.mark.django_db(transaction=True)
def test_appends_to_different_streams_do_not_block_each_other(requires_postgres):
    audit_log(actor=None, action="test.setup", stream="stream-a")
    holding, release = threading.Event(), threading.Event()
    errors: list = []

    def hold_stream_a():
        with transaction.atomic():
            audit_log(actor=None, action="test.hold", stream="stream-a")
            holding.set()  # stream A's head row is now locked until we commit
            release.wait(15)

    holder = threading.Thread(target=_run, args=(hold_stream_a, errors))
    same = None
    holder.start()
    try:
        assert holding.wait(10)
        other = threading.Thread(
            target=_run,
            args=(lambda: audit_log(actor=None, action="test.b", stream="stream-b"), errors),
        )
        other.start()
        other.join(5)
        assert not other.is_alive(), "an append to stream B waited for stream A's lock"

        # control: the same kind of append to stream A does wait for the lock
        same = threading.Thread(
            target=_run,
            args=(lambda: audit_log(actor=None, action="test.a", stream="stream-a"), errors),
        )
        same.start()
        same.join(0.5)
        assert same.is_alive(), "an append to stream A should wait for its head lock"
    finally:
        release.set()
        holder.join(10)
        if same is not None:
            same.join(10)
    assert errors == []
    assert list(
        AuditEvent.objects.filter(stream="stream-a").values_list("action", flat=True)
    ) == ["test.setup", "test.hold", "test.a"]
    assert audit_chain_verify() == []


def test_an_append_inside_a_transaction_takes_three_statements_and_no_savepoint(
        requires_postgres):
    """The hot paths (a pledge, a commitment) append inside their own transaction: the head
    upsert, the event, the head advanced; no savepoint and no ORM round trips."""
    from django.test.utils import CaptureQueriesContext

    audit_log(actor=None, action="test.a", stream="hot")
    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        event = audit_log(actor=None, action="test.b", stream="hot", data={"n": 2})
    statements = [q["sql"] for q in queries.captured_queries]
    assert len(statements) == 3, statements
    assert not any("SAVEPOINT" in sql for sql in statements)
    stored = AuditEvent.objects.get(pk=event.pk)
    assert (stored.seq, stored.prev_hash, stored.hash, stored.data) == (
        2, AuditEvent.objects.get(stream="hot", seq=1).hash, event.hash, {"n": 2})
    assert audit_chain_verify(["hot"]) == []


def test_the_portable_append_builds_the_same_chain(db, monkeypatch):
    """The path SQLite (the embedded run) takes, exercised here on whatever database the
    suite runs on: the chain it writes verifies, and it interleaves with the fast path."""
    from marketplace.core.audit import chain as chain_module

    fast = chain_module._append_postgresql
    for step in range(4):
        monkeypatch.setattr(chain_module, "_append_postgresql",
                            chain_module._append_orm if step % 2 else fast)
        event = audit_log(actor=None, action="test.a", stream="portable",
                          data={"step": step})
        assert AuditEvent.objects.get(pk=event.pk).seq == step + 1
    assert AuditStream.objects.get(name="portable").last_seq == 4
    assert audit_chain_verify(["portable"]) == []
