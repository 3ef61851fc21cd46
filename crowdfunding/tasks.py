"""Crowdfunding tasks. They take ids, are enqueued on commit (through the outbox) and are
idempotent: a settlement run that finds nothing left to charge does nothing, and one
that crashed is enqueued again by the chronograph (``crowdfunding.settlement_resume``)."""

from marketplace.celery import app
from marketplace.core.tasks import TransactionAwareTask


@app.task(name="crowdfunding.tasks.settlement_run", base=TransactionAwareTask)
def settlement_run(campaign_id: int, part: int = 0, parts: int = 1) -> dict:
    from crowdfunding.services.settlement import settlement_run as run

    return run(campaign_id=campaign_id, part=part, parts=parts)


@app.task(name="crowdfunding.tasks.demo_fulfil", base=TransactionAwareTask)
def demo_fulfil(campaign_id: int, fulfilled: bool) -> str:
    from crowdfunding.demo import demo_fulfil as fulfil

    return fulfil(campaign_id=campaign_id, fulfilled=fulfilled)


@app.task(name="crowdfunding.tasks.pledge_notify", base=TransactionAwareTask)
def pledge_notify(pledge_id: int) -> bool:
    from crowdfunding.services.notices import pledge_notify as notify

    return notify(pledge_id=pledge_id)


@app.task(name="crowdfunding.tasks.campaign_notify_backers", base=TransactionAwareTask)
def campaign_notify_backers(campaign_id: int) -> int:
    from crowdfunding.services.notices import campaign_notify_backers as notify

    return notify(campaign_id=campaign_id)


@app.task(name="crowdfunding.tasks.update_notify_backers", base=TransactionAwareTask)
def update_notify_backers(update_id: int) -> int:
    from crowdfunding.services.notices import update_notify_backers as notify

    return notify(update_id=update_id)


@app.task(name="crowdfunding.tasks.campaign_progress_push", ignore_result=True)
def campaign_progress_push(campaign_id: int) -> bool:
    """The trailing push of a coalesced window (``services.live``): the state now."""
    from crowdfunding.services.live import campaign_progress_send

    return campaign_progress_send(campaign_id=campaign_id)
