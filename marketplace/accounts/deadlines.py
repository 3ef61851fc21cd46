"""Deadline handlers of the accounts app, run by the chronograph."""

from __future__ import annotations

from datetime import datetime

from marketplace.accounts.models import Invitation
from marketplace.accounts.services.invitations import invitation_expire
from marketplace.core.chronograph import deadline_handler, process_due


@deadline_handler("accounts.invitations_expire")
def invitations_expire(now: datetime) -> int:
    """Pending invitations past their deadline become expired."""
    due = Invitation.objects.select_related("organisation").filter(
        status=Invitation.Status.PENDING, expires_at__lte=now
    ).order_by("pk")
    return process_due(due, invitation_expire)
