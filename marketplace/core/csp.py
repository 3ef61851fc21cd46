"""The site's Content-Security-Policy, and widening it for a page.

``CONTENT_SECURITY_POLICY`` allows our own origin only (no CDN). ``site_policy()`` is that
policy plus the hash of the one inline script the site renders, the rich-text editor's
import map (``core.forms.editor_script_hashes``); ``core.middleware`` sends it on every
response that has no policy of its own. A feature that needs more (payments: Stripe.js)
sets its page's header with ``policy_with``.
"""

from __future__ import annotations

from functools import lru_cache

from django.conf import settings
from django.core.signals import setting_changed


def _parse(policy: str) -> list[list[str]]:
    return [part.split() for part in policy.split(";") if part.strip()]


def policy_with(extra: dict[str, tuple[str, ...]], policy: str | None = None) -> str:
    """``policy`` (the site's by default) with ``extra`` sources added per directive. A
    directive the policy leaves to ``default-src`` starts from default-src's sources, so
    widening it never takes our own origin away."""
    policy = site_policy() if policy is None else policy
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


@lru_cache(maxsize=1)
def site_policy() -> str:
    from marketplace.core.forms import editor_script_hashes

    policy = getattr(settings, "CONTENT_SECURITY_POLICY", "")
    if not policy:
        return ""
    return policy_with({"script-src": tuple(editor_script_hashes())}, policy)


def _forget(*, setting, **kwargs):
    if setting in ("CONTENT_SECURITY_POLICY", "STATIC_URL", "STORAGES"):
        site_policy.cache_clear()


setting_changed.connect(_forget, dispatch_uid="core.csp.forget")
