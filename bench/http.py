# ruff: noqa: E402  (the imports follow the sys.path fix below)
"""HTTP throughput benchmark: the public pages and the main API reads, served the way
production serves them, under a load generator in a separate process.

    python bench/http.py                                 # 6 s per path, 16 and 64 connections
    python bench/http.py --seconds 3 --connections 16 --workers 2
    python bench/http.py --server daphne                 # one daphne process, to compare

The app: ``scripts/serve.sh`` (gunicorn with ``--workers`` uvicorn workers, the CPU count
by default) with ``marketplace.settings.production`` on PostgreSQL and Redis, DEBUG off,
no access log. Only what a benchmark on plain HTTP on the loopback needs differs from a
production deployment: ``DJANGO_SECURE_SSL_REDIRECT=false``, the anonymous API rate limit
raised (``API_THROTTLE_ANON``), and ``BENCH_TRIVIAL_VIEW=true``, which routes
``/bench/trivial/`` (a view that returns "ok" through the whole middleware stack: the
baseline every path is divided by).

Database: DATABASE_URL when set (PostgreSQL; migrated and seeded as it is), else a
dedicated ``marketplace_bench_http`` database on 127.0.0.1:5432, dropped, created,
migrated and seeded with the demo data (``manage.py seed_demo``) at every run. Redis:
REDIS_URL, else ``redis://127.0.0.1:6379/11`` (cache and channel layer of the server).
Static files are collected into ``var/bench-static``.

The load: ``wrk`` when installed (``apt-get install wrk``; ``--latency`` with a Lua
``done`` hook that prints the 95th percentile), otherwise an asyncio client (aiohttp) in
a separate process. Each path in turn, the trivial view first, for ``--seconds`` at each
of ``--connections``, after a short warm-up. Every path is fetched once first and must
answer 200 (a path that is not routed or not public is left out and listed in
``skipped``).

The last line is one JSON object: ``pages`` maps each path to its ``rps``, ``p95_ms`` and
``ratio_to_trivial`` (requests/s over the trivial view's at the same connections) at the
first connection count, with every count under ``by_connections``; ``trivial`` holds the
trivial view's figures; ``errors`` counts answers other than 2xx/3xx and socket errors.
"""

from __future__ import annotations

import sys
from pathlib import Path

# This file is named like the standard library's ``http`` package, and Python puts a
# script's folder first on sys.path.
_BENCH = Path(__file__).resolve().parent
if __name__ == "__main__":
    # run as the benchmark: take bench/ off the path before anything imports ``http``
    sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _BENCH]
else:
    # imported as ``http`` by another script in bench/ (Django imports http.cookies):
    # hand the import over to the standard library's package
    import importlib.util as _util
    import sysconfig as _sysconfig

    _real = Path(_sysconfig.get_paths()["stdlib"]) / "http"
    _spec = _util.spec_from_file_location("http", _real / "__init__.py",
                                          submodule_search_locations=[str(_real)])
    _module = _util.module_from_spec(_spec)
    sys.modules["http"] = _module
    _spec.loader.exec_module(_module)

import argparse
import asyncio
import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from urllib.parse import quote

ROOT = _BENCH.parent
sys.path.insert(0, str(ROOT))

BENCH_DB = "marketplace_bench_http"
SETTINGS = "marketplace.settings.production"
TRIVIAL = "/bench/trivial/"
DEFAULT_REDIS = "redis://127.0.0.1:6379/11"

# wrk: the figures of one run as one JSON line (latency in microseconds)
WRK_SCRIPT = """
done = function(summary, latency, requests)
  io.write(string.format(
    '{"requests": %d, "duration_us": %d, "p50_us": %d, "p95_us": %d, "p99_us": %d, '
    .. '"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}\\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), summary.errors.connect, summary.errors.read,
    summary.errors.write, summary.errors.status, summary.errors.timeout))
end
"""


