"""The cards page's Content-Security-Policy: with real Stripe keys (Stripe Elements) it
allows Stripe.js (script and frames from js.stripe.com, calls to api.stripe.com) on top of
the site's policy; offline (the fake, no keys) it is the site's policy, Stripe nowhere."""

from __future__ import annotations

import pytest

from marketplace.core.csp import site_policy
from marketplace.payments.csp import policy_with
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _directives(policy: str) -> dict[str, list[str]]:
    parts = [p.split() for p in policy.split(";") if p.strip()]
    return {p[0]: p[1:] for p in parts}


@pytest.fixture
def real_keys(settings):
    settings.STRIPE_SECRET_KEY = "sk_test_51Hx" + "a" * 90
    settings.STRIPE_PUBLISHABLE_KEY = "pk_test_51Hx" + "b" * 90
    settings.STRIPE_WEBHOOK_SECRET = "whsec_" + "c" * 32
    settings.STRIPE_API_BASE = ""


def test_with_real_keys_the_cards_page_allows_stripe_js(client, real_keys, settings):
    client.force_login(UserFactory())
    response = client.get("/payments/cards/")
    assert response.status_code == 200
    assert b"https://js.stripe.com/v3/" in response.content
    csp = _directives(response["Content-Security-Policy"])
    assert "https://js.stripe.com" in csp["script-src"] and "'self'" in csp["script-src"]
    assert "'unsafe-inline'" not in csp["script-src"]
    assert "https://js.stripe.com" in csp["frame-src"]
    assert "https://hooks.stripe.com" in csp["frame-src"]
    assert "https://api.stripe.com" in csp["connect-src"] and "'self'" in csp["connect-src"]
    site = _directives(site_policy())
    for name, sources in site.items():  # the site's rules are kept
        assert set(sources) <= set(csp[name]), name
    assert csp["frame-ancestors"] == ["'none'"]


def test_other_pages_keep_the_site_policy_even_with_real_keys(client, real_keys, settings):
    client.force_login(UserFactory())
    response = client.get("/")
    assert response["Content-Security-Policy"] == site_policy()
    assert "stripe" not in response["Content-Security-Policy"]


def test_without_keys_the_cards_page_has_the_site_policy(client, settings):
    settings.STRIPE_PUBLISHABLE_KEY = ""
    client.force_login(UserFactory())
    response = client.get("/payments/cards/")
    assert response.status_code == 200
    assert response["Content-Security-Policy"] == site_policy()
    assert "stripe.com" not in response["Content-Security-Policy"]
    assert b"js.stripe.com" not in response.content


def test_against_the_fake_the_cards_page_has_the_site_policy(client, payments_stripe,
                                                              settings):
    settings.STRIPE_PUBLISHABLE_KEY = "pk_test_fake"  # keys, but the API is the fake
    client.force_login(UserFactory())
    response = client.get("/payments/cards/")
    assert "stripe.com" not in response["Content-Security-Policy"]


def test_a_directive_left_to_default_src_starts_from_its_sources():
    policy = policy_with({"frame-src": ("https://js.stripe.com",)},
                         "default-src 'self'; script-src 'self'")
    assert _directives(policy)["frame-src"] == ["'self'", "https://js.stripe.com"]
    policy = policy_with({"frame-src": ("https://js.stripe.com",)},
                         "default-src 'self'; frame-src 'none'")
    assert _directives(policy)["frame-src"] == ["https://js.stripe.com"]
