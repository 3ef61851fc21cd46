import base64

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey


def pytest_configure(config):
    config.addinivalue_line(
        "markers",
        "celery_worker: starts a real Celery worker process (a few seconds; "
        "deselect with -m 'not celery_worker')",
    )


@pytest.fixture
def signing_key(settings):
    """A fresh Ed25519 key as AUDIT_SIGNING_KEY for this test; returns the private key."""
    key = Ed25519PrivateKey.generate()
    seed = key.private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw,
                             serialization.NoEncryption())
    settings.AUDIT_SIGNING_KEY = base64.b64encode(seed).decode()
    settings.AUDIT_VERIFY_KEYS = []
    return key


@pytest.fixture
def audit_streams(db, signing_key):
    """Three streams of 3, 2 and 1 events; returns their names."""
    from tests.core.factories import AuditEventFactory

    names = ["crowdfunding.campaign:1", "procurement.bid:7", "platform"]
    for name, count in zip(names, (3, 2, 1), strict=True):
        for _ in range(count):
            AuditEventFactory(stream=name)
    return names
