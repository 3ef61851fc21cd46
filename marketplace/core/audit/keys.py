"""The Ed25519 key that signs audit checkpoints, and the keys that verify them.

``AUDIT_SIGNING_KEY`` holds the private key: base64 of the 32-byte seed (what
``manage.py audit_keygen`` prints) or a PKCS#8 PEM. Without it, ``AUDIT_SIGNING_KEY_FILE``
names a file holding the same; the embedded run and the tests point it into ``var/`` and
the key is generated there on first use. Production sets neither file nor default, so
checkpointing refuses to start (``AuditKeyMissing``; ``check --deploy`` says so too).

``AUDIT_VERIFY_KEYS`` lists retired public keys (base64 of the 32 raw bytes), so that
checkpoints signed before a key rotation still verify. A key id is the first 16 bytes
of SHA-256 over the raw public key, in hex.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
import secrets
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

ALGORITHM = "Ed25519"


class AuditKeyMissing(ImproperlyConfigured):
    pass


class AuditKeyInvalid(ImproperlyConfigured):
    pass


def _raw_public(public: Ed25519PublicKey) -> bytes:
    return public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def key_id(public: Ed25519PublicKey) -> str:
    return hashlib.sha256(_raw_public(public)).hexdigest()[:32]


def public_key_text(public: Ed25519PublicKey) -> str:
    return base64.b64encode(_raw_public(public)).decode()


def parse_public_key(text: str) -> Ed25519PublicKey:
    try:
        raw = base64.b64decode(text.strip(), validate=True)
        return Ed25519PublicKey.from_public_bytes(raw)
    except (binascii.Error, ValueError) as exc:
        raise AuditKeyInvalid(
            "an audit verifying key is not base64 of a 32-byte Ed25519 public key"
        ) from exc


def parse_private_key(text: str) -> Ed25519PrivateKey:
    """Base64 of the 32-byte seed, or a PKCS#8 PEM. The error never repeats the key."""
    text = text.strip()
    try:
        if text.startswith("-----BEGIN"):
            key = serialization.load_pem_private_key(text.encode(), password=None)
        else:
            key = Ed25519PrivateKey.from_private_bytes(base64.b64decode(text, validate=True))
    except (binascii.Error, ValueError, TypeError) as exc:
        raise AuditKeyInvalid(
            "AUDIT_SIGNING_KEY is neither base64 of a 32-byte Ed25519 seed nor a PEM "
            "private key (manage.py audit_keygen prints a valid one)"
        ) from exc
    if not isinstance(key, Ed25519PrivateKey):
        raise AuditKeyInvalid("AUDIT_SIGNING_KEY is a PEM key, but not an Ed25519 one")
    return key


def new_private_key_text() -> tuple[str, Ed25519PrivateKey]:
    key = Ed25519PrivateKey.generate()
    seed = key.private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw,
        serialization.NoEncryption(),
    )
    return base64.b64encode(seed).decode(), key


def _read_or_create(path: Path) -> str:
    """The key in ``path``, generated on first use. Two processes starting together
    (xdist workers, web and worker) must end with one key: the new key is written to a
    private temporary file and hard-linked into place, which fails if another won."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        text, _ = new_private_key_text()
        temporary = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(text + "\n")
        try:
            os.link(temporary, path)
        except FileExistsError:
            pass
        finally:
            temporary.unlink()
    return path.read_text()


@lru_cache(maxsize=4)
def _load(key_text: str, key_file: str) -> Ed25519PrivateKey:
    if key_text.strip():
        return parse_private_key(key_text)
    if key_file:
        return parse_private_key(_read_or_create(Path(key_file)))
    raise AuditKeyMissing(
        "AUDIT_SIGNING_KEY is not set: audit checkpoints cannot be signed. Create a key "
        "with `manage.py audit_keygen` and set AUDIT_SIGNING_KEY in the environment."
    )


def signing_configured() -> bool:
    return bool(settings.AUDIT_SIGNING_KEY.strip() or settings.AUDIT_SIGNING_KEY_FILE)


def signing_key() -> Ed25519PrivateKey:
    """The configured signing key; raises ``AuditKeyMissing`` / ``AuditKeyInvalid``."""
    return _load(settings.AUDIT_SIGNING_KEY, settings.AUDIT_SIGNING_KEY_FILE)


@dataclass(frozen=True)
class VerifyingKey:
    key_id: str
    public_key: Ed25519PublicKey
    current: bool

    @property
    def text(self) -> str:
        return public_key_text(self.public_key)

    def verifies(self, signature: bytes, message: bytes) -> bool:
        try:
            self.public_key.verify(signature, message)
        except InvalidSignature:
            return False
        return True


def verifying_keys() -> dict[str, VerifyingKey]:
    """Key id -> key: the current signing key's public half (when this process has the
    signing key) and every retired key of ``AUDIT_VERIFY_KEYS``."""
    keys: dict[str, VerifyingKey] = {}
    for text in settings.AUDIT_VERIFY_KEYS:
        public = parse_public_key(text)
        keys[key_id(public)] = VerifyingKey(key_id(public), public, current=False)
    if signing_configured():
        public = signing_key().public_key()
        keys[key_id(public)] = VerifyingKey(key_id(public), public, current=True)
    return keys
