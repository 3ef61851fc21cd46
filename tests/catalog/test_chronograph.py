"""Certification expiry through the chronograph, with travelled time."""

import threading
from datetime import timedelta

import pytest
import time_machine
from django.db import connection, transaction
from django.utils import timezone

from catalog.deadlines import certification_expiry
from catalog.models import Certification
from catalog.selectors import product_is_eligible_for_first_purchase
from catalog.services.certification import certification_revoke
from marketplace.core.chronograph import registered_handlers, run_due_handlers
from marketplace.core.models import AuditEvent
from marketplace.notifications.models import Notification
from tests.catalog.factories import PublishedProductFactory, certified
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
S = Certification.Status


def test_handler_is_registered():
    assert registered_handlers()["catalog.certification_expiry"] is certification_expiry


def test_certification_expires_the_day_after_its_last_valid_day(
    product, changed_products, django_capture_on_commit_callbacks
):
    applicant = UserFactory(preferred_language="en")
    cert = certified(product, days_left=10, applicant=applicant)
    still_valid = certified(PublishedProductFactory(), days_left=11)
    last_day = timezone.localdate() + timedelta(days=10)

    with time_machine.travel(timezone.now() + timedelta(days=10), tick=False):
        assert run_due_handlers()["catalog.certification_expiry"] == 0
        assert product_is_eligible_for_first_purchase(product)

    with time_machine.travel(timezone.now() + timedelta(days=11), tick=False), \
            django_capture_on_commit_callbacks(execute=True):
        assert timezone.localdate() > last_day
        results = run_due_handlers()
        assert results["catalog.certification_expiry"] == 1
        cert.refresh_from_db()
        assert cert.status == S.EXPIRED and cert.ended_at is not None
        assert not product_is_eligible_for_first_purchase(product)
        assert Certification.objects.get(pk=still_valid.pk).status == S.CERTIFIED
        # idempotent: a second tick finds nothing
        assert run_due_handlers()["catalog.certification_expiry"] == 0

    event = AuditEvent.objects.get(action="catalog.certification.expired")
    assert event.object_id == str(cert.pk) and event.actor_id is None
    assert event.data["from"] == "certified" and event.data["to"] == "expired"
    assert changed_products == [product.pk]
    note = Notification.objects.get(user=applicant, kind="catalog.certification.expired")
    assert note.kind == "catalog.certification.expired" and "has expired" in note.title


def test_revoked_and_rejected_rows_are_left_alone(product, staff):
    cert = certified(product, days_left=1)
    certification_revoke(actor=staff, certification=cert, reason="检测数据不实")
    with time_machine.travel(timezone.now() + timedelta(days=30), tick=False):
        assert certification_expiry(timezone.now()) == 0
    assert Certification.objects.get(pk=cert.pk).status == S.REVOKED


@pytest.mark.django_db(transaction=True)
def test_rows_locked_by_another_worker_are_skipped(requires_postgres):
    locked = certified(PublishedProductFactory(), days_left=1)
    free = certified(PublishedProductFactory(), days_left=2)
    holding, release = threading.Event(), threading.Event()

    def other_worker():
        with transaction.atomic():
            Certification.objects.select_for_update().get(pk=locked.pk)
            holding.set()
            release.wait(10)
        connection.close()

    worker = threading.Thread(target=other_worker)
    worker.start()
    try:
        holding.wait(10)
        with time_machine.travel(timezone.now() + timedelta(days=5), tick=False):
            assert certification_expiry(timezone.now()) == 1  # did not wait for the lock
            assert Certification.objects.get(pk=free.pk).status == S.EXPIRED
            assert Certification.objects.get(pk=locked.pk).status == S.CERTIFIED
    finally:
        release.set()
        worker.join()
    with time_machine.travel(timezone.now() + timedelta(days=5), tick=False):
        assert certification_expiry(timezone.now()) == 1
    assert Certification.objects.get(pk=locked.pk).status == S.EXPIRED
