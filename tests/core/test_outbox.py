"""The outbox: a task asked for by a committed change reaches the broker even when the
broker is down at commit (the relay sends it later), never when the change rolls back,
and two relays never send one message twice."""

import shutil
import socket
import subprocess
import threading
import time
import uuid
from datetime import timedelta

import pytest
import redis
from celery import Task
from django.db import connection, transaction
from django.utils import timezone
from kombu.exceptions import OperationalError

from marketplace.celery import app
from marketplace.core.models import OutboxMessage
from marketplace.core.outbox import outbox_relay
from marketplace.core.tasks import enqueue

TASK = "tests.core.outbox_probe"


@app.task(name=TASK)
def outbox_probe(token: str) -> str:
    return token


@pytest.fixture
def not_eager():
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = False
    yield
    app.conf.task_always_eager = previous


@pytest.fixture
def sends(monkeypatch):
    """What reaches the broker (Celery's own apply_async), recorded instead of sent;
    ``sends.down = True`` makes the broker refuse like a dead one."""
    calls = []

    def fake_send(task, args=None, kwargs=None, **options):
        if fake_send.down:
            raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")
        calls.append((task.name, list(args or ()), options))

    fake_send.down = False
    fake_send.calls = calls
    monkeypatch.setattr(Task, "apply_async", fake_send)
    return fake_send


@pytest.mark.django_db(transaction=True)
def test_a_broker_down_at_commit_loses_nothing(not_eager, sends):
    sends.down = True
    with transaction.atomic():
        enqueue(TASK, "kept")
    [row] = OutboxMessage.objects.all()
    assert row.attempts == 1 and "Connection refused" in row.last_error
    assert row.next_attempt_at > timezone.now()
    assert sends.calls == []
    # the broker is back; the relay is not due yet, then it is
    sends.down = False
    assert outbox_relay(timezone.now()) == 0
    assert outbox_relay(row.next_attempt_at + timedelta(seconds=1)) == 1
    assert sends.calls == [(TASK, ["kept"], {})]
    assert not OutboxMessage.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_healthy_broker_takes_the_message_at_commit_and_the_row_goes(not_eager, sends):
    with transaction.atomic():
        enqueue(TASK, "at once")
        assert OutboxMessage.objects.count() == 1  # recorded with the change
        assert sends.calls == []  # nothing before the commit
    assert sends.calls == [(TASK, ["at once"], {})]
    assert not OutboxMessage.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_change_leaves_no_message(not_eager, sends):
    with pytest.raises(RuntimeError), transaction.atomic():
        enqueue(TASK, "never")
        raise RuntimeError("abort")
    assert not OutboxMessage.objects.exists() and sends.calls == []


@pytest.mark.django_db(transaction=True)
def test_failures_back_off_and_a_relay_failure_keeps_the_row(not_eager, sends):
    sends.down = True
    enqueue(TASK, "stubborn")  # outside a transaction: recorded, tried at once
    row = OutboxMessage.objects.get()
    first_wait = row.next_attempt_at - timezone.now()
    assert outbox_relay(row.next_attempt_at + timedelta(seconds=1)) == 0
    row.refresh_from_db()
    assert row.attempts == 2
    assert row.next_attempt_at - timezone.now() > first_wait  # waits longer each time


@pytest.mark.django_db(transaction=True)
def test_two_relays_at_once_send_each_message_once(requires_postgres, not_eager, sends):
    sends.down = True
    for n in range(5):
        enqueue(TASK, f"m{n}")
    sends.down = False
    due = timezone.now() + timedelta(hours=2)
    first_is_sending, second_done = threading.Event(), threading.Event()
    real = sends

    def slow_send(task, args=None, kwargs=None, **options):
        first_is_sending.set()
        second_done.wait(10)  # hold the first relay mid-send while the second runs
        real.calls.append((task.name, list(args or ()), options))

    results = {}

    def run(name, sender):
        try:
            if sender is not None:
                Task.apply_async = sender
            results[name] = outbox_relay(due)
        finally:
            connection.close()

    original = Task.apply_async
    first = threading.Thread(target=run, args=("first", slow_send))
    first.start()
    assert first_is_sending.wait(10)
    Task.apply_async = original
    # the rows are leased by the first relay (no lock held while it sends): none for us
    results["second"] = outbox_relay(due)
    second_done.set()
    first.join(20)
    assert results["second"] == 0
    assert results["first"] == 5
    assert sorted(c[1][0] for c in real.calls) == [f"m{n}" for n in range(5)]


# --- the real thing: a Redis broker killed at commit -------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _start_redis(port: int) -> subprocess.Popen:
    process = subprocess.Popen(
        [shutil.which("redis-server"), "--port", str(port), "--bind", "127.0.0.1",
         "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    client = redis.Redis(port=port)
    for _ in range(200):
        try:
            client.ping()
            return process
        except redis.ConnectionError:
            time.sleep(0.05)
    process.kill()
    raise RuntimeError("redis-server did not start")


@pytest.fixture
def killable_broker(requires_redis, not_eager):
    if shutil.which("redis-server") is None:
        pytest.skip("needs the redis-server binary for a broker of its own")
    port = _free_port()
    process = _start_redis(port)
    saved = {key: app.conf[key] for key in ("broker_url", "broker_connection_timeout",
                                            "broker_transport_options")}
    app.conf.broker_url = f"redis://127.0.0.1:{port}/0"
    app.conf.broker_connection_timeout = 1
    app.conf.broker_transport_options = {}
    app._after_fork()  # forget pooled connections to the old broker
    state = {"process": process, "port": port}
    yield state
    state["process"].kill()
    state["process"].wait(5)
    for key, value in saved.items():
        app.conf[key] = value
    app._after_fork()


@pytest.mark.django_db(transaction=True)
def test_the_broker_killed_at_commit_gets_the_task_from_the_outbox_later(killable_broker):
    queue = f"outbox-{uuid.uuid4().hex}"
    with transaction.atomic():
        app.tasks[TASK].apply_async(["survivor"], queue=queue)
        # the broker dies between the change and its commit
        killable_broker["process"].kill()
        killable_broker["process"].wait(5)
    row = OutboxMessage.objects.get()
    assert row.attempts == 1 and row.last_error
    # back on the same port (empty: it keeps nothing on disk); the relay sends it
    killable_broker["process"] = _start_redis(killable_broker["port"])
    app._after_fork()
    assert outbox_relay(row.next_attempt_at + timedelta(seconds=1)) == 1
    assert not OutboxMessage.objects.exists()
    client = redis.Redis(port=killable_broker["port"])
    assert client.llen(queue) == 1
    assert b"survivor" in client.lindex(queue, 0)
