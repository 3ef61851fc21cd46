"""Reconciliation against the fake Stripe server: a clean run writes no difference and
exits 0; missing on our side, missing on theirs, status and amount differences each write
a ReconciliationDifference and exit 1; records made before the window whose provider
object falls in it are not "missing here"; staff see the differences (page and API),
anyone else is refused."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from marketplace.payments.models import (
    PaymentAttempt,
    Payout,
    ReconciliationDifference,
    ReconciliationRun,
    Refund,
)
from marketplace.payments.services.attempts import attempt_confirm, attempt_create
from marketplace.payments.services.payouts import payout_approve, payout_request
from marketplace.payments.services.reconciliation import reconcile
from marketplace.payments.services.refunds import refund_request
from tests.factories import OrganisationFactory, StaffFactory, UserFactory, member_of
from tests.payments.factories import PaymentAttemptFactory, PayoutFactory, RefundFactory

pytestmark = pytest.mark.django_db
D = ReconciliationDifference.Kind
A = PaymentAttempt.Status
SCOPE = "crowdfunding.campaign:31"


def _charged(amount="100.00", **kwargs):
    return attempt_confirm(attempt=attempt_create(
        payer=UserFactory(), amount=amount, currency="CNY", scope=SCOPE,
        provider_payment_method="pm_card_visa", **kwargs))


def _onboarded(payments_stripe):
    from marketplace.payments.services.accounts import payout_account_ensure, payout_account_sync

    organisation = OrganisationFactory(verified=True)
    account = payout_account_ensure(actor=member_of(organisation), organisation=organisation)
    payments_stripe.control.set_account(account.provider_account_id, onboard=True)
    return payout_account_sync(account=account)


def _paid_out(payments_stripe, after_commit, gross="50"):
    account = _onboarded(payments_stripe)
    payout = payout_request(account=account, scope=SCOPE, gross=gross, currency="CNY",
                            actor=StaffFactory())
    with after_commit():
        payout_approve(actor=StaffFactory(), payout=payout)
    payout.refresh_from_db()
    assert payout.status == Payout.Status.PAID
    return payout


def _run(*args) -> int:
    """``manage.py payments_reconcile`` and its exit status."""
    try:
        call_command("payments_reconcile", *args)
    except SystemExit as exit_:
        return exit_.code
    return 0


def _found():
    return sorted((d.kind, d.object_type) for d in ReconciliationDifference.objects.all())


def test_a_clean_run_writes_no_difference_and_exits_0(payments_stripe, after_commit):
    attempt = _charged()
    with after_commit():
        refund_request(attempt=attempt, amount="10.00")
    _paid_out(payments_stripe, after_commit)
    assert _run("--days", "1") == 0
    run = ReconciliationRun.objects.get()
    assert run.checked == 3 and run.differences_found == 0 and run.error == ""
    assert not ReconciliationDifference.objects.exists()


def test_objects_only_the_provider_has_are_missing_here(payments_stripe, after_commit):
    ours = _charged()
    client = payments_stripe.client()
    intent = client.v1.payment_intents.create(params={
        "amount": 4200, "currency": "cny", "payment_method": "pm_card_visa",
        "confirm": True, "payment_method_types": ["card"]})
    refund = client.v1.refunds.create(params={"payment_intent": ours.provider_payment_id,
                                              "amount": 500})
    account = _onboarded(payments_stripe)
    transfer = client.v1.transfers.create(params={
        "amount": 700, "currency": "cny", "destination": account.provider_account_id})
    assert _run() == 1
    assert _found() == [(D.MISSING_HERE, "attempt"), (D.MISSING_HERE, "payout"),
                        (D.MISSING_HERE, "refund")]
    by_type = {d.object_type: d for d in ReconciliationDifference.objects.all()}
    assert by_type["attempt"].provider_id == intent.id
    assert by_type["attempt"].theirs["amount"] == "42.00"
    assert by_type["refund"].provider_id == refund.id
    assert by_type["payout"].provider_id == transfer.id
    assert ours.refunds.count() == 0  # reconciliation fixes nothing


def test_records_the_provider_does_not_have_are_missing_at_provider(payments_stripe):
    attempt = PaymentAttemptFactory(status=A.SUCCEEDED, provider_payment_id="pi_unknown0001")
    RefundFactory(attempt=attempt, status=Refund.Status.SUCCEEDED,
                  provider_refund_id="re_unknown0001")
    PayoutFactory(status=Payout.Status.PAID, provider_transfer_id="tr_unknown0001")
    # never sent, so nothing to find at the provider: not a difference
    PaymentAttemptFactory(status=A.CREATED)
    assert _run("--days", "2") == 1
    assert _found() == [(D.MISSING_AT_PROVIDER, "attempt"), (D.MISSING_AT_PROVIDER, "payout"),
                        (D.MISSING_AT_PROVIDER, "refund")]
    difference = ReconciliationDifference.objects.get(object_type="attempt")
    assert difference.object_id == str(attempt.pk)
    assert difference.ours["status"] == A.SUCCEEDED


def test_a_capture_our_second_transaction_never_recorded_is_a_status_difference(
        payments_stripe):
    held = _charged(capture=False)
    assert held.status == A.PROCESSING and held.authorised
    payments_stripe.client().v1.payment_intents.capture(held.provider_payment_id)
    assert _run() == 1
    difference = ReconciliationDifference.objects.get()
    assert (difference.kind, difference.object_type) == (D.STATUS, "attempt")
    assert difference.ours == {"status": "processing"}
    assert difference.theirs == {"status": "succeeded"}
    held.refresh_from_db()
    assert held.status == A.PROCESSING  # nothing fixed silently


def test_an_amount_the_provider_charged_differently_is_an_amount_difference(payments_stripe):
    intent = payments_stripe.client().v1.payment_intents.create(params={
        "amount": 8800, "currency": "cny", "payment_method": "pm_card_visa",
        "confirm": True, "payment_method_types": ["card"]})
    attempt = PaymentAttemptFactory(status=A.SUCCEEDED, provider_payment_id=intent.id,
                                    amount_value=Decimal("100.00"))
    assert _run() == 1
    difference = ReconciliationDifference.objects.get()
    assert (difference.kind, difference.object_id) == (D.AMOUNT, str(attempt.pk))
    assert difference.ours["amount"] == "100.00" and difference.theirs["amount"] == "88.00"


def test_refund_and_payout_status_differences(payments_stripe, after_commit):
    attempt = _charged()
    with after_commit():
        refund = refund_request(attempt=attempt, amount="10.00")
    payout = _paid_out(payments_stripe, after_commit)
    # our rows say otherwise than the provider (as after a lost second transaction)
    Refund.objects.filter(pk=refund.pk).update(status=Refund.Status.FAILED)
    Payout.objects.filter(pk=payout.pk).update(status=Payout.Status.FAILED)
    assert _run() == 1
    assert _found() == [(D.STATUS, "payout"), (D.STATUS, "refund")]


def test_a_payout_requested_before_the_window_and_sent_in_it_is_not_missing_here(
        payments_stripe, after_commit):
    _charged()
    payout = _paid_out(payments_stripe, after_commit)
    attempt = PaymentAttempt.objects.get()
    long_ago = timezone.now() - timedelta(days=3)
    Payout.objects.filter(pk=payout.pk).update(created_at=long_ago)
    PaymentAttempt.objects.filter(pk=attempt.pk).update(created_at=long_ago)
    assert _run("--days", "1") == 0, _found()
    assert ReconciliationRun.objects.get().checked == 2  # found through the provider's ids


def test_the_provider_cannot_be_read_records_the_error_and_exits_1(payments_stripe,
                                                                     monkeypatch, settings):
    from marketplace.payments.services import gateway

    monkeypatch.setattr(gateway, "sleep", lambda s: None)
    settings.PAYMENTS_GATEWAY_RETRIES = 1
    payments_stripe.control.inject("api_error", count=5, path_prefix="/v1/payment_intents")
    assert _run() == 1
    run = ReconciliationRun.objects.get()
    assert run.error and "500" not in run.error
    assert not ReconciliationDifference.objects.exists()


def test_without_a_card_provider_the_run_records_why_and_exits_1(settings):
    settings.STRIPE_SECRET_KEY = ""
    assert _run() == 1
    assert "ProviderNotConfigured" in ReconciliationRun.objects.get().error


@pytest.mark.parametrize("days", ["0", "-3", "ten"])
def test_a_bad_window_is_refused_and_nothing_is_written(days):
    with pytest.raises(CommandError):
        call_command("payments_reconcile", "--days", days)
    assert not ReconciliationRun.objects.exists()


def test_staff_see_the_differences_and_no_one_else(payments_stripe, api_client, client):
    PaymentAttemptFactory(status=A.SUCCEEDED, provider_payment_id="pi_unknown0002")
    run = reconcile()
    assert run.differences_found == 1
    staff = StaffFactory(mfa=True)
    api_client.force_authenticate(staff)
    body = api_client.get("/api/payments/reconciliation/differences/").json()
    assert [r["kind"] for r in body["results"]] == [D.MISSING_AT_PROVIDER]
    assert body["results"][0]["provider_id"] == "pi_unknown0002"
    client.force_login(staff)
    page = client.get("/payments/staff/reconciliation/")
    assert page.status_code == 200 and b"pi_unknown0002" in page.content
    for user in (UserFactory(), member_of(OrganisationFactory(verified=True))):
        api_client.force_authenticate(user)
        assert api_client.get("/api/payments/reconciliation/differences/").status_code == 403
        client.force_login(user)
        assert client.get("/payments/staff/reconciliation/").status_code == 403
    api_client.force_authenticate(None)
    assert api_client.get("/api/payments/reconciliation/differences/").status_code in (401, 403)
    client.logout()
    assert client.get("/payments/staff/reconciliation/").status_code == 302  # to log in
