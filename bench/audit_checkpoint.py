"""Audit checkpoint benchmark: a signed checkpoint over 100,000 stream heads.

    python bench/audit_checkpoint.py                     # 100,000 streams
    python bench/audit_checkpoint.py --streams 20000     # a quick run

Database: DATABASE_URL when set (PostgreSQL; used as it is), else a dedicated
``marketplace_bench_audit`` database on 127.0.0.1:5432, dropped, created and migrated at
every run (checkpoints are append-only: a fresh database gives the same figures twice).

Streams ``bench:<n>`` are generated with one chained event each (hashes computed as
``audit_log`` does, written with COPY, heads advanced through the trigger), then:

  * first_seconds: the first checkpoint (every head is a new leaf);
  * seconds: the next checkpoint after ``--moved`` heads moved, while another process
    appends events to random streams, old and new, the whole time: events_appended_during
    and append_max_ms (the slowest append) against events_appended_before and
    append_max_ms_before (the same appender in the ``--baseline`` seconds before) show
    that appending does not wait for the checkpoint;
  * read_heads_seconds, tree_seconds: its two computing steps measured apart;
  * proof_seconds: one inclusion proof (uncached) at this size;
  * verify_seconds: audit_verify's checkpoint part (the chain of checkpoints and that the
    log still holds everything the newest covers);
  * unchanged_check_ms: what the chronograph's handler does each tick once the interval
    passed and nothing changed.

The last line of the output is one JSON object with every figure.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import random
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import _database  # noqa: E402

from marketplace.core.names import AuditAction  # noqa: E402


class BenchAudit(AuditAction):
    """The codes this benchmark writes (audit_log refuses undeclared codes)."""

    CREATED = "bench.created"
    DURING = "bench.during"
    MOVED = "bench.moved"

BENCH_DB = "marketplace_bench_audit"


def prepare_database() -> str:
    return _database.prepare_database(
        BENCH_DB, script="audit_checkpoint.py", settings_module="marketplace.settings.base",
        environ={"AUDIT_SIGNING_KEY": base64.b64encode(os.urandom(32)).decode()})


def generate(n: int) -> float:
    """Streams bench:0 .. bench:n-1 with one event each (those missing). Seconds spent."""
    from django.db import connection, transaction
    from django.utils import timezone

    from marketplace.core.audit.chain import GENESIS, canonical, event_hash
    from marketplace.core.models import AuditStream

    have = AuditStream.objects.filter(name__startswith="bench:").count()
    if have >= n:
        return 0.0
    started = time.perf_counter()
    now = timezone.now()
    names = [f"bench:{i}" for i in range(have, n)]
    data = canonical({"bench": True})
    with transaction.atomic():
        raw = connection.connection
        with raw.cursor() as cursor:
            with cursor.copy("COPY core_auditstream (name, last_seq, head_hash) FROM STDIN") as copy:
                for name in names:
                    copy.write_row((name, 0, GENESIS))
            with cursor.copy(
                "COPY core_auditevent (stream, seq, prev_hash, hash, action, actor_id, "
                "object_type, object_id, data, created_at) FROM STDIN"
            ) as copy:
                for name in names:
                    digest = event_hash(stream=name, seq=1, prev_hash=GENESIS,
                                        action="bench.created", actor_id=None, object_type="",
                                        object_id="", data=data, created_at=now)
                    copy.write_row((name, 1, GENESIS, digest, "bench.created", None, "", "",
                                    json.dumps(data), now))
            # advanced one by one through the trigger, as audit_log would
            cursor.execute(
                "UPDATE core_auditstream s SET last_seq = 1, head_hash = e.hash "
                "FROM core_auditevent e WHERE e.stream = s.name AND e.seq = 1 "
                "AND s.name LIKE 'bench:%' AND s.last_seq = 0"
            )
        cursor = connection.cursor()
        cursor.execute("ANALYZE core_auditstream")
        cursor.execute("ANALYZE core_auditevent")
    return time.perf_counter() - started


def append_until(stop_file: Path, streams: int, seed: int) -> None:
    """The appender, in a process of its own (the checkpoint's CPU work must not slow it
    through the GIL): appends through audit_log until ``stop_file`` exists, then prints
    one JSON list of [wall-clock start, milliseconds] per append."""
    from marketplace.core.audit import audit_log

    rng, appends = random.Random(seed), []
    while not stop_file.exists():
        name = (f"bench:{rng.randrange(streams)}" if rng.random() < 0.8
                else f"bench-new:{seed}:{len(appends)}")
        started, clock = time.time(), time.perf_counter()
        audit_log(actor=None, action=BenchAudit.DURING, stream=name)
        appends.append([started, (time.perf_counter() - clock) * 1000])
    print(json.dumps(appends))


class Appender:
    def __init__(self, streams: int, seed: int, folder: Path):
        self.stop_file = folder / f"stop-{os.getpid()}"
        self.stop_file.unlink(missing_ok=True)
        self.process = subprocess.Popen(
            [sys.executable, __file__, "--appender", str(self.stop_file),
             "--streams", str(streams), "--seed", str(seed)],
            env=os.environ.copy(), stdout=subprocess.PIPE, text=True,
        )
        self.appends: list = []

    def started(self) -> bool:
        """True once the appender's first events are in."""
        from marketplace.core.models import AuditStream

        deadline = time.time() + 60
        while time.time() < deadline:
            if AuditStream.objects.filter(name__startswith="bench-new:").exists():
                return True
            time.sleep(0.1)
        return False

    def finish(self) -> None:
        self.stop_file.touch()
        out, _ = self.process.communicate(timeout=60)
        self.stop_file.unlink(missing_ok=True)
        self.appends = json.loads(out.strip().splitlines()[-1]) if out.strip() else []

    def window(self, start: float, end: float) -> tuple[int, float]:
        """Appends that started in [start, end) (wall clock): how many, the slowest (ms)."""
        inside = [ms for at, ms in self.appends if start <= at < end]
        return len(inside), max(inside, default=0.0)


