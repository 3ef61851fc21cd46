"""Posting to the ledger: named accounts, balanced entries, derived balances.

Every movement of money is one entry caused by one record (an attempt, a refund, a
payout), posted in the same transaction as that record's transition, at most once per
(record, kind). The chart (debit positive, credit negative)::

    charge            Dr funds in transit | treasury   Cr escrow(scope)
    refund_reserved   Dr escrow(scope)                 Cr refunds
    refund_paid       Dr refunds                       Cr funds in transit | treasury
    refund_released   Dr refunds                       Cr escrow(scope)
    payout_reserved   Dr escrow(scope)                 Cr payee payable(payee)
    payout_paid       Dr payee payable(payee)          Cr funds in transit (net),
                                                       platform fees, processing fees
    payout_released   Dr payee payable(payee)          Cr escrow(scope)
    offline_payout_paid
                      Dr payee payable(organisation)   Cr treasury disbursed

Apps post entries of their own records with the same primitives (``ledger_account``,
``entry_post``) and register the source type with ``ledger.check.ledger_source``: the
voucher fund (``vouchers.ledger``) posts ``voucher_issued``, ``voucher_redeemed`` (into
the provider's payable) and ``voucher_lapsed``; the offline payout settles the payable.

Refunds and payouts reserve their money in the ledger when they are requested, so "what
is still held" is simply the escrow's balance; the request locks that one escrow account
row (``FOR NO KEY UPDATE``, which does not block the key-share locks that posting a
charge takes), so two requests cannot both spend the same money. Charges take no such
lock: nothing makes pledges wait for each other.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum

from marketplace.core.money import Money
from marketplace.payments.ledger.models import (
    AccountKind,
    EntryKind,
    JournalEntry,
    JournalLine,
    LedgerAccount,
)


class UnbalancedEntry(ValueError):
    """A programming error: the lines of an entry do not sum to zero per currency."""


def ledger_account(kind: str, currency: str, scope: str = "") -> LedgerAccount:
    """The account (created on first use; concurrent first uses get the same row)."""
    found = LedgerAccount.objects.filter(kind=kind, scope=scope, currency=currency).first()
    if found is not None:
        return found
    LedgerAccount.objects.bulk_create(
        [LedgerAccount(kind=kind, scope=scope, currency=currency)], ignore_conflicts=True
    )
    return LedgerAccount.objects.get(kind=kind, scope=scope, currency=currency)


def account_lock(kind: str, currency: str, scope: str = "") -> LedgerAccount:
    """Lock one account row for a check-then-reserve (inside the caller's transaction)."""
    account = ledger_account(kind, currency, scope)
    return LedgerAccount.objects.select_for_update(no_key=True).get(pk=account.pk)


def account_balance(account: LedgerAccount) -> Money:
    """The balance on the account's normal side (what escrow holds, what is owed)."""
    total = account.lines.aggregate(total=Sum("amount"))["total"] or Decimal(0)
    return Money(total * account.normal_side, account.currency)


def held_in_escrow(scope: str, currency: str) -> Money:
    account = LedgerAccount.objects.filter(kind=AccountKind.ESCROW, scope=scope,
                                           currency=currency).first()
    if account is None:
        return Money.zero(currency)
    return account_balance(account)


def entry_post(*, kind: EntryKind, source_type: str, source_id: int, scope: str,
               lines: Iterable[tuple[LedgerAccount, Money]], actor=None,
               memo: str = "") -> JournalEntry:
    """Post one balanced entry for ``(source_type, source_id, kind)``, or return the one
    already posted (a second call for the same cause changes nothing)."""
    lines = [(account, money) for account, money in lines if not money.is_zero()]
    totals: dict[str, Decimal] = defaultdict(Decimal)
    for account, money in lines:
        if money.currency != account.currency:
            raise UnbalancedEntry(f"{money} posted to an account in {account.currency}")
        totals[money.currency] += money.amount
    if len(lines) < 2 or any(totals.values()):
        raise UnbalancedEntry(f"{kind} for {source_type}:{source_id} does not balance: "
                              f"{dict(totals)}")
    with transaction.atomic():
        existing = JournalEntry.objects.filter(source_type=source_type, source_id=source_id,
                                               kind=kind).first()
        if existing is not None:
            return existing
        entry = JournalEntry.objects.create(kind=kind, source_type=source_type,
                                            source_id=source_id, scope=scope, memo=memo[:200],
                                            posted_by=actor)
        JournalLine.objects.bulk_create([
            JournalLine(entry=entry, account=account, amount=money.amount,
                        currency=money.currency)
            for account, money in lines
        ])
    return entry


def cash_kind(provider: str) -> AccountKind:
    """Where collected money sits: the card provider's balance, or the treasury."""
    return AccountKind.TREASURY if provider == "offline" else AccountKind.FUNDS_IN_TRANSIT


# --- the postings of each cause --------------------------------------------------------


def post_charge(attempt, actor=None) -> JournalEntry:
    amount = attempt.amount
    cash = ledger_account(cash_kind(attempt.provider), amount.currency)
    escrow = ledger_account(AccountKind.ESCROW, amount.currency, attempt.scope)
    return entry_post(kind=EntryKind.CHARGE, source_type="attempt", source_id=attempt.pk,
                      scope=attempt.scope, lines=[(cash, amount), (escrow, -amount)],
                      actor=actor, memo=attempt.reference)


def post_refund(refund, kind: EntryKind, actor=None) -> JournalEntry:
    attempt = refund.attempt
    amount = refund.amount
    escrow = ledger_account(AccountKind.ESCROW, amount.currency, attempt.scope)
    refunds = ledger_account(AccountKind.REFUNDS, amount.currency)
    cash = ledger_account(cash_kind(attempt.provider), amount.currency)
    lines = {
        EntryKind.REFUND_RESERVED: [(escrow, amount), (refunds, -amount)],
        EntryKind.REFUND_PAID: [(refunds, amount), (cash, -amount)],
        EntryKind.REFUND_RELEASED: [(refunds, amount), (escrow, -amount)],
    }[kind]
    return entry_post(kind=kind, source_type="refund", source_id=refund.pk,
                      scope=attempt.scope, lines=lines, actor=actor, memo=attempt.reference)


def payee_scope(account) -> str:
    return f"payments.connectedaccount:{account.pk}"


def post_payout(payout, kind: EntryKind, actor=None) -> JournalEntry:
    currency = payout.currency
    gross = payout.gross
    escrow = ledger_account(AccountKind.ESCROW, currency, payout.scope)
    payable = ledger_account(AccountKind.PAYEE_PAYABLE, currency, payee_scope(payout.account))
    if kind == EntryKind.PAYOUT_PAID:
        lines = [
            (payable, gross),
            (ledger_account(AccountKind.FUNDS_IN_TRANSIT, currency), -payout.net),
            (ledger_account(AccountKind.PLATFORM_FEES, currency), -payout.platform_fee),
            (ledger_account(AccountKind.PROCESSING_FEES, currency), -payout.processing_fee),
        ]
    elif kind == EntryKind.PAYOUT_RESERVED:
        lines = [(escrow, gross), (payable, -gross)]
    else:
        lines = [(payable, gross), (escrow, -gross)]
    return entry_post(kind=kind, source_type="payout", source_id=payout.pk, scope=payout.scope,
                      lines=lines, actor=actor)


def organisation_payee_scope(organisation_id: int) -> str:
    """The payable of an organisation paid by treasury transfer (no connected account)."""
    return f"accounts.organisation:{organisation_id}"


def post_offline_payout(payout, actor=None) -> JournalEntry:
    amount = payout.amount
    payable = ledger_account(AccountKind.PAYEE_PAYABLE, amount.currency,
                             organisation_payee_scope(payout.payee_id))
    treasury = ledger_account(AccountKind.TREASURY_DISBURSED, amount.currency)
    return entry_post(kind=EntryKind.OFFLINE_PAYOUT_PAID, source_type="offline_payout",
                      source_id=payout.pk, scope=payout.cause,
                      lines=[(payable, amount), (treasury, -amount)], actor=actor,
                      memo=payout.transfer_reference)
