from marketplace.settings.env import BASE_DIR, env

_redis = env("REDIS_URL", default="")
# CELERY_BROKER_URL wins; else Redis when REDIS_URL is set; else kombu's filesystem
# transport, which needs no server and lets `celery worker -B` fire deadlines in the
# embedded run.
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=_redis or "filesystem://")
CELERY_FILESYSTEM_DIR = env("CELERY_FILESYSTEM_DIR", default=str(BASE_DIR / "var" / "broker"))
if CELERY_BROKER_URL.startswith("filesystem://"):
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": CELERY_FILESYSTEM_DIR,
        "data_folder_out": CELERY_FILESYSTEM_DIR,
        "processed_folder": CELERY_FILESYSTEM_DIR + "-processed",
        "store_processed": False,
    }
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TIMEZONE = env("TIME_ZONE", default="Asia/Shanghai")
CELERY_BEAT_SCHEDULE = {
    "chronograph": {
        "task": "marketplace.core.tasks.chronograph_tick",
        "schedule": env.float("CHRONOGRAPH_INTERVAL_SECONDS", default=60.0),
    },
}
