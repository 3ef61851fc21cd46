"""``manage.py audit_verify`` against the checkpoints: what an owner who drops the
triggers can do to the log, and what the stored and the exported checkpoints reveal."""

import base64
import json
from io import StringIO
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.management import CommandError, call_command

from marketplace.core.audit.checkpoints import audit_checkpoint_create
from marketplace.core.audit.selectors import checkpoint_export
from tests.core.audit_attacks import raw_sql_as_owner
from tests.core.factories import AuditEventFactory

EVERYTHING = "TRUNCATE core_auditcheckpointleaf, core_auditcheckpoint, core_auditevent, " \
             "core_auditstream CASCADE"


def verify(*args) -> str:
    out = StringIO()
    call_command("audit_verify", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def problems(*args) -> str:
    err = StringIO()
    with pytest.raises(CommandError, match="audit chain broken"):
        call_command("audit_verify", *args, stdout=StringIO(), stderr=err)
    return err.getvalue()


@pytest.fixture
def kept(audit_streams, tmp_path):
    """A checkpoint over the three streams, exported and kept outside the database."""
    checkpoint = audit_checkpoint_create()
    path = tmp_path / "checkpoint-1.json"
    path.write_text(json.dumps(checkpoint_export(checkpoint)))
    return str(path)


def delete_stream_with_its_head(name: str, *, leaves: bool):
    statements = [("DELETE FROM core_auditevent WHERE stream = %s", [name]),
                  ("DELETE FROM core_auditstream WHERE name = %s", [name])]
    if leaves:
        statements.append(("DELETE FROM core_auditcheckpointleaf WHERE stream = %s", [name]))
    raw_sql_as_owner(*statements)


def test_an_intact_log_verifies_against_the_stored_and_the_kept_checkpoint(kept):
    AuditEventFactory(stream="procurement.bid:7")  # appended since: still fine
    assert "audit chain intact" in verify()
    out = verify("--checkpoint", kept)
    assert "checkpoint #1 (3 streams, 6 events) is all still there" in out


def test_a_log_without_checkpoints_says_how_to_make_one(audit_streams):
    assert "no audit checkpoint yet" in verify()


def test_a_stream_deleted_with_its_head_is_named(kept, audit_streams):
    delete_stream_with_its_head(audit_streams[1], leaves=False)
    # the remaining chains are intact: only the checkpoint gives it away
    found = problems()
    assert f"checkpoint #1, stream {audit_streams[1]}: the stream is gone" in found
    assert f"stream {audit_streams[1]}: event #2 is missing" in found


def test_a_stream_deleted_with_its_head_and_its_leaves_is_detected(kept, audit_streams):
    delete_stream_with_its_head(audit_streams[1], leaves=True)
    found = problems()
    assert "checkpoint #1: the database accounts for 2 of the 3 streams" in found
    assert "do not recompute its signed root" in found
    assert "the database accounts for 2 of the 3" in problems("--checkpoint", kept)


def test_everything_truncated_is_invisible_without_a_kept_checkpoint(kept):
    raw_sql_as_owner(EVERYTHING)
    # an empty log is a consistent log: this is why checkpoints are kept outside
    assert "audit chain intact" in verify()
    found = problems("--checkpoint", kept)
    assert "checkpoint #1: (exported) is not in the database, whose newest checkpoint is none" in found
    assert "the database accounts for 0 of the 3 streams" in found


def test_a_forged_replacement_log_is_detected(kept, audit_streams, settings):
    real_key = settings.AUDIT_SIGNING_KEY
    raw_sql_as_owner(EVERYTHING)
    for name in audit_streams:  # the same streams, with other events
        for _ in range(3):
            AuditEventFactory(stream=name, action="test.forged")
    # the forger signs with a key of their own: the real one is not in the database
    forger = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw,
        serialization.NoEncryption())
    settings.AUDIT_SIGNING_KEY = base64.b64encode(forger).decode()
    audit_checkpoint_create()
    settings.AUDIT_SIGNING_KEY = real_key

    found = problems()
    assert "checkpoint #1: signed by key" in found and "neither the current signing key" in found
    found = problems("--checkpoint", kept)
    assert "(exported) differs from the database's checkpoint of that number" in found
    # the forged leaves match the forged events, but not the root the real key signed
    assert "checkpoint #1: the leaves in the database do not recompute its signed root" in found


