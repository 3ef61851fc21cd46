from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from marketplace.core import health
from marketplace.core.models import ChronographHeartbeat
from tests.core.factories import StaffFactory

pytestmark = pytest.mark.django_db


class HealthyBackend:
    name = "fake"

    def health(self):
        return {"documents": 3}


class FailingBackend:
    name = "broken"

    def health(self):
        raise ConnectionError("elasticsearch at 10.1.2.3:9200 refused the connection")


class DownReportingBackend:
    name = "reporting"

    def health(self):
        return {"status": "down"}


@pytest.fixture
def search_backend(monkeypatch):
    def use(backend):
        monkeypatch.setattr("search.service.get_backend", lambda: backend)

    use(HealthyBackend())
    return use


@pytest.fixture
def fresh_heartbeat():
    return ChronographHeartbeat.objects.create(name="chronograph", last_tick_at=timezone.now())


def test_everything_up_gives_200(client, requires_redis, fresh_heartbeat, search_backend):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    checks = body["checks"]
    assert checks["database"]["status"] == "up"
    assert checks["redis"]["status"] == "up"
    assert checks["celery"]["status"] == "up"
    assert checks["search"] == {**checks["search"], "status": "up", "backend": "fake",
                                "documents": 3}
    assert response["Cache-Control"].startswith("max-age=0")


def test_stopped_redis_is_down_with_503_and_json(
    client, settings, fresh_heartbeat, search_backend
):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens there
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["status"] == "degraded"
    assert body["checks"]["redis"]["status"] == "down"
    assert body["checks"]["redis"]["error"] == "ConnectionError"
    assert body["checks"]["database"]["status"] == "up"


def test_redis_not_configured_is_not_a_failure(client, settings, fresh_heartbeat, search_backend):
    settings.REDIS_URL = ""
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["checks"]["redis"] == {"status": "not_configured"}


def test_celery_down_without_a_heartbeat(client, requires_redis, search_backend):
    body = client.get("/healthz").json()
    assert body["checks"]["celery"] == {
        "status": "down", "error": "Unhealthy", "reason": "the chronograph has never run"
    }


def test_celery_down_when_the_heartbeat_is_stale_and_up_when_fresh(settings):
    settings.CELERY_BEAT_SCHEDULE = {"chronograph": {"task": "x", "schedule": 60.0}}
    beat = ChronographHeartbeat.objects.create(
        name="chronograph", last_tick_at=timezone.now() - timedelta(minutes=10)
    )
    stale = health.check_celery()
    assert stale["status"] == "down"
    assert "last chronograph tick 6" in stale["reason"]

    beat.last_tick_at = timezone.now() - timedelta(minutes=2)
    beat.save()
    assert health.check_celery()["status"] == "up"  # within three missed ticks


def test_stale_limit_follows_the_beat_interval(settings):
    settings.CELERY_BEAT_SCHEDULE = {"chronograph": {"task": "x", "schedule": 600.0}}
    assert health.chronograph_max_age() == timedelta(minutes=30)
    settings.CELERY_BEAT_SCHEDULE = {"chronograph": {"task": "x", "schedule": timedelta(seconds=5)}}
    assert health.chronograph_max_age() == timedelta(minutes=3)


def test_failing_search_backend_is_down_not_500(client, fresh_heartbeat, search_backend):
    search_backend(FailingBackend())
    response = client.get("/healthz")
    assert response.status_code == 503
    search = response.json()["checks"]["search"]
    assert search == {"status": "down", "error": "ConnectionError"}  # no internals leaked


def test_staff_see_the_reason(client, fresh_heartbeat, search_backend):
    search_backend(FailingBackend())
    client.force_login(StaffFactory())
    search = client.get("/healthz").json()["checks"]["search"]
    assert search["status"] == "down"
    assert "refused the connection" in search["reason"]


