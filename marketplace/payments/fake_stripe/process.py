"""Start and stop the fake as a real separate process (tests, benchmarks, the demo).

    with FakeStripeServer() as server:           # a free port on 127.0.0.1
        client = server.client()                  # stripe.StripeClient against it
        server.control.reset()

Needs the ``stripe`` SDK only for ``client()``; starting and stopping is standard library.
"""

from __future__ import annotations

import os
import queue
import subprocess
import sys
import threading
import time
from collections.abc import Sequence

from .control import FakeStripeControl

READY = "fake-stripe listening on "


class FakeStripeServer:
    def __init__(self, *, host: str = "127.0.0.1", port: int = 0,
                 args: Sequence[str] = (), python: str = sys.executable,
                 cpus: set[int] | None = None, env: dict[str, str] | None = None) -> None:
        self.host, self.port, self.args = host, port, list(args)
        self.python, self.cpus, self.env = python, cpus, env
        self.url: str | None = None
        self.process: subprocess.Popen | None = None
        self.output: list[str] = []

    def start(self, timeout: float = 60.0) -> str:
        command = [self.python, "-m", "marketplace.payments.fake_stripe", "--host", self.host,
                   "--port", str(self.port), *self.args]
        cpus = self.cpus

        def pin() -> None:  # runs in the child before exec
            if cpus:
                os.sched_setaffinity(0, cpus)

        self.process = subprocess.Popen(  # noqa: S603
            command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
            env={**os.environ, **(self.env or {})}, preexec_fn=pin if cpus else None,  # noqa: PLW1509
        )
        lines: queue.Queue[str | None] = queue.Queue()

        def pump() -> None:
            assert self.process is not None and self.process.stdout is not None
            for line in self.process.stdout:
                self.output.append(line)
                lines.put(line)
            lines.put(None)

        threading.Thread(target=pump, daemon=True, name="fake-stripe-output").start()
        deadline = time.monotonic() + timeout
        while True:
            try:
                line = lines.get(timeout=max(0.01, deadline - time.monotonic()))
            except queue.Empty:
                self.stop()
                raise RuntimeError("fake-stripe did not start in time:\n"
                                   + "".join(self.output)) from None
            if line is None:
                raise RuntimeError("fake-stripe exited:\n" + "".join(self.output))
            if line.startswith(READY):
                self.url = line[len(READY):].strip()
                break
        self.control.wait_ready(timeout=max(1.0, deadline - time.monotonic()))
        return self.url

    @property
    def control(self) -> FakeStripeControl:
        if self.url is None:
            raise RuntimeError("fake-stripe is not running")
        return FakeStripeControl(self.url)

    def client(self, api_key: str = "sk_test_fake", *, max_network_retries: int = 0,
               timeout: float = 10.0, **kwargs):
        """A ``stripe.StripeClient`` talking to this fake."""
        import stripe

        return stripe.StripeClient(
            api_key,
            base_addresses={"api": self.url},
            max_network_retries=max_network_retries,
            http_client=stripe.RequestsClient(timeout=timeout),
            **kwargs,
        )

    def stop(self, timeout: float = 10.0) -> None:
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        process.terminate()
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=timeout)

    def __enter__(self) -> FakeStripeServer:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
