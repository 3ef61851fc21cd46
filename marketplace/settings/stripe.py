from marketplace.settings.env import env

STRIPE_SECRET_KEY = env("STRIPE_SECRET_KEY", default="")
STRIPE_PUBLISHABLE_KEY = env("STRIPE_PUBLISHABLE_KEY", default="")
STRIPE_WEBHOOK_SECRET = env("STRIPE_WEBHOOK_SECRET", default="")
# Points the SDK at the project's fake Stripe server in tests and the embedded run.
STRIPE_API_BASE = env("STRIPE_API_BASE", default="")
# One request to Stripe never waits longer than this (connect + read); a timeout is a
# gateway fault, retried with the same idempotency key.
STRIPE_TIMEOUT_SECONDS = env.float("STRIPE_TIMEOUT_SECONDS", default=20.0)
# Country of the connected (Express) accounts created for payees.
STRIPE_CONNECT_COUNTRY = env("STRIPE_CONNECT_COUNTRY", default="US")
