"""Telling the applicant that their application was decided (a voucher issued, or the
application refused with its reason)."""

from __future__ import annotations

from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from marketplace.notifications.models import Notification
from marketplace.notifications.services import notification_create
from vouchers.models import VoucherApplication

DECIDED_KIND = "vouchers.application_decided"
NOTIFY_APPLICANT_TASK = "vouchers.notify_applicant"


def applicant_notify_of_decision(*, application_id: int) -> int:
    """Notify the applicant once per decided application (a retry sends nothing twice).
    Returns 1 when a notification was made, else 0."""
    application = (VoucherApplication.objects.select_related("applicant", "makerspace")
                   .filter(pk=application_id).first())
    if application is None or application.status == VoucherApplication.Status.SUBMITTED:
        return 0
    url = f"{reverse('vouchers:mine')}#application-{application.pk}"
    if Notification.objects.filter(user=application.applicant, kind=DECIDED_KIND,
                                   url=url).exists():
        return 0
    with translation.override(application.applicant.preferred_language or None):
        if application.status == VoucherApplication.Status.ISSUED:
            title = _("%(makerspace)s issued your innovation voucher.") % {
                "makerspace": application.makerspace.name}
        else:
            title = _("%(makerspace)s refused your voucher application: %(reason)s") % {
                "makerspace": application.makerspace.name,
                "reason": application.refusal_reason}
    notification_create(user=application.applicant, kind=DECIDED_KIND, url=url, email=True,
                        title=title[:200])
    return 1
