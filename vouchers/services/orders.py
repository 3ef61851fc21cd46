"""Spending a voucher: the maker orders a service, paying part or all with the voucher;
the provider delivers; the maker confirms; the provider claims the redemption with its
invoice (a private document); the issuing makerspace (or the programme office) approves.

The voucher part is taken from the balance when ordering, under the voucher's row lock
(SELECT ... FOR UPDATE), so concurrent orders never spend more than the balance; the
``voucher_balance_within_amount`` constraint is the backstop. A voucher whose balance
reaches zero is spent.
"""

from __future__ import annotations

from decimal import ROUND_DOWN, Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from catalog.validators import check_document
from marketplace.accounts.models import Membership
from marketplace.accounts.rules import are_related
from marketplace.core.audit import audit_log
from marketplace.core.money import Money
from marketplace.core.permissions import require_perm
from marketplace.core.transitions import transition
from vouchers.errors import (
    AboveBalance,
    AboveShare,
    InvoiceRequired,
    RelatedParty,
    UnknownCategory,
    VoucherNotUsable,
    VoucherValidationError,
)
from vouchers.ledger import post_voucher_redeemed
from vouchers.models import Service, Voucher, VoucherOrder
from vouchers.names import VouchersAction, VouchersPerm
from vouchers.services.providers import check_provider_verified
from vouchers.states import ORDER_STATES, VOUCHER_STATES

OS = VoucherOrder.Status
V = Voucher.Status


def is_related_party(voucher: Voucher, provider) -> bool:
    """The provider is the recipient's own organisation or shares a person with it, the
    recipient belongs to the provider, or the provider is (or shares a person with) the
    issuing makerspace's operator."""
    if voucher.organisation is not None and are_related(voucher.organisation, provider):
        return True
    if Membership.objects.filter(user_id=voucher.recipient_id, organisation=provider).exists():
        return True
    return are_related(voucher.makerspace.operator, provider)


def max_voucher_part(voucher: Voucher, price: Money) -> Money:
    share = voucher.programme.max_share_percent
    return (price * (share / Decimal(100))).quantized(ROUND_DOWN)


def voucher_order_place(*, actor, voucher: Voucher, service: Service, amount=None,
                        rest_payment: str | None = None) -> VoucherOrder:
    """Order ``service`` paying ``amount`` with ``voucher`` (by default as much as the
    balance and the programme's share of the price allow); the rest of the price is paid
    by card or outside the platform (``rest_payment``), and recorded."""
    require_perm(actor, VouchersPerm.ORDER_SERVICE, voucher)
    provider = service.provider
    if not service.is_active or service.programme_id != voucher.programme_id:
        raise VoucherValidationError(_("This service is not offered under the programme."),
                                     code="service_not_offered", data={"field": "service"})
    if service.category not in voucher.categories:
        raise UnknownCategory(
            _("This voucher does not cover the service's category."),
            code="category_not_covered", data={"field": "service"},
        )
    check_provider_verified(provider)
    if is_related_party(voucher, provider):
        raise RelatedParty(data={"field": "service"})
    price = service.price
    limit = max_voucher_part(voucher, price)
    today = timezone.localdate()
    with transaction.atomic():
        locked = Voucher.objects.select_for_update().get(pk=voucher.pk)
        if locked.status != V.ACTIVE or locked.valid_until < today:
            raise VoucherNotUsable(
                _("This voucher is no longer active (valid until %(day)s).")
                % {"day": locked.valid_until.isoformat()},
            )
        if amount is None:
            part = min(limit, locked.balance)
            if part.is_zero():
                raise AboveBalance()
        else:
            part = Money.from_input(amount, locked.currency, label=_("The voucher part"),
                                    positive=True)
        if part > limit:
            raise AboveShare(
                _("The voucher may cover at most %(limit)s of this service's price of "
                  "%(price)s.") % {"limit": limit, "price": price},
                data={"field": "amount", "limit": str(limit.amount)},
            )
        if part > locked.balance:
            raise AboveBalance(
                _("The voucher has %(balance)s left; this order needs %(part)s.")
                % {"balance": locked.balance, "part": part},
                data={"field": "amount", "balance": str(locked.balance_amount)},
            )
        rest = price - part
        if rest.is_zero():
            rest_payment = VoucherOrder.RestPayment.NONE
        elif rest_payment not in (VoucherOrder.RestPayment.CARD, VoucherOrder.RestPayment.OUTSIDE):
            raise VoucherValidationError(
                _("Say how the rest of %(rest)s is paid: by card or outside the platform.")
                % {"rest": rest},
                code="rest_payment_required", data={"field": "rest_payment"},
            )
        order = VoucherOrder.objects.create(
            voucher=locked, service=service, provider=provider, price=price, voucher_part=part,
            rest=rest, rest_payment=rest_payment, ordered_by=actor,
        )
        audit_log(actor=actor, action=VouchersAction.ORDER_PLACED, obj=order,
                  data={"voucher": locked.pk, "service": service.pk,
                        "voucher_part": str(part.amount), "rest": str(rest.amount),
                        "rest_payment": rest_payment, "currency": part.currency})
        left = locked.balance - part
        if left.is_zero():
            transition(locked, VOUCHER_STATES, V.SPENT, actor=actor,
                       action=VouchersAction.VOUCHER_SPENT,
                       changes={"balance_amount": left.amount}, data={"order": order.pk})
        else:
            locked.balance = left
            locked.save(update_fields=["balance_amount"])
    voucher.refresh_from_db()
    return order


