"""Errors of procurement a user may see (translated, mapped to 4xx in one place)."""

from django.utils.translation import gettext_lazy as _

from marketplace.core.errors import ConflictError, PermissionDeniedError
from marketplace.core.validation import InvalidInput


class ProcurementValidationError(InvalidInput):
    """Bad input to a procurement service (400)."""


class BudgetExceeded(ConflictError):
    code = "budget_exceeded"
    default_message = _("The budget line has not enough left for this request.")


class ProductNotListed(ProcurementValidationError):
    code = "product_not_listed"
    default_message = _(
        "This product is not listed: first purchase needs a published product with a valid "
        "innovation certification."
    )


class AboveCeiling(ProcurementValidationError):
    code = "above_ceiling"
    default_message = _("The agreed price cannot be above the request's budget ceiling.")


class SelfApproval(PermissionDeniedError):
    code = "self_approval"
    default_message = _("The officer who drafted a request cannot approve it.")


class MfaRequired(PermissionDeniedError):
    code = "mfa_required"
    default_message = _("Set up two-factor authentication before signing a contract.")


class ContractExists(ConflictError):
    code = "contract_exists"
    default_message = _("This request already has its contract.")


class DeliveryQuantityMismatch(ProcurementValidationError):
    code = "delivery_quantity"
    default_message = _("A delivery covers the whole contracted quantity.")


class PaymentPending(ConflictError):
    code = "payment_pending"
    default_message = _("A payment of this request is already recorded; it waits for the "
                        "approver or has been made.")
