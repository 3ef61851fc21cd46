"""Hot tier benchmark: concurrent pledges on one limited tier, through the service layer.

    python bench/hot_tier.py                         # 64 clients, a tier of 1,000 units
    python bench/hot_tier.py --clients 16 --units 500 --shards 16

Database: DATABASE_URL when set (PostgreSQL; migrated, used as it is), else a dedicated
``marketplace_bench_hot_tier`` database on 127.0.0.1:5432, dropped, created and migrated
at every run.

The parent creates a verified maker, a live all-or-nothing campaign with one tier of
``--units`` units spread over ``--shards`` stock counters, and enough backers, each with
an active saved card (card setup is excluded from the measure). Then ``--clients``
separate processes (multiprocessing, fork: no shared interpreter lock), each with its own
database connection, start together and call ``pledge_create`` with their own backers
until the tier answers sold out. Measured: accepted pledges, oversold (accepted beyond
the units, and counters below zero), every unit sold, pledges per second from the common
start to the last process's end, and the 95th percentile latency of a pledge.

In the same run and the same processes: the raw single-row rate, ``UPDATE
bench_hot_tier_raw SET remaining = remaining - 1 WHERE id = 1 AND remaining > 0`` in
autocommit from every client for ``--raw-seconds``. ``ratio`` = pledges_per_s /
raw_update_per_s. Between the two, the reservation alone: every client takes units of a
second tier of ``--reserve-units`` (one ``stock_take`` per transaction, the pledge's
counter step without its checks, row and audit event) until it is sold out;
``reservation_ratio`` = reservations_per_s / raw_update_per_s shows what the sharded
counters do against the single row. The last line is one JSON object with every figure.
"""

from __future__ import annotations

import argparse
import json
import math
import multiprocessing as mp
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import _campaign  # noqa: E402
import _database  # noqa: E402

BENCH_DB = "marketplace_bench_hot_tier"


def prepare_database() -> str:
    return _database.prepare_database(BENCH_DB, script="hot_tier.py",
                                      settings_module="marketplace.settings.test")


def setup(units: int, shards: int, backers: int, reserve_units: int) -> dict:
    """The campaign, its tier and the backers with their cards (through the services
    where a maker or staff would act; backers and cards in bulk)."""
    from datetime import timedelta

    from django.conf import settings
    from django.contrib.auth.hashers import make_password
    from django.utils import timezone

    from crowdfunding.services.campaigns import (
        campaign_approve,
        campaign_create,
        campaign_launch,
        campaign_submit,
    )
    from crowdfunding.services.tiers import tier_create
    from marketplace.accounts.models import (
        User,
    )
    from marketplace.payments.models import SavedPaymentMethod

    settings.CROWDFUNDING_TIER_SHARDS = shards
    made = _campaign.maker_with_product()
    organisation, maker, product, staff = (made[k] for k in ("organisation", "maker",
                                                            "product", "staff"))
    campaign = campaign_create(actor=maker, organisation=organisation, title="Hot tier",
                               goal_amount="100000", duration_days=30, products=[product.pk],
                               launch_at=timezone.now() + timedelta(minutes=1))
    tier = tier_create(actor=maker, campaign=campaign, title="Launch day", price="100",
                       estimated_delivery="2027-06", quantity=units)
    reserve = tier_create(actor=maker, campaign=campaign, title="Reservation only",
                          price="100", estimated_delivery="2027-06", quantity=reserve_units)
    campaign_submit(actor=maker, campaign=campaign)
    campaign_approve(actor=staff, campaign=campaign)
    campaign_launch(campaign=campaign, now=campaign.launch_at)
    unusable = make_password(None)
    users = User.objects.bulk_create([
        User(email=f"backer-{made['tag']}-{i}@bench.local", password=unusable) for i in range(backers)])
    cards = SavedPaymentMethod.objects.bulk_create([
        SavedPaymentMethod(owner=u, provider_payment_method_id=f"pm_bench_{u.pk}",
                           brand="visa", last4="4242", exp_month=12, exp_year=2034,
                           off_session_consent=True, status=SavedPaymentMethod.Status.ACTIVE)
        for u in users])
    return {"campaign": campaign.pk, "tier": tier.pk, "reserve_tier": reserve.pk,
            "backers": [(u.pk, c.pk) for u, c in zip(users, cards, strict=True)]}


