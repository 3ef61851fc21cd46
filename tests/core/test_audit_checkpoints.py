"""Making checkpoints: what is signed, the chain, the periodic handler, and that appending
never waits for a checkpoint."""

import base64
import hashlib
import json
import threading
from datetime import timedelta
from io import StringIO

import pytest
import time_machine
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.utils import timezone

from marketplace.core.audit import audit_chain_verify, audit_log, checkpoints
from marketplace.core.audit.checkpoints import CheckpointRefused, audit_checkpoint_create
from marketplace.core.audit.deadlines import audit_checkpoint_due
from marketplace.core.audit.keys import AuditKeyMissing, key_id
from marketplace.core.audit.selectors import checkpoint_leaves
from marketplace.core.chronograph import registered_handlers
from marketplace.core.models import AuditCheckpoint, AuditCheckpointLeaf, AuditStream
from tests.core.audit_attacks import raw_sql_as_owner
from tests.core.factories import AuditEventFactory
from tests.core.test_audit import _run


def sha256(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


def expected_root(heads: dict[str, tuple[int, str]]) -> str:
    """The root computed here from the stream heads, without the project's tree code:
    leaves sorted by SHA-256 of the name; RFC 9162 split at the largest power of two."""
    leaves = sorted(sha256(name.encode()) + seq.to_bytes(8, "big") + bytes.fromhex(digest)
                    for name, (seq, digest) in heads.items())

    def mth(items):
        if len(items) == 1:
            return sha256(b"\x00" + items[0])
        k = 1
        while k * 2 < len(items):
            k *= 2
        return sha256(b"\x01" + mth(items[:k]) + mth(items[k:]))

    return mth(leaves).hex() if leaves else sha256(b"").hex()


def heads_now() -> dict[str, tuple[int, str]]:
    return {s.name: (s.last_seq, s.head_hash) for s in AuditStream.objects.all()}


def test_a_checkpoint_signs_the_root_over_every_stream_head(audit_streams, signing_key):
    checkpoint = audit_checkpoint_create()

    assert checkpoint.number == 1
    assert (checkpoint.tree_size, checkpoint.event_count) == (3, 6)
    assert checkpoint.root_hash == expected_root(heads_now())
    assert checkpoint.prev_hash == "0" * 64
    assert checkpoint.hash == hashlib.sha256(checkpoint.statement.encode()).hexdigest()
    statement = json.loads(checkpoint.statement)
    assert statement == {
        "format": "marketplace-audit-checkpoint/1", "log": "makerspace-marketplace",
        "number": 1, "time": checkpoint.created_at.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        "tree_size": 3, "events": 6, "root_hash": checkpoint.root_hash,
        "prev_hash": "0" * 64, "key_id": key_id(signing_key.public_key()),
    }
    public: Ed25519PublicKey = signing_key.public_key()
    public.verify(base64.b64decode(checkpoint.signature), checkpoint.statement.encode())
    # every head is a leaf of the first checkpoint
    assert {(leaf.stream, leaf.seq) for leaf in AuditCheckpointLeaf.objects.all()} == {
        (name, seq) for name, (seq, _) in heads_now().items()
    }


def test_checkpoints_chain_and_store_only_the_heads_that_moved(audit_streams):
    first = audit_checkpoint_create()
    AuditEventFactory(stream=audit_streams[1])
    AuditEventFactory(stream="accounts.user:5")
    second = audit_checkpoint_create()

    assert (second.number, second.prev_hash) == (2, first.hash)
    assert (second.tree_size, second.event_count) == (4, 8)
    assert second.root_hash == expected_root(heads_now())
    assert sorted(second.new_leaves.values_list("stream", "seq")) == [
        ("accounts.user:5", 1), (audit_streams[1], 3)
    ]
    # the first checkpoint's leaves are what they were
    assert {(leaf.stream, leaf.seq) for leaf in checkpoint_leaves(number=1)} == {
        (audit_streams[0], 3), (audit_streams[1], 2), (audit_streams[2], 1)
    }
    assert len(checkpoint_leaves(number=2)) == 4


def test_only_if_changed_makes_none_when_no_head_moved(audit_streams):
    assert audit_checkpoint_create(only_if_changed=True).number == 1
    assert audit_checkpoint_create(only_if_changed=True) is None
    # on demand, a fresh statement of the same heads
    again = audit_checkpoint_create()
    assert again.number == 2 and again.root_hash == AuditCheckpoint.objects.get(number=1).root_hash
    assert not again.new_leaves.exists()


@pytest.mark.django_db
def test_an_empty_log_gets_a_checkpoint_only_on_demand(signing_key):
    assert audit_checkpoint_create(only_if_changed=True) is None
    empty = audit_checkpoint_create()
    assert (empty.tree_size, empty.root_hash) == (0, hashlib.sha256(b"").hexdigest())


def test_the_chronograph_checkpoints_after_the_interval_when_something_changed(
    audit_streams, settings, django_assert_num_queries
):
    assert registered_handlers()["core.audit_checkpoint"] is audit_checkpoint_due
    settings.AUDIT_CHECKPOINT_INTERVAL_SECONDS = 600
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        assert audit_checkpoint_due(timezone.now()) == 1
        AuditEventFactory(stream=audit_streams[0])
        # younger than the interval: one query, nothing read
        with django_assert_num_queries(1):
            assert audit_checkpoint_due(timezone.now()) == 0
    later = start + timedelta(seconds=601)
    with time_machine.travel(later, tick=False):
        assert audit_checkpoint_due(timezone.now()) == 1
    # nothing appended since: the newest checkpoint and one aggregate, no heads read
    with (time_machine.travel(later + timedelta(seconds=601), tick=False),
          django_assert_num_queries(2)):
        assert audit_checkpoint_due(timezone.now()) == 0
    assert AuditCheckpoint.objects.count() == 2


def test_the_chronograph_tick_runs_the_checkpoint_handler(audit_streams):
    out = StringIO()
    call_command("chronograph", stdout=out)
    assert "core.audit_checkpoint: 1" in out.getvalue()
    assert AuditCheckpoint.objects.count() == 1


def test_without_a_key_checkpointing_refuses_to_start(audit_streams, settings):
    settings.AUDIT_SIGNING_KEY = ""
    settings.AUDIT_SIGNING_KEY_FILE = ""
    with pytest.raises(AuditKeyMissing, match="AUDIT_SIGNING_KEY is not set"):
        audit_checkpoint_create()
    with pytest.raises(AuditKeyMissing):
        audit_checkpoint_due(timezone.now())
    with pytest.raises(CommandError, match="manage.py audit_keygen"):
        call_command("audit_checkpoint", stdout=StringIO())
    assert not AuditCheckpoint.objects.exists()


def test_the_command_makes_a_checkpoint_on_demand(audit_streams):
    out = StringIO()
    call_command("audit_checkpoint", stdout=out)
    assert "checkpoint #1: 3 streams, 6 events" in out.getvalue()
    out = StringIO()
    call_command("audit_checkpoint", "--if-changed", stdout=out)
    assert "none made" in out.getvalue()
    assert AuditCheckpoint.objects.count() == 1


def test_a_checkpoint_never_covers_up_a_deleted_stream(audit_streams):
    audit_checkpoint_create()
    raw_sql_as_owner(
        ("DELETE FROM core_auditevent WHERE stream = %s", [audit_streams[1]]),
        ("DELETE FROM core_auditstream WHERE name = %s", [audit_streams[1]]),
    )
    with pytest.raises(CheckpointRefused, match=f"are gone: {audit_streams[1]}"):
        audit_checkpoint_create()
    assert AuditCheckpoint.objects.count() == 1


def test_a_checkpoint_never_covers_up_a_head_moved_back(audit_streams):
    audit_checkpoint_create()
    raw_sql_as_owner(("UPDATE core_auditstream SET last_seq = 1 WHERE name = %s",
                      [audit_streams[0]]))
    with pytest.raises(CheckpointRefused, match=f"behind what a checkpoint covered: "
                                                f"{audit_streams[0]}"):
        audit_checkpoint_create()


@pytest.mark.django_db(transaction=True)
def test_events_keep_being_appended_while_a_checkpoint_is_computed(
    requires_postgres, signing_key, monkeypatch
):
    """The checkpoint is held after it read the heads, with its transaction open; another
    connection appends to those very streams (and new ones) meanwhile. With a lock on any
    head the appends would wait: lock_timeout turns that into an error."""
    for n in range(5):
        AuditEventFactory(stream=f"busy:{n}")
    heads_read, appends_done = threading.Event(), threading.Event()
    errors: list = []
    appended: list = []
    build_tree = checkpoints.build_tree

    def held_build_tree(leaves):
        heads_read.set()
        appends_done.wait(30)
        return build_tree(leaves)

    monkeypatch.setattr(checkpoints, "build_tree", held_build_tree)

    def appender():
        try:
            assert heads_read.wait(30)
            with connection.cursor() as cursor:
                cursor.execute("SET lock_timeout = '5s'")
            for n in range(10):
                appended.append(audit_log(actor=None, action="test.during", stream=f"busy:{n % 5}"))
                appended.append(audit_log(actor=None, action="test.during", stream=f"new:{n}"))
        finally:
            appends_done.set()

    thread = threading.Thread(target=_run, args=(appender, errors))
    thread.start()
    try:
        checkpoint = audit_checkpoint_create()
    finally:
        appends_done.set()
        thread.join(30)
    assert errors == []
    assert len(appended) == 20
    # the checkpoint covers the heads as its one snapshot saw them, before the appends
    assert (checkpoint.tree_size, checkpoint.event_count) == (5, 5)
    assert AuditStream.objects.count() == 15
    monkeypatch.setattr(checkpoints, "build_tree", build_tree)
    after = audit_checkpoint_create(only_if_changed=True)
    assert (after.tree_size, after.event_count) == (15, 25)
    assert after.root_hash == expected_root(heads_now())
    assert audit_chain_verify() == []


@pytest.mark.django_db(transaction=True)
def test_two_checkpoint_writers_queue_and_chain(requires_postgres, signing_key):
    AuditEventFactory(stream="one")
    made, errors = [], []
    barrier = threading.Barrier(2)

    def writer():
        barrier.wait()
        with transaction.atomic():
            made.append(audit_checkpoint_create())

    threads = [threading.Thread(target=_run, args=(writer, errors)) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert errors == []
    first, second = sorted(made, key=lambda c: c.number)
    assert (first.number, second.number, second.prev_hash) == (1, 2, first.hash)
