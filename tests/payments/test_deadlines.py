"""The chronograph's ``payments.resume``: records left mid-way (the provider answered but
our second transaction never ran; the provider was never reached; a refund or payout
whose send never ran) are picked up and finished with the same idempotency key; records
not due are left alone; two resumes at once (PostgreSQL, SKIP LOCKED) send each record
once, and the fake's ledger shows one charge per key."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from marketplace.core.chronograph import run_due_handlers
from marketplace.payments import errors
from marketplace.payments.deadlines import payments_resume
from marketplace.payments.ledger.check import ledger_problems
from marketplace.payments.ledger.models import JournalEntry
from marketplace.payments.models import PaymentAttempt, Payout, Refund
from marketplace.payments.services import gateway
from marketplace.payments.services.attempts import attempt_confirm, attempt_create
from marketplace.payments.services.common import count_provider_call
from marketplace.payments.services.payouts import payout_approve, payout_request
from marketplace.payments.services.refunds import refund_request
from tests.factories import OrganisationFactory, StaffFactory, UserFactory, member_of
from tests.payments.threads import at_once

A = PaymentAttempt.Status
SCOPE = "crowdfunding.campaign:41"
CLOSED_PORT = "http://127.0.0.1:9"  # discard: nothing listens there in tests


def _created(amount="30.00"):
    return attempt_create(payer=UserFactory(), amount=amount, currency="CNY", scope=SCOPE,
                          provider_payment_method="pm_card_visa")


def _age(*objs, by=timedelta(hours=1)):
    """As if the record was last touched ``by`` ago (the resume waits
    PAYMENTS_RESUME_AFTER_SECONDS before it takes a record)."""
    for obj in objs:
        type(obj).objects.filter(pk=obj.pk).update(updated_at=timezone.now() - by)


def _answered_but_not_recorded(payments_stripe, settings, monkeypatch):
    """The charge is made at the provider, the answer is lost (connection dropped after the
    work) and no retry is left: the attempt stays ``created``."""
    monkeypatch.setattr(gateway, "sleep", lambda s: None)
    retries = settings.PAYMENTS_GATEWAY_RETRIES
    settings.PAYMENTS_GATEWAY_RETRIES = 0
    payments_stripe.control.inject("drop", path_prefix="/v1/payment_intents")
    attempt = _created()
    with pytest.raises(errors.PaymentsUnavailable):
        attempt_confirm(attempt=attempt)
    settings.PAYMENTS_GATEWAY_RETRIES = retries
    attempt.refresh_from_db()
    assert attempt.status == A.CREATED and attempt.provider_payment_id == ""
    assert payments_stripe.control.ledger(metadata={"attempt": str(attempt.uid)})["count"] == 1
    return attempt


def _never_reached(payments_stripe, settings, monkeypatch):
    """The provider could not be reached at all (connection refused, retries ran out)."""
    monkeypatch.setattr(gateway, "sleep", lambda s: None)
    settings.STRIPE_API_BASE = CLOSED_PORT
    attempt = _created()
    with pytest.raises(errors.PaymentsUnavailable):
        attempt_confirm(attempt=attempt)
    settings.STRIPE_API_BASE = payments_stripe.url
    attempt.refresh_from_db()
    assert attempt.status == A.CREATED and attempt.provider_calls == 1
    assert payments_stripe.control.ledger(metadata={"attempt": str(attempt.uid)})["count"] == 0
    return attempt


def _charges(payments_stripe, attempt) -> int:
    return payments_stripe.control.ledger(metadata={"attempt": str(attempt.uid)})["count"]


@pytest.mark.django_db
@pytest.mark.parametrize("left", [_answered_but_not_recorded, _never_reached])
def test_an_attempt_left_mid_way_is_finished_with_one_charge(
        left, payments_stripe, settings, monkeypatch, after_commit):
    attempt = left(payments_stripe, settings, monkeypatch)
    _age(attempt)
    with after_commit():
        assert payments_resume(timezone.now()) == 1
    attempt.refresh_from_db()
    assert attempt.status == A.SUCCEEDED and attempt.provider_payment_id.startswith("pi_")
    assert attempt.provider_calls == 2
    assert _charges(payments_stripe, attempt) == 1  # the key was reused
    assert JournalEntry.objects.count() == 1  # the charge, posted once
    assert ledger_problems() == []
    with after_commit():  # finished: not due again
        assert payments_resume(timezone.now()) == 0


@pytest.mark.django_db
def test_the_chronograph_tick_runs_the_resume(payments_stripe, settings, monkeypatch,
                                              after_commit):
    attempt = _answered_but_not_recorded(payments_stripe, settings, monkeypatch)
    _age(attempt)
    with after_commit():
        results = run_due_handlers()
    assert results["payments.resume"] == 1
    attempt.refresh_from_db()
    assert attempt.status == A.SUCCEEDED and _charges(payments_stripe, attempt) == 1


@pytest.mark.django_db
def test_records_not_due_are_left_alone(payments_stripe, after_commit):
    never_sent = _created()  # nobody asked to charge it yet: not ours to send
    _age(never_sent)
    recent = _created()
    count_provider_call(recent)  # a call in flight right now
    sending = _created()
    _age(sending)
    count_provider_call(sending)  # an old attempt whose call started just now
    done = attempt_confirm(attempt=_created())
    _age(done)
    with after_commit():
        assert payments_resume(timezone.now()) == 0
    for attempt in (never_sent, recent, sending):
        attempt.refresh_from_db()
        assert attempt.status == A.CREATED
        assert _charges(payments_stripe, attempt) == 0


def _onboarded(payments_stripe):
    from marketplace.payments.services.accounts import payout_account_ensure, payout_account_sync

    organisation = OrganisationFactory(verified=True)
    account = payout_account_ensure(actor=member_of(organisation), organisation=organisation)
    payments_stripe.control.set_account(account.provider_account_id, onboard=True)
    return payout_account_sync(account=account)


@pytest.mark.django_db
def test_a_refund_and_a_payout_whose_send_never_ran_are_sent(payments_stripe, after_commit):
    attempt = attempt_confirm(attempt=_created("100.00"))
    # requested and approved, but the tasks enqueued on commit never ran (a crash)
    refund = refund_request(attempt=attempt, amount="10.00")
    payout = payout_request(account=_onboarded(payments_stripe), scope=SCOPE, gross="50",
                            currency="CNY", actor=StaffFactory())
    payout_approve(actor=StaffFactory(), payout=payout)
    refund.refresh_from_db()
    payout.refresh_from_db()
    assert (refund.status, payout.status) == (Refund.Status.PENDING, Payout.Status.APPROVED)
    _age(refund, payout)
    with after_commit():
        assert payments_resume(timezone.now()) == 2
    refund.refresh_from_db()
    payout.refresh_from_db()
    assert refund.status == Refund.Status.SUCCEEDED and refund.provider_refund_id
    assert payout.status == Payout.Status.PAID and payout.provider_transfer_id
    assert ledger_problems() == []


@pytest.mark.django_db(transaction=True)
def test_two_resumes_at_once_send_each_record_once(requires_postgres, payments_stripe,
                                                   settings, monkeypatch):
    stuck = [_answered_but_not_recorded(payments_stripe, settings, monkeypatch)
             for _ in range(3)]
    stuck += [_never_reached(payments_stripe, settings, monkeypatch) for _ in range(3)]
    _age(*stuck)
    moved = at_once(lambda: payments_resume(timezone.now()),
                    lambda: payments_resume(timezone.now()))
    assert sorted(moved) in ([0, 6], [1, 5], [2, 4], [3, 3])  # each record taken once
    for attempt in stuck:
        attempt.refresh_from_db()
        assert attempt.status == A.SUCCEEDED
        assert attempt.provider_calls == 2  # one first try, one resume: never two resumes
        assert _charges(payments_stripe, attempt) == 1
    keys = [c["idempotency_key"] for c in payments_stripe.control.ledger()["charges"]]
    assert sorted(keys) == sorted(a.key for a in stuck)  # one charge per key, each ours
    assert JournalEntry.objects.count() == 6
    assert ledger_problems() == []


@pytest.mark.django_db
def test_a_resume_after_the_key_expired_finds_the_charge_instead_of_charging_again(
        payments_stripe, settings, monkeypatch, after_commit):
    attempt = _answered_but_not_recorded(payments_stripe, settings, monkeypatch)
    # a day and more later (an outage, a worker down): the provider forgot the key
    day_ago = timezone.now() - timedelta(hours=25)
    PaymentAttempt.objects.filter(pk=attempt.pk).update(created_at=day_ago, updated_at=day_ago)
    payments_stripe.control.advance_clock(25 * 3600)
    with after_commit():
        assert payments_resume(timezone.now()) == 1
    attempt.refresh_from_db()
    assert attempt.status == A.SUCCEEDED and attempt.provider_payment_id.startswith("pi_")
    assert _charges(payments_stripe, attempt) == 1
    assert ledger_problems() == []


@pytest.mark.django_db
def test_a_refund_and_a_payout_resumed_after_their_keys_expired_are_made_once(
        payments_stripe, settings, monkeypatch, after_commit):
    from marketplace.payments.services.payouts import payout_send
    from marketplace.payments.services.refunds import refund_send

    attempt = attempt_confirm(attempt=_created("100.00"))
    refund = refund_request(attempt=attempt, amount="10.00")
    payout = payout_request(account=_onboarded(payments_stripe), scope=SCOPE, gross="50",
                            currency="CNY", actor=StaffFactory())
    payout_approve(actor=StaffFactory(), payout=payout)
    monkeypatch.setattr(gateway, "sleep", lambda s: None)
    settings.PAYMENTS_GATEWAY_RETRIES = 0
    for path, send, record in [("/v1/refunds", refund_send, {"refund": refund}),
                               ("/v1/transfers", payout_send, {"payout": payout})]:
        payments_stripe.control.inject("drop", path_prefix=path)
        with pytest.raises(errors.PaymentsUnavailable):
            send(**record)  # made at the provider, the answer lost
    settings.PAYMENTS_GATEWAY_RETRIES = 4
    day_ago = timezone.now() - timedelta(hours=25)
    Refund.objects.filter(pk=refund.pk).update(created_at=day_ago, updated_at=day_ago)
    Payout.objects.filter(pk=payout.pk).update(created_at=day_ago, updated_at=day_ago)
    payments_stripe.control.advance_clock(25 * 3600)
    with after_commit():
        assert payments_resume(timezone.now()) == 2
    refund.refresh_from_db()
    payout.refresh_from_db()
    assert refund.status == Refund.Status.SUCCEEDED and payout.status == Payout.Status.PAID
    client = payments_stripe.client()
    assert len(client.v1.refunds.list().data) == 1
    assert len(client.v1.transfers.list().data) == 1
    assert ledger_problems() == []
