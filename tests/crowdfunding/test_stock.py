"""The tier's counters never oversell: 200 concurrent pledge requests on a tier of 50 on
PostgreSQL (threads with their own connections) -> exactly 50 pledges, 150 sold-out 409s,
counters exactly at zero; then every unit given back on cancel."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection

from crowdfunding.errors import TierSoldOut
from crowdfunding.models import Pledge, TierStock
from crowdfunding.selectors import tier_remaining
from crowdfunding.services.pledges import pledge_cancel, pledge_create
from crowdfunding.services.stock import split_units, stock_give_back, stock_take
from tests.crowdfunding.factories import backer_with_card, live_campaign

REQUESTS = 200
UNITS = 50
THREADS = 32  # the shared PostgreSQL allows 100 connections in all


def test_split_is_exact():
    assert split_units(50, 16) == [4, 4] + [3] * 14
    assert split_units(3, 8) == [1, 1, 1, 0, 0, 0, 0, 0]


@pytest.mark.django_db(transaction=True)
def test_take_outside_a_transaction_is_a_programming_error():
    with pytest.raises(RuntimeError):
        stock_take(tier_id=1)


@pytest.mark.django_db
def test_last_unit_then_sold_out_then_given_back(settings):
    settings.CROWDFUNDING_TIER_SHARDS = 4
    campaign = live_campaign(tiers=(("Bird", "100", 3),))
    tier = campaign.tiers.get()
    from django.db import transaction

    with transaction.atomic():
        shards = [stock_take(tier_id=tier.pk) for _ in range(3)]
        with pytest.raises(TierSoldOut):
            stock_take(tier_id=tier.pk)
        stock_give_back(tier_id=tier.pk, shard=shards[0])
        stock_take(tier_id=tier.pk)
    assert tier_remaining(tier) == 0


@pytest.mark.django_db(transaction=True)
def test_200_concurrent_pledges_on_a_tier_of_50(requires_postgres, settings):
    settings.CROWDFUNDING_TIER_SHARDS = 8
    campaign = live_campaign(tiers=(("Hot", "100", UNITS),))
    tier = campaign.tiers.get()
    backers = [backer_with_card() for _ in range(REQUESTS)]
    barrier = threading.Barrier(THREADS)
    outcomes: list[str] = []
    lock = threading.Lock()
    local = threading.local()

    def pledge(args):
        backer, card = args
        if not getattr(local, "started", False):
            local.started = True
            barrier.wait()
        result = "error"
        try:
            pledge_create(actor=backer, campaign=campaign, tier=tier.pk, amount="100",
                          payment_method=card.pk)
            result = "created"
        except TierSoldOut as exc:
            assert exc.status_code == 409
            result = "sold_out"
        finally:
            connection.close()  # each request on its own connection, none left behind
        with lock:
            outcomes.append(result)

    with ThreadPoolExecutor(THREADS) as pool:
        list(pool.map(pledge, backers))
    assert outcomes.count("created") == UNITS
    assert outcomes.count("sold_out") == REQUESTS - UNITS
    assert Pledge.objects.filter(tier=tier, status=Pledge.Status.ACTIVE).count() == UNITS
    assert list(TierStock.objects.filter(tier=tier, remaining__lt=0)) == []
    assert tier_remaining(tier) == 0
    for pledge_row in Pledge.objects.filter(tier=tier).select_related("campaign", "backer"):
        pledge_cancel(actor=pledge_row.backer, pledge=pledge_row)
    assert tier_remaining(tier) == UNITS
