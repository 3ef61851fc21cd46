from marketplace.settings.env import env

STRIPE_SECRET_KEY = env("STRIPE_SECRET_KEY", default="")
STRIPE_PUBLISHABLE_KEY = env("STRIPE_PUBLISHABLE_KEY", default="")
STRIPE_WEBHOOK_SECRET = env("STRIPE_WEBHOOK_SECRET", default="")
# Points the SDK at the project's fake Stripe server in tests and the embedded run.
STRIPE_API_BASE = env("STRIPE_API_BASE", default="")
