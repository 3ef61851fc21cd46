"""Settlement at the deadline against the fake Stripe server: the close enqueues the run
after its commit, every active pledge is charged once (asserted on the fake's charge
ledger), a second run and a crash-then-resume charge nobody twice, a decline opens the
fix window and travelled time drops the pledge and releases its unit."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from crowdfunding.deadlines import campaign_close_due, pledge_drop_due
from crowdfunding.models import Campaign, Pledge
from crowdfunding.selectors import tier_remaining
from crowdfunding.services.pledges import pledge_create
from crowdfunding.services.settlement import settlement_prepare, settlement_run
from crowdfunding.states import PLEDGE_STATES
from marketplace.core.errors import IllegalTransition
from marketplace.core.models import AuditEvent
from marketplace.core.transitions import transition
from marketplace.payments.models import PaymentAttempt, SavedPaymentMethod
from tests.crowdfunding.factories import live_campaign
from tests.factories import UserFactory
from tests.payments.factories import SavedPaymentMethodFactory

pytestmark = pytest.mark.django_db(transaction=True)
P = Pledge.Status


def _back(campaign, token="pm_card_visa", amount="100"):
    backer = UserFactory()
    card = SavedPaymentMethodFactory(owner=backer, status=SavedPaymentMethod.Status.ACTIVE,
                                     provider_payment_method_id=token)
    return pledge_create(actor=backer, campaign=campaign, tier=campaign.tiers.first().pk,
                         amount=amount, payment_method=card.pk)


def _charges_of(control, pledge) -> int:
    return control.ledger(metadata={"reference": pledge.reference})["count"]


def test_close_then_settle_each_pledge_charged_once(requires_postgres, payments_stripe):
    campaign = live_campaign(goal="300")
    good = [_back(campaign) for _ in range(3)]
    declined = _back(campaign, "pm_card_chargeDeclined")
    # the close commits, then its settlement run (eager task) charges every pledge
    assert campaign_close_due(campaign.ends_at) == 1
    assert Campaign.objects.get(pk=campaign.pk).status == Campaign.Status.FUNDED
    for pledge in good:
        pledge.refresh_from_db()
        assert pledge.status == P.CHARGED
        assert _charges_of(payments_stripe.control, pledge) == 1
    declined.refresh_from_db()
    assert declined.status == P.PAYMENT_FAILED
    assert declined.fix_until is not None
    assert _charges_of(payments_stripe.control, declined) == 0
    assert AuditEvent.objects.filter(action="crowdfunding.pledge.charged").count() == 3
    # a second settle: no new attempt, no new charge
    assert settlement_run(campaign_id=campaign.pk) == {}
    assert PaymentAttempt.objects.filter(scope=campaign.scope).count() == 4
    assert payments_stripe.control.ledger()["count"] == 3


def test_crash_between_prepare_and_charge_and_lost_answers_then_resume(
        requires_postgres, payments_stripe, settings):
    campaign = live_campaign(goal="100", funding_model="threshold", threshold_percent=50)
    pledges = [_back(campaign) for _ in range(4)]
    settings.CELERY_TASK_ALWAYS_EAGER = False  # the close's run does not start: a crash
    Campaign.objects.filter(pk=campaign.pk).update(status=Campaign.Status.FUNDED)
    prepared = settlement_prepare(campaign_id=campaign.pk, limit=2)
    assert len(prepared) == 2  # attempts made, nothing sent: the process died here
    control = payments_stripe.control
    control.inject("drop", count=1, method="POST", path_prefix="/v1/payment_intents")
    control.inject("rate_limit", count=2, method="POST", path_prefix="/v1/payment_intents")
    control.inject("api_error", count=1, method="POST", path_prefix="/v1/payment_intents")
    counts = settlement_run(campaign_id=campaign.pk, workers=2, rate=1000)
    assert counts == {P.CHARGED: 4}
    assert control.faults() == []  # every injected fault was hit
    for pledge in pledges:
        assert _charges_of(control, pledge) == 1
        assert PaymentAttempt.objects.filter(reference=pledge.reference).count() == 1
    assert control.ledger()["count"] == 4


def test_fix_window_drops_the_pledge_and_releases_its_unit(requires_postgres, payments_stripe):
    campaign = live_campaign(goal="100")
    _back(campaign)
    failed = _back(campaign, "pm_card_authenticationRequired")
    tier = campaign.tiers.first()
    assert tier_remaining(tier) == 48
    campaign_close_due(campaign.ends_at)
    failed.refresh_from_db()
    assert failed.status == P.PAYMENT_FAILED
    attempt = PaymentAttempt.objects.get(pk=failed.attempt_id)
    assert attempt.failure_code == "authentication_required"
    assert pledge_drop_due(failed.fix_until - timedelta(seconds=1)) == 0
    with time_machine.travel(failed.fix_until + timedelta(seconds=1), tick=False):
        assert pledge_drop_due(timezone.now()) == 1
    failed.refresh_from_db()
    assert failed.status == P.DROPPED
    assert tier_remaining(tier) == 49
    with pytest.raises(IllegalTransition):
        transition(failed, PLEDGE_STATES, P.CHARGED)


def test_refused_pledge_moves():
    assert not PLEDGE_STATES.can(P.ACTIVE, P.CHARGED)
    assert not PLEDGE_STATES.can(P.CHARGED, P.CHARGING)
    assert not PLEDGE_STATES.can(P.DROPPED, P.CHARGED)
    assert PLEDGE_STATES.can(P.PAYMENT_FAILED, P.CHARGED)


def test_settled_pledges_still_count_as_pledged_and_as_backers():
    """After the deadline the pledges move to charging, charged or payment_failed: the
    campaign's progress keeps counting them; a dropped pledge no longer counts."""
    from crowdfunding.selectors import campaign_progress

    campaign = live_campaign()
    pledges = [_back(campaign) for _ in range(5)]
    for pledge, status in zip(pledges, (P.ACTIVE, P.CHARGING, P.CHARGED, P.PAYMENT_FAILED,
                                        P.DROPPED), strict=True):
        Pledge.objects.filter(pk=pledge.pk).update(status=status)
    progress = campaign_progress(campaign)
    assert progress.backers == 4
    assert progress.pledged.amount == 4 * pledges[0].amount.amount


