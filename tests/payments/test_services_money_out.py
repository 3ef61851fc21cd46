"""Refunds and payouts against the fake: partial and full refunds, a refund above what is
left or held, payout accounts onboarding, a payout to an account that cannot receive
payouts refused with the reason, a payout above what is held, approval by another staff
member, transfers; ledger_check clean after each scenario."""

from __future__ import annotations

from decimal import Decimal

import pytest

from marketplace.core.errors import PermissionDeniedError
from marketplace.core.money import Money
from marketplace.payments import errors
from marketplace.payments.ledger.check import ledger_problems
from marketplace.payments.ledger.posting import held_in_escrow
from marketplace.payments.models import ConnectedAccount, Payout, Refund
from marketplace.payments.selectors import RefundState, attempt_refund_state, paid_total
from marketplace.payments.services.accounts import (
    payout_account_ensure,
    payout_account_onboarding_link,
    payout_account_sync,
)
from marketplace.payments.services.attempts import attempt_confirm, attempt_create
from marketplace.payments.services.payouts import payout_approve, payout_request
from marketplace.payments.services.refunds import refund_request
from tests.factories import OrganisationFactory, StaffFactory, UserFactory, member_of

pytestmark = pytest.mark.django_db
SCOPE = "crowdfunding.campaign:11"
CNY = "CNY"


def _charged(amount="100.00"):
    return attempt_confirm(attempt=attempt_create(
        payer=UserFactory(), amount=amount, currency=CNY, scope=SCOPE,
        provider_payment_method="pm_card_visa"))


def _money(value):
    return Money(Decimal(value), CNY)


def test_partial_then_full_refund_is_derived_and_posted(payments_stripe, after_commit):
    attempt = _charged()
    with after_commit():
        first = refund_request(attempt=attempt, amount="30.00", reason="one reward less")
    first.refresh_from_db()
    assert first.status == Refund.Status.SUCCEEDED and first.provider_refund_id.startswith("re_")
    assert attempt_refund_state(attempt) == RefundState.PARTIAL
    with after_commit():
        refund_request(attempt=attempt)  # all that is left
    assert attempt_refund_state(attempt) == RefundState.FULL
    assert paid_total(scope=SCOPE, currency=CNY).is_zero()
    assert held_in_escrow(SCOPE, CNY).is_zero()
    charge = payments_stripe.control.ledger(metadata={"attempt": str(attempt.uid)})["charges"][0]
    assert charge["amount_refunded"] == 10000
    assert ledger_problems() == []


def test_a_refund_above_what_is_left_is_refused_and_nothing_is_written(
        payments_stripe, after_commit, english):
    attempt = _charged("50.00")
    with after_commit():
        refund_request(attempt=attempt, amount="40.00")
    for amount, rule in [("10.01", "more than what is left"), ("0", "more than zero"),
                         ("1.001", "at most 2 decimals")]:
        with pytest.raises(errors.PaymentsValidationError, match=rule):
            refund_request(attempt=attempt, amount=amount)
    assert Refund.objects.count() == 1
    assert ledger_problems() == []


def _onboarded(payments_stripe, organisation=None):
    organisation = organisation or OrganisationFactory(verified=True)
    owner = member_of(organisation)
    account = payout_account_ensure(actor=owner, organisation=organisation)
    assert account.status == ConnectedAccount.Status.ONBOARDING
    link = payout_account_onboarding_link(actor=owner, account=account,
                                          refresh_url="http://x/r", return_url="http://x/b")
    assert "/fake/connect/onboarding/" in link
    payments_stripe.control.set_account(account.provider_account_id, onboard=True)
    return payout_account_sync(account=account)


def test_payout_to_an_account_that_cannot_receive_payouts_is_refused_with_the_reason(
        payments_stripe, english):
    _charged()
    organisation = OrganisationFactory(verified=True)
    account = payout_account_ensure(actor=member_of(organisation), organisation=organisation)
    with pytest.raises(errors.PayoutAccountNotReady, match="not finished onboarding") as refused:
        payout_request(account=account, scope=SCOPE, gross="50", currency=CNY)
    assert refused.value.status_code == 409
    payments_stripe.control.set_account(account.provider_account_id, onboard=True)
    payments_stripe.control.set_account(account.provider_account_id, payouts_enabled=False,
                                        disabled_reason="requirements.past_due",
                                        currently_due=["external_account"])
    account = payout_account_sync(account=account)
    with pytest.raises(errors.PayoutAccountNotReady, match="requirements.past_due"):
        payout_request(account=account, scope=SCOPE, gross="50", currency=CNY)
    assert not Payout.objects.exists()


def test_payout_above_what_is_held_is_refused(payments_stripe, english):
    _charged("100.00")
    account = _onboarded(payments_stripe)
    with pytest.raises(errors.PayoutTooLarge, match="more than is held"):
        payout_request(account=account, scope=SCOPE, gross="100.01", currency=CNY)
    payout_request(account=account, scope=SCOPE, gross="60", currency=CNY)
    with pytest.raises(errors.PayoutTooLarge):  # the first one reserved its money
        payout_request(account=account, scope=SCOPE, gross="41", currency=CNY)
    assert ledger_problems() == []


def test_payout_approved_by_another_staff_member_is_paid_minus_fees(payments_stripe,
                                                                    after_commit):
    _charged("100.00")
    _charged("20.00")
    account = _onboarded(payments_stripe)
    requester, approver = StaffFactory(), StaffFactory()
    payout = payout_request(account=account, scope=SCOPE, gross="120.00", currency=CNY,
                            platform_fee="6.00", processing_fee="3.60", actor=requester)
    with pytest.raises(PermissionDeniedError):
        payout_approve(actor=requester, payout=payout)
    with after_commit():
        payout_approve(actor=approver, payout=payout)
    payout.refresh_from_db()
    assert payout.status == Payout.Status.PAID and payout.provider_transfer_id.startswith("tr_")
    transfer = payments_stripe.client().v1.transfers.retrieve(payout.provider_transfer_id)
    assert transfer.amount == 11040 and transfer.destination == account.provider_account_id
    assert held_in_escrow(SCOPE, CNY).is_zero()
    assert ledger_problems() == []


def test_a_transfer_the_provider_refuses_fails_the_payout_and_returns_the_money(
        payments_stripe, after_commit):
    _charged("100.00")
    account = _onboarded(payments_stripe)
    payout = payout_request(account=account, scope=SCOPE, gross="80", currency=CNY,
                            actor=StaffFactory())
    payments_stripe.control.set_account(account.provider_account_id,
                                        capabilities={"transfers": "inactive"})
    with after_commit():
        payout_approve(actor=StaffFactory(), payout=payout)
    payout.refresh_from_db()
    assert payout.status == Payout.Status.FAILED
    assert payout.failure_code == "insufficient_capabilities_for_transfer"
    assert held_in_escrow(SCOPE, CNY) == _money("100.00")
    assert ledger_problems() == []
