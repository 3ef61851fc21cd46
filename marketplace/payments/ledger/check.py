"""``ledger_check``: prove the ledger and the payment records agree.

1. every entry balances per currency, has at least two lines, and posts each line in its
   account's currency;
2. no account is on the wrong side of zero (escrow, payables, refunds and fees never below
   zero; our cash never below zero);
3. per escrow (campaign or offering) and currency, charged = paid out + fees + refunds +
   still held, where "still held" is the escrow's balance plus what payouts and refunds
   have reserved and not yet paid;
4. every record that moved money has exactly the entries its status implies, for its
   amount, and no entry lacks its source (or contradicts the source's status);
5. the checks apps registered: a feature app that posts entries of its own records (the
   voucher fund) names its source type with ``ledger_source`` (which entries a record
   must have, for which amounts; the core's own sources are registered the same way) and
   may add a whole-ledger check with ``ledger_invariant``, from its ``AppConfig.ready()``;
   the core imports no feature app. An entry of a source type nobody registered is a
   problem.

Returns a list of problems in words (empty: all is well).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, F, Q, Sum

from marketplace.payments.ledger.models import (
    NORMAL_SIDE,
    AccountKind,
    EntryKind,
    JournalEntry,
    JournalLine,
    LedgerAccount,
)
from marketplace.payments.models import OfflinePayout, PaymentAttempt, Payout, Refund

A, R, P = PaymentAttempt.Status, Refund.Status, Payout.Status

# which entries a record must have, by its status
ATTEMPT_ENTRIES = {A.SUCCEEDED: {EntryKind.CHARGE}}
REFUND_ENTRIES = {
    R.PENDING: {EntryKind.REFUND_RESERVED},
    R.SUCCEEDED: {EntryKind.REFUND_RESERVED, EntryKind.REFUND_PAID},
    R.FAILED: {EntryKind.REFUND_RESERVED, EntryKind.REFUND_RELEASED},
}
PAYOUT_ENTRIES = {
    P.PENDING: {EntryKind.PAYOUT_RESERVED},
    P.APPROVED: {EntryKind.PAYOUT_RESERVED},
    P.PAID: {EntryKind.PAYOUT_RESERVED, EntryKind.PAYOUT_PAID},
    P.FAILED: {EntryKind.PAYOUT_RESERVED, EntryKind.PAYOUT_RELEASED},
    P.CANCELED: {EntryKind.PAYOUT_RESERVED, EntryKind.PAYOUT_RELEASED},
}
OFFLINE_PAYOUT_ENTRIES = {OfflinePayout.Status.PAID: {EntryKind.OFFLINE_PAYOUT_PAID}}


def _entries_balance() -> list[str]:
    problems = []
    unbalanced = (JournalLine.objects.values("entry_id", "currency")
                  .annotate(total=Sum("amount")).exclude(total=0).order_by("entry_id"))
    for row in unbalanced:
        problems.append(f"entry {row['entry_id']} does not balance: "
                        f"{row['total']} {row['currency']}")
    thin = (JournalEntry.objects.annotate(n=Count("lines")).filter(n__lt=2).order_by("pk")
            .values_list("pk", "n"))
    problems.extend(f"entry {pk} has {n} line(s), needs at least two" for pk, n in thin)
    mixed = (JournalLine.objects.exclude(currency=F("account__currency"))
             .values_list("entry_id", "pk").order_by("pk"))
    problems.extend(f"entry {entry} line {line} is not in its account's currency"
                    for entry, line in mixed)
    return problems


def _balances() -> dict[int, Decimal]:
    return dict(JournalLine.objects.values("account_id").annotate(total=Sum("amount"))
                .values_list("account_id", "total"))


def _sides(accounts: dict[int, LedgerAccount], balances: dict[int, Decimal]) -> list[str]:
    problems = []
    for pk, total in sorted(balances.items()):
        account = accounts[pk]
        if total * NORMAL_SIDE[account.kind] < 0:
            problems.append(f"account {account} is below zero: "
                            f"{total * NORMAL_SIDE[account.kind]} {account.currency}")
    return problems


def _sum(qs, field: str) -> dict[tuple[str, str], Decimal]:
    return {(row["scope"], row["currency"]): row["total"] or Decimal(0)
            for row in qs.values("scope", "currency").annotate(total=Sum(field))}


def _scopes(accounts: dict[int, LedgerAccount], balances: dict[int, Decimal]) -> list[str]:
    charged = _sum(PaymentAttempt.objects.filter(status=A.SUCCEEDED), "amount_value")
    refunds = _refunds_by_scope()
    paid = Payout.objects.filter(status=P.PAID)
    paid_net = defaultdict(Decimal)
    fees = defaultdict(Decimal)
    for row in paid.values("scope", "currency", "gross_value", "platform_fee_value",
                           "processing_fee_value"):
        key = (row["scope"], row["currency"])
        fee = row["platform_fee_value"] + row["processing_fee_value"]
        fees[key] += fee
        paid_net[key] += row["gross_value"] - fee
    reserved = _sum(Payout.objects.filter(status__in=[P.PENDING, P.APPROVED]), "gross_value")
    escrows = {(a.scope, a.currency): -balances.get(pk, Decimal(0))
               for pk, a in accounts.items() if a.kind == AccountKind.ESCROW}
    problems = []
    for key in sorted(set(charged) | set(escrows) | set(refunds) | set(paid_net) | set(reserved)):
        scope, currency = key
        c, held = charged.get(key, Decimal(0)), escrows.get(key, Decimal(0))
        out, fee, back = paid_net.get(key, Decimal(0)), fees.get(key, Decimal(0)), refunds.get(key, Decimal(0))
        pending = reserved.get(key, Decimal(0))
        if c != out + fee + back + held + pending:
            problems.append(
                f"{scope} ({currency}): charged {c} != paid out {out} + fees {fee} + "
                f"refunds {back} + still held {held + pending} "
                f"(escrow {held}, reserved for payouts {pending})")
    return problems


def _refunds_by_scope() -> dict[tuple[str, str], Decimal]:
    rows = (Refund.objects.filter(status__in=[R.PENDING, R.SUCCEEDED])
            .values("attempt__scope", "currency").annotate(total=Sum("amount_value")))
    return {(row["attempt__scope"], row["currency"]): row["total"] for row in rows}


def _entries_of(source_type: str) -> dict[int, dict[str, Decimal]]:
    """source id -> {entry kind: the amount it moved (sum of its debit lines)}"""
    found: dict[int, dict[str, Decimal]] = defaultdict(dict)
    rows = (JournalLine.objects.filter(entry__source_type=source_type, amount__gt=0)
            .values("entry__source_id", "entry__kind").annotate(total=Sum("amount")))
    for row in rows:
        found[row["entry__source_id"]][row["entry__kind"]] = row["total"]
    return found


@dataclass(frozen=True)
class LedgerSource:
    """A source type (the core's own or an app's): ``model``'s rows matching
    ``must_post`` must have entries, ``expected(record)`` says which ({entry kind: amount
    moved}), and an entry whose record is missing or expects no such kind is a problem."""

    source_type: str
    model: type
    must_post: Q
    expected: Callable[[object], dict[str, Decimal]]


_SOURCES: dict[str, LedgerSource] = {}
_INVARIANTS: dict[str, Callable[[], list[str]]] = {}


def ledger_source(source_type: str, *, model, must_post: Q,
                  expected: Callable[[object], dict[str, Decimal]]) -> None:
    """Register (or re-register) the entries the records of ``source_type`` imply."""
    _SOURCES[source_type] = LedgerSource(source_type, model, must_post, expected)


def ledger_invariant(name: str):
    """Register a whole-ledger check (a function returning problems in words)."""
    def register(check: Callable[[], list[str]]):
        _INVARIANTS[name] = check
        return check
    return register


def _registered(source: LedgerSource) -> list[str]:
    problems = []
    entries = _entries_of(source.source_type)
    records = {obj.pk: obj for obj in source.model.objects.filter(
        Q(pk__in=list(entries)) | source.must_post)}
    for pk, obj in sorted(records.items()):
        want = source.expected(obj)
        have = entries.get(pk, {})
        label = f"{source.source_type} {pk} ({obj.status})"
        problems.extend(f"{label} has no {kind} entry" for kind in sorted(set(want) - set(have)))
        problems.extend(f"{label} should not have a {kind} entry"
                        for kind in sorted(set(have) - set(want)))
        for kind, moved in sorted(have.items()):
            if kind in want and moved != want[kind]:
                problems.append(f"{source.source_type} {pk}: {kind} entry moved {moved}, "
                                f"the record says {want[kind]}")
    problems.extend(f"{source.source_type} {pk}: entries without their source record"
                    for pk in sorted(set(entries) - set(records)))
    return problems


def _by_status(entries: dict, amount: Callable[[object], Decimal]):
    """``expected`` for a record whose entries follow from its status alone."""
    return lambda obj: {kind: amount(obj) for kind in entries.get(obj.status, ())}


ledger_source("attempt", model=PaymentAttempt, must_post=Q(status__in=list(ATTEMPT_ENTRIES)),
              expected=_by_status(ATTEMPT_ENTRIES, lambda a: a.amount_value))
ledger_source("refund", model=Refund, must_post=Q(status__in=list(REFUND_ENTRIES)),
              expected=_by_status(REFUND_ENTRIES, lambda r: r.amount_value))
ledger_source("payout", model=Payout, must_post=Q(status__in=list(PAYOUT_ENTRIES)),
              expected=_by_status(PAYOUT_ENTRIES, lambda p: p.gross_value))
ledger_source("offline_payout", model=OfflinePayout, must_post=Q(status__in=list(OFFLINE_PAYOUT_ENTRIES)),
              expected=_by_status(OFFLINE_PAYOUT_ENTRIES, lambda p: p.amount_value))


def _orphan_kinds() -> list[str]:
    known = set(_SOURCES)
    return [f"entry {pk} names an unknown source type {kind!r}" for pk, kind in
            JournalEntry.objects.exclude(source_type__in=known).values_list("pk", "source_type")]


def ledger_problems() -> list[str]:
    accounts = {a.pk: a for a in LedgerAccount.objects.all()}
    balances = _balances()
    return [
        *_entries_balance(),
        *_sides(accounts, balances),
        *_scopes(accounts, balances),
        *(problem for source in list(_SOURCES.values()) for problem in _registered(source)),
        *(problem for check in list(_INVARIANTS.values()) for problem in check()),
        *_orphan_kinds(),
    ]
