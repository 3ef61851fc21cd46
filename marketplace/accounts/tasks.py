"""Tasks of the accounts app: thin wrappers that take ids; the services are idempotent.
Tasks import services, never the other way round (services enqueue by task name)."""

from __future__ import annotations

from marketplace.accounts.services import invitations
from marketplace.celery import app
from marketplace.core.tasks import TransactionAwareTask


@app.task(name=invitations.INVITATION_MAIL_TASK, base=TransactionAwareTask,
          autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def invitation_send_email(invitation_id: int) -> bool:
    """Mail the accept link once; a retry after a sent mail does nothing."""
    return invitations.invitation_send_email(invitation_id=invitation_id)
