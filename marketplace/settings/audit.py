"""The audit log: the two database roles and the checkpoint signing key (docs/audit.md)."""

from marketplace.settings.database import DATABASES
from marketplace.settings.env import env

# Two database roles. DATABASE_URL is the application's role: on PostgreSQL it may only
# append to the audit tables (`manage.py db_grant_app_role` grants exactly that). The
# tables' owner, which migrations need, is DATABASE_MIGRATE_URL; a process connects as
# the owner only when DATABASE_AS_OWNER is set (the compose file's one-shot migrate
# service). Unset, everything connects with DATABASE_URL (the embedded run, the tests).
DATABASE_MIGRATE_URL = env("DATABASE_MIGRATE_URL", default="")
DATABASE_AS_OWNER = env.bool("DATABASE_AS_OWNER", default=False)
# What DATABASE_URL says, whichever role this process connects as.
DATABASE_APP = dict(DATABASES["default"])
if DATABASE_AS_OWNER and DATABASE_MIGRATE_URL:
    DATABASES["default"] = {**DATABASES["default"], **env.db_url_config(DATABASE_MIGRATE_URL)}

# Ed25519 key that signs checkpoints: base64 of the 32-byte seed or a PEM
# (`manage.py audit_keygen`). Without it, AUDIT_SIGNING_KEY_FILE (generated there on first
# use; the embedded and test overlays point it into var/). Production sets the key.
AUDIT_SIGNING_KEY = env("AUDIT_SIGNING_KEY", default="")
AUDIT_SIGNING_KEY_FILE = env("AUDIT_SIGNING_KEY_FILE", default="")
# Public keys (base64, comma-separated) of retired signing keys: old checkpoints verify.
AUDIT_VERIFY_KEYS = env.list("AUDIT_VERIFY_KEYS", default=[])
# Named in every signed statement, so a checkpoint of one deployment (staging) cannot
# pass for another's.
AUDIT_LOG_ID = env("AUDIT_LOG_ID", default="makerspace-marketplace")
# The chronograph makes a checkpoint when the newest is older than this and an event
# was appended since.
AUDIT_CHECKPOINT_INTERVAL_SECONDS = env.int("AUDIT_CHECKPOINT_INTERVAL_SECONDS", default=3600)
# Inclusion proofs are computed over every leaf of a checkpoint: a rate of their own.
AUDIT_PROOF_THROTTLE = env("AUDIT_PROOF_THROTTLE", default="20/min")