def order_deliver(*, actor, order: VoucherOrder) -> VoucherOrder:
    require_perm(actor, VouchersPerm.DELIVER_ORDER, order)
    return transition(order, ORDER_STATES, OS.DELIVERED, actor=actor,
                      action=VouchersAction.ORDER_DELIVERED,
                      changes={"delivered_at": timezone.now()})


def order_confirm(*, actor, order: VoucherOrder) -> VoucherOrder:
    require_perm(actor, VouchersPerm.CONFIRM_ORDER, order)
    return transition(order, ORDER_STATES, OS.CONFIRMED, actor=actor,
                      action=VouchersAction.ORDER_CONFIRMED,
                      changes={"confirmed_at": timezone.now()})


def redemption_claim(*, actor, order: VoucherOrder, invoice, invoice_number: str) -> VoucherOrder:
    """Claim the reimbursement of the voucher part with the invoice (PDF, JPEG or PNG,
    kept in private storage). A second claim of the same order is refused."""
    require_perm(actor, VouchersPerm.CLAIM_REDEMPTION, order)
    if invoice is None:
        raise InvoiceRequired(data={"field": "invoice"})
    number = str(invoice_number or "").strip()
    if not number or len(number) > 100:
        raise VoucherValidationError(_("Give the invoice number (at most 100 characters)."),
                                     code="invoice_number_required",
                                     data={"field": "invoice_number"})
    checked = check_document(invoice)
    ORDER_STATES.check(VoucherOrder.objects.values_list("status", flat=True).get(pk=order.pk),
                       OS.CLAIMED)
    stored = order.invoice.storage.save(
        f"vouchers/invoices/{order.pk}/invoice.{checked.extension}", invoice
    )
    try:
        return transition(order, ORDER_STATES, OS.CLAIMED, actor=actor,
                          action=VouchersAction.ORDER_CLAIMED,
                          changes={"invoice": stored, "invoice_number": number,
                                   "claimed_at": timezone.now()},
                          data={"invoice_number": number, "amount": str(order.voucher_amount)})
    except BaseException:
        order.invoice.storage.delete(stored)  # nothing kept of a refused claim
        raise


def redemption_approve(*, actor, order: VoucherOrder) -> VoucherOrder:
    """Approve the reimbursement of the order's voucher part to the provider: the ledger
    moves it from the makerspace's voucher fund to what is owed to the provider, paid by
    a treasury payout (``vouchers.services.reimbursement``)."""
    require_perm(actor, VouchersPerm.APPROVE_REDEMPTION, order)
    with transaction.atomic():
        transition(order, ORDER_STATES, OS.REDEEMED, actor=actor,
                   action=VouchersAction.ORDER_REDEEMED,
                   changes={"redeemed_by": actor, "redeemed_at": timezone.now()},
                   data={"amount": str(order.voucher_amount), "currency": order.currency,
                         "provider": order.provider_id})
        post_voucher_redeemed(order, actor=actor)
    return order
