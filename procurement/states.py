"""Allowed status moves of a purchase request, written down as data, and the audit codes
of procurement."""

from django.utils.translation import gettext_lazy as _

from marketplace.core.names import AuditAction
from marketplace.core.transitions import ANY, StateMachine
from procurement.models import PurchaseRequest


class ProcurementAction(AuditAction):
    BUDGET_LINE_CREATED = "procurement.budget_line.created"
    REQUEST_DRAFTED = "procurement.request.drafted"
    REQUEST_APPROVED = "procurement.request.approved"
    REQUEST_PUBLISHED = "procurement.request.published"
    REQUEST_SUPPLIER_ACCEPTED = "procurement.request.supplier_accepted"
    REQUEST_SUPPLIER_DECLINED = "procurement.request.supplier_declined"
    REQUEST_PRICE_AGREED = "procurement.request.price_agreed"
    REQUEST_CANCELLED = "procurement.request.cancelled"


R = PurchaseRequest.Status
#   draft -> approved (the budget line holds the ceiling) -> published (public notice)
#   published -> supplier_accepted -> price_agreed (the line then holds the agreed price)
#   published -> supplier_declined (the line is released)
#   draft | approved | published | supplier_accepted -> cancelled (the line is released)
REQUEST_STATES = StateMachine(
    name="procurement.request",
    transitions={
        R.DRAFT: {R.APPROVED, R.CANCELLED},
        R.APPROVED: {R.PUBLISHED, R.CANCELLED},
        R.PUBLISHED: {R.SUPPLIER_ACCEPTED, R.SUPPLIER_DECLINED, R.CANCELLED},
        R.SUPPLIER_ACCEPTED: {R.PRICE_AGREED, R.CANCELLED},
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
    },
)