def _client(index: int, plan: dict, barrier, results, raw_seconds: float) -> None:
    from django.db import connection, transaction

    from crowdfunding.errors import TierSoldOut
    from crowdfunding.models import Campaign
    from crowdfunding.services.pledges import pledge_create
    from crowdfunding.services.stock import stock_take
    from marketplace.accounts.models import User

    mine = plan["slices"][index]
    users = {u.pk: u for u in User.objects.filter(pk__in=[b for b, _ in mine])}
    campaign = Campaign.objects.get(pk=plan["campaign"])
    latencies: list[float] = []
    accepted = sold_out = errors = 0
    connection.ensure_connection()
    barrier.wait()
    started = time.perf_counter()
    for backer_id, card_id in mine:
        t0 = time.perf_counter()
        try:
            pledge_create(actor=users[backer_id], campaign=campaign, tier=plan["tier"],
                          amount="100", payment_method=card_id)
        except TierSoldOut:
            sold_out += 1
            break
        except Exception as exc:  # counted, reported, never hidden
            errors += 1
            print(f"client {index}: {type(exc).__name__}: {exc}", file=sys.stderr)
            continue
        latencies.append((time.perf_counter() - t0) * 1000)
        accepted += 1
    ended = time.perf_counter()

    # the reservation alone: one unit of the second tier per transaction (the pledge's
    # counter step without its checks, pledge row and audit event), until sold out
    barrier.wait()
    reserved = 0
    reserve_started = time.perf_counter()
    while True:
        try:
            with transaction.atomic():
                stock_take(tier_id=plan["reserve_tier"])
        except TierSoldOut:
            break
        reserved += 1
    reserve_ended = time.perf_counter()

    # the raw single-row UPDATE, same process, same connection, autocommit
    barrier.wait()
    updates = 0
    raw_started = time.perf_counter()
    with connection.cursor() as cursor:
        while time.perf_counter() - raw_started < raw_seconds:
            cursor.execute("UPDATE bench_hot_tier_raw SET remaining = remaining - 1 "
                           "WHERE id = %s AND remaining > 0", [1])
            updates += 1
    raw_ended = time.perf_counter()
    connection.close()
    results.put({"accepted": accepted, "sold_out": sold_out, "errors": errors,
                 "latencies": latencies, "started": started, "ended": ended,
                 "reserved": reserved, "reserve_started": reserve_started,
                 "reserve_ended": reserve_ended,
                 "updates": updates, "raw_started": raw_started, "raw_ended": raw_ended})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=64)
    parser.add_argument("--units", type=int, default=1000)
    parser.add_argument("--shards", type=int, default=32)
    parser.add_argument("--raw-seconds", type=float, default=5.0)
    parser.add_argument("--reserve-units", type=int, default=10000,
                        help="units of the second tier, taken by the reservation-only phase")
    args = parser.parse_args()

    prepare_database()
    from django.db import connection, connections
    from django.db.models import Sum

    from crowdfunding.models import Pledge, TierStock

    per_client = max(4, math.ceil(args.units * 3 / args.clients))
    plan = setup(args.units, args.shards, per_client * args.clients, args.reserve_units)
    plan["slices"] = [plan["backers"][i * per_client:(i + 1) * per_client]
                      for i in range(args.clients)]
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_hot_tier_raw")
        cursor.execute("CREATE TABLE bench_hot_tier_raw (id integer PRIMARY KEY, "
                       "remaining integer NOT NULL)")
        cursor.execute("INSERT INTO bench_hot_tier_raw VALUES (1, 2000000000)")
    connections.close_all()  # children open their own

    context = mp.get_context("fork")
    barrier = context.Barrier(args.clients)
    results = context.Queue()
    processes = [context.Process(target=_client, args=(i, plan, barrier, results,
                                                       args.raw_seconds))
                 for i in range(args.clients)]
    for process in processes:
        process.start()
    rows = [results.get() for _ in processes]
    for process in processes:
        process.join()

    accepted = sum(r["accepted"] for r in rows)
    seconds = max(r["ended"] for r in rows) - min(r["started"] for r in rows)
    raw_seconds = max(r["raw_ended"] for r in rows) - min(r["raw_started"] for r in rows)
    reserve_seconds = (max(r["reserve_ended"] for r in rows)
                       - min(r["reserve_started"] for r in rows))
    reserved = sum(r["reserved"] for r in rows)
    reserve_left = TierStock.objects.filter(tier_id=plan["reserve_tier"]).aggregate(
        t=Sum("remaining"))["t"]
    reserve_negative = TierStock.objects.filter(tier_id=plan["reserve_tier"],
                                                remaining__lt=0).count()
    latencies = sorted(x for r in rows for x in r["latencies"])
    remaining = TierStock.objects.filter(tier_id=plan["tier"]).aggregate(
        t=Sum("remaining"))["t"]
    negative = TierStock.objects.filter(tier_id=plan["tier"], remaining__lt=0).count()
    stored = Pledge.objects.filter(tier_id=plan["tier"], status=Pledge.Status.ACTIVE).count()
    pledges_per_s = accepted / seconds if seconds else 0.0
    raw_per_s = sum(r["updates"] for r in rows) / raw_seconds if raw_seconds else 0.0
    figures = {
        "clients": args.clients,
        "units": args.units,
        "shards": args.shards,
        "accepted": accepted,
        "stored_pledges": stored,
        "sold_out_answers": sum(r["sold_out"] for r in rows),
        "errors": sum(r["errors"] for r in rows),
        "oversold": max(0, stored - args.units) + negative,
        "every_unit_sold": stored == args.units and remaining == 0,
        "remaining": remaining,
        "seconds": round(seconds, 3),
        "pledges_per_s": round(pledges_per_s, 1),
        "p50_ms": round(statistics.median(latencies), 2) if latencies else None,
        "p95_ms": round(latencies[int(0.95 * (len(latencies) - 1))], 2) if latencies else None,
        "raw_update_per_s": round(raw_per_s, 1),
        "ratio": round(pledges_per_s / raw_per_s, 3) if raw_per_s else None,
        "reservations": reserved,
        "reservation_oversold": max(0, reserved - args.reserve_units) + reserve_negative,
        "reservation_left": reserve_left,
        "reservations_per_s": round(reserved / reserve_seconds, 1) if reserve_seconds else 0,
        "reservation_ratio": (round(reserved / reserve_seconds / raw_per_s, 3)
                              if reserve_seconds and raw_per_s else None),
    }
    print(f"{accepted} pledges accepted of {args.units} units by {args.clients} clients in "
          f"{seconds:.2f} s; raw single-row UPDATE {raw_per_s:.0f}/s")
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
