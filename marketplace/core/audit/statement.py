"""The signed checkpoint statement and its exported form.

A statement is compact JSON (keys sorted, no spaces, ASCII) with these fields::

    format     "marketplace-audit-checkpoint/1"
    log        the deployment's log id (AUDIT_LOG_ID)
    number     1, 2, 3 ... without gaps
    time       when the heads were read, UTC, ISO 8601 with microseconds and "Z"
    tree_size  number of streams (leaves)
    events     number of events covered (the sum of the leaves' sequence numbers)
    root_hash  RFC 9162 Merkle tree hash over the leaves (hex)
    prev_hash  SHA-256 of the previous checkpoint's statement (hex; 64 zeros for #1)
    key_id     the signing key's id

The signature is Ed25519 over the statement's UTF-8 bytes, and the checkpoint's own hash
is SHA-256 over the same bytes. The exact text is stored and exported, so nobody needs
to reproduce the JSON serialisation to verify it. The export is what anyone may keep::

    {"format": ..., "statement": "<the exact text>", "signature": "<base64>",
     "key_id": "...", "public_key": "<base64 of the raw 32-byte key>"}
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime

FORMAT = "marketplace-audit-checkpoint/1"
FIELDS = frozenset(
    {"format", "log", "number", "time", "tree_size", "events", "root_hash", "prev_hash",
     "key_id"}
)


class StatementError(ValueError):
    """An exported checkpoint or a stored statement that cannot be read."""


def format_time(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def parse_time(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)


@dataclass(frozen=True)
class Statement:
    log: str
    number: int
    time: datetime
    tree_size: int
    events: int
    root_hash: str
    prev_hash: str
    key_id: str

    def text(self) -> str:
        return json.dumps(
            {
                "format": FORMAT, "log": self.log, "number": self.number,
                "time": format_time(self.time), "tree_size": self.tree_size,
                "events": self.events, "root_hash": self.root_hash,
                "prev_hash": self.prev_hash, "key_id": self.key_id,
            },
            sort_keys=True, separators=(",", ":"), ensure_ascii=True,
        )

    @classmethod
    def parse(cls, text: str) -> Statement:
        try:
            data = json.loads(text)
        except (TypeError, ValueError) as exc:
            raise StatementError("the statement is not JSON") from exc
        if not isinstance(data, dict) or set(data) != FIELDS or data["format"] != FORMAT:
            raise StatementError(f"the statement is not a {FORMAT} statement")
        try:
            statement = cls(
                log=str(data["log"]), number=int(data["number"]), time=parse_time(data["time"]),
                tree_size=int(data["tree_size"]), events=int(data["events"]),
                root_hash=str(data["root_hash"]), prev_hash=str(data["prev_hash"]),
                key_id=str(data["key_id"]),
            )
        except (TypeError, ValueError) as exc:
            raise StatementError("the statement has a field of the wrong type") from exc
        if statement.text() != text:
            # one statement, one text: a reformatted copy is not what was signed
            raise StatementError("the statement is not in its canonical form")
        return statement


def statement_hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


@dataclass(frozen=True)
class SignedStatement:
    """A statement with its signature: a stored checkpoint or an exported one."""

    text: str
    signature: bytes
    key_id: str
    public_key: str = ""

    @property
    def statement(self) -> Statement:
        return Statement.parse(self.text)

    @property
    def hash(self) -> str:
        return statement_hash(self.text)

    def export(self) -> dict:
        return {
            "format": FORMAT,
            "statement": self.text,
            "signature": base64.b64encode(self.signature).decode(),
            "key_id": self.key_id,
            "public_key": self.public_key,
        }

    @classmethod
    def from_export(cls, document) -> SignedStatement:
        if not isinstance(document, dict) or document.get("format") != FORMAT:
            raise StatementError(f"this is not an exported {FORMAT} checkpoint")
        try:
            signature = base64.b64decode(document["signature"], validate=True)
            signed = cls(text=document["statement"], signature=signature,
                         key_id=str(document["key_id"]),
                         public_key=str(document.get("public_key", "")))
        except (KeyError, TypeError, binascii.Error) as exc:
            raise StatementError("the exported checkpoint lacks a field or a valid "
                                 "signature") from exc
        if not isinstance(signed.text, str):
            raise StatementError("the exported checkpoint's statement is not text")
        signed.statement  # noqa: B018 (parses, or raises StatementError)
        return signed
