"""The fake's in-memory state: objects by id, ordered indexes for listing, events, the
charge ledger, balances and the controllable clock.

Every operation is O(1) or O(log n) in the number of stored objects: objects live in one
dict, each list endpoint reads an append-only ``Index`` (ids in creation order with their
``created`` times, searched with bisect), and an event snapshots only the object it is
about. Nothing copies the whole state.
"""

from __future__ import annotations

import bisect
import random
import string
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from . import errors

_ALPHABET = string.ascii_letters + string.digits
IDEMPOTENCY_TTL = 24 * 3600


def new_id(prefix: str, length: int = 24) -> str:
    return prefix + "_" + "".join(random.choices(_ALPHABET, k=length))  # noqa: S311


def snapshot(value: Any) -> Any:
    """Deep copy of a JSON-shaped value (dicts, lists, scalars): an event's frozen view."""
    kind = type(value)
    if kind is dict:
        return {k: snapshot(v) for k, v in value.items()}
    if kind is list:
        return [snapshot(v) for v in value]
    return value


class Clock:
    """Unix seconds, offset by the control API; never runs backwards, so the ``created``
    values of every index stay sorted and bisect works."""

    def __init__(self) -> None:
        self.offset = 0.0
        self._last = 0.0

    def time(self) -> float:
        now = time.time() + self.offset
        if now < self._last:
            now = self._last
        self._last = now
        return now

    def now(self) -> int:
        return int(self.time())

    def reset(self) -> None:
        self.offset = 0.0
        self._last = 0.0


class Index:
    """Ids in creation order with their ``created`` seconds (non-decreasing)."""

    __slots__ = ("ids", "created", "pos")

    def __init__(self) -> None:
        self.ids: list[str] = []
        self.created: list[int] = []
        self.pos: dict[str, int] = {}

    def add(self, object_id: str, created: int) -> None:
        self.pos[object_id] = len(self.ids)
        self.ids.append(object_id)
        self.created.append(created)

    def remove(self, object_id: str) -> None:
        # Only small indexes shrink (a customer's payment methods, webhook endpoints).
        at = self.pos.pop(object_id, None)
        if at is None:
            return
        del self.ids[at]
        del self.created[at]
        for i in range(at, len(self.ids)):
            self.pos[self.ids[i]] = i

    def __len__(self) -> int:
        return len(self.ids)


@dataclass
class Page:
    ids: list[str]
    has_more: bool


def _bound(params: dict, key: str, fn: Callable[[list[int], int], int], created: list[int]):
    value = params.get(key)
    if value is None:
        return None
    try:
        return fn(created, int(value))
    except (TypeError, ValueError):
        raise errors.invalid(
            f"created[{key}]", f"Invalid integer: {value}", code="parameter_invalid_integer"
        ) from None


def paginate(index: Index, params: dict, kind: str) -> Page:
    """Stripe's list semantics, newest first: ``limit`` (1-100, default 10),
    ``starting_after`` / ``ending_before`` cursors and a ``created`` range (an integer or
    ``gt``/``gte``/``lt``/``lte``)."""
    limit_raw = params.get("limit", "10")
    try:
        limit = int(limit_raw)
    except (TypeError, ValueError):
        raise errors.invalid(
            "limit", f"Invalid integer: {limit_raw}", code="parameter_invalid_integer"
        ) from None
    if not 1 <= limit <= 100:
        raise errors.invalid(
            "limit",
            "This value must be greater than or equal to 1 and less than or equal to 100.",
            code="parameter_invalid_integer",
        )
    lo, hi = 0, len(index)
    created = params.get("created")
    if isinstance(created, str):
        created = {"gte": created, "lte": created}
    if isinstance(created, dict):
        for key, fn, is_lower in (
            ("gt", bisect.bisect_right, True),
            ("gte", bisect.bisect_left, True),
            ("lt", bisect.bisect_left, False),
            ("lte", bisect.bisect_right, False),
        ):
            at = _bound(created, key, fn, index.created)
            if at is not None:
                lo, hi = (max(lo, at), hi) if is_lower else (lo, min(hi, at))
    after, before = params.get("starting_after"), params.get("ending_before")
    for name, cursor in (("starting_after", after), ("ending_before", before)):
        if cursor is not None and not isinstance(cursor, str):
            raise errors.invalid(name, f"Invalid string: {name} must be an object id.")
    if after and before:
        raise errors.invalid(
            "starting_after", "You may only specify one of these parameters: ending_before, "
            "starting_after.", code="parameter_invalid_string",
        )
    if before:
        at = index.pos.get(before)
        if at is None:
            raise errors.no_such(kind, before, param="ending_before", status=400)
        lo = max(lo, at + 1)
        end = min(hi, lo + limit)
        return Page(index.ids[lo:end][::-1], end < hi)
    if after:
        at = index.pos.get(after)
        if at is None:
            raise errors.no_such(kind, after, param="starting_after", status=400)
        hi = min(hi, at)
    start = max(lo, hi - limit)
    return Page(index.ids[start:hi][::-1] if hi > lo else [], start > lo)


