"""The packs' limits under concurrent commitments on PostgreSQL, with real threads:
the CN investor cap (50 commits with room for 10 -> exactly 10) and the Reg CF 12-month
limit (one investor committing to three offerings at once cannot exceed it)."""

import contextlib
import threading
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from crowdfunding.equity.errors import LimitReached
from crowdfunding.equity.models import Commitment
from crowdfunding.equity.services.commitments import commitment_create

from .offerings import live, ready_investor
from .test_services_commitments import existing

pytestmark = pytest.mark.django_db(transaction=True)


def run_together(calls):
    """Run ``calls`` from a few threads released at once; returns (successes, limits)."""
    threads_count = min(len(calls), 5)  # the database is shared: few connections
    chunks = [calls[i::threads_count] for i in range(threads_count)]
    barrier = threading.Barrier(threads_count)
    done, refused, errors = [], [], []

    def work(chunk):
        try:
            barrier.wait()
            for call in chunk:
                try:
                    done.append(call())
                except LimitReached:
                    refused.append(call)
                except Exception as exc:  # noqa: BLE001 - reported below
                    errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(chunk,)) for chunk in chunks]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    return done, refused


def test_cn_cap_50_commits_with_room_for_10(requires_postgres):
    offering = live(vehicle="llc")
    existing(offering, 40)
    investors = [ready_investor() for _ in range(50)]
    calls = [lambda i=i: commitment_create(actor=i, offering=offering, amount="1000")
             for i in investors]
    done, refused = run_together(calls)
    assert len(done) == 10 and len(refused) == 40
    assert Commitment.objects.filter(offering=offering,
                                     status="committed").values("investor").distinct().count() == 50


def test_reg_cf_one_investor_three_offerings_at_once(requires_postgres, settings):
    settings.EQUITY_RULE_PACK = "us_reg_cf"
    start = timezone.now() + timedelta(days=1)
    offerings = [live(price_per_share="1", min_ticket="100", max_ticket="20000",
                      starts_at=start, deadline=start + timedelta(days=30))
                 for _ in range(3)]
    # USD 2,500 a year: two tickets of 1,000 fit, the third does not
    investor = ready_investor(annual_income="50000", net_worth="20000")
    calls = [lambda o=o: commitment_create(actor=investor, offering=o, amount="1000")
             for o in offerings] * 1
    done, refused = run_together(calls)
    assert len(done) == 2 and len(refused) == 1
    total = sum(c.amount_value for c in Commitment.objects.filter(investor=investor))
    assert total == 2000


def test_no_commitment_lands_after_the_close_decided(requires_postgres):
    """Commitments keep coming while the close runs: the total the close recorded is
    exactly the sum of the open commitments that exist; none landed after it."""
    from crowdfunding.equity.errors import OfferingNotOpen
    from crowdfunding.equity.models import Offering
    from crowdfunding.equity.services.offerings import offering_close
    from marketplace.core.models import AuditEvent

    offering = live(target="5000", allocation="pro_rata")
    investors = [ready_investor() for _ in range(16)]
    start = threading.Barrier(5)
    errors = []

    def commit_all(chunk):
        try:
            start.wait()
            for investor in chunk:
                with contextlib.suppress(OfferingNotOpen):  # after the close: refused
                    commitment_create(actor=investor, offering=offering, amount="1000")
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    def close():
        try:
            start.wait()
            offering_close(offering=Offering.objects.get(pk=offering.pk), now=offering.deadline)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=commit_all, args=(investors[i::4],)) for i in range(4)]
    threads.append(threading.Thread(target=close))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    event = AuditEvent.objects.get(object_id=str(offering.pk),
                                   action__startswith="equity.offering.closed_")
    committed = Commitment.objects.filter(offering=offering, status="committed")
    assert event.data["commitments"] == committed.count()
    assert sum(c.amount_value for c in committed) == Decimal(event.data["committed"])
