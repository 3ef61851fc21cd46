"""What a payer or staff member may see, apart from gateway faults (django-oscar's split).

``PaymentError`` subclasses are ``DomainError``s: translated messages, mapped to a 4xx in
one place (the API's exception handler, ``core.pages``). A card problem is a 402 and names
the provider's decline code in ``data``.

``GatewayFault`` and its subclasses are *not* DomainErrors: rate limits, server errors,
timeouts and lost connections are retried with backoff (``services.gateway``) and, when
the retries run out, logged and turned into ``PaymentsUnavailable`` (503, a neutral
message): a provider's own text is never shown raw.
"""

from django.utils.translation import gettext_lazy as _

from marketplace.core.errors import ConflictError, DomainError
from marketplace.core.validation import InvalidInput


class PaymentsValidationError(InvalidInput):
    """Bad input to a payments service (400), nothing written."""


class PaymentsConflict(ConflictError):
    """Not allowed in the current state of the money (409)."""


class RefundTooLarge(PaymentsValidationError):
    code = "refund_too_large"


class PayoutTooLarge(PaymentsValidationError):
    code = "payout_too_large"


class PayoutAccountNotReady(PaymentsConflict):
    code = "payout_account_not_ready"


class ProviderNotConfigured(DomainError):
    status_code = 503
    code = "payments_not_configured"
    default_message = _("Card payments are not set up on this site.")


class PaymentsUnavailable(DomainError):
    """The provider did not answer after our retries; the operation can be tried again
    (it reuses its idempotency key, so it never runs twice)."""

    status_code = 503
    code = "payments_unavailable"
    default_message = _(
        "The payment service is not answering right now. Nothing was charged twice; "
        "please try again in a few minutes."
    )


class InvalidWebhook(DomainError):
    code = "invalid_webhook"
    default_message = _("This webhook could not be verified.")


WEBHOOK_NOT_CONFIGURED = _("Webhooks are not set up on this site (no endpoint secret).")
SIGNATURE_MISSING = _("The Stripe-Signature header is missing.")
SIGNATURE_INVALID = _("The webhook signature does not match this endpoint's secret.")
MALFORMED_EVENT = _("The webhook body is not a valid event (malformed JSON or fields missing).")


# --- what the payer may see ---------------------------------------------------------


class PaymentError(DomainError):
    """A payment the provider refused for a reason the payer can act on."""

    status_code = 402
    code = "payment_failed"
    default_message = _("The payment did not go through.")

    def __init__(self, message=None, *, code=None, decline_code: str = "", data=None):
        self.decline_code = decline_code or ""
        data = {**(data or {}), "decline_code": self.decline_code} if decline_code else data
        super().__init__(message, code=code, data=data)


class CardDeclined(PaymentError):
    code = "card_declined"
    default_message = _("Your card was declined. Please use another card or contact your bank.")


class InsufficientFunds(CardDeclined):
    code = "insufficient_funds"
    default_message = _("Your card has insufficient funds. Please use another card.")


class ExpiredCard(CardDeclined):
    code = "expired_card"
    default_message = _("Your card has expired. Please use another card.")


class IncorrectCardDetails(CardDeclined):
    code = "incorrect_card_details"
    default_message = _("The card details are not correct. Please check them and try again.")


class AuthenticationRequired(PaymentError):
    code = "authentication_required"
    default_message = _(
        "Your bank asks you to confirm this payment. Open the payment page and confirm it."
    )


# --- gateway faults (never shown raw) ----------------------------------------------


class GatewayFault(Exception):
    """The provider could not be reached or failed; retried with backoff."""

    retryable = True


class GatewayRateLimited(GatewayFault):
    pass


class GatewayServerError(GatewayFault):
    pass


class GatewayTimeout(GatewayFault):
    pass


class GatewayConnectionError(GatewayFault):
    pass


class GatewayBusy(GatewayFault):
    """The same idempotency key is still in flight at the provider (409)."""


class GatewayRejected(GatewayFault):
    """The provider refused the request as malformed or unauthorised: a bug or a
    configuration problem, not the payer's; not retried."""

    retryable = False

    def __init__(self, message: str = "", *, code: str = "", status: int | None = None):
        super().__init__(message)
        self.code = code
        self.status = status


class GatewayNotFound(GatewayRejected):
    """The provider does not know the object (404 resource_missing)."""
