"""Telling backers what happened to their pledge, in their own language, in the site and
by mail. Run as tasks after the commit that made the change; each is idempotent (a person
already told of this event for this pledge is skipped), so a retried task tells nobody
twice.

    pledge_notify          one backer: the card was declined (with the fix page's link)
    campaign_notify_backers every backer of a campaign that closed: funded (cards will be
                           charged), not funded (nobody is charged), or failed after drops
                           (every charge refunded)
"""

from __future__ import annotations

from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from crowdfunding.models import Campaign, Pledge
from marketplace.core.formatting import format_datetime
from marketplace.notifications.models import Notification
from marketplace.notifications.services import notification_create

S = Campaign.Status
P = Pledge.Status
PAYMENT_FAILED = "crowdfunding.pledge.payment_failed"
FUNDED = "crowdfunding.campaign.funded"
NOT_FUNDED = "crowdfunding.campaign.failed"
REFUNDED = "crowdfunding.campaign.refunded"


def _tell(user, *, kind: str, url: str, message) -> bool:
    """Notify ``user`` once per ``kind`` and ``url``; ``message()`` gives the title and
    body, called in the person's language."""
    if Notification.objects.filter(user=user, kind=kind, url=url).exists():
        return False
    with translation.override(user.preferred_language):
        title, body = message()
        notification_create(user=user, kind=kind, url=url, email=True, title=str(title),
                            body=str(body))
    return True


def pledge_notify(*, pledge_id: int) -> bool:
    """Tell the backer their card was declined and how long they have to fix it."""
    pledge = (Pledge.objects.select_related("campaign", "backer")
              .filter(pk=pledge_id, status=P.PAYMENT_FAILED).first())
    if pledge is None or pledge.fix_until is None:
        return False
    campaign = pledge.campaign
    return _tell(
        pledge.backer, kind=PAYMENT_FAILED,
        url=reverse("crowdfunding:pledge_fix", kwargs={"pk": pledge.pk}),
        message=lambda: (
            _("Your payment for “%(title)s” did not go through") % {"title": campaign.title},
            _("The campaign was funded, but your card was declined. Pay with the same or "
              "another card before %(until)s, or your pledge is dropped.")
            % {"until": format_datetime(pledge.fix_until)}))


def _outcome_message(kind: str, campaign: Campaign) -> tuple[str, str]:
    title = {"title": campaign.title}
    if kind == FUNDED:
        return (_("“%(title)s” is funded") % title,
                _("Thank you: the campaign reached its goal. Your card is charged now.")
                if campaign.funding_model != "flexible"
                else _("Thank you: the campaign has ended and keeps what it raised."))
    if kind == REFUNDED:
        return (_("“%(title)s” was not funded after all") % title,
                _("Declined payments took the campaign below its goal. Every charge is "
                  "refunded to the card it was made with."))
    return (_("“%(title)s” did not reach its goal") % title,
            _("Nobody is charged: your pledge ends here."))


def campaign_notify_backers(*, campaign_id: int) -> int:
    """Tell every backer how the campaign ended. Returns how many were told now."""
    campaign = Campaign.objects.filter(pk=campaign_id).first()
    if campaign is None:
        return 0
    refunded = campaign.pledges.filter(status=P.REFUNDED).exists()
    if campaign.status == S.FUNDED:
        kind, statuses = FUNDED, (P.ACTIVE, P.CHARGING, P.CHARGED, P.PAYMENT_FAILED)
    elif campaign.status == S.FAILED and refunded:
        kind, statuses = REFUNDED, (P.REFUNDED,)
    elif campaign.status == S.FAILED:
        kind, statuses = NOT_FUNDED, (P.ACTIVE,)
    else:
        return 0
    url = reverse("crowdfunding:campaign_detail", kwargs={"pk": campaign.pk})
    told = 0
    for pledge in (Pledge.objects.filter(campaign=campaign, status__in=statuses)
                   .select_related("backer").order_by("pk")):
        told += _tell(pledge.backer, kind=kind, url=url,
                      message=lambda: _outcome_message(kind, campaign))
    return told


UPDATE = "crowdfunding.campaign.update"


def update_notify_backers(*, update_id: int) -> int:
    """Tell every backer of the campaign about a new creator update (once each)."""
    from crowdfunding.models import CampaignUpdate

    update = CampaignUpdate.objects.select_related("campaign").filter(pk=update_id).first()
    if update is None:
        return 0
    campaign = update.campaign
    url = reverse("crowdfunding:campaign_detail", kwargs={"pk": campaign.pk}) + \
        f"#update-{update.pk}"
    told = 0
    for pledge in (Pledge.objects.filter(campaign=campaign,
                                         status__in=[*Pledge.COUNTED_STATUSES, P.PENDING])
                   .select_related("backer").order_by("pk")):
        told += _tell(pledge.backer, kind=UPDATE, url=url, message=lambda: (
            _("News from “%(campaign)s”: %(title)s") % {"campaign": campaign.title,
                                                        "title": update.title}, ""))
    return told
