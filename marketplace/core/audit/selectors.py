"""Reading checkpoints: the public list, exports, a checkpoint's leaves and proofs."""

from __future__ import annotations

import base64
from dataclasses import dataclass

from django.core.cache import cache
from django.db import connection
from django.utils.translation import gettext_lazy as _

from marketplace.core.audit import merkle
from marketplace.core.audit.keys import verifying_keys
from marketplace.core.audit.leaves import Leaf, Tree, build_tree, stream_key
from marketplace.core.audit.statement import SignedStatement
from marketplace.core.errors import ConflictError, NotFoundError

PROOF_CACHE_SECONDS = 24 * 3600

# Per stream, the newest leaf among checkpoints 1..N: the leaves of checkpoint N.
# PostgreSQL walks the (stream, seq) index once; the portable form joins the maxima back.
LEAVES_SQL = {
    "postgresql": """
        SELECT DISTINCT ON (stream) stream, seq, hash FROM core_auditcheckpointleaf
        WHERE checkpoint_id <= %s ORDER BY stream, seq DESC
    """,
    "default": """
        SELECT l.stream, l.seq, l.hash
        FROM core_auditcheckpointleaf l
        JOIN (SELECT stream, MAX(seq) AS seq FROM core_auditcheckpointleaf
              WHERE checkpoint_id <= %s GROUP BY stream) m
          ON m.stream = l.stream AND m.seq = l.seq
    """,
}


def leaves_sql() -> str:
    """SQL of the leaves (stream, seq, hash) of checkpoint %s, for this database."""
    return LEAVES_SQL.get(connection.vendor, LEAVES_SQL["default"])


def checkpoint_list():
    from marketplace.core.models import AuditCheckpoint

    return AuditCheckpoint.objects.order_by("-number")


def checkpoint_latest():
    return checkpoint_list().first()


def checkpoint_get(*, number: int | None = None):
    """Checkpoint ``number``, or the newest when None; ``NotFoundError`` when absent."""
    checkpoint = (checkpoint_latest() if number is None
                  else checkpoint_list().filter(number=number).first())
    if checkpoint is None:
        if number is None:
            raise NotFoundError(_("No audit checkpoint has been published yet."))
        raise NotFoundError(_("There is no audit checkpoint #%(number)s.") % {"number": number})
    return checkpoint


def checkpoint_signed(checkpoint) -> SignedStatement:
    key = verifying_keys().get(checkpoint.key_id)
    return SignedStatement(
        text=checkpoint.statement,
        signature=base64.b64decode(checkpoint.signature),
        key_id=checkpoint.key_id,
        public_key=key.text if key is not None else "",
    )


def checkpoint_export(checkpoint) -> dict:
    """The small signed document anyone may keep (format: ``audit.statement``)."""
    return checkpoint_signed(checkpoint).export()


def checkpoint_leaves(*, number: int) -> list[Leaf]:
    with connection.cursor() as cursor:
        cursor.execute(leaves_sql(), [number])
        return [Leaf(stream, int(seq), digest) for stream, seq, digest in cursor.fetchall()]


def checkpoint_tree(*, number: int) -> Tree:
    return build_tree(checkpoint_leaves(number=number))


@dataclass(frozen=True)
class InclusionProof:
    checkpoint: int
    leaf: Leaf
    leaf_index: int
    tree_size: int
    audit_path: list[bytes]
    root_hash: bytes

    def as_dict(self) -> dict:
        return {
            "checkpoint": self.checkpoint,
            "stream": self.leaf.stream,
            "stream_key": self.leaf.key.hex(),
            "seq": self.leaf.seq,
            "hash": self.leaf.hash,
            "leaf": self.leaf.encode().hex(),
            "leaf_index": self.leaf_index,
            "tree_size": self.tree_size,
            "audit_path": [node.hex() for node in self.audit_path],
            "root_hash": self.root_hash.hex(),
        }


def _covered(stream: str, number: int) -> bool:
    from marketplace.core.models import AuditCheckpointLeaf

    return AuditCheckpointLeaf.objects.filter(stream=stream, checkpoint_id__lte=number).exists()


def stream_inclusion_proof(*, stream: str, number: int | None = None) -> dict:
    """The RFC 9162 audit path of ``stream``'s leaf in checkpoint ``number`` (the newest
    when None), as a plain dict, with the checkpoint's export beside it. Building a path
    needs every leaf of the checkpoint, so a stream the checkpoint does not cover is
    refused first, cheaply, and a computed proof is cached (checkpoints never change)."""
    checkpoint = checkpoint_get(number=number)
    cache_key = f"audit:proof:{checkpoint.number}:{stream_key(stream).hex()}"
    proof = cache.get(cache_key)
    if proof is None:
        if not _covered(stream, checkpoint.number):
            raise NotFoundError(
                _("Audit checkpoint #%(number)s does not cover this stream.")
                % {"number": checkpoint.number}
            )
        tree = checkpoint_tree(number=checkpoint.number)
        index = tree.index_of(stream)
        if index is None:  # the leaf rows changed under us: nothing to prove
            raise NotFoundError(
                _("Audit checkpoint #%(number)s does not cover this stream.")
                % {"number": checkpoint.number}
            )
        if tree.root.hex() != checkpoint.root_hash:
            # leaves deleted or altered in the database: a path to another root proves
            # nothing, and audit_verify reports what happened
            raise ConflictError(
                _("The log no longer matches audit checkpoint #%(number)s: no proof can "
                  "be given.") % {"number": checkpoint.number}
            )
        proof = InclusionProof(
            checkpoint=checkpoint.number, leaf=tree.leaves[index], leaf_index=index,
            tree_size=tree.size, audit_path=merkle.inclusion_path(tree.leaf_hashes, index),
            root_hash=tree.root,
        ).as_dict()
        cache.set(cache_key, proof, PROOF_CACHE_SECONDS)
    return {**proof, "checkpoint_export": checkpoint_export(checkpoint)}
