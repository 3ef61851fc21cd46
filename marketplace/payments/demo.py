"""Payments demo data (seeder order 60): the backer's saved test card and the maker's
payout account, onboarded, so the pages are not empty and the money flow can be tried.

The seeder runs inside ``seed_demo``'s transaction, so it calls no provider: it only
enqueues ``demo_provision``, which runs after commit (in the worker of ``run.sh``) and
talks to the provider outside any transaction. The fake Stripe server keeps its state in
memory, so after a restart of the demo the objects our database names are gone there;
``demo_provision`` notices (the provider answers 404) and provisions them again. Without
a configured provider it does nothing.
"""

from __future__ import annotations

import logging

from django.conf import settings

from marketplace.accounts.models import Organisation, User
from marketplace.core.demo import demo_seeder
from marketplace.core.tasks import enqueue
from marketplace.payments.errors import GatewayNotFound
from marketplace.payments.models import ConnectedAccount, PaymentCustomer, SavedPaymentMethod

logger = logging.getLogger(__name__)
BACKER = "backer@demo.local"
MAKER = "maker@demo.local"
MAKER_ORGANISATION = "demo-maker"
DEMO_CARD = "pm_card_visa"


@demo_seeder("payments", order=60)
def seed_payments(log) -> dict:
    enqueue("marketplace.payments.tasks.demo_provision")
    log("payments demo provisioning enqueued (runs after commit, against the provider)")
    return {"cards": SavedPaymentMethod.objects.filter(
                owner__email=BACKER, status=SavedPaymentMethod.Status.ACTIVE).count(),
            "payout_accounts": ConnectedAccount.objects.filter(
                organisation__slug=MAKER_ORGANISATION).count()}


def _known(call) -> bool:
    try:
        call()
    except GatewayNotFound:
        return False
    return True


def _provision_card(provider, backer: User) -> str:
    from marketplace.payments.services.methods import customer_ensure, payment_method_save

    customer = PaymentCustomer.objects.filter(user=backer).first()
    card = SavedPaymentMethod.objects.filter(owner=backer,
                                             status=SavedPaymentMethod.Status.ACTIVE).first()
    if customer and customer.provider_customer_id and card is not None and _known(
            lambda: provider.setup_retrieve(card.provider_setup_intent_id)):
        return "kept"
    if customer and customer.provider_customer_id:
        # the provider forgot our objects (the fake restarted): start over
        PaymentCustomer.objects.filter(pk=customer.pk).update(provider_customer_id="")
        if card is not None:
            from marketplace.payments.services.methods import payment_method_remove

            payment_method_remove(actor=backer, method=card)
    customer_ensure(user=backer)
    payment_method_save(user=backer, payment_method=DEMO_CARD, off_session_consent=True)
    return "saved"


def _provision_account(provider, maker: User, organisation: Organisation) -> str:
    from marketplace.payments.services.accounts import payout_account_ensure, payout_account_sync

    account = ConnectedAccount.objects.filter(organisation=organisation).first()
    if account and account.provider_account_id:
        if _known(lambda: provider.account_retrieve(account.provider_account_id)):
            return "kept"
        ConnectedAccount.objects.filter(pk=account.pk).update(provider_account_id="")
    account = payout_account_ensure(actor=maker, organisation=organisation)
    if settings.STRIPE_API_BASE:  # the fake: complete onboarding as the maker would
        from marketplace.payments.fake_stripe.control import FakeStripeControl

        FakeStripeControl(settings.STRIPE_API_BASE).set_account(account.provider_account_id,
                                                                onboard=True)
        payout_account_sync(account=account)
    return "created"


def demo_provision() -> dict:
    """Provision the demo's card and payout account at the provider (outside any
    transaction; idempotent)."""
    from marketplace.payments.providers import get_provider, stripe_configured

    if not stripe_configured():
        return {"skipped": "no payment provider configured"}
    backer = User.objects.filter(email=BACKER).first()
    maker = User.objects.filter(email=MAKER).first()
    organisation = Organisation.objects.filter(slug=MAKER_ORGANISATION).first()
    if backer is None or maker is None or organisation is None:
        return {"skipped": "the accounts demo data is missing"}
    provider = get_provider("stripe")
    return {"card": _provision_card(provider, backer),
            "payout_account": _provision_account(provider, maker, organisation)}
