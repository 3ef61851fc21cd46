"""The Content-Security-Policy of pages that load Stripe.js (card entry through Stripe
Elements, with real keys only).

The site's policy (``CONTENT_SECURITY_POLICY``, applied by ``core.middleware``) allows our
own origin only; a view may set its own header, which the middleware then leaves alone.
Stripe documents what Stripe.js needs: its script and frames from https://js.stripe.com,
3-D Secure frames from https://hooks.stripe.com, and calls to https://api.stripe.com.
The core knows nothing of Stripe: this module widens the site's policy for those pages.
"""

from __future__ import annotations

from django.conf import settings

STRIPE_JS_SOURCES = {
    "script-src": ("https://js.stripe.com",),
    "frame-src": ("https://js.stripe.com", "https://hooks.stripe.com"),
    "connect-src": ("https://api.stripe.com",),
}


def _parse(policy: str) -> list[list[str]]:
    return [part.split() for part in policy.split(";") if part.strip()]


def policy_with(extra: dict[str, tuple[str, ...]], policy: str | None = None) -> str:
    """``policy`` (the site's by default) with ``extra`` sources added per directive. A
    directive the policy leaves to ``default-src`` starts from default-src's sources, so
    adding Stripe never takes our own origin away."""
    policy = settings.CONTENT_SECURITY_POLICY if policy is None else policy
    directives = _parse(policy)
    by_name = {d[0].lower(): d for d in directives}
    default = by_name.get("default-src", ["default-src"])[1:]
    for name, sources in extra.items():
        directive = by_name.get(name)
        if directive is None:
            directive = [name, *[s for s in default if s != "'none'"]]
            directives.append(directive)
            by_name[name] = directive
        elif "'none'" in directive:
            directive.remove("'none'")
        directive.extend(s for s in sources if s not in directive)
    return "; ".join(" ".join(d) for d in directives)


def allow_stripe_js(response):
    """Set the page's own policy: the site's, plus what Stripe.js needs."""
    response["Content-Security-Policy"] = policy_with(STRIPE_JS_SOURCES)
    return response
