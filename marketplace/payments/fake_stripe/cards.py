"""Stripe's documented test payment methods and how each behaves.

Stripe's testing page (https://docs.stripe.com/testing) documents, per card:

* ``pm_card_visa`` (4242), ``pm_card_mastercard`` (5555 ... 4444): succeed everywhere.
* ``pm_card_chargeDeclined`` (0002): ``card_declined`` / ``generic_decline``;
  ``..InsufficientFunds`` (9995): ``card_declined`` / ``insufficient_funds``;
  ``..ExpiredCard`` (0069): ``expired_card`` with no decline code. Setting such a card up
  (SetupIntent, attach) fails as well: Stripe validates the card with the issuer.
* ``pm_card_authenticationRequired`` (4000 0027 6000 3184): authentication on every
  transaction, however it was set up; off-session it fails ``authentication_required``.
* ``pm_card_authenticationRequiredOnSetup`` (4000 0025 0000 3155; also accepted under the
  name ``pm_card_authenticationRequiredSetupForOffSession``): authentication when set up
  and on every on-session payment; once set up for future use (a SetupIntent, or a
  PaymentIntent with ``setup_future_usage``) off-session payments succeed without it,
  and before that they fail ``authentication_required``.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

AUTH_NONE = "none"
AUTH_ALWAYS = "always"
AUTH_UNLESS_SET_UP = "unless_set_up"


@dataclass(frozen=True)
class Decline:
    code: str
    decline_code: str | None
    message: str


GENERIC = Decline("card_declined", "generic_decline", "Your card was declined.")
INSUFFICIENT = Decline("card_declined", "insufficient_funds", "Your card has insufficient funds.")
EXPIRED = Decline("expired_card", None, "Your card has expired.")
AUTH_REQUIRED = Decline(
    "authentication_required",
    "authentication_required",
    "Your card was declined. This transaction requires authentication.",
)


@dataclass(frozen=True)
class TestCard:
    number: str
    brand: str
    decline: Decline | None = None
    auth: str = AUTH_NONE
    funding: str = "credit"
    country: str = "US"
    exp_month: int = 12
    exp_year: int = 2034

    @property
    def last4(self) -> str:
        return self.number[-4:]

    @property
    def fingerprint(self) -> str:
        return hashlib.sha256(self.number.encode()).hexdigest()[:16]


_VISA = TestCard("4242424242424242", "visa")
_3184 = TestCard("4000002760003184", "visa", auth=AUTH_ALWAYS)
_3155 = TestCard("4000002500003155", "visa", auth=AUTH_UNLESS_SET_UP)
_DECLINED = TestCard("4000000000000002", "visa", decline=GENERIC)
_INSUFFICIENT = TestCard("4000000000009995", "visa", decline=INSUFFICIENT)
_EXPIRED = TestCard("4000000000000069", "visa", decline=EXPIRED)

TEST_PAYMENT_METHODS: dict[str, TestCard] = {
    "pm_card_visa": _VISA,
    "pm_card_visa_debit": TestCard("4000056655665556", "visa", funding="debit"),
    "pm_card_mastercard": TestCard("5555555555554444", "mastercard"),
    "pm_card_amex": TestCard("378282246310005", "amex"),
    "pm_card_bypassPending": TestCard("4000000000000077", "visa"),
    "pm_card_chargeDeclined": _DECLINED,
    "pm_card_visa_chargeDeclined": _DECLINED,
    "pm_card_chargeDeclinedInsufficientFunds": _INSUFFICIENT,
    "pm_card_visa_chargeDeclinedInsufficientFunds": _INSUFFICIENT,
    "pm_card_chargeDeclinedExpiredCard": _EXPIRED,
    "pm_card_visa_chargeDeclinedExpiredCard": _EXPIRED,
    "pm_card_authenticationRequired": _3184,
    "pm_card_authenticationRequiredOnSetup": _3155,
    "pm_card_authenticationRequiredSetupForOffSession": _3155,
}


def card_details(card: TestCard) -> dict:
    return {
        "brand": card.brand,
        "checks": {
            "address_line1_check": None,
            "address_postal_code_check": None,
            "cvc_check": None,
        },
        "country": card.country,
        "display_brand": card.brand,
        "exp_month": card.exp_month,
        "exp_year": card.exp_year,
        "fingerprint": card.fingerprint,
        "funding": card.funding,
        "generated_from": None,
        "last4": card.last4,
        "networks": {"available": [card.brand], "preferred": None},
        "regulated_status": "unregulated",
        "three_d_secure_usage": {"supported": True},
        "wallet": None,
    }


def needs_authentication(card: TestCard, *, off_session: bool, set_up: bool) -> bool:
    """Whether a payment with this card asks the customer to authenticate."""
    if card.auth == AUTH_ALWAYS:
        return True
    if card.auth == AUTH_UNLESS_SET_UP:
        return not (off_session and set_up)
    return False
