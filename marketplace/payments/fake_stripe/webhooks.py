"""Webhook delivery: asynchronous, signed as Stripe signs, retried with backoff.

Each event goes to every enabled endpoint subscribed to its type and to the endpoint given
on the command line (``--webhook-url``, all events). A delivery is a POST of the event's
JSON with ``Stripe-Signature: t=<unix>,v1=<HMAC-SHA256 of "t.payload">``, computed with
the SDK's own helper so ``stripe.Webhook.construct_event`` verifies it. A non-2xx answer
or a connection error is retried after ``retry_base * 2**(attempt-1)`` seconds, up to
``max_attempts`` attempts (Stripe spreads its retries over three days; tests need
seconds).

Switches (control API and command line): ``duplicates`` delivers each event N times;
``shuffle_window`` holds deliveries until N are waiting (or ``shuffle_flush_seconds``
passed) and sends them in a random order (``seed`` makes it repeatable).
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import logging
import random
import time
from dataclasses import dataclass, field

import aiohttp
from stripe import WebhookSignature

log = logging.getLogger("fake_stripe.webhooks")


def sign(payload: str, secret: str, timestamp: int | None = None) -> str:
    timestamp = int(time.time()) if timestamp is None else timestamp
    signature = WebhookSignature._compute_signature(f"{timestamp}.{payload}", secret)
    return f"t={timestamp},v1={signature}"


@dataclass
class Settings:
    duplicates: int = 1
    shuffle_window: int = 0
    shuffle_flush_seconds: float = 1.0
    seed: int | None = None
    retry_base_seconds: float = 0.5
    max_attempts: int = 6
    timeout_seconds: float = 5.0

    def update(self, data: dict) -> None:
        for name, kind in (("duplicates", int), ("shuffle_window", int),
                           ("shuffle_flush_seconds", float), ("retry_base_seconds", float),
                           ("max_attempts", int), ("timeout_seconds", float)):
            if name in data:
                setattr(self, name, kind(data[name]))
        if "seed" in data:
            self.seed = None if data["seed"] is None else int(data["seed"])
        self.duplicates = max(1, self.duplicates)
        self.max_attempts = max(1, self.max_attempts)


@dataclass
class Delivery:
    id: int
    event: dict
    endpoint: str | None
    url: str
    secret: str
    generation: int = 0
    attempts: list[dict] = field(default_factory=list)
    status: str = "pending"

    def describe(self) -> dict:
        return {
            "id": self.id,
            "event": self.event["id"],
            "type": self.event["type"],
            "endpoint": self.endpoint,
            "url": self.url,
            "status": self.status,
            "attempts": list(self.attempts),
        }


class Dispatcher:
    def __init__(self, settings: Settings, cli_url: str | None = None,
                 cli_secret: str | None = None) -> None:
        self.defaults = settings
        self.settings = Settings(**vars(settings))
        self.cli_url = cli_url
        self.cli_secret = cli_secret
        self.deliveries: list[Delivery] = []
        self._ids = itertools.count(1)
        self._queue: asyncio.Queue[Delivery] | None = None
        self._tasks: set[asyncio.Task] = set()
        self._session: aiohttp.ClientSession | None = None
        self._worker: asyncio.Task | None = None
        self._rng = random.Random(settings.seed)  # noqa: S311
        self._generation = 0

    async def start(self) -> None:
        self._queue = asyncio.Queue()
        self._session = aiohttp.ClientSession()
        self._worker = asyncio.create_task(self._run())

    async def stop(self) -> None:
        for task in [self._worker, *self._tasks]:
            if task is not None:
                task.cancel()
        for task in [self._worker, *self._tasks]:
            if task is not None:
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await task
        if self._session is not None:
            await self._session.close()

    def reset(self) -> None:
        """Forget every delivery (pending retries included) and restore the start-up
        switches."""
        self._generation += 1
        for task in self._tasks:
            task.cancel()
        self._tasks.clear()
        if self._queue is not None:
            while not self._queue.empty():
                self._queue.get_nowait()
        self.deliveries.clear()
        self.settings = Settings(**vars(self.defaults))
        self._rng = random.Random(self.settings.seed)  # noqa: S311

    def configure(self, data: dict) -> None:
        self.settings.update(data)
        if "seed" in data:
            self._rng = random.Random(self.settings.seed)  # noqa: S311

    def enqueue(self, event: dict, targets: list[tuple[str | None, str, str]]) -> None:
        if self.cli_url:
            targets = [*targets, (None, self.cli_url, self.cli_secret or "")]
        if not targets or self._queue is None:
            return
        event["pending_webhooks"] = len(targets)
        for endpoint, url, secret in targets:
            for _ in range(self.settings.duplicates):
                delivery = Delivery(next(self._ids), event, endpoint, url, secret,
                                    self._generation)
                self.deliveries.append(delivery)
                self._queue.put_nowait(delivery)

    async def _next_batch(self) -> list[Delivery]:
        assert self._queue is not None
        batch = [await self._queue.get()]
        window = self.settings.shuffle_window
        if window > 1:
            deadline = time.monotonic() + self.settings.shuffle_flush_seconds
            while len(batch) < window:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    break
                try:
                    batch.append(await asyncio.wait_for(self._queue.get(), remaining))
                except TimeoutError:
                    break
            self._rng.shuffle(batch)
        return batch

    async def _run(self) -> None:
        while True:
            for delivery in await self._next_batch():
                if delivery.generation == self._generation:
                    await self._send(delivery)

    async def _send(self, delivery: Delivery) -> None:
        assert self._session is not None
        payload = json.dumps(delivery.event, indent=2)
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            "User-Agent": "Stripe/1.0 (+https://stripe.com/docs/webhooks)",
            "Stripe-Signature": sign(payload, delivery.secret),
        }
        attempt: dict = {"at": time.time()}
        try:
            timeout = aiohttp.ClientTimeout(total=self.settings.timeout_seconds)
            async with self._session.post(delivery.url, data=payload.encode(),
                                          headers=headers, timeout=timeout) as response:
                await response.read()
                attempt["status"] = response.status
                ok = 200 <= response.status < 300
        except (aiohttp.ClientError, TimeoutError, OSError) as exc:
            attempt["error"] = f"{type(exc).__name__}: {exc}"
            ok = False
        delivery.attempts.append(attempt)
        if ok:
            delivery.status = "succeeded"
            return
        if len(delivery.attempts) >= self.settings.max_attempts:
            delivery.status = "failed"
            return
        delay = self.settings.retry_base_seconds * 2 ** (len(delivery.attempts) - 1)
        task = asyncio.create_task(self._retry_later(delivery, delay))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _retry_later(self, delivery: Delivery, delay: float) -> None:
        await asyncio.sleep(delay)
        if self._queue is not None and delivery.generation == self._generation:
            self._queue.put_nowait(delivery)