def test_two_parts_share_a_campaign_each_pledge_charged_once(
        requires_postgres, payments_stripe, settings):
    campaign = live_campaign(goal="100")
    pledges = [_back(campaign) for _ in range(6)]
    settings.CELERY_TASK_ALWAYS_EAGER = False
    Campaign.objects.filter(pk=campaign.pk).update(status=Campaign.Status.FUNDED)
    left_charging = settlement_prepare(campaign_id=campaign.pk, limit=4)  # then a crash
    first = settlement_run(campaign_id=campaign.pk, rate=1000, part=0, parts=2)
    # part 0 charged its half of what the crash left, and prepared the rest
    assert first == {P.CHARGED: 2 + 2}
    still = set(Pledge.objects.filter(campaign=campaign, status=P.CHARGING)
                .values_list("pk", flat=True))
    assert still == {pk for pk in left_charging if pk % 2 == 1}
    assert settlement_run(campaign_id=campaign.pk, rate=1000, part=1, parts=2) == {P.CHARGED: 2}
    for pledge in pledges:
        assert _charges_of(payments_stripe.control, pledge) == 1
    with pytest.raises(ValueError):
        settlement_run(campaign_id=campaign.pk, part=2, parts=2)


def test_the_close_enqueues_one_run_per_part(requires_postgres, settings, monkeypatch):
    from crowdfunding import deadlines

    settings.CROWDFUNDING_SETTLEMENT_PROCESSES = 3
    sent = []
    monkeypatch.setattr(deadlines, "enqueue", lambda name, *args: sent.append((name, args)))
    campaign = live_campaign(goal="100")
    _back(campaign)
    assert campaign_close_due(campaign.ends_at) == 1
    assert sent == [(deadlines.SETTLE_TASK, (campaign.pk, part, 3)) for part in range(3)]
