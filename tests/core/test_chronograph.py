import threading
import time
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from marketplace.accounts.models import KycRequest
from marketplace.core import chronograph
from marketplace.core.chronograph import deadline_handler, process_due, run_due_handlers
from marketplace.core.models import AuditEvent, ChronographHeartbeat
from marketplace.core.tasks import chronograph_tick
from marketplace.core.transitions import StateMachine, transition
from tests.core.factories import KycRequestFactory

KYC = StateMachine(name="test.kyc", transitions={"submitted": {"approved", "rejected"}})


@pytest.fixture
def registry(monkeypatch):
    """An empty handler registry for the test; the apps' own handlers stay untouched."""
    fresh: dict = {}
    monkeypatch.setattr(chronograph, "_registry", fresh)
    return fresh


@pytest.mark.django_db
def test_registered_handlers_run_and_the_heartbeat_is_written(registry):
    seen = []

    @deadline_handler("test.first")
    def first(now):
        seen.append(("first", now))
        return 2

    @deadline_handler("test.second")
    def second(now):
        seen.append(("second", now))
        return 0

    now = timezone.now()
    assert run_due_handlers(now) == {"test.first": 2, "test.second": 0}
    assert seen == [("first", now), ("second", now)]
    beat = ChronographHeartbeat.objects.get(name="chronograph")
    assert beat.handlers_run == 2
    assert timezone.now() - beat.last_tick_at < timedelta(seconds=5)


@pytest.mark.django_db
def test_a_failing_handler_does_not_stop_the_others(registry, caplog):
    @deadline_handler("test.a_broken")
    def broken(now):
        raise RuntimeError("boom")

    @deadline_handler("test.b_fine")
    def fine(now):
        return 1

    assert run_due_handlers() == {"test.a_broken": "error", "test.b_fine": 1}
    assert "test.a_broken failed" in caplog.text
    assert ChronographHeartbeat.objects.filter(name="chronograph").exists()


@pytest.mark.django_db
def test_the_periodic_task_and_the_command_run_the_handlers(registry):
    calls = []

    @deadline_handler("test.count")
    def count(now):
        calls.append(now)
        return 3

    assert chronograph_tick.apply().get() == {"test.count": 3}
    out = StringIO()
    call_command("chronograph", stdout=out)
    assert "test.count: 3" in out.getvalue()
    assert len(calls) == 2


def approve(row):
    transition(row, KYC, "approved")


@pytest.mark.django_db
def test_process_due_moves_every_due_row_in_batches():
    rows = KycRequestFactory.create_batch(7)
    moved = process_due(KycRequest.objects.filter(status="submitted"), approve, batch=3)
    assert moved == 7
    assert set(KycRequest.objects.values_list("status", flat=True)) == {"approved"}
    assert AuditEvent.objects.filter(action="test.kyc.approved").count() == len(rows)


@pytest.mark.django_db
def test_a_failing_row_is_rolled_back_and_the_rest_still_move(caplog):
    rows = KycRequestFactory.create_batch(4)
    poison = rows[1]

    def handle(row):
        transition(row, KYC, "approved")
        if row.pk == poison.pk:
            raise RuntimeError("cannot move this one")

    moved = process_due(KycRequest.objects.filter(status="submitted"), handle, batch=2)
    assert moved == 3
    poison.refresh_from_db()
    assert poison.status == "submitted"  # its half-done change was rolled back
    assert not AuditEvent.objects.filter(object_id=str(poison.pk)).exists()
    assert KycRequest.objects.filter(status="approved").count() == 3
    assert "cannot move this one" in caplog.text


@pytest.mark.django_db
def test_a_handler_that_leaves_rows_due_cannot_make_the_loop_spin():
    KycRequestFactory.create_batch(5)
    offered = []
    moved = process_due(
        KycRequest.objects.filter(status="submitted"), lambda row: offered.append(row.pk), batch=2
    )
    assert moved == 5
    assert len(offered) == len(set(offered)) == 5


@pytest.mark.django_db
def test_process_due_locks_only_its_own_table(requires_postgres):
    # select_related follows a nullable foreign key: a LEFT OUTER JOIN, which PostgreSQL
    # refuses to lock unless FOR UPDATE names only the main table
    KycRequestFactory.create_batch(2)
    queryset = KycRequest.objects.select_related("reviewer").filter(status="submitted")
    assert process_due(queryset, approve) == 2


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_workers_process_each_due_row_exactly_once(requires_postgres):
    rows = KycRequestFactory.create_batch(24)
    handled: list[tuple[str, int]] = []
    lock = threading.Lock()
    barrier = threading.Barrier(2)
    results: dict = {}

    def worker(name):
        def handle(row):
            # recorded before the transition, whose own guard would hide a double offer
            with lock:
                handled.append((name, row.pk))
            time.sleep(0.02)  # keep the batch's locks held while the other worker looks
            transition(row, KYC, "approved")

        try:
            barrier.wait()
            results[name] = process_due(
                KycRequest.objects.filter(status="submitted").order_by("pk"), handle, batch=4
            )
        except Exception as exc:  # asserted below
            results[name] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(n,)) for n in ("w1", "w2")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)

    assert all(isinstance(r, int) for r in results.values()), results
    assert results["w1"] + results["w2"] == len(rows)
    assert results["w1"] > 0 and results["w2"] > 0, "both workers should have taken rows"
    pks = [pk for _, pk in handled]
    assert sorted(pks) == sorted(r.pk for r in rows)  # every row once, none twice
    assert AuditEvent.objects.filter(action="test.kyc.approved").count() == len(rows)
    assert not KycRequest.objects.filter(status="submitted").exists()
