"""Mail sent once, without a lock held while the mail server is talked to.

A short UPDATE claims the row (its ``claim_field`` set where it was empty, so a duplicated
or concurrent task finds nothing to claim), the mail goes out after that one-statement
transaction, and a failed send clears the claim so the task's retry sends it again. A
process that dies between claim and send loses that one mail rather than ever sending it
twice (the outbox guarantees the task was enqueued; it cannot know whether SMTP accepted).
"""

from __future__ import annotations

from collections.abc import Callable

from django.core.mail import send_mail
from django.db.models import QuerySet
from django.utils import timezone


def mail_once(
    sendable: QuerySet, *, claim_field: str,
    compose: Callable[[object], tuple[str, str, list[str]]],
) -> bool:
    """Send the mail of the one row in ``sendable`` (which must select it only while
    ``claim_field`` is empty); returns whether this call sent it. ``compose(row)`` gives
    subject, body and recipients, and runs before the claim, so a template error leaves the
    row unclaimed. Call it outside a transaction (a task does)."""
    row = sendable.filter(**{f"{claim_field}__isnull": True}).first()
    if row is None:
        return False
    subject, body, recipients = compose(row)
    if not recipients:
        return False
    claimed_at = timezone.now()
    claimable = sendable.model.objects.filter(pk=row.pk, **{f"{claim_field}__isnull": True})
    if not claimable.update(**{claim_field: claimed_at}):
        return False
    try:
        send_mail(" ".join(subject.split()), body, None, recipients)
    except Exception:
        sendable.model.objects.filter(pk=row.pk, **{claim_field: claimed_at}).update(
            **{claim_field: None}
        )
        raise
    return True
