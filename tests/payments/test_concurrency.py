"""Concurrent retries of one attempt, on PostgreSQL, threads with their own connections:
the retries share the attempt's idempotency key, so the provider charges once, the charge
is posted once, and ledger_check is clean. The same when the first call is still running
at the provider while the others arrive (409 key in use, retried, then replayed)."""

from __future__ import annotations

import pytest

from marketplace.payments.ledger.check import ledger_problems
from marketplace.payments.ledger.models import JournalEntry
from marketplace.payments.models import PaymentAttempt
from marketplace.payments.services.attempts import attempt_confirm, attempt_create
from tests.factories import UserFactory
from tests.payments.threads import at_once

pytestmark = [pytest.mark.django_db(transaction=True)]
A = PaymentAttempt.Status
SCOPE = "crowdfunding.campaign:51"


def _created(amount="64.00"):
    return attempt_create(payer=UserFactory(), amount=amount, currency="CNY", scope=SCOPE,
                          provider_payment_method="pm_card_visa")


def _check_charged_once(payments_stripe, attempt):
    attempt.refresh_from_db()
    assert attempt.status == A.SUCCEEDED
    ledger = payments_stripe.control.ledger(metadata={"attempt": str(attempt.uid)})
    assert ledger["count"] == 1
    entries = JournalEntry.objects.filter(source_type="attempt", source_id=attempt.pk)
    assert entries.count() == 1
    assert ledger_problems() == []
    assert payments_stripe.control.in_flight_keys() == []


def test_four_retries_at_once_charge_once(requires_postgres, payments_stripe):
    attempt = _created()
    results = at_once(*[lambda: attempt_confirm(attempt=attempt)] * 4)
    assert [r.status for r in results] == [A.SUCCEEDED] * 4
    _check_charged_once(payments_stripe, attempt)


def test_retries_arriving_while_the_first_call_still_runs_charge_once(
        requires_postgres, payments_stripe, settings):
    settings.PAYMENTS_GATEWAY_RETRY_BASE_SECONDS = 0.2  # the retries outlast the hang
    payments_stripe.control.inject("hang", seconds=0.5, path_prefix="/v1/payment_intents")
    attempt = _created()
    results = at_once(*[lambda: attempt_confirm(attempt=attempt)] * 3)
    assert [r.status for r in results] == [A.SUCCEEDED] * 3
    _check_charged_once(payments_stripe, attempt)


def _onboarded(payments_stripe):
    from marketplace.payments.services.accounts import payout_account_ensure, payout_account_sync
    from tests.factories import OrganisationFactory, member_of

    organisation = OrganisationFactory(verified=True)
    account = payout_account_ensure(actor=member_of(organisation), organisation=organisation)
    payments_stripe.control.set_account(account.provider_account_id, onboard=True)
    return payout_account_sync(account=account)


def test_two_staff_approving_one_payout_at_once_make_one_transfer(requires_postgres,
                                                                  payments_stripe):
    from rest_framework.test import APIClient

    from marketplace.payments.models import Payout
    from marketplace.payments.services.payouts import payout_request
    from tests.factories import StaffFactory

    attempt_confirm(attempt=_created("100.00"))
    payout = payout_request(account=_onboarded(payments_stripe), scope=SCOPE, gross="80",
                            currency="CNY", actor=StaffFactory())
    approvers = [StaffFactory(mfa=True), StaffFactory(mfa=True)]

    def approve(user):
        client = APIClient()
        client.force_authenticate(user)
        return client.post(f"/api/payments/payouts/{payout.pk}/approve/").status_code

    statuses = at_once(*[lambda user=user: approve(user) for user in approvers])
    assert sorted(statuses) == [200, 409]
    payout.refresh_from_db()
    assert payout.status == Payout.Status.PAID
    assert len(payments_stripe.client().v1.transfers.list().data) == 1
    assert ledger_problems() == []


def test_two_refunds_at_once_never_refund_more_than_was_paid(requires_postgres,
                                                             payments_stripe):
    from marketplace.payments import errors
    from marketplace.payments.models import Refund
    from marketplace.payments.services.refunds import refund_request

    attempt = attempt_confirm(attempt=_created("100.00"))

    def refund():
        try:
            return refund_request(attempt=attempt, amount="60.00").status
        except errors.RefundTooLarge:
            return "refused"

    assert sorted(at_once(refund, refund)) == [Refund.Status.PENDING, "refused"]
    assert Refund.objects.get().status == Refund.Status.SUCCEEDED  # sent after commit
    charge = payments_stripe.control.ledger(metadata={"attempt": str(attempt.uid)})
    assert charge["charges"][0]["amount_refunded"] == 6000
    assert ledger_problems() == []
