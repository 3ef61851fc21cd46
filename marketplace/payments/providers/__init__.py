"""Payment providers behind one interface (``providers.base.PaymentProvider``): Stripe
(``providers.stripe``) and offline treasury transfers (``providers.offline``).

``get_provider(name)`` gives the configured instance; services never build one
themselves. The Stripe provider is cached per configuration (one HTTP session, reused
connections) and rebuilt when its settings change (tests point it at the fake).
"""

from __future__ import annotations

import threading

from django.conf import settings

from marketplace.payments.errors import ProviderNotConfigured
from marketplace.payments.providers.base import PaymentProvider

_cache: dict[tuple, PaymentProvider] = {}
_lock = threading.Lock()


def stripe_configured() -> bool:
    return bool(settings.STRIPE_SECRET_KEY)


def get_provider(name: str = "stripe") -> PaymentProvider:
    if name == "offline":
        from marketplace.payments.providers.offline import OfflineTreasuryProvider

        return OfflineTreasuryProvider()
    if name != "stripe":
        raise ValueError(f"unknown payment provider {name!r}")
    if not stripe_configured():
        raise ProviderNotConfigured()
    config = (settings.STRIPE_SECRET_KEY, settings.STRIPE_API_BASE,
              settings.STRIPE_WEBHOOK_SECRET, settings.STRIPE_TIMEOUT_SECONDS)
    # a thread-local-free cache: the SDK client is safe to share between threads
    with _lock:
        provider = _cache.get(config)
        if provider is None:
            from marketplace.payments.providers.stripe import StripeProvider

            _cache.clear()
            provider = _cache[config] = StripeProvider()
    return provider
