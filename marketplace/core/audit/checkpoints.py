"""Writing checkpoints: sign the Merkle root over every stream head (docs/audit.md).

A checkpoint never locks a stream head. The heads are read by one SELECT, which on
PostgreSQL is one snapshot (READ COMMITTED gives each statement its own), so appends
go on while the tree is computed and land in the next checkpoint. Checkpoint writers
queue for each other: an advisory lock on PostgreSQL, the database's write lock on
SQLite, and the PostgreSQL trigger refuses a checkpoint that does not follow the newest.
"""

from __future__ import annotations

import base64
import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from marketplace.core.audit.chain import GENESIS
from marketplace.core.audit.keys import key_id, signing_key
from marketplace.core.audit.leaves import Leaf, build_tree
from marketplace.core.audit.statement import Statement, statement_hash

logger = logging.getLogger(__name__)

WRITER_LOCK = 0x4A0D17C0  # pg_advisory_xact_lock key of "a checkpoint is being written"
LEAF_BATCH = 5000

# Every head with at least one event, and the sequence number at which the checkpoints
# so far last covered it (NULL: never). One statement, so one snapshot of the heads.
HEADS_SQL = """
SELECT s.name, s.last_seq, s.head_hash,
       (SELECT MAX(l.seq) FROM core_auditcheckpointleaf l WHERE l.stream = s.name)
FROM core_auditstream s
WHERE s.last_seq > 0
"""

# Streams some checkpoint covered whose head is gone (only asked when counts disagree).
GONE_SQL = """
SELECT DISTINCT l.stream FROM core_auditcheckpointleaf l
WHERE NOT EXISTS (
    SELECT 1 FROM core_auditstream s WHERE s.name = l.stream AND s.last_seq > 0)
ORDER BY l.stream
"""


class CheckpointRefused(Exception):
    """The heads show a deletion the previous checkpoint can prove: signing them would
    cover it up. ``manage.py audit_verify`` names every problem."""


@dataclass(frozen=True)
class HeadSnapshot:
    leaves: list[Leaf]
    new: list[Leaf]  # heads that moved since the last checkpoint covered them
    covered: int  # heads some earlier checkpoint covered
    regressed: list[str]  # heads now behind what a checkpoint covered


def read_heads() -> HeadSnapshot:
    with connection.cursor() as cursor:
        cursor.execute(HEADS_SQL)
        rows = cursor.fetchall()
    leaves, new, regressed, covered = [], [], [], 0
    for name, seq, digest, covered_seq in rows:
        leaf = Leaf(name, int(seq), digest)
        leaves.append(leaf)
        if covered_seq is None:
            new.append(leaf)
            continue
        covered += 1
        if seq > covered_seq:
            new.append(leaf)
        elif seq < covered_seq:
            regressed.append(name)
    return HeadSnapshot(leaves=leaves, new=new, covered=covered, regressed=regressed)


def _queue_for_other_writers() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [WRITER_LOCK])


def _refuse_cover_up(previous, snapshot: HeadSnapshot) -> None:
    problems = []
    if snapshot.regressed:
        problems.append("heads behind what a checkpoint covered: "
                        + ", ".join(sorted(snapshot.regressed)[:20]))
    if previous is not None and snapshot.covered < previous.tree_size:
        with connection.cursor() as cursor:
            cursor.execute(GONE_SQL)
            gone = [row[0] for row in cursor.fetchmany(20)]
        problems.append(
            f"{previous.tree_size - snapshot.covered} stream(s) that checkpoint "
            f"#{previous.number} covers are gone: " + ", ".join(gone)
        )
    if problems:
        raise CheckpointRefused(
            "no checkpoint signed, the audit log lost what a checkpoint proves ("
            + "; ".join(problems) + "); run manage.py audit_verify"
        )


def _insert_leaves(checkpoint, leaves: list[Leaf]) -> None:
    """The heads that moved, as new leaves of ``checkpoint``: COPY on PostgreSQL (the first
    checkpoint of a large log writes a row per stream), batched INSERTs elsewhere."""
    from marketplace.core.models import AuditCheckpointLeaf

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor, cursor.cursor.copy(
            "COPY core_auditcheckpointleaf (checkpoint_id, stream, seq, hash) FROM STDIN"
        ) as copy:
            for leaf in leaves:
                copy.write_row((checkpoint.number, leaf.stream, leaf.seq, leaf.hash))
        return
    AuditCheckpointLeaf.objects.bulk_create(
        (AuditCheckpointLeaf(checkpoint=checkpoint, stream=leaf.stream, seq=leaf.seq,
                             hash=leaf.hash) for leaf in leaves),
        batch_size=LEAF_BATCH,
    )


def audit_checkpoint_create(*, only_if_changed: bool = False):
    """Sign and store a checkpoint over every stream head, chained to the previous one,
    and return it; or None when ``only_if_changed`` and no head moved since the last
    checkpoint (or the log is empty and has none).

    Raises ``AuditKeyMissing``/``AuditKeyInvalid`` (before touching the database) without
    a usable key, and ``CheckpointRefused`` when a stream the last checkpoint covered is
    gone or went back.
    """
    from marketplace.core.models import AuditCheckpoint

    key = signing_key()
    with transaction.atomic():
        _queue_for_other_writers()
        previous = AuditCheckpoint.objects.order_by("-number").first()
        # Taken before the heads are read: every event committed by then is covered.
        moment = timezone.now()
        snapshot = read_heads()
        _refuse_cover_up(previous, snapshot)
        if only_if_changed and not snapshot.new:
            return None
        tree = build_tree(snapshot.leaves)
        statement = Statement(
            log=settings.AUDIT_LOG_ID,
            number=previous.number + 1 if previous else 1,
            time=moment,
            tree_size=tree.size,
            events=tree.event_count,
            root_hash=tree.root.hex(),
            prev_hash=previous.hash if previous else GENESIS,
            key_id=key_id(key.public_key()),
        )
        text = statement.text()
        checkpoint = AuditCheckpoint.objects.create(
            number=statement.number, created_at=moment, tree_size=statement.tree_size,
            event_count=statement.events, root_hash=statement.root_hash,
            prev_hash=statement.prev_hash, hash=statement_hash(text),
            key_id=statement.key_id,
            signature=base64.b64encode(key.sign(text.encode())).decode(), statement=text,
        )
        _insert_leaves(checkpoint, snapshot.new)
    logger.info("audit checkpoint #%s: %s streams, root %s", checkpoint.number,
                checkpoint.tree_size, checkpoint.root_hash)
    return checkpoint