def test_a_stream_rewritten_consistently_still_differs_from_its_checkpoint(kept, audit_streams):
    name = audit_streams[0]
    raw_sql_as_owner(("DELETE FROM core_auditevent WHERE stream = %s", [name]),
                     ("UPDATE core_auditstream SET last_seq = 0, head_hash = %s WHERE name = %s",
                      ["0" * 64, name]))
    for _ in range(3):
        AuditEventFactory(stream=name, action="test.rewritten")
    found = problems()
    # every hash chain recomputes: only the checkpoint knows the old event #3
    assert "content altered" not in found and "missing event" not in found
    assert f"stream {name}: event #3 is not the event the checkpoint covers" in found


def test_a_bad_signature_is_reported(kept):
    raw_sql_as_owner(("UPDATE core_auditcheckpoint SET signature = %s",
                      [base64.b64encode(b"\x00" * 64).decode()]))
    assert "checkpoint #1: the signature does not verify" in problems()


def test_columns_that_disagree_with_the_signed_statement_are_reported(kept):
    raw_sql_as_owner("UPDATE core_auditcheckpoint SET tree_size = 2, root_hash = repeat('a', 64)")
    found = problems()
    assert "the stored tree_size is not the signed one" in found
    assert "the stored root_hash is not the signed one" in found


def test_a_broken_checkpoint_chain_is_reported(kept):
    AuditEventFactory(stream="later:1")
    audit_checkpoint_create()
    AuditEventFactory(stream="later:2")
    audit_checkpoint_create()
    raw_sql_as_owner("DELETE FROM core_auditcheckpointleaf WHERE checkpoint_id = 2",
                     "DELETE FROM core_auditcheckpoint WHERE number = 2")
    found = problems()
    assert "checkpoint #3: checkpoint(s) #2 before it are missing" in found
    assert "checkpoint #3: does not name the hash of the checkpoint before it" in found


def test_the_newest_checkpoint_deleted_is_caught_by_the_kept_one(kept, tmp_path):
    AuditEventFactory(stream="later:1")
    newest = audit_checkpoint_create()
    path = tmp_path / "checkpoint-2.json"
    path.write_text(json.dumps(checkpoint_export(newest)))
    raw_sql_as_owner("DELETE FROM core_auditcheckpointleaf WHERE checkpoint_id = 2",
                     "DELETE FROM core_auditcheckpoint WHERE number = 2",
                     ("DELETE FROM core_auditevent WHERE stream = %s", ["later:1"]),
                     ("DELETE FROM core_auditstream WHERE name = %s", ["later:1"]))
    assert "audit chain intact" in verify()  # one checkpoint fewer looks like an older log
    found = problems("--checkpoint", str(path))
    assert "checkpoint #2: (exported) is not in the database, whose newest checkpoint is #1" in found


def test_a_kept_checkpoint_with_a_bad_signature_or_from_elsewhere_is_refused(kept, tmp_path,
                                                                             settings):
    document = json.loads(Path(kept).read_text())
    forged = dict(document, signature=base64.b64encode(b"\x01" * 64).decode())
    path = tmp_path / "forged.json"
    path.write_text(json.dumps(forged))
    assert "(exported) the signature does not verify" in problems("--checkpoint", str(path))

    settings.AUDIT_LOG_ID = "staging"
    assert "(exported) is of log 'makerspace-marketplace', this is 'staging'" in problems(
        "--checkpoint", kept)


def test_a_checkpoint_of_a_retired_key_verifies_once_its_public_key_is_listed(kept, settings):
    old = json.loads(Path(kept).read_text())["public_key"]
    settings.AUDIT_SIGNING_KEY = base64.b64encode(
        Ed25519PrivateKey.generate().private_bytes(
            serialization.Encoding.Raw, serialization.PrivateFormat.Raw,
            serialization.NoEncryption())).decode()
    assert "neither the current signing key nor one of AUDIT_VERIFY_KEYS" in problems()
    settings.AUDIT_VERIFY_KEYS = [old]
    assert "is all still there" in verify("--checkpoint", kept)


@pytest.mark.parametrize("content", ["not json", json.dumps({"format": "other"}),
                                     json.dumps({"format": "marketplace-audit-checkpoint/1"})])
def test_an_unreadable_kept_checkpoint_is_a_clear_error(audit_streams, tmp_path, content):
    path = tmp_path / "kept.json"
    path.write_text(content)
    with pytest.raises(CommandError) as failed:
        call_command("audit_verify", "--checkpoint", str(path), stdout=StringIO(),
                     stderr=StringIO())
    assert "kept.json" in str(failed.value) or "audit chain broken" in str(failed.value)
