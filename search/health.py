"""The search backend's probe in /healthz (registered with the core's health checks)."""

from __future__ import annotations

from marketplace.core.health import UP_STATES, Unhealthy, health_check


@health_check("search")
def search_health() -> dict:
    from search.service import get_backend

    backend = get_backend()
    report = backend.health() or {}
    if not isinstance(report, dict):
        raise Unhealthy("the search backend gave no health report")
    # a backend may report itself down without raising
    if report.get("status", "up") not in UP_STATES:
        raise Unhealthy(f"search backend {backend.name} reports {report.get('status')}")
    return {**report, "backend": backend.name}
