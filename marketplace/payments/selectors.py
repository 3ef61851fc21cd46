"""Reads of payments. Other apps use these (``paid_total``, ``attempt_refund_state``) and
never sum attempts themselves.

"Paid", "refunded" and "partially refunded" are derived here from attempts and refunds,
never stored: ``attempts_with_refunds`` annotates ``refunded_value`` and
``refund_state`` in the same query, so a list stays one query.
"""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Case, DecimalField, F, OuterRef, QuerySet, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce

from marketplace.core.errors import NotFoundError
from marketplace.core.money import AMOUNT_DECIMAL_PLACES, AMOUNT_MAX_DIGITS, Money
from marketplace.core.permissions import has_perm, require_perm, scope_for
from marketplace.payments.ledger.models import JournalLine, LedgerAccount
from marketplace.payments.ledger.posting import held_in_escrow
from marketplace.payments.models import (
    ConnectedAccount,
    OfflineTransfer,
    PaymentAttempt,
    Payout,
    ReconciliationDifference,
    ReconciliationRun,
    Refund,
    SavedPaymentMethod,
    WebhookEvent,
)
from marketplace.payments.rules import PaymentsPerm

A, R = PaymentAttempt.Status, Refund.Status
_AMOUNT = DecimalField(max_digits=AMOUNT_MAX_DIGITS, decimal_places=AMOUNT_DECIMAL_PLACES)


class RefundState:
    NONE = "none"
    PARTIAL = "partially_refunded"
    FULL = "refunded"


# --- cards --------------------------------------------------------------------------


def payment_methods_of(user) -> QuerySet[SavedPaymentMethod]:
    """The user's cards that can be used or are being set up (not removed or failed)."""
    return scope_for(user, PaymentsPerm.VIEW_PAYMENT_METHOD, SavedPaymentMethod.objects.filter(
        status__in=[SavedPaymentMethod.Status.ACTIVE, SavedPaymentMethod.Status.PENDING]))


def payment_method_get_for_viewer(*, user, pk: int) -> SavedPaymentMethod:
    """Someone else's card is a 404, so its existence is not revealed."""
    method = SavedPaymentMethod.objects.filter(pk=pk).first()
    if method is None or not has_perm(user, PaymentsPerm.VIEW_PAYMENT_METHOD, method):
        raise NotFoundError()
    return method


# --- attempts and refunds -----------------------------------------------------------


def attempts_with_refunds(qs: QuerySet[PaymentAttempt]) -> QuerySet[PaymentAttempt]:
    refunded = (Refund.objects.filter(attempt=OuterRef("pk"), status=R.SUCCEEDED)
                .values("attempt").annotate(total=Sum("amount_value")).values("total"))
    return qs.annotate(
        refunded_value=Coalesce(Subquery(refunded, output_field=_AMOUNT),
                                Value(Decimal(0), output_field=_AMOUNT)),
    ).annotate(refund_state=Case(
        When(refunded_value__lte=0, then=Value(RefundState.NONE)),
        When(refunded_value__gte=F("amount_value"), then=Value(RefundState.FULL)),
        default=Value(RefundState.PARTIAL),
    ))


def attempt_refund_state(attempt: PaymentAttempt) -> str:
    refunded = (attempt.refunds.filter(status=R.SUCCEEDED)
                .aggregate(total=Sum("amount_value"))["total"] or Decimal(0))
    if refunded <= 0:
        return RefundState.NONE
    return RefundState.FULL if refunded >= attempt.amount_value else RefundState.PARTIAL


def paid_total(*, scope: str, currency: str, reference: str | None = None) -> Money:
    """What has been paid for ``scope`` (and one ``reference``), net of refunds."""
    attempts = PaymentAttempt.objects.filter(scope=scope, currency=currency, status=A.SUCCEEDED)
    refunds = Refund.objects.filter(attempt__scope=scope, currency=currency, status=R.SUCCEEDED)
    if reference is not None:
        attempts = attempts.filter(reference=reference)
        refunds = refunds.filter(attempt__reference=reference)
    paid = attempts.aggregate(total=Sum("amount_value"))["total"] or Decimal(0)
    back = refunds.aggregate(total=Sum("amount_value"))["total"] or Decimal(0)
    return Money(paid - back, currency)


