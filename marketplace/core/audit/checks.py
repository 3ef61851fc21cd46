"""System checks of the checkpoint keys (registered in ``CoreConfig.ready``)."""

from django.conf import settings
from django.core.checks import Error, register
from django.core.exceptions import ImproperlyConfigured

from marketplace.core.audit import keys

HINT = ("Create a key with `manage.py audit_keygen`, set AUDIT_SIGNING_KEY in the "
        "application's environment and publish its public key.")


@register("audit")
def audit_keys_readable(app_configs=None, **kwargs):
    """A key that is set must be a key (always checked: nothing could sign or verify)."""
    errors = []
    if settings.AUDIT_SIGNING_KEY.strip():
        try:
            keys.parse_private_key(settings.AUDIT_SIGNING_KEY)
        except ImproperlyConfigured as exc:
            errors.append(Error(str(exc), hint=HINT, id="audit.E002"))
    for text in settings.AUDIT_VERIFY_KEYS:
        try:
            keys.parse_public_key(text)
        except ImproperlyConfigured as exc:
            errors.append(Error(f"AUDIT_VERIFY_KEYS: {exc}", id="audit.E003"))
    return errors


@register("audit", deploy=True)
def audit_signing_key_set(app_configs=None, **kwargs):
    """A deployment signs with a key it was given: checkpointing refuses to start
    without one (a key generated into a file belongs to the embedded run and tests)."""
    if keys.signing_configured():
        return []
    return [Error("AUDIT_SIGNING_KEY is not set: audit checkpoints cannot be signed, and "
                  "the chronograph's checkpoint handler fails at every tick.",
                  hint=HINT, id="audit.E001")]
