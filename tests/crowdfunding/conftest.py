"""Fixtures of the crowdfunding tests."""

import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _english():
    """Service tests match English messages; tests about Chinese ask for zh-hans."""
    with translation.override("en"):
        yield


# the fake Stripe server (a real process) for flexible campaigns' charges and refunds
from tests.payments.conftest import (  # noqa: E402, F401
    after_commit,
    fake_stripe,
    fake_stripe_server,
    payments_stripe,
)