def attempts_for_viewer(user) -> QuerySet[PaymentAttempt]:
    return attempts_with_refunds(scope_for(user, PaymentsPerm.VIEW_ATTEMPT,
                                           PaymentAttempt.objects.all())
                                 .select_related("payer", "payer_organisation"))


def attempt_get_for_viewer(*, user, pk: int) -> PaymentAttempt:
    attempt = attempts_for_viewer(user).filter(pk=pk).first()
    if attempt is None:
        raise NotFoundError()
    return attempt


def refunds_for_staff(user) -> QuerySet[Refund]:
    require_perm(user, PaymentsPerm.REVIEW_PAYMENTS, None)
    return Refund.objects.select_related("attempt", "requested_by")


def refund_get(*, user, pk: int) -> Refund:
    refund = refunds_for_staff(user).filter(pk=pk).first()
    if refund is None:
        raise NotFoundError()
    return refund


def held_for(scope: str, currency: str) -> Money:
    """What the escrow of ``scope`` still holds (not reserved for refunds or payouts)."""
    return held_in_escrow(scope, currency)


# --- payees and payouts ---------------------------------------------------------------


def payout_account_of(organisation) -> ConnectedAccount | None:
    return ConnectedAccount.objects.filter(organisation=organisation).first()


def payout_account_for_viewer(*, user, organisation) -> ConnectedAccount | None:
    if not has_perm(user, PaymentsPerm.VIEW_PAYOUT_ACCOUNT, organisation):
        raise NotFoundError()
    return payout_account_of(organisation)


def payouts_for_staff(user, *, status: str | None = None) -> QuerySet[Payout]:
    require_perm(user, PaymentsPerm.REVIEW_PAYMENTS, None)
    qs = Payout.objects.select_related("account__organisation", "requested_by", "approved_by")
    return qs.filter(status=status) if status else qs


def payout_get_for_staff(*, user, pk: int) -> Payout:
    payout = payouts_for_staff(user).filter(pk=pk).first()
    if payout is None:
        raise NotFoundError()
    return payout


# --- treasury transfers ---------------------------------------------------------------


def offline_transfer_get(*, user, pk: int) -> OfflineTransfer:
    """A treasury transfer, for staff and the paying agency's members."""
    from marketplace.accounts.rules import is_org_member

    transfer = (OfflineTransfer.objects.select_related("attempt__payer_organisation",
                                                       "recorded_by")
                .filter(pk=pk).first())
    if transfer is None or not (user.is_staff or is_org_member(
            user, transfer.attempt.payer_organisation_id)):
        raise NotFoundError()
    return transfer


# --- staff: reconciliation, events, ledger ---------------------------------------------


def reconciliation_differences(user) -> QuerySet[ReconciliationDifference]:
    require_perm(user, PaymentsPerm.REVIEW_PAYMENTS, None)
    return ReconciliationDifference.objects.select_related("run")


def reconciliation_runs(user) -> QuerySet[ReconciliationRun]:
    require_perm(user, PaymentsPerm.REVIEW_PAYMENTS, None)
    return ReconciliationRun.objects.all()


def webhook_events(user) -> QuerySet[WebhookEvent]:
    require_perm(user, PaymentsPerm.REVIEW_PAYMENTS, None)
    return WebhookEvent.objects.defer("payload")


def ledger_accounts(user) -> QuerySet[LedgerAccount]:
    """Every account with its balance (debit positive) in one query."""
    require_perm(user, PaymentsPerm.REVIEW_PAYMENTS, None)
    return LedgerAccount.objects.annotate(
        balance=Coalesce(Sum("lines__amount"), Value(Decimal(0), output_field=_AMOUNT)),
    ).order_by("kind", "scope", "currency")


def ledger_account_get(*, user, pk: int) -> LedgerAccount:
    account = ledger_accounts(user).filter(pk=pk).first()
    if account is None:
        raise NotFoundError()
    return account


def ledger_lines(account: LedgerAccount) -> QuerySet[JournalLine]:
    return account.lines.select_related("entry").order_by("-entry__created_at", "-pk")

