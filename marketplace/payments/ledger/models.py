"""The double-entry ledger's tables.

An entry's lines carry signed amounts (debit positive, credit negative) that sum to zero
per currency. Lines and entries are append-only: a correction is a new entry. On
PostgreSQL the database itself refuses an unbalanced entry (a deferred constraint trigger
checks each entry at commit) and any UPDATE, DELETE or TRUNCATE of posted rows (migration
0002). Balances are sums of lines: there is no balance row for every payment to wait on.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from marketplace.core.models import AppendOnlyModel, AppendOnlyQuerySet
from marketplace.core.money import amount_field


class AccountKind(models.TextChoices):
    """Named accounts. ``scoped`` kinds exist once per campaign/offering or payee."""

    FUNDS_IN_TRANSIT = "funds_in_transit", _("Payer funds in transit (card provider balance)")
    TREASURY = "treasury", _("Treasury transfers received")
    ESCROW = "escrow", _("Held in escrow")
    PLATFORM_FEES = "platform_fees", _("Platform fee revenue")
    PROCESSING_FEES = "processing_fees", _("Processing fees")
    PAYEE_PAYABLE = "payee_payable", _("Owed to the payee")
    REFUNDS = "refunds", _("Refunds being paid back")
    # a programme's grants (innovation vouchers): what an issuer committed of its
    # allowance, the fund that still owes it, and what the programme's treasury paid out
    GRANT_COMMITTED = "grant_committed", _("Programme allowance committed")
    GRANT_FUND = "grant_fund", _("Programme fund owed to grant holders")
    TREASURY_DISBURSED = "treasury_disbursed", _("Paid out by treasury transfer")


# +1: the account normally holds a debit balance (what we have), -1: a credit balance
# (what we owe or earned). ``ledger_check`` refuses a balance on the wrong side.
NORMAL_SIDE = {
    AccountKind.FUNDS_IN_TRANSIT: 1,
    AccountKind.TREASURY: 1,
    AccountKind.ESCROW: -1,
    AccountKind.PLATFORM_FEES: -1,
    AccountKind.PROCESSING_FEES: -1,
    AccountKind.PAYEE_PAYABLE: -1,
    AccountKind.REFUNDS: -1,
    AccountKind.GRANT_COMMITTED: 1,
    AccountKind.GRANT_FUND: -1,
    AccountKind.TREASURY_DISBURSED: -1,
}
SCOPED_KINDS = frozenset({AccountKind.ESCROW, AccountKind.PAYEE_PAYABLE,
                          AccountKind.GRANT_COMMITTED, AccountKind.GRANT_FUND})


class LedgerAccount(models.Model):
    """One named account in one currency. ``scope`` is the campaign or offering of an
    escrow (``crowdfunding.campaign:42``) or the payee of a payable
    (``payments.connectedaccount:3``), empty for the platform's own accounts."""

    kind = models.CharField(_("kind"), max_length=30, choices=AccountKind.choices)
    scope = models.CharField(_("scope"), max_length=100, blank=True)
    currency = models.CharField(_("currency"), max_length=3)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("ledger account")
        ordering = ["kind", "scope", "currency"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "scope", "currency"],
                                    name="ledger_account_unique"),
        ]

    def __str__(self):
        name = f"{self.kind}:{self.scope}" if self.scope else self.kind
        return f"{name} ({self.currency})"

    @property
    def normal_side(self) -> int:
        return NORMAL_SIDE[self.kind]


class EntryKind(models.TextChoices):
    CHARGE = "charge", _("Payment received")
    REFUND_RESERVED = "refund_reserved", _("Refund requested")
    REFUND_PAID = "refund_paid", _("Refund paid")
    REFUND_RELEASED = "refund_released", _("Refund failed, money back in escrow")
    PAYOUT_RESERVED = "payout_reserved", _("Payout requested")
    PAYOUT_PAID = "payout_paid", _("Payout sent")
    PAYOUT_RELEASED = "payout_released", _("Payout not sent, money back in escrow")
    OFFLINE_PAYOUT_PAID = "offline_payout_paid", _("Paid to the payee by treasury transfer")
    VOUCHER_ISSUED = "voucher_issued", _("Voucher issued, allowance committed")
    VOUCHER_REDEEMED = "voucher_redeemed", _("Voucher redemption approved, owed to the provider")
    VOUCHER_LAPSED = "voucher_lapsed", _("Voucher lapsed, unspent balance released")


class JournalEntry(AppendOnlyModel):
    """One balanced movement, caused by exactly one record (``source_type``/``source_id``:
    an attempt, a refund, a payout, an offline payout, or a record of an app that
    registered its source type with ``ledger.check.ledger_source``); one entry per
    (source, kind)."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(_("kind"), max_length=30, choices=EntryKind.choices)
    source_type = models.CharField(_("source"), max_length=30)
    source_id = models.BigIntegerField(_("source id"))
    scope = models.CharField(_("scope"), max_length=100, db_index=True)
    memo = models.CharField(_("memo"), max_length=200, blank=True)
    posted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.DO_NOTHING,
                                  null=True, blank=True, related_name="+",
                                  db_constraint=False)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("journal entry")
        verbose_name_plural = _("journal entries")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["source_type", "source_id", "kind"],
                                    name="journal_entry_once_per_source"),
        ]

    def __str__(self):
        return f"{self.kind} {self.source_type}:{self.source_id}"


class JournalLine(AppendOnlyModel):
    entry = models.ForeignKey(JournalEntry, on_delete=models.PROTECT, related_name="lines")
    account = models.ForeignKey(LedgerAccount, on_delete=models.PROTECT, related_name="lines")
    # debit positive, credit negative; never zero
    amount = amount_field(_("amount"))
    currency = models.CharField(_("currency"), max_length=3)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("journal line")
        ordering = ["entry_id", "pk"]
        constraints = [
            models.CheckConstraint(condition=~models.Q(amount=0), name="journal_line_nonzero"),
        ]
        indexes = [models.Index(fields=["account", "entry"])]

    def __str__(self):
        return f"{self.account_id} {self.amount} {self.currency}"

    @property
    def debit(self):
        return self.amount if self.amount > 0 else None

    @property
    def credit(self):
        return -self.amount if self.amount < 0 else None
