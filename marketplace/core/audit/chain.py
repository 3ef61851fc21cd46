"""The per-stream hash chains: appending an event and recomputing every chain.

Events are chained per *stream* (by default one stream per audited object, e.g.
``crowdfunding.campaign:42``), so two writers only wait for each other when they touch
the same object: the chain is never one global lock. Each stream's head (last sequence
number and hash) lives in ``AuditStream``; appending locks that one row. Because the head
is stored apart from the events, deleting the newest event of a stream is detected too.
On PostgreSQL the head may only advance to the newest event (migration 0005); what a
chain cannot show (a stream deleted together with its head, a truncated log) the signed
checkpoints do (``marketplace.core.audit.checkpoints``).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connections, models, router, transaction
from django.utils import timezone

from marketplace.core.names import AuditAction

GENESIS = "0" * 64


def stream_for(obj: models.Model | None) -> str:
    if obj is None:
        return "platform"
    return f"{obj._meta.label_lower}:{obj.pk}"


def canonical(data) -> object:
    """JSON-round-trip so what is hashed equals what the database gives back."""
    return json.loads(json.dumps(data or {}, cls=DjangoJSONEncoder, sort_keys=True))


def event_hash(
    *, stream: str, seq: int, prev_hash: str, action: str, actor_id, object_type: str,
    object_id: str, data, created_at,
) -> str:
    payload = json.dumps(
        {
            "stream": stream,
            "seq": seq,
            "prev": prev_hash,
            "action": action,
            "actor": actor_id,
            "object_type": object_type,
            "object_id": object_id,
            "data": data,
            "at": created_at.isoformat(),
        },
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(payload.encode()).hexdigest()


def audit_log(*, actor, action: AuditAction | str, obj: models.Model | None = None,
              data: dict | None = None, stream: str | None = None):
    """Append one event in the caller's transaction and return it. ``action`` must be a
    declared ``AuditAction`` (or its value): an undeclared code raises ``UnknownName``.

    Inside the caller's transaction no savepoint is taken (an error rolls the caller's
    transaction back anyway); outside one the append is its own transaction."""
    from marketplace.core.models import AuditEvent

    action = AuditAction.resolve(action)
    stream = stream or stream_for(obj)
    actor_id = getattr(actor, "pk", None) if actor is not None else None
    event = AuditEvent(
        stream=stream, action=action, actor_id=actor_id, created_at=timezone.now(),
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None and obj.pk is not None else "",
        data=canonical(data))
    connection = connections[router.db_for_write(AuditEvent)]
    append = _append_postgresql if connection.vendor == "postgresql" else _append_orm
    if connection.in_atomic_block:
        append(event, connection)
    else:
        with transaction.atomic(using=connection.alias):
            append(event, connection)
    return event


def _seal(event, seq: int, prev_hash: str) -> None:
    event.seq, event.prev_hash = seq, prev_hash
    event.hash = event_hash(
        stream=event.stream, seq=seq, prev_hash=prev_hash, action=event.action,
        actor_id=event.actor_id, object_type=event.object_type, object_id=event.object_id,
        data=event.data, created_at=event.created_at)


def _append_orm(event, connection) -> None:
    from marketplace.core.models import AuditEvent, AuditStream

    AuditStream.objects.bulk_create([AuditStream(name=event.stream)], ignore_conflicts=True)
    head = AuditStream.objects.select_for_update().get(name=event.stream)
    _seal(event, head.last_seq + 1, head.head_hash)
    AuditEvent.objects.bulk_create([event])
    if event.pk is None:  # backends that return no ids from a bulk insert
        event.pk = AuditEvent.objects.get(stream=event.stream, seq=event.seq).pk
    head.last_seq, head.head_hash = event.seq, event.hash
    head.save(update_fields=["last_seq", "head_hash"])


def _append_postgresql(event, connection) -> None:
    """Three statements, no ORM: the head created or locked (an upsert whose update
    changes nothing takes the row lock and returns the head), the event, the head
    advanced. Every writer of the same stream waits on that one row; other streams never
    wait. The migrations' triggers still check every step."""
    from psycopg.types.json import Jsonb

    from marketplace.core.models import AuditEvent, AuditStream

    streams, events = AuditStream._meta.db_table, AuditEvent._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {streams} (name, last_seq, head_hash) VALUES (%s, 0, %s) "  # noqa: S608 (table names from the models)
            f"ON CONFLICT (name) DO UPDATE SET last_seq = {streams}.last_seq "
            "RETURNING last_seq, head_hash", [event.stream, GENESIS])
        last_seq, head_hash = cursor.fetchone()
        _seal(event, last_seq + 1, head_hash)
        cursor.execute(
            f"INSERT INTO {events} (stream, seq, prev_hash, hash, action, actor_id, "  # noqa: S608
            "object_type, object_id, data, created_at) "
            "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s) RETURNING id",
            [event.stream, event.seq, event.prev_hash, event.hash, event.action,
             event.actor_id, event.object_type, event.object_id,
             Jsonb(event.data), event.created_at])
        event.pk = cursor.fetchone()[0]
        cursor.execute(f"UPDATE {streams} SET last_seq = %s, head_hash = %s WHERE name = %s",  # noqa: S608
                       [event.seq, event.hash, event.stream])
    event._state.adding = False
    event._state.db = connection.alias


@dataclass
class ChainProblem:
    stream: str
    seq: int | None
    problem: str

    def __str__(self):
        where = f"{self.stream}#{self.seq}" if self.seq is not None else self.stream
        return f"{where}: {self.problem}"


def audit_chain_verify(streams: list[str] | None = None) -> list[ChainProblem]:
    """Recompute every chain; return what does not match (empty list = intact)."""
    from marketplace.core.models import AuditEvent, AuditStream

    problems: list[ChainProblem] = []
    heads = AuditStream.objects.all().order_by("name")
    if streams:
        heads = heads.filter(name__in=streams)
    known = set()
    for head in heads.iterator():
        known.add(head.name)
        prev, expected_seq = GENESIS, 1
        events = AuditEvent.objects.filter(stream=head.name).order_by("seq")
        for ev in events.iterator(chunk_size=2000):
            if ev.seq != expected_seq:
                problems.append(ChainProblem(head.name, expected_seq, "missing event(s)"))
            if ev.prev_hash != prev:
                problems.append(ChainProblem(head.name, ev.seq, "broken link to previous"))
            digest = event_hash(
                stream=ev.stream, seq=ev.seq, prev_hash=ev.prev_hash, action=ev.action,
                actor_id=ev.actor_id, object_type=ev.object_type, object_id=ev.object_id,
                data=ev.data, created_at=ev.created_at,
            )
            if digest != ev.hash:
                problems.append(ChainProblem(head.name, ev.seq, "content altered"))
            prev, expected_seq = ev.hash, ev.seq + 1
        if expected_seq - 1 != head.last_seq or prev != head.head_hash:
            problems.append(
                ChainProblem(head.name, None, f"head says #{head.last_seq}, chain ends at "
                             f"#{expected_seq - 1} (events deleted or head altered)")
            )
    orphans = AuditEvent.objects.exclude(stream__in=known)
    if streams:
        orphans = orphans.filter(stream__in=streams)
    for name in orphans.values_list("stream", flat=True).distinct():
        problems.append(ChainProblem(name, None, "events without a stream head"))
    return problems
