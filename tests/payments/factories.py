"""Factories of payments records, for state-machine and permission tests. Money flows in
tests go through the services (and the fake Stripe server), never through factories."""

from __future__ import annotations

from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from marketplace.payments.models import (
    ConnectedAccount,
    PaymentAttempt,
    Payout,
    Provider,
    Refund,
    SavedPaymentMethod,
    WebhookEvent,
)
from tests.factories import OrganisationFactory, UserFactory


class SavedPaymentMethodFactory(DjangoModelFactory):
    class Meta:
        model = SavedPaymentMethod

    owner = factory.SubFactory(UserFactory)
    provider_payment_method_id = factory.Sequence(lambda n: f"pm_test{n:06d}")
    brand = "visa"
    last4 = "4242"
    exp_month = 12
    exp_year = 2034
    off_session_consent = True


class PaymentAttemptFactory(DjangoModelFactory):
    class Meta:
        model = PaymentAttempt

    provider = Provider.STRIPE
    payer = factory.SubFactory(UserFactory)
    scope = "crowdfunding.campaign:1"
    reference = factory.Sequence(lambda n: f"crowdfunding.pledge:{n}")
    amount_value = Decimal("100.00")
    currency = "CNY"
    provider_payment_method_id = "pm_card_visa"


class RefundFactory(DjangoModelFactory):
    class Meta:
        model = Refund

    attempt = factory.SubFactory(PaymentAttemptFactory)
    amount_value = Decimal("10.00")
    currency = "CNY"


class ConnectedAccountFactory(DjangoModelFactory):
    class Meta:
        model = ConnectedAccount

    organisation = factory.SubFactory(OrganisationFactory)
    country = "US"


class PayoutFactory(DjangoModelFactory):
    class Meta:
        model = Payout

    account = factory.SubFactory(ConnectedAccountFactory)
    scope = "crowdfunding.campaign:1"
    currency = "CNY"
    gross_value = Decimal("100.00")
    platform_fee_value = Decimal("5.00")
    processing_fee_value = Decimal("3.00")


class WebhookEventFactory(DjangoModelFactory):
    class Meta:
        model = WebhookEvent

    event_id = factory.Sequence(lambda n: f"evt_test{n:06d}")
    type = "payment_intent.succeeded"
    payload = factory.LazyFunction(dict)
