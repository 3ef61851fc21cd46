"""Payments: the provider interface, the Stripe provider, the ledger, webhooks, and the
project's own fake Stripe server (``marketplace.payments.fake_stripe``, a separate process
with no Django inside)."""