def move_heads(count: int, streams: int, seed: int) -> None:
    from marketplace.core.audit import audit_log

    rng = random.Random(seed)
    for i in rng.sample(range(streams), count):
        audit_log(actor=None, action=BenchAudit.MOVED, stream=f"bench:{i}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--streams", type=int, default=100_000)
    parser.add_argument("--moved", type=int, default=1000,
                        help="heads that move between the two checkpoints")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--baseline", type=float, default=5.0,
                        help="seconds of appending before the checkpoint, to compare with")
    parser.add_argument("--appender", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.appender:  # the child process: DATABASE_URL and the key come from the parent
        import django

        django.setup()
        append_until(args.appender, args.streams, args.seed)
        return

    url = prepare_database()
    print(f"database: {url.rsplit('@', 1)[-1]}", flush=True)
    generated = generate(args.streams)
    print(f"streams: {args.streams} (generated in {generated:.1f} s)", flush=True)

    from django.db import connection

    from marketplace.core.audit.checkpoints import audit_checkpoint_create, read_heads
    from marketplace.core.audit.deadlines import _unchanged_since
    from marketplace.core.audit.leaves import build_tree
    from marketplace.core.audit.selectors import stream_inclusion_proof
    from marketplace.core.audit.verify import checkpoints_verify
    from marketplace.core.models import AuditCheckpoint

    first_seconds = None
    if not AuditCheckpoint.objects.exists():
        started = time.perf_counter()
        first = audit_checkpoint_create()
        first_seconds = time.perf_counter() - started
        print(f"first checkpoint #{first.number}: {first.tree_size} streams in "
              f"{first_seconds:.2f} s", flush=True)

    move_heads(args.moved, args.streams, args.seed)
    appender = Appender(args.streams, args.seed + 1, ROOT / "var")
    if not appender.started():
        sys.exit("the appender process did not start appending")
    # a window with no checkpoint running, to compare the appends with
    baseline_start = time.time()
    time.sleep(args.baseline)
    started, clock = time.time(), time.perf_counter()
    checkpoint = audit_checkpoint_create()
    seconds = time.perf_counter() - clock
    finished = time.time()
    time.sleep(0.2)
    appender.finish()
    during, during_max = appender.window(started, finished)
    before, before_max = appender.window(baseline_start, started)
    new_leaves = checkpoint.new_leaves.count()
    print(f"checkpoint #{checkpoint.number}: {checkpoint.tree_size} streams, {new_leaves} new "
          f"leaves in {seconds:.2f} s; {during} events appended meanwhile, slowest "
          f"{during_max:.0f} ms ({before} in the {args.baseline:.0f} s before, slowest "
          f"{before_max:.0f} ms)", flush=True)

    started = time.perf_counter()
    snapshot = read_heads()
    read_heads_seconds = time.perf_counter() - started
    started = time.perf_counter()
    build_tree(snapshot.leaves)
    tree_seconds = time.perf_counter() - started

    started = time.perf_counter()
    stream_inclusion_proof(stream="bench:7", number=checkpoint.number)
    proof_seconds = time.perf_counter() - started

    latest = audit_checkpoint_create(only_if_changed=True) or checkpoint
    started = time.perf_counter()
    report = checkpoints_verify()
    verify_seconds = time.perf_counter() - started

    started = time.perf_counter()
    unchanged = _unchanged_since(latest)
    unchanged_ms = (time.perf_counter() - started) * 1000
    connection.close()

    result = {
        "streams": args.streams,
        "seconds": round(seconds, 2),
        "first_seconds": round(first_seconds, 2) if first_seconds is not None else None,
        "tree_size": checkpoint.tree_size,
        "new_leaves": new_leaves,
        "events_appended_during": during,
        "append_max_ms": round(during_max, 1),
        "events_appended_before": before,
        "append_max_ms_before": round(before_max, 1),
        "baseline_window_seconds": args.baseline,
        "appender_exit": appender.process.returncode,
        "read_heads_seconds": round(read_heads_seconds, 2),
        "tree_seconds": round(tree_seconds, 2),
        "proof_seconds": round(proof_seconds, 2),
        "verify_seconds": round(verify_seconds, 2),
        "verify_problems": len(report.problems),
        "unchanged_check_ms": round(unchanged_ms, 1),
        "unchanged": unchanged,
        "cpus": os.cpu_count(),
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
