"""The checkpoint signing key: from the environment, generated into a file for the
embedded run and tests, refused when missing in a deployment."""

import base64
import os
import stat
import threading
from io import StringIO

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from marketplace.core.audit import keys
from marketplace.core.audit.checks import audit_keys_readable, audit_signing_key_set


def _raw_public(key) -> bytes:
    return key.public_key().public_bytes(serialization.Encoding.Raw,
                                         serialization.PublicFormat.Raw)


def test_a_base64_seed_and_a_pem_are_the_same_key(settings):
    key = Ed25519PrivateKey.generate()
    seed = key.private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw,
                             serialization.NoEncryption())
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption()).decode()
    for text in (base64.b64encode(seed).decode(), pem):
        settings.AUDIT_SIGNING_KEY = text
        assert _raw_public(keys.signing_key()) == _raw_public(key)


@pytest.mark.parametrize("text", ["not base64!", base64.b64encode(b"short").decode(),
                                  "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----"])
def test_an_invalid_key_is_refused_without_repeating_it(settings, text):
    settings.AUDIT_SIGNING_KEY = text
    with pytest.raises(keys.AuditKeyInvalid) as refused:
        keys.signing_key()
    assert text not in str(refused.value)
    [error] = audit_keys_readable()
    assert error.id == "audit.E002" and text not in error.msg


def test_the_key_file_is_generated_once_private_and_kept(settings, tmp_path):
    settings.AUDIT_SIGNING_KEY = ""
    settings.AUDIT_SIGNING_KEY_FILE = str(tmp_path / "var" / "audit-signing.key")
    first = keys.signing_key()
    path = tmp_path / "var" / "audit-signing.key"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert _raw_public(keys.parse_private_key(path.read_text())) == _raw_public(first)
    keys._load.cache_clear()  # a new process reads the same file
    assert _raw_public(keys.signing_key()) == _raw_public(first)


def test_processes_starting_together_end_with_one_key(tmp_path):
    path = tmp_path / "audit-signing.key"
    seen, barrier = [], threading.Barrier(8)

    def start():
        barrier.wait()
        seen.append(keys._read_or_create(path))

    threads = [threading.Thread(target=start) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert len(seen) == 8 and len(set(seen)) == 1
    assert os.listdir(tmp_path) == ["audit-signing.key"]  # no temporary file left


def test_a_deployment_without_a_key_fails_check_deploy(settings):
    settings.AUDIT_SIGNING_KEY = ""
    settings.AUDIT_SIGNING_KEY_FILE = ""
    [error] = audit_signing_key_set()
    assert error.id == "audit.E001"
    assert "audit_keygen" in error.hint
    with pytest.raises(SystemCheckError, match="audit.E001"):
        call_command("check", "--deploy", "--tag", "audit", stdout=StringIO(), stderr=StringIO())
    settings.AUDIT_SIGNING_KEY_FILE = "/run/secrets/audit-signing.key"
    assert audit_signing_key_set() == []


def test_retired_keys_verify_and_only_the_signing_key_is_current(settings, signing_key):
    retired = Ed25519PrivateKey.generate()
    settings.AUDIT_VERIFY_KEYS = [base64.b64encode(_raw_public(retired)).decode()]
    found = keys.verifying_keys()
    assert {k.current for k in found.values()} == {True, False}
    assert found[keys.key_id(retired.public_key())].current is False
    assert found[keys.key_id(signing_key.public_key())].current is True
    settings.AUDIT_VERIFY_KEYS = ["garbage"]
    [error] = audit_keys_readable()
    assert error.id == "audit.E003"


def test_audit_keygen_prints_a_new_key_and_its_public_key(settings):
    out = StringIO()
    call_command("audit_keygen", stdout=out, stderr=StringIO())
    lines = dict(line.split("=", 1) if line.startswith("AUDIT_") else line.split(": ", 1)
                 for line in out.getvalue().splitlines())
    settings.AUDIT_SIGNING_KEY = lines["AUDIT_SIGNING_KEY"]
    key = keys.signing_key()
    assert base64.b64decode(lines["public key"]) == _raw_public(key)
    assert lines["key id"] == keys.key_id(key.public_key())
