"""A small client for the fake's control API (``/_fake/``), standard library only.

    control = FakeStripeControl("http://127.0.0.1:12111")
    control.reset()
    control.inject("drop", path_prefix="/v1/payment_intents")
    assert control.ledger(metadata={"pledge": "7"})["count"] == 1

Every method returns the decoded JSON answer; a non-2xx answer raises ``ControlError``.
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from typing import Any
from urllib.parse import urlencode


class ControlError(RuntimeError):
    def __init__(self, status: int, body: Any) -> None:
        super().__init__(f"fake-stripe control API answered {status}: {body}")
        self.status = status
        self.body = body


class FakeStripeControl:
    def __init__(self, url: str, timeout: float = 10.0) -> None:
        self.url = url.rstrip("/")
        self.timeout = timeout

    def _call(self, method: str, path: str, data: dict | None = None,
              query: dict | None = None) -> Any:
        url = self.url + path + ("?" + urlencode(query) if query else "")
        body = json.dumps(data).encode() if data is not None else None
        request = urllib.request.Request(url, data=body, method=method,  # noqa: S310
                                         headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                return json.loads(response.read() or b"null")
        except urllib.error.HTTPError as exc:
            raw = exc.read()
            try:
                payload = json.loads(raw)
            except ValueError:
                payload = raw.decode(errors="replace")
            raise ControlError(exc.code, payload) from None

    # -- lifecycle ---------------------------------------------------------------------
    def health(self) -> dict:
        return self._call("GET", "/_fake/health")

    def wait_ready(self, timeout: float = 30.0) -> None:
        """Poll /_fake/health until it answers (for a process just started)."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                self.health()
                return
            except (OSError, ControlError):
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)

    def reset(self) -> dict:
        """Forget every object, key, fault, delivery; clock, rate limit and webhook
        switches back to their start-up values."""
        return self._call("POST", "/_fake/reset")

    def state(self) -> dict:
        return self._call("GET", "/_fake/state")

    # -- faults and rate limit ---------------------------------------------------------
    def inject(self, kind: str, count: int = 1, *, method: str | None = None,
               path_prefix: str | None = None, seconds: float = 0.0) -> dict:
        """kind: rate_limit (429), api_error (500), hang (wait ``seconds`` then answer),
        drop (do the work, then close the connection without answering)."""
        data = {"kind": kind, "count": count, "seconds": seconds}
        if method:
            data["method"] = method
        if path_prefix:
            data["path_prefix"] = path_prefix
        return self._call("POST", "/_fake/faults", data)["fault"]

    def faults(self) -> list[dict]:
        return self._call("GET", "/_fake/faults")["faults"]

    def clear_faults(self) -> None:
        self._call("DELETE", "/_fake/faults")

    def set_rate_limit(self, per_second: float | None, burst: float | None = None) -> dict:
        return self._call("POST", "/_fake/rate_limit",
                          {"per_second": per_second, "burst": burst})

    # -- ledger, clock, idempotency ----------------------------------------------------
    def ledger(self, *, metadata: dict[str, str] | None = None,
               customer: str | None = None) -> dict:
        """{"charges": [...], "count": n, "totals": {currency: {...}}}"""
        query = {f"metadata[{k}]": v for k, v in (metadata or {}).items()}
        if customer:
            query["customer"] = customer
        return self._call("GET", "/_fake/ledger", query=query)

    def charges(self, **filters: Any) -> list[dict]:
        return self.ledger(**filters)["charges"]

    def clock(self) -> dict:
        return self._call("GET", "/_fake/clock")

    def advance_clock(self, seconds: float) -> dict:
        return self._call("POST", "/_fake/clock", {"advance_seconds": seconds})

    def set_clock_offset(self, seconds: float) -> dict:
        return self._call("POST", "/_fake/clock", {"offset_seconds": seconds})

    def in_flight_keys(self) -> list[str]:
        return self._call("GET", "/_fake/idempotency/in_flight")["keys"]

    # -- 3-D Secure and Connect --------------------------------------------------------
    def complete_3ds(self, intent_id: str) -> dict:
        return self._call("POST", f"/_fake/3ds/{intent_id}", {"outcome": "complete"})

    def fail_3ds(self, intent_id: str) -> dict:
        return self._call("POST", f"/_fake/3ds/{intent_id}", {"outcome": "fail"})

    def set_account(self, account_id: str, **state: Any) -> dict:
        """onboard=True, charges_enabled, payouts_enabled, details_submitted,
        capabilities={"transfers": "inactive"}, disabled_reason, currently_due=[...]"""
        return self._call("POST", f"/_fake/accounts/{account_id}", state)

    # -- webhooks ----------------------------------------------------------------------
    def deliveries(self, event: str | None = None) -> list[dict]:
        query = {"event": event} if event else None
        return self._call("GET", "/_fake/webhooks/deliveries", query=query)["deliveries"]

    def webhook_settings(self, **settings: Any) -> dict:
        """duplicates, shuffle_window, shuffle_flush_seconds, seed, retry_base_seconds,
        max_attempts, timeout_seconds; no argument: read them."""
        if settings:
            return self._call("POST", "/_fake/webhooks/settings", settings)
        return self._call("GET", "/_fake/webhooks/settings")
