"""Allowed status moves of the voucher programme, written down as data, and its audit
codes."""

from django.utils.translation import gettext_lazy as _

from marketplace.core.transitions import ANY, StateMachine
from vouchers.models import PilotAdmission, Voucher, VoucherApplication, VoucherOrder
from vouchers.names import VouchersAction  # noqa: F401  (the codes of these moves)

P = PilotAdmission.Status
#   applied -> admitted | refused (staff); admitted -> suspended (staff)
PILOT_STATES = StateMachine(
    name="vouchers.pilot",
    transitions={
        P.APPLIED: {P.ADMITTED, P.REFUSED},
        P.ADMITTED: {P.SUSPENDED},
    },
    labels=dict(P.choices),
    refusals={
        (P.ADMITTED, P.ADMITTED): (_("This makerspace is already admitted to the pilot."),
                                   "already_admitted"),
        (ANY, P.SUSPENDED): (_("Only an admitted makerspace can be suspended."),
                             "not_admitted"),
        (P.REFUSED, ANY): (_("This admission was refused; the makerspace may apply again."),
                           "refused"),
        (P.SUSPENDED, ANY): (_("This makerspace is suspended from the pilot."), "suspended"),
    },
)

A = VoucherApplication.Status
#   submitted -> issued | refused (the makerspace's operator)
APPLICATION_STATES = StateMachine(
    name="vouchers.application",
    transitions={A.SUBMITTED: {A.ISSUED, A.REFUSED}},
    labels=dict(A.choices),
    refusals={
        (A.ISSUED, ANY): (_("A voucher was already issued for this application."),
                          "already_issued"),
        (A.REFUSED, ANY): (_("This application was refused."), "application_refused"),
    },
)

V = Voucher.Status
#   active -> spent (balance used up) | lapsed (unspent at valid_until)
VOUCHER_STATES = StateMachine(
    name="vouchers.voucher",
    transitions={V.ACTIVE: {V.SPENT, V.LAPSED}},
    labels=dict(V.choices),
    refusals={
        (V.SPENT, ANY): (_("This voucher is spent."), "voucher_spent"),
        (V.LAPSED, ANY): (_("This voucher has lapsed."), "voucher_lapsed"),
    },
)

OS = VoucherOrder.Status
#   ordered -> delivered (provider) -> confirmed (maker) -> claimed (provider, invoice)
#   -> redeemed (the makerspace approves the reimbursement)
ORDER_STATES = StateMachine(
    name="vouchers.order",
    transitions={
        OS.ORDERED: {OS.DELIVERED},
        OS.DELIVERED: {OS.CONFIRMED},
        OS.CONFIRMED: {OS.CLAIMED},
        OS.CLAIMED: {OS.REDEEMED},
    },
    labels=dict(OS.choices),
    refusals={
        (ANY, OS.DELIVERED): (_("Only an open order can be delivered."), "not_ordered"),
        (ANY, OS.CONFIRMED): (_("The maker confirms a delivered order only."), "not_delivered"),
        (OS.CLAIMED, OS.CLAIMED): (_("Redemption of this order is already claimed."),
                                 "already_claimed"),
        (OS.REDEEMED, ANY): (_("This order is already redeemed."), "already_redeemed"),
        (ANY, OS.CLAIMED): (_("Redemption is claimed once the maker confirmed the delivery."),
                           "not_confirmed"),
        (ANY, OS.REDEEMED): (_("A redemption is approved once it was claimed."), "not_claimed"),
    },
)
