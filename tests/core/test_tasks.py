"""Tasks are enqueued on commit, take plain values, and a rolled-back enqueue never runs
(proven with a real worker on the Redis broker)."""

import time
import uuid

import pytest
import redis
from celery.contrib.testing.worker import start_worker
from django.conf import settings
from django.db import transaction

from marketplace.celery import app
from marketplace.core.tasks import TransactionAwareTask
from tests.core.factories import UserFactory

RAN: list = []


@app.task(name="tests.core.record_eager_run")
def record_eager_run(token: str) -> str:
    RAN.append(token)
    return token


@app.task(name="tests.core.record_run_in_redis")
def record_run_in_redis(token: str) -> None:
    client = redis.Redis.from_url(settings.REDIS_URL)
    try:
        client.set(f"tests:celery:{token}", "ran", ex=120)
    finally:
        client.close()


@pytest.fixture
def ran():
    RAN.clear()
    yield RAN
    RAN.clear()


def test_every_task_uses_the_transaction_aware_base():
    app.loader.import_default_modules()
    for name in (
        "tests.core.record_eager_run",
        "marketplace.core.tasks.chronograph_tick",
        "notifications.notification_send_email",
        "accounts.invitation_send_email",
        "catalog.product_image_make_thumbnail",
    ):
        assert isinstance(app.tasks[name], TransactionAwareTask), name


@pytest.mark.django_db
def test_model_instances_are_refused_as_task_arguments():
    user = UserFactory()
    with pytest.raises(TypeError, match="ids or plain values"):
        record_eager_run.delay(user)
    with pytest.raises(TypeError, match=r"kwargs\['who'\]"):
        record_eager_run.apply_async(kwargs={"who": user})
    with pytest.raises(TypeError, match=r"args\[0\]\[1\]"):
        record_eager_run.delay([1, user])


@pytest.mark.django_db
def test_enqueue_inside_a_transaction_waits_for_the_commit(
    ran, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        assert record_eager_run.delay("committed") is None
        assert ran == []
    assert ran == ["committed"]


@pytest.mark.django_db(transaction=True)
def test_enqueue_inside_a_rolled_back_transaction_is_dropped(ran):
    with pytest.raises(RuntimeError), transaction.atomic():
        record_eager_run.delay("rolled back")
        raise RuntimeError("abort")
    assert ran == []
    # outside a transaction the task goes at once
    record_eager_run.delay("now")
    assert ran == ["now"]


@pytest.fixture
def real_broker(requires_redis):
    """The Redis broker for real, no eager shortcut; a queue of our own."""
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = False
    queue = f"tests-{uuid.uuid4().hex}"
    client = redis.Redis.from_url(settings.REDIS_URL)
    yield queue, client
    app.conf.task_always_eager = previous
    client.delete(queue)
    client.close()


@pytest.mark.django_db(transaction=True)
def test_message_reaches_the_broker_only_on_commit(real_broker):
    queue, client = real_broker
    with transaction.atomic():
        record_run_in_redis.apply_async(["x"], queue=queue)
        assert client.llen(queue) == 0
    assert client.llen(queue) == 1

    with pytest.raises(RuntimeError), transaction.atomic():
        record_run_in_redis.apply_async(["y"], queue=queue)
        raise RuntimeError("abort")
    assert client.llen(queue) == 1


@pytest.mark.django_db(transaction=True)
def test_a_retry_is_sent_at_once_even_inside_a_transaction(real_broker):
    # Task.retry() sends with a "retries" option from inside the failing task, whose
    # transaction then rolls back: deferring it to the commit would lose it
    queue, client = real_broker
    with pytest.raises(RuntimeError), transaction.atomic():
        record_run_in_redis.apply_async(["retry"], queue=queue, retries=1)
        assert client.llen(queue) == 1
        raise RuntimeError("the task body failed and asked for a retry")
    assert client.llen(queue) == 1


def _wait_for(predicate, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return False


@pytest.mark.django_db(transaction=True)
def test_a_task_enqueued_in_a_rolled_back_transaction_never_runs_on_a_real_worker(real_broker):
    queue, client = real_broker
    rolled_back, committed = uuid.uuid4().hex, uuid.uuid4().hex
    with start_worker(
        app, pool="solo", perform_ping_check=False, queues=[queue], shutdown_timeout=15
    ):
        with pytest.raises(RuntimeError), transaction.atomic():
            record_run_in_redis.apply_async([rolled_back], queue=queue)
            raise RuntimeError("abort")
        with transaction.atomic():
            record_run_in_redis.apply_async([committed], queue=queue)

        # one queue, one solo worker: had the first message been sent, it would have run
        # before the committed one
        assert _wait_for(lambda: client.exists(f"tests:celery:{committed}"), 15)
        assert client.llen(queue) == 0
    assert not client.exists(f"tests:celery:{rolled_back}")
    client.delete(f"tests:celery:{committed}")