def test_get_backend_raising_is_down(client, monkeypatch, fresh_heartbeat):
    def explode():
        raise ImportError("search backend module missing")

    monkeypatch.setattr("search.service.get_backend", explode)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["search"]["status"] == "down"


def test_backend_reporting_itself_down_is_down(fresh_heartbeat, search_backend):
    search_backend(DownReportingBackend())
    from search.health import search_health

    report = health._timed(search_health, detailed=True)
    assert report["status"] == "down"
    assert report["reason"] == "search backend reporting reports down"


def test_database_failure_is_reported_not_raised(monkeypatch):
    class BrokenConnection:
        vendor = "postgresql"

        def cursor(self):
            from django.db import OperationalError

            raise OperationalError("could not connect to server at db.internal")

    monkeypatch.setattr(health, "connection", BrokenConnection())
    assert health.check_database(detailed=False) == {
        "status": "down", "error": "OperationalError"
    }
    assert "db.internal" in health.check_database(detailed=True)["reason"]


# --- the registry: each app adds its own checks (health_check decorator) ---------------


@pytest.fixture
def registry(monkeypatch):
    """A copy of the registry for this test: checks registered here vanish afterwards."""
    monkeypatch.setattr(health, "_probes", dict(health._probes))
    return health._probes


@pytest.fixture
def everything_else_up(requires_redis, fresh_heartbeat, search_backend, monkeypatch):
    monkeypatch.setitem(health._probes, "payments", lambda: {"provider": "fake"})


def test_the_apps_register_their_checks_and_the_core_names_none_of_them():
    assert {"search", "payments"} <= set(health.registered_checks())
    source = Path(health.__file__).read_text()
    assert "import search" not in source and "from search" not in source


def test_a_registered_check_appears_in_healthz(client, registry, everything_else_up):
    @health.health_check("widgets")
    def widgets_probe():
        return {"widgets": 7}

    assert health.registered_checks()["widgets"] is widgets_probe
    response = client.get("/healthz")
    assert response.status_code == 200
    widgets = response.json()["checks"]["widgets"]
    assert widgets["status"] == "up" and widgets["widgets"] == 7


def test_a_not_configured_check_is_no_failure(client, registry, everything_else_up):
    health.health_check("mailer")(lambda: {"status": "not_configured"})
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["checks"]["mailer"]["status"] == "not_configured"


@pytest.mark.parametrize("report", [{"status": "down"}, "not a dict"])
def test_a_check_reporting_down_is_down_with_503(client, registry, everything_else_up,
                                                 report):
    health.health_check("widgets")(lambda: report)
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "degraded"
    assert body["checks"]["widgets"]["status"] == "down"
    assert body["checks"]["database"]["status"] == "up"


def test_an_exception_inside_a_check_is_reported_not_raised(client, registry,
                                                            everything_else_up):
    @health.health_check("widgets")
    def widgets_probe():
        raise ZeroDivisionError("secret detail at 10.0.0.7")

    @health.health_check("zz-after")
    def later_probe():
        return {"ran": True}

    response = client.get("/healthz")
    assert response.status_code == 503
    checks = response.json()["checks"]
    assert checks["widgets"] == {"status": "down", "error": "ZeroDivisionError"}
    assert checks["zz-after"]["ran"] is True  # one broken check does not stop the others
    assert b"10.0.0.7" not in response.content

    client.force_login(StaffFactory())
    staff_view = client.get("/healthz").json()["checks"]["widgets"]
    assert "10.0.0.7" in staff_view["reason"]


def test_an_unhealthy_reason_is_shown_to_anyone(client, registry, everything_else_up):
    @health.health_check("widgets")
    def widgets_probe():
        raise health.Unhealthy("the widget queue is 3 hours behind")

    checks = client.get("/healthz").json()["checks"]
    assert checks["widgets"] == {"status": "down", "error": "Unhealthy",
                                 "reason": "the widget queue is 3 hours behind"}
