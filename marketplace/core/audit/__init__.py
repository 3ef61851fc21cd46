"""Append-only, hash-chained audit log with signed checkpoints (docs/audit.md).

* ``chain``: ``audit_log()`` appends an event to its stream's hash chain;
  ``audit_chain_verify()`` recomputes every chain. Every app calls these two.
* ``merkle``: RFC 9162 tree hash and inclusion proofs.
* ``leaves``: what one stream head contributes to a checkpoint's tree.
* ``keys`` and ``statement``: the Ed25519 signing key and the signed checkpoint statement.
* ``checkpoints`` (writes), ``selectors`` (reads), ``verify`` (``audit_verify``).
"""

from marketplace.core.audit.chain import (
    GENESIS,
    ChainProblem,
    audit_chain_verify,
    audit_log,
    canonical,
    event_hash,
    stream_for,
)

__all__ = [
    "GENESIS",
    "ChainProblem",
    "audit_chain_verify",
    "audit_log",
    "canonical",
    "event_hash",
    "stream_for",
]
