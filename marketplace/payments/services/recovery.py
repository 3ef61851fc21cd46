"""Finding what a lost answer made, once the provider may have forgotten its key.

A retry normally reuses the record's idempotency key and the provider replays its first
answer. Stripe keeps keys for 24 hours only: a record whose first call may be older than
that (a long outage, a worker down over a weekend) and that never recorded an answer is
looked up first by the UUID we put in the object's metadata, so a resume finds the charge,
refund or transfer the lost answer made instead of making a second one.
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from marketplace.payments.services.gateway import provider_call

# Stripe keeps idempotency keys for at least 24 hours; trust them a little less long.
KEY_TRUSTED_FOR = timedelta(hours=23)
# the provider's clock and ours may differ: read a wider window than the record's life
_MARGIN = timedelta(hours=1)


def key_may_have_expired(record, *, answered: bool) -> bool:
    """``record`` was sent before, its answer never recorded (not ``answered``), and its
    key may be gone: the record is older than the provider keeps keys."""
    return record.provider_calls > 0 and not answered and (
        record.created_at <= timezone.now() - KEY_TRUSTED_FOR)


def _made_by(list_objects, record, metadata_key: str):
    uid = str(record.uid)
    for obj in list_objects(created_from=record.created_at - _MARGIN,
                            created_to=timezone.now() + _MARGIN):
        if obj.metadata.get(metadata_key) == uid:
            return obj
    return None


def lost_answer(record, *, answered: bool, list_objects, metadata_key: str):
    """What the provider made for ``record`` before its key may have expired: the object
    whose metadata names the record's UUID under ``metadata_key``, listed from the
    record's creation on (outside any transaction, retried); None when there is nothing
    to look for or the provider made nothing, and the record may be sent with its key."""
    if not key_may_have_expired(record, answered=answered):
        return None
    return provider_call(lambda: _made_by(list_objects, record, metadata_key),
                         what=f"{record._meta.model_name} {record.pk} look-up")
