"""The embedded broker choice, end to end: ``celery -A marketplace worker -B`` on kombu's
filesystem transport (no broker server) fires the chronograph, whose heartbeat lands in
the database. The worker process uses this test's PostgreSQL database."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from marketplace.core.models import ChronographHeartbeat


def _database_url() -> str:
    db = connection.settings_dict
    credentials = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_worker_with_embedded_beat_on_the_filesystem_broker_ticks_the_chronograph(
    requires_postgres, tmp_path
):
    broker_dir = tmp_path / "broker"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "marketplace.settings.test",
        "DATABASE_URL": _database_url(),
        "CELERY_BROKER_URL": "filesystem://",
        "CELERY_FILESYSTEM_DIR": str(broker_dir),
        "CELERY_TASK_ALWAYS_EAGER": "0",
        "CHRONOGRAPH_INTERVAL_SECONDS": "1",
        "PYTHONUNBUFFERED": "1",
    }
    log_path = tmp_path / "worker.log"
    with log_path.open("wb") as log:
        worker = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "marketplace", "worker", "-B",
             "--pool=solo", "--loglevel=INFO", "--without-mingle", "--without-gossip",
             "--schedule", str(tmp_path / "celerybeat-schedule")],
            cwd=settings.BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT,
        )
        try:
            beat = None
            deadline = time.monotonic() + 90  # generous: the machine may be busy
            while time.monotonic() < deadline and worker.poll() is None:
                beat = ChronographHeartbeat.objects.filter(name="chronograph").first()
                if beat is not None:
                    break
                time.sleep(0.25)
        finally:
            worker.send_signal(signal.SIGTERM)
            try:
                worker.wait(15)
            except subprocess.TimeoutExpired:
                worker.kill()
                worker.wait(5)
    output = log_path.read_text(errors="replace")
    assert beat is not None, f"no chronograph heartbeat within 90 s; worker log:\n{output[-4000:]}"
    assert "filesystem" in output
    assert "marketplace.core.tasks.chronograph_tick" in output
    # the message went through the broker folder, not an eager shortcut
    assert Path(broker_dir).is_dir()