@dataclass
class RequestContext:
    """What an event records of the request that caused it."""

    request_id: str | None = None
    idempotency_key: str | None = None
    api_version: str | None = None


@dataclass
class Store:
    clock: Clock = field(default_factory=Clock)
    objects: dict[str, dict] = field(default_factory=dict)
    # Fake-only facts about objects that Stripe does not show (card behaviour, 3-D Secure
    # continuation, account-link URLs).
    meta: dict[str, dict] = field(default_factory=dict)
    indexes: dict[str, Index] = field(default_factory=dict)
    ledger: list[dict] = field(default_factory=list)
    available: dict[str, int] = field(default_factory=dict)
    request: RequestContext = field(default_factory=RequestContext)
    on_event: Callable[[dict], None] | None = None
    default_api_version: str = "2026-02-25.clover"

    def index(self, name: str) -> Index:
        found = self.indexes.get(name)
        if found is None:
            found = self.indexes[name] = Index()
        return found

    def add(self, obj: dict, *index_names: str) -> dict:
        self.objects[obj["id"]] = obj
        for name in index_names:
            self.index(name).add(obj["id"], obj["created"])
        return obj

    def get(self, object_id: Any, kind: str, object_name: str, param: str = "id",
            status: int = 404) -> dict:
        obj = self.objects.get(object_id) if isinstance(object_id, str) else None
        if obj is None or obj.get("object") != object_name or obj.get("deleted"):
            raise errors.no_such(kind, str(object_id), param=param, status=status)
        return obj

    def list_object(self, index_name: str, params: dict, url: str, kind: str) -> dict:
        page = paginate(self.index(index_name), params, kind)
        return {
            "object": "list",
            "data": [self.objects[i] for i in page.ids],
            "has_more": page.has_more,
            "url": url,
        }

    def list_by(self, params: dict, url: str, kind: str, base: str,
                filters: dict[str, str]) -> dict:
        """A list endpoint with optional filters: the first filter parameter given picks
        its index (``filters`` maps parameter -> index name prefix), else ``base``."""
        name = base
        for param, prefix in filters.items():
            value = params.get(param)
            if value:
                if not isinstance(value, str):
                    raise errors.invalid(param, f"Invalid string: {param} must be a string.")
                name = prefix + value
                break
        return self.list_object(name, params, url, kind)

    def emit(self, event_type: str, obj: dict, previous: dict | None = None,
             account: str | None = None) -> dict:
        req = self.request
        event = {
            "id": new_id("evt"),
            "object": "event",
            "api_version": req.api_version or self.default_api_version,
            "created": self.clock.now(),
            "data": {"object": snapshot(obj)},
            "livemode": False,
            "pending_webhooks": 0,
            "request": {"id": req.request_id, "idempotency_key": req.idempotency_key},
            "type": event_type,
        }
        if previous:
            event["data"]["previous_attributes"] = previous
        if account:
            event["account"] = account
        self.add(event, "events")
        # Wildcard listing (type=payment_intent.*) reads the prefix indexes.
        parts = event_type.split(".")
        for n in range(1, len(parts) + 1):
            self.index("events:" + ".".join(parts[:n])).add(event["id"], event["created"])
        if self.on_event is not None:
            self.on_event(event)
        return event

    def credit(self, currency: str, amount: int) -> None:
        self.available[currency] = self.available.get(currency, 0) + amount
