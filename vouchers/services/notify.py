"""Telling the applicant that their application was decided (a voucher issued, or the
application refused with its reason), and a service provider's people that the treasury
paid the reimbursement of an order."""

from __future__ import annotations

from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from marketplace.accounts.models import Membership
from marketplace.notifications.models import Notification
from marketplace.notifications.services import notification_create
from marketplace.payments.models import OfflinePayout
from vouchers.models import VoucherApplication, VoucherOrder

DECIDED_KIND = "vouchers.application_decided"
NOTIFY_APPLICANT_TASK = "vouchers.notify_applicant"
REIMBURSED_KIND = "vouchers.reimbursed"
NOTIFY_PROVIDER_PAID_TASK = "vouchers.notify_provider_paid"


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


def provider_notify_of_payment(*, payout_id: int) -> int:
    """Tell each person of the provider that the treasury paid the reimbursement of an
    order, once each (a retry sends nothing twice). Returns how many were told."""
    from vouchers.ledger import ORDER_SOURCE
    from vouchers.rules import PROVIDER_ROLES

    payout = OfflinePayout.objects.filter(pk=payout_id, status=OfflinePayout.Status.PAID,
                                          cause__startswith=f"{ORDER_SOURCE}:").first()
    if payout is None:
        return 0
    order = (VoucherOrder.objects.select_related("service", "provider")
             .filter(pk=int(payout.cause.rpartition(":")[2])).first())
    if order is None:
        return 0
    url = f"{reverse('vouchers:provider', args=[order.provider.slug])}#order-{order.pk}"
    told = 0
    for membership in (Membership.objects.select_related("user")
                       .filter(organisation=order.provider, role__in=PROVIDER_ROLES)
                       .order_by("pk")):
        user = membership.user
        if Notification.objects.filter(user=user, kind=REIMBURSED_KIND, url=url).exists():
            continue
        with translation.override(user.preferred_language or None):
            title = _("The treasury paid %(amount)s for “%(service)s” (transfer %(reference)s).") % {
                "amount": payout.amount, "service": order.service.name,
                "reference": payout.transfer_reference}
        notification_create(user=user, kind=REIMBURSED_KIND, url=url, email=True,
                            title=title[:200])
        told += 1
    return told
