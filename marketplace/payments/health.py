"""The payment provider's probe in /healthz: which API base the app talks to (Stripe or
the fake) and whether it answers. Never raises into /healthz (the core catches)."""

from __future__ import annotations

from marketplace.core.health import Unhealthy, health_check


@health_check("payments")
def payments_health() -> dict:
    from marketplace.payments.errors import GatewayFault
    from marketplace.payments.providers import stripe_configured
    from marketplace.payments.providers.stripe import StripeProvider

    if not stripe_configured():
        return {"status": "not_configured"}
    provider = StripeProvider(timeout=3)  # /healthz must answer quickly
    try:
        provider.ping()
    except GatewayFault as exc:
        raise Unhealthy(f"the payment provider at {provider.describe()['api_base']} "
                        f"does not answer ({type(exc).__name__})") from exc
    return provider.describe()