def percentile(values: list[float], p: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    k = (len(ordered) - 1) * p / 100
    low, high = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (k - low)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# ---------------------------------------------------------------------------------------
# set-up (in this process, before the server starts)


def prepare(static_root: Path) -> dict[str, str]:
    """Migrate and seed the bench database; return the environment of the server."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("_database", _BENCH / "_database.py")
    _database = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(_database)

    os.environ.setdefault("REDIS_URL", DEFAULT_REDIS)
    server_env = {
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "API_THROTTLE_ANON": "100000000/min",
        "API_THROTTLE_USER": "100000000/min",
        "BENCH_TRIVIAL_VIEW": "true",
        "STATIC_ROOT": str(static_root),
        "LOG_LEVEL": "WARNING",
        # the demo's mails (seeding) are not printed among the figures
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
    }
    # the seeding runs its tasks inline (no Celery worker in this benchmark)
    _database.prepare_database(BENCH_DB, script="http.py", settings_module=SETTINGS,
                               environ={**server_env, "CELERY_TASK_ALWAYS_EAGER": "true"})
    from django.core.management import call_command

    call_command("compile_translations", verbosity=0)
    call_command("seed_demo", verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115
    call_command("collectstatic", interactive=False, verbosity=0)
    env = {k: v for k, v in os.environ.items() if k != "CELERY_TASK_ALWAYS_EAGER"}
    env.update(server_env)
    return env


def candidate_paths() -> tuple[list[str], list[str]]:
    """The public pages and the main API reads, with ids from the seeded data."""
    from catalog.models import Makerspace, Product
    from crowdfunding.models import Campaign

    product = Product.objects.filter(status=Product.Status.PUBLISHED).order_by("pk").first()
    space = Makerspace.objects.order_by("pk").first()
    campaign = (Campaign.objects.filter(status=Campaign.Status.LIVE).order_by("pk").first()
                or Campaign.objects.order_by("pk").first())
    word = quote((product.name if product else "传感器")[:2])
    pages = ["/", "/catalog/products/"]
    api = ["/api/catalog/products/"]
    if product:
        pages.append(f"/catalog/products/{product.slug}/")
        api.append(f"/api/catalog/products/{product.pk}/")
    pages.append("/catalog/makerspaces/")
    api.append("/api/catalog/makerspaces/")
    if space:
        pages.append(f"/catalog/makerspaces/{space.slug}/")
    pages += [f"/search/?q={word}", "/crowdfunding/"]
    api += [f"/api/search/?q={word}", "/api/crowdfunding/campaigns/"]
    if campaign:
        pages.append(f"/crowdfunding/{campaign.pk}/")
        api.append(f"/api/crowdfunding/campaigns/{campaign.pk}/")
    # procurement has no public notice list; a request page is tried (left out unless public)
    from procurement.models import PurchaseRequest

    notice = PurchaseRequest.objects.order_by("pk").first()
    if notice:
        pages.append(f"/procurement/requests/{notice.pk}/")
    return pages, api


# ---------------------------------------------------------------------------------------
# the server


def start_server(env: dict[str, str], port: int, workers: int, kind: str) -> subprocess.Popen:
    env = {**env, "HOST": "127.0.0.1", "PORT": str(port), "WEB_WORKERS": str(workers),
           "WEB_ACCESS_LOG": "", "DJANGO_SETTINGS_MODULE": SETTINGS}
    if kind == "serve":
        command = [str(ROOT / "scripts" / "serve.sh")]
    else:  # the former production server, for comparison: one daphne process
        env.setdefault("DATABASE_POOL_MAX_SIZE", "8")
        command = [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port),
                   "marketplace.asgi:application"]
    log = open(ROOT / "var" / "bench-http-server.log", "wb")  # noqa: SIM115 (the child's)
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=log,
                            stderr=subprocess.STDOUT, start_new_session=True)


def stop_server(server: subprocess.Popen) -> None:
    if server.poll() is None:
        server.send_signal(signal.SIGTERM)  # gunicorn stops its workers gracefully
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


def fetch(url: str, timeout: float = 10) -> int:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310
            response.read()
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


def wait_until_up(server: subprocess.Popen, base: str, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit(f"the server stopped during start-up; see {ROOT / 'var' / 'bench-http-server.log'}")
        try:
            if fetch(base + TRIVIAL, timeout=2) == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    sys.exit(f"the server did not answer within {timeout:.0f} s")


# ---------------------------------------------------------------------------------------
# load generators (each in a process of its own)


def run_wrk(wrk: str, url: str, connections: int, seconds: float, script: Path) -> dict:
    threads = max(1, min(connections, os.cpu_count() or 1))
    out = subprocess.run(
        [wrk, f"-t{threads}", f"-c{connections}", f"-d{max(1, round(seconds))}s",
         "--timeout", "10s", "-s", str(script), url],
        capture_output=True, text=True, check=True, timeout=seconds + 60).stdout
    figures = json.loads(out.strip().splitlines()[-1])
    duration = figures["duration_us"] / 1e6
    return {"requests": figures["requests"], "rps": figures["requests"] / duration,
            "p50_ms": figures["p50_us"] / 1000, "p95_ms": figures["p95_us"] / 1000,
            "p99_ms": figures["p99_us"] / 1000,
            "errors": sum(figures[k] for k in ("connect", "read", "write", "status",
                                               "timeout"))}


def run_asyncio_client(url: str, connections: int, seconds: float) -> dict:
    out = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--client", url,
         "--connections", str(connections), "--seconds", str(seconds)],
        capture_output=True, text=True, check=True, timeout=seconds + 60).stdout
    return json.loads(out.strip().splitlines()[-1])


async def _client(url: str, connections: int, seconds: float) -> dict:
    import aiohttp

    latencies: list[float] = []
    errors = 0
    connector = aiohttp.TCPConnector(limit=connections)
    async with aiohttp.ClientSession(connector=connector) as session:
        started = time.perf_counter()
        stop_at = started + seconds

        async def one_connection():
            nonlocal errors
            while time.perf_counter() < stop_at:
                begun = time.perf_counter()
                try:
                    async with session.get(url, allow_redirects=False) as response:
                        await response.read()
                        if response.status >= 400:
                            errors += 1
                except aiohttp.ClientError:
                    errors += 1
                latencies.append(time.perf_counter() - begun)

        await asyncio.gather(*(one_connection() for _ in range(connections)))
        elapsed = time.perf_counter() - started
    ms = [s * 1000 for s in latencies]
    return {"requests": len(ms), "rps": len(ms) / elapsed, "p50_ms": percentile(ms, 50),
            "p95_ms": percentile(ms, 95), "p99_ms": percentile(ms, 99), "errors": errors}


# ---------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=6.0, help="per path and count")
    parser.add_argument("--connections", default="16,64",
                        help="comma-separated connection counts (default 16,64)")
    parser.add_argument("--workers", type=int, default=max(2, os.cpu_count() or 1),
                        help="server worker processes (default: the CPU count, at least 2)")
    parser.add_argument("--server", choices=["serve", "daphne"], default="serve",
                        help="scripts/serve.sh (default), or one daphne process to compare")
    parser.add_argument("--warmup", type=float, default=1.0, help="seconds per path first")
    parser.add_argument("--client", help=argparse.SUPPRESS)  # the asyncio load process
    args = parser.parse_args()
    counts = [int(c) for c in str(args.connections).split(",") if c.strip()]
    if not counts or min(counts) < 1 or args.seconds <= 0 or args.workers < 1:
        sys.exit("--connections, --seconds and --workers must be positive")

    if args.client:
        print(json.dumps(asyncio.run(_client(args.client, counts[0], args.seconds))))
        return

    load_start = os.getloadavg()
    (ROOT / "var").mkdir(exist_ok=True)
    began = time.monotonic()
    env = prepare(ROOT / "var" / "bench-static")
    pages, api = candidate_paths()
    from django.db import connections

    connections.close_all()
    setup_s = time.monotonic() - began

    wrk = shutil.which("wrk")
    generator = "wrk" if wrk else "asyncio (aiohttp)"
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    workers = args.workers if args.server == "serve" else 1
    server = start_server(env, port, workers, args.server)
    results: dict[str, dict[str, dict]] = {}
    skipped: dict[str, int] = {}
    with tempfile.TemporaryDirectory() as tmp:
        script = Path(tmp) / "report.lua"
        script.write_text(WRK_SCRIPT)

        def load(path: str, connections_: int, seconds: float) -> dict:
            if wrk:
                return run_wrk(wrk, base + path, connections_, seconds, script)
            return run_asyncio_client(base + path, connections_, seconds)

        try:
            wait_until_up(server, base)
            paths = [TRIVIAL]
            for path in pages + api:
                status = fetch(base + path)
                if status == 200:
                    paths.append(path)
                else:
                    skipped[path] = status
            print(f"server: {args.server}, {workers} process(es) at {base}; load: {generator}; "
                  f"{len(paths)} paths x {counts} connections x {args.seconds:g} s",
                  file=sys.stderr)
            for path in paths:  # warm every worker's caches and connections
                load(path, max(counts), args.warmup)
            for count in counts:
                for path in paths:
                    figures = load(path, count, args.seconds)
                    results.setdefault(path, {})[str(count)] = figures
                    print(f"  c={count:<3} {figures['rps']:8.1f} req/s  "
                          f"p95 {figures['p95_ms']:7.1f} ms  errors {figures['errors']}  {path}",
                          file=sys.stderr)
        finally:
            stop_server(server)

    def row(path: str, count: str) -> dict:
        figures, trivial = results[path][count], results[TRIVIAL][count]
        return {"rps": round(figures["rps"], 1), "p95_ms": round(figures["p95_ms"], 2),
                "ratio_to_trivial": round(figures["rps"] / trivial["rps"], 3)
                if trivial["rps"] else None,
                "p50_ms": round(figures["p50_ms"], 2), "p99_ms": round(figures["p99_ms"], 2),
                "requests": figures["requests"], "errors": figures["errors"]}

    first = str(counts[0])
    out_pages = {}
    for path in results:
        if path == TRIVIAL:
            continue
        out_pages[path] = {**{k: row(path, first)[k] for k in ("rps", "p95_ms",
                                                               "ratio_to_trivial")},
                           "kind": "api" if path.startswith("/api/") else "page",
                           "by_connections": {c: row(path, c) for c in results[path]}}
    report = {
        "pages": out_pages,
        "trivial": {c: row(TRIVIAL, c) for c in results.get(TRIVIAL, {})},
        "connections": counts,
        "seconds": args.seconds,
        "workers": workers,
        "server": ("gunicorn + uvicorn workers (scripts/serve.sh)" if args.server == "serve"
                   else "one daphne process") + ", marketplace.settings.production",
        "load_generator": generator,
        "skipped": skipped,
        "errors": sum(f["errors"] for per in results.values() for f in per.values()),
        "setup_s": round(setup_s, 1),
        "total_s": round(time.monotonic() - began, 1),
        "cpus": os.cpu_count(),
        "load_average_start": [round(x, 2) for x in load_start],
        "load_average_end": [round(x, 2) for x in os.getloadavg()],
    }
    print(json.dumps(report, ensure_ascii=False))


if __name__ == "__main__":
    main()
