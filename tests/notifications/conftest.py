import uuid

import pytest


@pytest.fixture
def redis_channel_layer(settings, requires_redis):
    """The real channels-redis layer, with a prefix of its own so parallel test runs on
    the same Redis never see each other's groups."""
    settings.CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [requires_redis], "prefix": f"test-{uuid.uuid4().hex[:12]}"},
        }
    }
    return settings.CHANNEL_LAYERS
