"""A limited tier's remaining units, spread over counter rows, that never oversell.

Why not one column: a single ``UPDATE tier SET remaining = remaining - 1 WHERE remaining
> 0`` serialises every pledge of a hot tier on one row lock, held until the pledge's
transaction commits; throughput falls as clients grow. Here a tier of N units has K
``TierStock`` rows (``CROWDFUNDING_TIER_SHARDS``, default 16) whose ``remaining`` sum to
exactly N - sold:

* **take**: lock one counter that still has a unit, picked at random and *skipping rows
  another pledge holds*, and decrement it, in one statement on PostgreSQL (``UPDATE ...
  SET remaining = remaining - 1 WHERE id = (SELECT id ... WHERE remaining > 0 ORDER BY
  random() LIMIT 1 FOR UPDATE SKIP LOCKED) RETURNING shard``). When every counter with
  units is held by pledges in flight, a plain read of the committed counts decides:
  all at zero is sold out; otherwise the pledge backs off (a few milliseconds, doubling)
  and tries again. A pledge never waits on a counter's row lock (a locking read that
  waits and then finds the row at zero keeps the lock anyway, and two of them deadlock).
* **give back**: increment any counter (the pledge's own), so the sum stays exact.

No oversell: a unit leaves a counter only under that counter's row lock and while it is
above zero, and the database refuses a negative counter (``tier_stock_not_negative``).
Every unit sells: a pledge is refused only after it saw every counter at zero in the
committed state, so a unit held by a pledge that rolls back is still sold.
On SQLite (the embedded demo) locking clauses are ignored and writes are serialised by
the database itself, so the same statements hold.
"""

from __future__ import annotations

import random
import time

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Sum

from crowdfunding.errors import StockBusy, TierSoldOut
from crowdfunding.models import Tier, TierStock

MAX_WAIT_SECONDS = 10.0


def shard_count() -> int:
    return max(1, int(getattr(settings, "CROWDFUNDING_TIER_SHARDS", 16)))


def split_units(units: int, shards: int) -> list[int]:
    """``units`` over ``shards`` counters, as even as possible (sum exact)."""
    base, extra = divmod(units, shards)
    return [base + (1 if i < extra else 0) for i in range(shards)]


def stock_create(*, tier: Tier, units: int) -> None:
    """The counters of a newly limited tier (inside the caller's transaction)."""
    TierStock.objects.bulk_create([
        TierStock(tier=tier, shard=i, remaining=n)
        for i, n in enumerate(split_units(units, shard_count()))
    ])


def stock_remaining(tier_id: int) -> int:
    return TierStock.objects.filter(tier_id=tier_id).aggregate(
        total=Sum("remaining"))["total"] or 0


def stock_take(*, tier_id: int) -> int:
    """Take one unit of the tier; returns the counter (shard) it came from. Must run
    inside the pledge's transaction (the counter stays locked until it commits). Raises
    ``TierSoldOut`` when no unit is left."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("stock_take runs inside the pledge's transaction")
    wait, waited = 0.001, 0.0
    while True:
        shard = _take_free_counter(tier_id)
        if shard is not None:
            return shard
        # every counter with units is held by a pledge in flight (or none has units): a
        # plain read sees the committed counts; zero everywhere is sold out, otherwise
        # wait for those pledges to commit or roll back. Never wait on a row lock: a
        # locking read that waits and then finds the row at zero keeps its lock, and two
        # such waits deadlock.
        if not TierStock.objects.filter(tier_id=tier_id, remaining__gt=0).exists():
            raise TierSoldOut()
        if waited > MAX_WAIT_SECONDS:
            raise StockBusy()
        pause = wait * (0.5 + random.random())  # noqa: S311 (jitter, not a secret)
        time.sleep(pause)
        waited += pause
        wait = min(wait * 2, 0.05)


def _take_free_counter(tier_id: int) -> int | None:
    """Lock a random counter with units that nobody holds and take one, in one statement;
    None when every such counter is held (or none is left)."""
    if connection.vendor != "postgresql":
        for pk, shard in (TierStock.objects.filter(tier_id=tier_id, remaining__gt=0)
                          .order_by("?").values_list("pk", "shard")):
            if TierStock.objects.filter(pk=pk, remaining__gt=0).update(
                    remaining=F("remaining") - 1):
                return shard
        return None
    table = connection.ops.quote_name(TierStock._meta.db_table)
    sql = (f"UPDATE {table} SET remaining = remaining - 1 WHERE id = ("  # noqa: S608
           f"SELECT id FROM {table} WHERE tier_id = %s AND remaining > 0 "
           "ORDER BY random() LIMIT 1 FOR UPDATE SKIP LOCKED) RETURNING shard")
    with connection.cursor() as cursor:
        cursor.execute(sql, [tier_id])
        row = cursor.fetchone()
    return None if row is None else row[0]


def stock_give_back(*, tier_id: int, shard: int | None) -> None:
    """Return one unit (a canceled or failed pledge, a tier change)."""
    updated = 0
    if shard is not None:
        updated = TierStock.objects.filter(tier_id=tier_id, shard=shard).update(
            remaining=F("remaining") + 1)
    if not updated:
        first = TierStock.objects.filter(tier_id=tier_id).order_by("shard").first()
        if first is not None:
            TierStock.objects.filter(pk=first.pk).update(remaining=F("remaining") + 1)


def stock_resize(*, tier_id: int, delta: int) -> None:
    """Add (``delta`` > 0) or withdraw (< 0) unsold units. Withdrawing locks every counter
    (in shard order, so two resizes cannot deadlock) and refuses to go below what is
    left."""
    if delta == 0:
        return
    rows = list(TierStock.objects.filter(tier_id=tier_id).select_for_update().order_by("shard"))
    if delta > 0:
        for row, extra in zip(rows, split_units(delta, len(rows)), strict=True):
            if extra:
                TierStock.objects.filter(pk=row.pk).update(remaining=F("remaining") + extra)
        return
    need = -delta
    if sum(r.remaining for r in rows) < need:
        raise TierSoldOut()
    for row in rows:
        take = min(row.remaining, need)
        if take:
            TierStock.objects.filter(pk=row.pk).update(remaining=F("remaining") - take)
            need -= take
        if not need:
            break
