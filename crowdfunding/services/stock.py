"""A limited tier's remaining units, spread over counter rows, that never oversell.

Why not one column: a single ``UPDATE tier SET remaining = remaining - 1 WHERE remaining
> 0`` serialises every pledge of a hot tier on one row lock, held until the pledge's
transaction commits; throughput falls as clients grow. Here a tier of N units has K
``TierStock`` rows (``CROWDFUNDING_TIER_SHARDS``, default 16) whose ``remaining`` sum to
exactly N - sold:

* **take**: lock one counter that still has a unit, picked at random and *skipping rows
  another pledge holds* (``SELECT ... WHERE remaining > 0 ORDER BY random() LIMIT 1 FOR
  UPDATE SKIP LOCKED``), then decrement it. Only when every counter with units is held by
  someone else does a pledge wait (``FOR UPDATE`` without SKIP LOCKED; PostgreSQL re-reads
  the row after the lock and drops it if it reached zero, so the loop asks again). A tier
  is sold out only when a plain read under the lock finds no counter above zero.
* **give back**: increment any counter (the pledge's own), so the sum stays exact.

No oversell: a unit leaves a counter only under that counter's row lock and while it is
above zero, and the database refuses a negative counter (``tier_stock_not_negative``).
Every unit sells: a pledge is refused only after it saw every counter at zero.
On SQLite (the embedded demo) locking clauses are ignored and writes are serialised by
the database itself, so the same statements hold.
"""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.db.models import F, Sum

from crowdfunding.errors import TierSoldOut
from crowdfunding.models import Tier, TierStock


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
    counters = TierStock.objects.filter(tier_id=tier_id, remaining__gt=0)
    while True:
        picked = list(counters.select_for_update(skip_locked=True)
                      .order_by("?").values_list("pk", "shard")[:1])
        if not picked:
            # every counter with units is held by another pledge (or none has units):
            # wait for one; after the lock the row is re-checked against remaining > 0
            picked = list(counters.select_for_update().order_by("shard")
                          .values_list("pk", "shard")[:1])
        if picked:
            pk, shard = picked[0]
            TierStock.objects.filter(pk=pk).update(remaining=F("remaining") - 1)
            return shard
        if not counters.exists():
            raise TierSoldOut()


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
