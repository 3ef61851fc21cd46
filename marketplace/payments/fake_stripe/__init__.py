"""A stateful fake of Stripe's HTTP API that the real ``stripe`` SDK talks to unaware.

Run it as a separate process::

    python -m marketplace.payments.fake_stripe --host 127.0.0.1 --port 12111

Nothing here imports Django or the project's settings; callers drive the fake through the
SDK (``stripe.StripeClient(key, base_addresses={"api": url})``) and through the control
API under ``/_fake/`` (``marketplace.payments.fake_stripe.control.FakeStripeControl``).
See docs/fake_stripe.md.
"""
