"""Settlement benchmark: charge every active pledge of a funded campaign against the fake
Stripe server limited to ``--rate`` requests a second, then again with the settling
process killed half-way and resumed.

    python bench/settlement.py                        # 10,000 pledges, 100 requests/s
    python bench/settlement.py --pledges 1000 --rate 100

Database: DATABASE_URL when set (PostgreSQL, migrated, used as it is), else a dedicated
``marketplace_bench_settlement`` database on 127.0.0.1:5432, dropped, created and
migrated at every run. The fake Stripe server runs as its own process with its token
bucket set to ``--rate`` a second (429 beyond it, as Stripe).

Pledges are bulk-inserted (backers, saved cards ``pm_card_visa`` and active pledges:
card setup excluded); the campaign is closed through ``campaign_close``. The settling
process is a separate ``python bench/settlement.py --worker`` running
``settlement_run`` paced at the same rate. Measured: ``seconds`` (the run, in the
worker), ``efficiency`` = (pledges / rate) / seconds. Then a second campaign of the
same size: the worker is killed (SIGKILL) once half its pledges are charged, a new
worker resumes; ``resumed_seconds`` from the first worker's start to the resume's end,
``double_charges`` from the fake's charge ledger (pledges charged more than once),
``unresolved`` the pledges neither charged nor payment_failed. The last line is one
JSON object with every figure.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import _campaign  # noqa: E402
import _database  # noqa: E402

BENCH_DB = "marketplace_bench_settlement"
SETTINGS = "marketplace.settings.test"


def prepare_database() -> str:
    return _database.prepare_database(BENCH_DB, script="settlement.py", settings_module=SETTINGS)


def setup(pledges: int) -> int:
    """A funded campaign with ``pledges`` active pledges (bulk), closed at its deadline."""
    from datetime import timedelta

    from django.contrib.auth.hashers import make_password
    from django.utils import timezone

    from crowdfunding.models import Campaign, Pledge
    from crowdfunding.services.campaigns import (
        campaign_approve,
        campaign_close,
        campaign_create,
        campaign_launch,
        campaign_submit,
    )
    from crowdfunding.services.tiers import tier_create
    from marketplace.accounts.models import (
        User,
    )
    from marketplace.payments.models import SavedPaymentMethod

    made = _campaign.maker_with_product()
    organisation, maker, product, staff = (made[k] for k in ("organisation", "maker",
                                                            "product", "staff"))
    campaign = campaign_create(actor=maker, organisation=organisation, title="Settlement",
                               goal_amount="100", duration_days=30, products=[product.pk],
                               launch_at=timezone.now() + timedelta(minutes=1))
    tier = tier_create(actor=maker, campaign=campaign, title="Unlimited", price="100",
                       estimated_delivery="2027-06", quantity=None)
    campaign_submit(actor=maker, campaign=campaign)
    campaign_approve(actor=staff, campaign=campaign)
    campaign_launch(campaign=campaign, now=campaign.launch_at)
    campaign.refresh_from_db()
    unusable = make_password(None)
    users = User.objects.bulk_create([
        User(email=f"backer-{made['tag']}-{i}@bench.local", password=unusable) for i in range(pledges)],
        batch_size=2000)
    cards = SavedPaymentMethod.objects.bulk_create([
        SavedPaymentMethod(owner=u, provider_payment_method_id="pm_card_visa", brand="visa",
                           last4="4242", exp_month=12, exp_year=2034, off_session_consent=True,
                           status=SavedPaymentMethod.Status.ACTIVE) for u in users],
        batch_size=2000)
    Pledge.objects.bulk_create([
        Pledge(campaign=campaign, tier=tier, backer=u, amount_value=100, currency=tier.price_currency,
               payment_method=c, status=Pledge.Status.ACTIVE)
        for u, c in zip(users, cards, strict=True)], batch_size=2000)
    campaign_close(campaign=campaign, now=campaign.ends_at)
    assert Campaign.objects.get(pk=campaign.pk).status == Campaign.Status.FUNDED
    return campaign.pk


def worker(campaign_id: int, rate: float, workers: int, part: int, parts: int) -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", SETTINGS)
    django.setup()
    from crowdfunding.services.settlement import settlement_run

    started = time.perf_counter()
    cpu = time.process_time()
    counts = settlement_run(campaign_id=campaign_id, workers=workers, rate=rate, part=part,
                            parts=parts)
    print(json.dumps({"seconds": time.perf_counter() - started, "counts": counts,
                      "cpu_seconds": time.process_time() - cpu}), flush=True)


def _spawn(campaign_id: int, args, env: dict) -> list[subprocess.Popen]:
    """The settling processes, one per part, sharing the rate through Redis."""
    return [subprocess.Popen(  # noqa: S603
        [sys.executable, __file__, "--worker", "--campaign", str(campaign_id),
         "--rate", str(args.rate), "--workers", str(args.workers),
         "--part", str(part), "--processes", str(args.processes)],
        env=env, stdout=subprocess.PIPE, text=True) for part in range(args.processes)]


def _finish(runs: list[subprocess.Popen]) -> float:
    """Wait for every process; the CPU seconds they report, summed."""
    cpu = 0.0
    for run in runs:
        out, _ = run.communicate()
        cpu += json.loads(out.strip().splitlines()[-1])["cpu_seconds"]
    return cpu


def _count(campaign_id: int, statuses) -> int:
    from crowdfunding.models import Pledge

    return Pledge.objects.filter(campaign_id=campaign_id, status__in=statuses).count()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pledges", type=int, default=10_000)
    parser.add_argument("--rate", type=float, default=100.0)
    parser.add_argument("--workers", type=int, default=4, help="threads per process")
    parser.add_argument("--processes", type=int, default=2,
                        help="settling processes (CROWDFUNDING_SETTLEMENT_PROCESSES)")
    parser.add_argument("--part", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--campaign", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args.campaign, args.rate, args.workers, args.part, args.processes)
        return

    from marketplace.payments.fake_stripe.process import FakeStripeServer

    prepare_database()
    fake = FakeStripeServer()
    fake.start()
    try:
        fake.control.set_rate_limit(args.rate, args.rate)
        env = {**os.environ, "STRIPE_SECRET_KEY": "sk_test_bench", "STRIPE_API_BASE": fake.url,
               "PAYMENTS_GATEWAY_RETRY_BASE_SECONDS": "0.05", "PAYMENTS_GATEWAY_RETRIES": "8"}
        from crowdfunding.models import Pledge

        settled = (Pledge.Status.CHARGED, Pledge.Status.PAYMENT_FAILED)

        first = setup(args.pledges)
        started = time.perf_counter()
        cpu_seconds = _finish(_spawn(first, args, env))
        seconds = time.perf_counter() - started
        unresolved_first = args.pledges - _count(first, settled)

        second = setup(args.pledges)
        started = time.perf_counter()
        runs = _spawn(second, args, env)
        while _count(second, [Pledge.Status.CHARGED]) < args.pledges // 2:
            if all(run.poll() is not None for run in runs):
                break
            time.sleep(0.05)
        killed_at = _count(second, [Pledge.Status.CHARGED])
        for run in runs:
            run.send_signal(signal.SIGKILL)
            run.wait()
        _finish(_spawn(second, args, env))
        resumed_seconds = time.perf_counter() - started
        unresolved = args.pledges - _count(second, settled) + unresolved_first

        charges = fake.control.ledger()["charges"]
        per_reference = Counter(c["metadata"].get("reference") for c in charges)
        double = sum(n - 1 for n in per_reference.values() if n > 1)
        refused = fake.control.state()["rate_limit"]["refused"]
    finally:
        fake.stop()
    ideal = args.pledges / args.rate
    print(json.dumps({
        "pledges": args.pledges, "rate_limit": args.rate, "processes": args.processes,
        "workers": args.workers, "cpu_ms_per_charge": round(1000 * cpu_seconds / args.pledges, 1),
        "seconds": round(seconds, 2), "efficiency": round(ideal / seconds, 3),
        "killed_at_charged": killed_at, "resumed_seconds": round(resumed_seconds, 2),
        "resumed_efficiency": round(ideal / resumed_seconds, 3),
        "double_charges": double, "unresolved": unresolved, "charges": len(charges),
        "rate_limited_429": refused,
    }))


if __name__ == "__main__":
    main()
