"""Tasks of the accounts app. They take ids and are idempotent."""

from __future__ import annotations

from allauth.utils import build_absolute_uri
from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from marketplace.accounts.models import Invitation, User
from marketplace.celery import app
from marketplace.core.tasks import TransactionAwareTask


def _language_for(email: str) -> str:
    user = User.objects.filter(email__iexact=email).only("preferred_language").first()
    return user.preferred_language if user else settings.LANGUAGE_CODE


@app.task(base=TransactionAwareTask, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def invitation_send_email(invitation_id: int) -> bool:
    """Mail the accept link once; a retry after a sent mail does nothing."""
    with transaction.atomic():
        invitation = (
            Invitation.objects.select_for_update(of=("self",))
            .select_related("organisation", "invited_by")
            .filter(pk=invitation_id, status=Invitation.Status.PENDING, email_sent_at__isnull=True)
            .first()
        )
        if invitation is None:
            return False
        with translation.override(_language_for(invitation.email)):
            context = {
                "invitation": invitation,
                "organisation": invitation.organisation,
                "inviter": invitation.invited_by,
                "role": invitation.get_role_display(),
                "accept_url": build_absolute_uri(
                    None, reverse("accounts:invitation_accept", args=[invitation.token])
                ),
                "expires_at": timezone.localtime(invitation.expires_at),
            }
            subject = render_to_string("accounts/email/invitation_subject.txt", context)
            body = render_to_string("accounts/email/invitation_message.txt", context)
        send_mail(" ".join(subject.split()), body, None, [invitation.email])
        invitation.email_sent_at = timezone.now()
        invitation.save(update_fields=["email_sent_at"])
    return True
