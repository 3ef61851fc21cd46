from marketplace.settings.env import BASE_DIR, env
from marketplace.settings.services import REDIS_URL

# CELERY_BROKER_URL wins; else Redis when REDIS_URL is set; else kombu's filesystem
# transport, which needs no server and lets `celery worker -B` fire deadlines in the
# embedded run.
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL or "filesystem://")
CELERY_FILESYSTEM_DIR = env("CELERY_FILESYSTEM_DIR", default=str(BASE_DIR / "var" / "broker"))
if CELERY_BROKER_URL.startswith("filesystem://"):
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": CELERY_FILESYSTEM_DIR,
        "data_folder_out": CELERY_FILESYSTEM_DIR,
        "processed_folder": CELERY_FILESYSTEM_DIR + "-processed",
        "store_processed": False,
        # broadcast (pidbox) messages; kombu's default is ./control in the working dir
        "control_folder": CELERY_FILESYSTEM_DIR + "-control",
    }
    # kombu does not create the folders; marketplace/celery.py makes them when the Celery
    # app is configured (settings never touch the disk).
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TIMEZONE = env("TIME_ZONE", default="Asia/Shanghai")
# How often beat sends the chronograph tick; the health check reads it too.
CHRONOGRAPH_INTERVAL_SECONDS = env.float("CHRONOGRAPH_INTERVAL_SECONDS", default=60.0)
CELERY_BEAT_SCHEDULE = {
    "chronograph": {
        "task": "marketplace.core.tasks.chronograph_tick",
        "schedule": CHRONOGRAPH_INTERVAL_SECONDS,
    },
}
