"""Fixtures of the crowdfunding tests."""

import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _english():
    """Service tests match English messages; tests about Chinese ask for zh-hans."""
    with translation.override("en"):
        yield
