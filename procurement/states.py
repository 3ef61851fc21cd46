"""Allowed status moves of a purchase request, written down as data, and the audit codes
of procurement."""

from django.utils.translation import gettext_lazy as _

from marketplace.core.names import AuditAction
from marketplace.core.transitions import ANY, StateMachine
from procurement.models import Contract, Delivery, PurchaseRequest


class ProcurementAction(AuditAction):
    BUDGET_LINE_CREATED = "procurement.budget_line.created"
    REQUEST_DRAFTED = "procurement.request.drafted"
    REQUEST_APPROVED = "procurement.request.approved"
    REQUEST_PUBLISHED = "procurement.request.published"
    REQUEST_SUPPLIER_ACCEPTED = "procurement.request.supplier_accepted"
    REQUEST_SUPPLIER_DECLINED = "procurement.request.supplier_declined"
    REQUEST_PRICE_AGREED = "procurement.request.price_agreed"
    REQUEST_CANCELLED = "procurement.request.cancelled"
    REQUEST_CONTRACTED = "procurement.request.contracted"
    REQUEST_DELIVERED = "procurement.request.delivered"
    REQUEST_ACCEPTED = "procurement.request.accepted"
    REQUEST_RECTIFICATION = "procurement.request.rectification"
    REQUEST_TERMINATED = "procurement.request.terminated"
    REQUEST_PAID = "procurement.request.paid"
    CONTRACT_GENERATED = "procurement.contract.generated"
    CONTRACT_SIGNED_BY_BUYER = "procurement.contract.signed_by_buyer"
    CONTRACT_SIGNED_BY_SUPPLIER = "procurement.contract.signed_by_supplier"
    CONTRACT_SIGNED = "procurement.contract.signed"
    CONTRACT_CANCELLED = "procurement.contract.cancelled"
    DELIVERY_RECORDED = "procurement.delivery.recorded"
    DELIVERY_PASSED = "procurement.delivery.passed"
    DELIVERY_FAILED = "procurement.delivery.failed"
    PAYMENT_RECORDED = "procurement.payment.recorded"


R = PurchaseRequest.Status
#   draft -> approved (the budget line holds the ceiling) -> published (public notice)
#   published -> supplier_accepted -> price_agreed (the line then holds the agreed price)
#   published -> supplier_declined (the line is released)
#   draft | approved | published | supplier_accepted -> cancelled (the line is released)
#   price_agreed -> contracted (both sides signed the contract) | cancelled (with the contract)
#   contracted | rectification -> delivered (the supplier delivers)
#   delivered -> accepted (验收 passed) | rectification (failed: redeliver) | terminated
#   rectification -> terminated;  accepted -> paid (the treasury transfer is approved)
REQUEST_STATES = StateMachine(
    name="procurement.request",
    transitions={
        R.DRAFT: {R.APPROVED, R.CANCELLED},
        R.APPROVED: {R.PUBLISHED, R.CANCELLED},
        R.PUBLISHED: {R.SUPPLIER_ACCEPTED, R.SUPPLIER_DECLINED, R.CANCELLED},
        R.SUPPLIER_ACCEPTED: {R.PRICE_AGREED, R.CANCELLED},
        R.PRICE_AGREED: {R.CONTRACTED, R.CANCELLED},
        R.CONTRACTED: {R.DELIVERED},
        R.DELIVERED: {R.ACCEPTED, R.RECTIFICATION, R.TERMINATED},
        R.RECTIFICATION: {R.DELIVERED, R.TERMINATED},
        R.ACCEPTED: {R.PAID},
    },
    labels=dict(R.choices),
    refusals={
        (R.DRAFT, R.PUBLISHED): (_("A request is approved before its notice is published."),
                                 "not_approved"),
        (R.APPROVED, R.APPROVED): (_("This request is already approved."), "already_approved"),
        (ANY, R.SUPPLIER_ACCEPTED): (_("The supplier answers a published notice only."),
                                     "not_published"),
        (ANY, R.SUPPLIER_DECLINED): (_("The supplier answers a published notice only."),
                                     "not_published"),
        (ANY, R.PRICE_AGREED): (_("A price is agreed once the supplier has accepted the "
                                  "request, and only once."), "not_accepted"),
        (R.CANCELLED, ANY): (_("This request was cancelled."), "cancelled"),
        (R.SUPPLIER_DECLINED, ANY): (_("The supplier declined this request; draft a new one."),
                                     "declined"),
        (ANY, R.CONTRACTED): (_("A contract is signed once the price is agreed, and only "
                                "once."), "not_price_agreed"),
        (ANY, R.DELIVERED): (_("Delivery is recorded under a signed contract, or after a "
                               "failed acceptance asked for rectification."), "not_contracted"),
        (ANY, R.ACCEPTED): (_("Acceptance is recorded for a delivery waiting for it."),
                            "not_delivered"),
        (ANY, R.RECTIFICATION): (_("Acceptance is recorded for a delivery waiting for it."),
                                 "not_delivered"),
        (ANY, R.TERMINATED): (_("A contract is terminated after a failed acceptance only."),
                              "not_failed"),
        (ANY, R.PAID): (_("Payment follows a passed acceptance, once."), "not_accepted"),
        (R.TERMINATED, ANY): (_("This contract was terminated."), "terminated"),
        (R.PAID, ANY): (_("This request is paid and closed."), "paid"),
    },
)

C = Contract.Status
#   generated -> signed_by_buyer | signed_by_supplier -> signed (both sides recorded)
#   generated | signed_by_buyer | signed_by_supplier -> cancelled (the buyer withdraws it)
CONTRACT_STATES = StateMachine(
    name="procurement.contract",
    transitions={
        C.GENERATED: {C.SIGNED_BY_BUYER, C.SIGNED_BY_SUPPLIER, C.CANCELLED},
        C.SIGNED_BY_BUYER: {C.SIGNED, C.CANCELLED},
        C.SIGNED_BY_SUPPLIER: {C.SIGNED, C.CANCELLED},
    },
    labels=dict(C.choices),
    refusals={
        (C.SIGNED_BY_BUYER, C.SIGNED_BY_BUYER): (_("The buyer has already signed this "
                                                   "contract."), "already_signed"),
        (C.SIGNED_BY_SUPPLIER, C.SIGNED_BY_SUPPLIER): (_("The supplier has already signed "
                                                         "this contract."), "already_signed"),
        (C.SIGNED, ANY): (_("This contract is signed by both sides."), "signed"),
        (C.CANCELLED, ANY): (_("This contract was cancelled."), "cancelled"),
    },
)


D = Delivery.Status
#   recorded -> passed | failed (the buyer's acceptance with its experts, once)
DELIVERY_STATES = StateMachine(
    name="procurement.delivery",
    transitions={D.RECORDED: {D.PASSED, D.FAILED}},
    labels=dict(D.choices),
    refusals={
        (D.PASSED, ANY): (_("This delivery's acceptance is already recorded."), "decided"),
        (D.FAILED, ANY): (_("This delivery's acceptance is already recorded."), "decided"),
    },
)
