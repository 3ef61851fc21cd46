from marketplace.settings.env import env

_redis = env("REDIS_URL", default="")
CHANNEL_LAYERS = (
    {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [_redis]},
        }
    }
    if _redis
    else {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
)
