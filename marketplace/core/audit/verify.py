"""Verifying checkpoints (``manage.py audit_verify``, docs/audit.md).

* the stored chain: every checkpoint's statement hashes to its ``hash``, its columns say
  what the statement says, its signature verifies with a known key, it names the hash
  of the one before, numbers have no gaps and time does not go back;
* coverage: for a checkpoint (the newest stored one, or one exported and kept outside),
  the database's leaves recompute its signed root, and every stream it covers still has
  a head at or past the covered number and, at that number, the covered event.

What a database owner can still do is drop the newest checkpoints with the triggers
off; only a checkpoint kept outside the database catches that, which is what exporting
is for.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
from dataclasses import dataclass

from django.conf import settings
from django.db import connection

from marketplace.core.audit.chain import GENESIS
from marketplace.core.audit.keys import VerifyingKey, verifying_keys
from marketplace.core.audit.leaves import Leaf, build_tree
from marketplace.core.audit.selectors import leaves_sql
from marketplace.core.audit.statement import (
    SignedStatement,
    Statement,
    StatementError,
    statement_hash,
)

# The leaves of checkpoint N beside the stream's head now and the event now stored at the
# leaf's sequence number.
COVERAGE_SQL = """
WITH m AS ({leaves})
SELECT m.stream, m.seq, m.hash, s.last_seq, e.hash
FROM m
LEFT JOIN core_auditstream s ON s.name = m.stream
LEFT JOIN core_auditevent e ON e.stream = m.stream AND e.seq = m.seq
"""

COLUMNS = (("created_at", "time"), ("tree_size", "tree_size"), ("event_count", "events"),
           ("root_hash", "root_hash"), ("prev_hash", "prev_hash"), ("key_id", "key_id"))


@dataclass(frozen=True)
class CheckpointProblem:
    checkpoint: int | None
    problem: str
    stream: str | None = None

    def __str__(self):
        where = f"checkpoint #{self.checkpoint}" if self.checkpoint is not None else "checkpoints"
        if self.stream is not None:
            where += f", stream {self.stream}"
        return f"{where}: {self.problem}"


def signature_problem(signed: SignedStatement, keys: dict[str, VerifyingKey]) -> str | None:
    statement = signed.statement
    key = keys.get(signed.key_id)
    if key is None or statement.key_id != signed.key_id:
        return (f"signed by key {signed.key_id}, which is neither the current signing key "
                "nor one of AUDIT_VERIFY_KEYS")
    if signed.public_key and signed.public_key != key.text:
        return f"carries another public key than the known key {key.key_id}"
    if not key.verifies(signed.signature, signed.text.encode()):
        return "the signature does not verify"
    return None


def _stored_problems(checkpoint, keys) -> tuple[Statement | None, list[str]]:
    try:
        signed = SignedStatement(text=checkpoint.statement,
                                 signature=base64.b64decode(checkpoint.signature, validate=True),
                                 key_id=checkpoint.key_id)
        statement = signed.statement
    except (StatementError, binascii.Error) as exc:
        return None, [f"unreadable signed statement ({exc})"]
    problems = []
    if signed.hash != checkpoint.hash:
        problems.append("its hash is not the hash of its statement")
    if statement.number != checkpoint.number:
        problems.append(f"its statement says #{statement.number}")
    if statement.log != settings.AUDIT_LOG_ID:
        problems.append(f"its statement is of log {statement.log!r}, this is "
                        f"{settings.AUDIT_LOG_ID!r}")
    for column, field in COLUMNS:
        if getattr(checkpoint, column) != getattr(statement, field):
            problems.append(f"the stored {column} is not the signed one")
    problem = signature_problem(signed, keys)
    if problem:
        problems.append(problem)
    return statement, problems


def checkpoint_chain_verify() -> list[CheckpointProblem]:
    from marketplace.core.models import AuditCheckpoint

    keys = verifying_keys()
    problems: list[CheckpointProblem] = []
    expected, prev_hash, prev_time = 1, GENESIS, None
    for checkpoint in AuditCheckpoint.objects.order_by("number").iterator():
        number = checkpoint.number
        if number != expected:
            gap = f"#{expected}" if number == expected + 1 else f"#{expected} to #{number - 1}"
            problems.append(CheckpointProblem(number, f"checkpoint(s) {gap} before it are missing"))
        statement, found = _stored_problems(checkpoint, keys)
        problems += [CheckpointProblem(number, problem) for problem in found]
        if statement is not None:
            if statement.prev_hash != prev_hash:
                problems.append(CheckpointProblem(
                    number, "does not name the hash of the checkpoint before it (chain broken)"))
            if prev_time is not None and statement.time < prev_time:
                problems.append(CheckpointProblem(number, "is older than the checkpoint before it"))
            prev_time = statement.time
        # the next one must name the hash of what was signed, whatever the column says
        expected, prev_hash = number + 1, statement_hash(checkpoint.statement)
    return problems


def coverage_verify(statement: Statement) -> list[CheckpointProblem]:
    """Does the database still hold what ``statement`` (a verified checkpoint) covers?"""
    number = statement.number
    with connection.cursor() as cursor:
        cursor.execute(COVERAGE_SQL.format(leaves=leaves_sql()), [number])
        rows = cursor.fetchall()
    problems: list[CheckpointProblem] = []
    leaves = []
    for stream, seq, leaf_hash, head_seq, event_hash in rows:
        leaves.append(Leaf(stream, int(seq), leaf_hash))
        if head_seq is None:
            problems.append(CheckpointProblem(
                number, f"the stream is gone (no head; the checkpoint covers it at #{seq})",
                stream))
        elif head_seq < seq:
            problems.append(CheckpointProblem(
                number, f"the head is at #{head_seq}, behind #{seq} that the checkpoint covers",
                stream))
        if event_hash is None:
            problems.append(CheckpointProblem(number, f"event #{seq} is missing", stream))
        elif event_hash != leaf_hash:
            problems.append(CheckpointProblem(
                number, f"event #{seq} is not the event the checkpoint covers", stream))
    if len(leaves) != statement.tree_size:
        problems.append(CheckpointProblem(
            number, f"the database accounts for {len(leaves)} of the {statement.tree_size} "
                    "streams it covers (streams deleted with their leaves, or leaves added)"))
    try:
        root = build_tree(leaves).root.hex()
    except ValueError:  # a stored hash that is not hex
        root = None
    if root != statement.root_hash:
        problems.append(CheckpointProblem(
            number, "the leaves in the database do not recompute its signed root "
                    "(leaves deleted or altered)"))
    return problems


def exported_checkpoint_verify(document) -> tuple[Statement | None, list[CheckpointProblem]]:
    """An exported checkpoint (kept outside the database): its signature with a known
    key, and that the database's checkpoint of that number is the same one."""
    from marketplace.core.models import AuditCheckpoint

    try:
        signed = SignedStatement.from_export(document)
    except StatementError as exc:
        return None, [CheckpointProblem(None, f"the exported checkpoint cannot be read: {exc}")]
    statement = signed.statement
    number = statement.number
    problem = signature_problem(signed, verifying_keys())
    if problem:
        return None, [CheckpointProblem(number, f"(exported) {problem}")]
    problems = []
    if statement.log != settings.AUDIT_LOG_ID:
        problems.append(CheckpointProblem(
            number, f"(exported) is of log {statement.log!r}, this is {settings.AUDIT_LOG_ID!r}"))
    stored = AuditCheckpoint.objects.filter(number=number).first()
    if stored is None:
        newest = AuditCheckpoint.objects.order_by("-number").values_list("number", flat=True).first()
        problems.append(CheckpointProblem(
            number, "(exported) is not in the database, whose newest checkpoint is "
                    + (f"#{newest}" if newest else "none")
                    + " (checkpoints deleted, or the log replaced)"))
    elif stored.hash != signed.hash:
        problems.append(CheckpointProblem(
            number, "(exported) differs from the database's checkpoint of that number "
                    "(the log was replaced)"))
    return statement, problems


@dataclass
class VerifyReport:
    checkpoints: int
    covered: Statement | None  # the checkpoint whose coverage was checked last
    problems: list[CheckpointProblem]


def checkpoints_verify(*, exported: list | tuple = ()) -> VerifyReport:
    """The stored chain, then coverage of every exported checkpoint given, or of the
    newest stored one when none is given."""
    from marketplace.core.models import AuditCheckpoint

    problems = checkpoint_chain_verify()
    targets: list[Statement] = []
    for document in exported:
        statement, found = exported_checkpoint_verify(document)
        problems += found
        if statement is not None:
            targets.append(statement)
    if not exported:
        newest = AuditCheckpoint.objects.order_by("-number").first()
        if newest is not None:
            with contextlib.suppress(StatementError):  # reported by the chain check
                targets.append(Statement.parse(newest.statement))
    for statement in targets:
        problems += coverage_verify(statement)
    return VerifyReport(
        checkpoints=AuditCheckpoint.objects.count(),
        covered=targets[-1] if targets else None,
        problems=problems,
    )
