"""Live progress: what an open campaign page shows (pledged, backers, % of goal, each
limited tier's remaining units) pushed to the campaign's Channels group after every
committed change. The consumer only relays (``crowdfunding.consumers``)."""

from __future__ import annotations

from django.db import transaction

from crowdfunding.models import Campaign
from crowdfunding.selectors import campaign_progress_payload
from marketplace.notifications.services import push_to_group

EVENT = "campaign.progress"


def campaign_group(campaign_id: int) -> str:
    return f"campaign.{campaign_id}"


def campaign_progress_push(*, campaign_id: int) -> None:
    """After the current transaction commits, read the campaign's progress and push it to
    everyone watching its page. A canceled campaign pushes its status alone (its page
    says it ended); one that was never public pushes nothing (nobody watches it)."""

    def push():
        payload = campaign_progress_payload(campaign_id)
        if payload is None and Campaign.objects.filter(
                pk=campaign_id, status=Campaign.Status.CANCELED).exists():
            payload = {"campaign": campaign_id, "status": Campaign.Status.CANCELED}
        if payload is not None:
            push_to_group(campaign_group(campaign_id), EVENT, payload)

    transaction.on_commit(push)
