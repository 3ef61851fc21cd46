"""The Content-Security-Policy of pages that load Stripe.js (card entry through Stripe
Elements, with real keys only).

The site's policy (``CONTENT_SECURITY_POLICY``, applied by ``core.middleware``) allows our
own origin only; a view may set its own header, which the middleware then leaves alone.
Stripe documents what Stripe.js needs: its script and frames from https://js.stripe.com,
3-D Secure frames from https://hooks.stripe.com, and calls to https://api.stripe.com.
The core knows nothing of Stripe: this module widens the site's policy for those pages.
"""

from __future__ import annotations

from marketplace.core.csp import policy_with

__all__ = ["STRIPE_JS_SOURCES", "allow_stripe_js", "policy_with"]

STRIPE_JS_SOURCES = {
    "script-src": ("https://js.stripe.com",),
    "frame-src": ("https://js.stripe.com", "https://hooks.stripe.com"),
    "connect-src": ("https://api.stripe.com",),
}


def allow_stripe_js(response):
    """Set the page's own policy: the site's, plus what Stripe.js needs."""
    response["Content-Security-Policy"] = policy_with(STRIPE_JS_SOURCES)
    return response
