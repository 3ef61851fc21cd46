"""The voucher fund in the ledger: a liability per issuing makerspace and year.

Each posting uses the payments core's primitives and names its cause (the voucher or the
order); ``register`` (from ``VouchersConfig.ready``) tells ``ledger_check`` which entries
each voucher and order must have, and adds the fund's invariant. The chart, with the
scope ``vouchers.fund:<makerspace>:<year>`` (the year the voucher was issued)::

    voucher_issued       Dr grant committed(fund)  Cr grant fund(fund)        amount issued
    voucher_redeemed     Dr grant fund(fund)       Cr payee payable(provider)  voucher part
    offline_payout_paid  Dr payee payable(provider) Cr treasury disbursed      (the core's
                         treasury payout for ``vouchers.order:<id>``: the reimbursement)
    voucher_lapsed       Dr grant fund(fund)       Cr grant committed(fund)   unspent balance

So the fund owes, per makerspace and year, what its vouchers can still spend plus what
orders took from them and is not yet approved; the committed account is what the year's
vouchers cost the programme (issued less lapsed); the provider's payable is what was
approved and is not yet paid.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from django.db.models import Q, Sum

from marketplace.core.money import Money
from marketplace.payments.ledger.models import AccountKind, EntryKind, LedgerAccount
from marketplace.payments.ledger.posting import (
    account_balance,
    entry_post,
    ledger_account,
    organisation_payee_scope,
)
from vouchers.models import Voucher, VoucherOrder

VOUCHER_SOURCE = "vouchers.voucher"
ORDER_SOURCE = "vouchers.order"


def order_cause(order: VoucherOrder) -> str:
    """The cause a treasury payout names when it reimburses ``order``."""
    return f"{ORDER_SOURCE}:{order.pk}"


def fund_scope(makerspace_id: int, year: int) -> str:
    return f"vouchers.fund:{makerspace_id}:{year}"


def voucher_fund_scope(voucher: Voucher) -> str:
    return fund_scope(voucher.makerspace_id, voucher.year)


def _accounts(voucher: Voucher) -> tuple[LedgerAccount, LedgerAccount]:
    scope = voucher_fund_scope(voucher)
    return (ledger_account(AccountKind.GRANT_COMMITTED, voucher.currency, scope),
            ledger_account(AccountKind.GRANT_FUND, voucher.currency, scope))


def post_voucher_issued(voucher: Voucher, actor=None):
    committed, fund = _accounts(voucher)
    amount = voucher.amount
    return entry_post(kind=EntryKind.VOUCHER_ISSUED, source_type=VOUCHER_SOURCE,
                      source_id=voucher.pk, scope=voucher_fund_scope(voucher),
                      lines=[(committed, amount), (fund, -amount)], actor=actor)


def post_voucher_lapsed(voucher: Voucher, actor=None):
    """Release the unspent balance (nothing to post when nothing was left)."""
    amount = voucher.lapsed
    if amount.is_zero():
        return None
    committed, fund = _accounts(voucher)
    return entry_post(kind=EntryKind.VOUCHER_LAPSED, source_type=VOUCHER_SOURCE,
                      source_id=voucher.pk, scope=voucher_fund_scope(voucher),
                      lines=[(fund, amount), (committed, -amount)], actor=actor)


def post_voucher_redeemed(order: VoucherOrder, actor=None):
    """The approved voucher part is now owed to the provider (until its treasury payout)."""
    voucher = order.voucher
    _committed, fund = _accounts(voucher)
    payable = ledger_account(AccountKind.PAYEE_PAYABLE, order.currency,
                             organisation_payee_scope(order.provider_id))
    amount = order.voucher_part
    return entry_post(kind=EntryKind.VOUCHER_REDEEMED, source_type=ORDER_SOURCE,
                      source_id=order.pk, scope=voucher_fund_scope(voucher),
                      lines=[(fund, amount), (payable, -amount)], actor=actor)


def fund_owed(makerspace_id: int, year: int, currency: str) -> Money:
    """What the fund of a makerspace's year still owes (its ledger balance)."""
    account = LedgerAccount.objects.filter(kind=AccountKind.GRANT_FUND, currency=currency,
                                           scope=fund_scope(makerspace_id, year)).first()
    return Money.zero(currency) if account is None else account_balance(account)


# --- what ledger_check verifies --------------------------------------------------------


def _voucher_entries(voucher: Voucher) -> dict[str, Decimal]:
    want = {EntryKind.VOUCHER_ISSUED: voucher.amount_issued}
    if voucher.status == Voucher.Status.LAPSED and voucher.lapsed_amount:
        want[EntryKind.VOUCHER_LAPSED] = voucher.lapsed_amount
    return want


def _order_entries(order: VoucherOrder) -> dict[str, Decimal]:
    if order.status == VoucherOrder.Status.REDEEMED:
        return {EntryKind.VOUCHER_REDEEMED: order.voucher_amount}
    return {}


def fund_problems() -> list[str]:
    """Per fund (makerspace, year, currency): the fund's balance equals the vouchers'
    balances plus the voucher parts of orders not yet redeemed, and the committed
    account equals what was issued less what lapsed."""
    owed: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    committed: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
    for row in (Voucher.objects.values("makerspace_id", "year", "currency")
                .annotate(balance=Sum("balance_amount"), issued=Sum("amount_issued"),
                          lapsed=Sum("lapsed_amount"))):
        key = (fund_scope(row["makerspace_id"], row["year"]), row["currency"])
        owed[key] += row["balance"]
        committed[key] += row["issued"] - row["lapsed"]
    for row in (VoucherOrder.objects.exclude(status=VoucherOrder.Status.REDEEMED)
                .values("voucher__makerspace_id", "voucher__year", "currency")
                .annotate(part=Sum("voucher_amount"))):
        owed[(fund_scope(row["voucher__makerspace_id"], row["voucher__year"]),
              row["currency"])] += row["part"]
    ledger: dict[AccountKind, dict[tuple[str, str], Decimal]] = defaultdict(dict)
    for account in LedgerAccount.objects.filter(
            kind__in=[AccountKind.GRANT_FUND, AccountKind.GRANT_COMMITTED],
            scope__startswith="vouchers.fund:"):
        ledger[account.kind][(account.scope, account.currency)] = account_balance(account).amount
    problems = []
    for kind, records, label in ((AccountKind.GRANT_FUND, owed, "owes"),
                                 (AccountKind.GRANT_COMMITTED, committed, "committed")):
        books = ledger[kind]
        for key in sorted(set(records) | set(books)):
            mine, theirs = books.get(key, Decimal(0)), records.get(key, Decimal(0))
            if mine != theirs:
                problems.append(f"{key[0]} ({key[1]}): the ledger's {kind} {label} {mine}, "
                                f"the vouchers say {theirs}")
    return problems


def register() -> None:
    from marketplace.payments.ledger.check import ledger_invariant, ledger_source

    ledger_source(VOUCHER_SOURCE, model=Voucher, must_post=Q(), expected=_voucher_entries)
    ledger_source(ORDER_SOURCE, model=VoucherOrder,
                  must_post=Q(status=VoucherOrder.Status.REDEEMED), expected=_order_entries)
    ledger_invariant("vouchers.fund")(fund_problems)
