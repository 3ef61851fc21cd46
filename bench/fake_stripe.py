"""Throughput of the fake Stripe server for off-session payment intents.

    python bench/fake_stripe.py                       # defaults: what docs/benchmarks.md shows
    python bench/fake_stripe.py --client sdk --requests 2000

Starts the fake as a separate process pinned to ONE core (``os.sched_setaffinity``),
then N client processes (pinned to the other cores) each send
``POST /v1/payment_intents`` with ``confirm=true&off_session=true`` for a customer and
``pm_card_visa``, each with its own ``Idempotency-Key``, exactly as
``client.v1.payment_intents.create(params={...})`` encodes it. ``--client raw`` (default)
sends that wire format over keep-alive ``http.client`` connections, because the SDK
itself costs more CPU per request than the fake does and cannot drive it to saturation
from the one remaining core; ``--client sdk`` drives it through the real SDK.

Besides wall-clock rates it reports requests per CPU-second of the server process
(``/proc/<pid>/stat``): on a machine shared with other jobs the wall-clock rate says how
busy the machine was, the CPU rate what one core does for the fake.

Two measured phases: on a fresh server, then again after ``--grow`` more payment intents
were created (each adds a payment method, an intent, a charge, three events and an
idempotency record), to show the rate does not fall as the state grows.
The last line printed is one JSON object.
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing
import os
import statistics
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import urlencode, urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from marketplace.payments.fake_stripe.process import FakeStripeServer  # noqa: E402

API_KEY = "sk_test_bench"


def _body(customer: str, n: int) -> str:
    return urlencode({
        "amount": "1000", "currency": "usd", "customer": customer,
        "payment_method": "pm_card_visa", "confirm": "true", "off_session": "true",
        "metadata[pledge]": str(n),
    })


def _raw_worker(url: str, customer: str, count: int, offset: int, cpus, out) -> None:
    if cpus:
        os.sched_setaffinity(0, cpus)
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    headers = {"Authorization": f"Bearer {API_KEY}", "Stripe-Version": "2026-02-25.clover",
               "Content-Type": "application/x-www-form-urlencoded"}
    errors = 0
    for i in range(count):
        headers["Idempotency-Key"] = str(uuid.uuid4())
        try:
            conn.request("POST", "/v1/payment_intents", _body(customer, offset + i), headers)
            response = conn.getresponse()
            data = response.read()
            if response.status != 200 or b'"succeeded"' not in data:
                errors += 1
        except (OSError, http.client.HTTPException):
            errors += 1
            conn.close()
            conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    out.put(errors)


def _sdk_worker(url: str, customer: str, count: int, offset: int, cpus, out) -> None:
    if cpus:
        os.sched_setaffinity(0, cpus)
    import stripe

    client = stripe.StripeClient(API_KEY, base_addresses={"api": url},
                                 max_network_retries=0,
                                 http_client=stripe.RequestsClient(timeout=30))
    errors = 0
    for i in range(count):
        try:
            pi = client.v1.payment_intents.create(params={
                "amount": 1000, "currency": "usd", "customer": customer,
                "payment_method": "pm_card_visa", "confirm": True, "off_session": True,
                "metadata": {"pledge": str(offset + i)},
            })
            if pi.status != "succeeded":
                errors += 1
        except stripe.StripeError:
            errors += 1
    out.put(errors)


def _customer(url: str) -> str:
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    conn.request("POST", "/v1/customers", urlencode({"email": "bench@example.org"}),
                 {"Authorization": f"Bearer {API_KEY}",
                  "Content-Type": "application/x-www-form-urlencoded"})
    return json.loads(conn.getresponse().read())["id"]


def server_cpu_seconds(pid: int) -> float:
    """User + system CPU time of the server process so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def run_phase(url: str, worker, customer: str, total: int, clients: int, offset: int,
              cpus) -> tuple[float, int]:
    out: multiprocessing.Queue = multiprocessing.Queue()
    share = [total // clients + (1 if i < total % clients else 0) for i in range(clients)]
    procs = []
    start = time.perf_counter()
    for i, count in enumerate(share):
        proc = multiprocessing.Process(
            target=worker, args=(url, customer, count, offset + sum(share[:i]), cpus, out))
        proc.start()
        procs.append(proc)
    errors = sum(out.get() for _ in procs)
    elapsed = time.perf_counter() - start
    for proc in procs:
        proc.join()
    return elapsed, errors


def handler_growth(total: int, batch: int = 5000) -> list[float]:
    """Requests per CPU-second of the request pipeline without HTTP (parameters,
    idempotency, handler, JSON), per batch, while the state grows to ``total`` intents.
    CPU time, not wall-clock, so other jobs on the machine do not move it."""
    import gc

    from marketplace.payments.fake_stripe.app import GC_FREEZE_EVERY, FakeStripe, _execute
    from marketplace.payments.fake_stripe.params import decode
    from marketplace.payments.fake_stripe.routing import router

    fake = FakeStripe()
    found = router.match("POST", "/v1/customers")
    status, body, _ = _execute(fake, found, {}, "POST", "/v1/customers", "req_0", None)
    customer = json.loads(body)["id"]
    found = router.match("POST", "/v1/payment_intents")
    rates, done = [], 0
    while done < total:
        start = time.process_time()
        for i in range(batch):
            params = decode(_body(customer, done + i))
            key = str(uuid.uuid4())
            fake.idempotency.begin(key, "POST /v1/payment_intents", params,
                                   fake.store.clock.time(), "req_x")
            status, body, _ = _execute(fake, found, params, "POST", "/v1/payment_intents",
                                       "req_x", key)
            fake.idempotency.finish(key, status, body)
            if (done + i + 1) % GC_FREEZE_EVERY == 0:
                gc.freeze()
        rates.append(round(batch / (time.process_time() - start)))
        done += batch
    return rates


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=5000)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--client", choices=("raw", "sdk"), default="raw")
    parser.add_argument("--grow", type=int, default=20000,
                        help="payment intents created between the two measured phases")
    parser.add_argument("--server-cpu", type=int, default=0)
    parser.add_argument("--handler-growth", type=int, default=50000,
                        help="also time the pipeline in-process up to this many intents "
                        "(0: skip)")
    args = parser.parse_args()

    all_cpus = sorted(os.sched_getaffinity(0))
    server_cpu = {args.server_cpu if args.server_cpu in all_cpus else all_cpus[0]}
    client_cpus = set(all_cpus) - server_cpu or None
    worker = _raw_worker if args.client == "raw" else _sdk_worker
    with FakeStripeServer(cpus=server_cpu) as server:
        url = server.url
        customer = _customer(url)
        # warm-up: imports, connection set-up, first allocations
        run_phase(url, _raw_worker, customer, 200, 1, 10**9, client_cpus)
        pid = server.process.pid
        cpu_start = server_cpu_seconds(pid)
        fresh_s, fresh_errors = run_phase(url, worker, customer, args.requests, args.clients,
                                          0, client_cpus)
        fresh_cpu = server_cpu_seconds(pid) - cpu_start
        grow_s, grow_errors = run_phase(url, _raw_worker, customer, args.grow, args.clients,
                                        args.requests, client_cpus)
        cpu_start = server_cpu_seconds(pid)
        grown_s, grown_errors = run_phase(url, worker, customer, args.requests, args.clients,
                                          args.requests + args.grow, client_cpus)
        grown_cpu = server_cpu_seconds(pid) - cpu_start
        state = server.control.state()
        ledger_count = server.control.ledger()["count"]
    result = {
        "requests": args.requests,
        "clients": args.clients,
        "client": "raw-http (SDK wire format)" if args.client == "raw" else "stripe SDK",
        "requests_per_s": round(args.requests / grown_s, 1),
        "requests_per_s_fresh": round(args.requests / fresh_s, 1),
        "requests_per_s_growing": round(args.grow / grow_s, 1),
        # what one core would sustain were it the server's alone (the machine is shared)
        "requests_per_server_cpu_s": round(args.requests / grown_cpu, 1),
        "requests_per_server_cpu_s_fresh": round(args.requests / fresh_cpu, 1),
        "errors": fresh_errors + grown_errors + grow_errors,
        "objects_at_end": sum(state["objects"].values()),
        "charges_at_end": ledger_count,
        "server_cpus": sorted(server_cpu),
        "client_cpus": sorted(client_cpus or []),
        "load_average_1m_at_end": round(os.getloadavg()[0], 2),
    }
    if args.handler_growth:
        rates = handler_growth(args.handler_growth)
        result["handler_cpu_rate_per_5000_batch"] = rates
        third = max(1, len(rates) // 3)
        first, last = statistics.median(rates[:third]), statistics.median(rates[-third:])
        result["handler_cpu_rate_last_third_over_first_third"] = round(last / first, 2)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
