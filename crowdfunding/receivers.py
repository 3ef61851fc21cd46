"""What reward crowdfunding does when something is announced: a flexible pledge's
attempt that got its answer later (webhook, resume) settles the pledge, after the
attempt's transaction commits; a changed campaign pushes its progress to the people
watching its page, after the change commits."""

from __future__ import annotations

from django.db import transaction

from crowdfunding.signals import campaign_changed
from marketplace.payments.models import PaymentAttempt
from marketplace.payments.signals import attempt_changed

PREFIX = "crowdfunding.pledge:"


def _attempt_changed(sender, attempt_id, status, **kwargs):
    reference = (PaymentAttempt.objects.filter(pk=attempt_id)
                 .values_list("reference", flat=True).first() or "")
    if not reference.startswith(PREFIX):
        return
    pledge_id = int(reference.removeprefix(PREFIX))

    def settle():
        from crowdfunding.models import Pledge
        from crowdfunding.services.pledges import pledge_payment_settle
        from crowdfunding.services.settlement import pledge_charge_settle

        # Each settles only the pledges it owns (pending: flexible; charging or
        # payment_failed: settlement). An unlocked read picks the one to call, which
        # then checks again under the row lock: one locked transaction, not two.
        status = Pledge.objects.filter(pk=pledge_id).values_list("status", flat=True).first()
        if status == Pledge.Status.PENDING:
            pledge_payment_settle(pledge_id=pledge_id)
        elif status in (Pledge.Status.CHARGING, Pledge.Status.PAYMENT_FAILED):
            pledge_charge_settle(pledge_id=pledge_id)

    transaction.on_commit(settle)


attempt_changed.connect(_attempt_changed, dispatch_uid="crowdfunding.attempt_changed")


def _campaign_changed(sender, campaign_id, **kwargs):
    from crowdfunding.services.live import campaign_progress_push

    campaign_progress_push(campaign_id=campaign_id)


campaign_changed.connect(_campaign_changed, dispatch_uid="crowdfunding.campaign_progress")
