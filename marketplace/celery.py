"""The Celery app. Tasks subclass marketplace.core.tasks.TransactionAwareTask."""

import os
from pathlib import Path

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marketplace.settings.base")

app = Celery("marketplace", task_cls="marketplace.core.tasks:TransactionAwareTask")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.on_after_configure.connect
def _filesystem_broker_folders(sender, **kwargs):
    """kombu's filesystem transport (the embedded broker) does not create its folders;
    the worker and every producer need them. Made here, when the app is first configured,
    not when the settings are imported."""
    options = sender.conf.broker_transport_options or {}
    if not str(sender.conf.broker_url or "").startswith("filesystem://"):
        return
    for key in ("data_folder_in", "data_folder_out", "processed_folder", "control_folder"):
        if options.get(key):
            Path(options[key]).mkdir(parents=True, exist_ok=True)
