"""Telling the supplier's people that a first-purchase notice names their product."""

from __future__ import annotations

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from marketplace.accounts.selectors import organisation_members
from marketplace.notifications.services import notification_create
from procurement.models import PurchaseRequest
from procurement.rules import SUPPLIER_ROLES

NOTICE_KIND = "procurement.notice"


def supplier_notify_of_notice(*, request_id: int) -> int:
    """Notify each owner and member of the supplier once (a retry sends nothing twice:
    a person already notified of this notice is skipped). Returns how many were told."""
    from marketplace.notifications.models import Notification

    request = PurchaseRequest.objects.select_related("supplier").filter(pk=request_id).first()
    if request is None or request.supplier is None or request.published_at is None:
        return 0
    url = reverse("procurement:request", args=[request.pk])
    told = 0
    with transaction.atomic():
        for membership in organisation_members(request.supplier):
            user = membership.user
            if membership.role not in SUPPLIER_ROLES:
                continue
            if Notification.objects.filter(user=user, kind=NOTICE_KIND, url=url).exists():
                continue
            notification_create(
                user=user, kind=NOTICE_KIND, url=url, email=True,
                title=_("A first-purchase request names your product: %(title)s")
                % {"title": request.title},
            )
            told += 1
    return told
