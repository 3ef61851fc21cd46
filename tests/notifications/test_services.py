import threading

import pytest
from django.core import mail
from django.db import DatabaseError, connection, transaction

from marketplace.notifications.models import Notification
from marketplace.notifications.services import (
    notification_create,
    notification_mark_read,
    notification_send_email,
    user_group,
)
from tests.core.factories import UserFactory
from tests.notifications.factories import NotificationFactory

pytestmark = pytest.mark.django_db


def test_create_stores_and_pushes_to_the_users_group_after_commit(
    monkeypatch, django_capture_on_commit_callbacks
):
    sent = []

    class FakeLayer:
        async def group_send(self, group, message):
            sent.append((group, message))

    monkeypatch.setattr(
        "marketplace.notifications.services.get_channel_layer", lambda: FakeLayer()
    )
    user = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        note = notification_create(user=user, kind="test.kind", title="Hello", body="b")
        assert sent == []
    assert Notification.objects.get(pk=note.pk).user == user
    [(group, message)] = sent
    assert group == user_group(user.pk) == f"user.{user.pk}"
    assert message["type"] == "notification.message"
    assert message["payload"]["id"] == note.pk and message["payload"]["title"] == "Hello"


def test_a_channel_layer_failure_never_breaks_the_committed_action(
    monkeypatch, django_capture_on_commit_callbacks, caplog
):
    class BrokenLayer:
        async def group_send(self, group, message):
            raise ConnectionError("redis is down")

    monkeypatch.setattr(
        "marketplace.notifications.services.get_channel_layer", lambda: BrokenLayer()
    )
    user = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        notification_create(user=user, kind="k", title="t")
    assert Notification.objects.filter(user=user).count() == 1
    assert "push to channel group" in caplog.text


def test_email_copy_is_sent_after_commit_and_only_once(django_capture_on_commit_callbacks):
    user = UserFactory(email="maker@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        note = notification_create(user=user, kind="k", title="Campaign funded", email=True)
        assert mail.outbox == []
    assert [m.to for m in mail.outbox] == [["maker@example.org"]]
    assert mail.outbox[0].subject == "Campaign funded"
    note.refresh_from_db()
    assert note.emailed_at is not None

    # a retried or duplicated task is a no-op
    assert notification_send_email(notification_id=note.pk) is False
    assert len(mail.outbox) == 1


def test_a_failing_send_leaves_the_mail_to_be_sent_by_the_retry(monkeypatch):
    note = NotificationFactory(user=UserFactory(email="maker@example.org"))

    def smtp_down(*args, **kwargs):
        raise ConnectionRefusedError("smtp down")

    monkeypatch.setattr("marketplace.core.mail.send_mail", smtp_down)
    with pytest.raises(OSError):  # the task retries on OSError
        notification_send_email(notification_id=note.pk)
    note.refresh_from_db()
    assert note.emailed_at is None  # the claim was cleared
    monkeypatch.undo()

    assert notification_send_email(notification_id=note.pk) is True
    assert [m.to for m in mail.outbox] == [["maker@example.org"]]
    note.refresh_from_db()
    assert note.emailed_at is not None
    assert notification_send_email(notification_id=note.pk) is False
    assert len(mail.outbox) == 1


def test_a_user_without_an_address_gets_no_mail_and_nothing_is_marked():
    note = NotificationFactory()
    type(note.user).objects.filter(pk=note.user_id).update(email="")
    assert notification_send_email(notification_id=note.pk) is False
    note.refresh_from_db()
    assert note.emailed_at is None


@pytest.mark.django_db(transaction=True)
def test_no_row_lock_is_held_while_the_mail_server_is_talked_to(requires_postgres, monkeypatch):
    """The mail goes out after the claim committed: another transaction can lock the
    notification row at once (NOWAIT) while send_mail runs."""
    note = NotificationFactory(user=UserFactory(email="maker@example.org"))
    seen = {}

    def lock_from_elsewhere():
        try:
            with transaction.atomic():
                row = Notification.objects.select_for_update(nowait=True).get(pk=note.pk)
                seen["emailed_at"] = row.emailed_at
        except DatabaseError as exc:
            seen["error"] = exc
        finally:
            connection.close()

    def send_mail(*args, **kwargs):
        thread = threading.Thread(target=lock_from_elsewhere)
        thread.start()
        thread.join(10)
        return 1

    monkeypatch.setattr("marketplace.core.mail.send_mail", send_mail)
    assert notification_send_email(notification_id=note.pk) is True
    assert "error" not in seen, seen.get("error")
    assert seen["emailed_at"] is not None  # the claim was already committed


def test_no_email_unless_asked(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notification_create(user=UserFactory(), kind="k", title="t")
    assert mail.outbox == []


def test_email_task_for_a_missing_notification_does_nothing():
    assert notification_send_email(notification_id=999_999) is False
    assert mail.outbox == []


def test_mark_read_touches_only_the_users_own_notifications():
    alice, bob = UserFactory(), UserFactory()
    mine = NotificationFactory.create_batch(3, user=alice)
    theirs = NotificationFactory(user=bob)
    marked = notification_mark_read(
        user=alice, notification_ids=[mine[0].pk, mine[1].pk, theirs.pk]
    )
    assert marked == 2
    theirs.refresh_from_db()
    assert theirs.read_at is None
    assert Notification.objects.filter(user=alice, read_at__isnull=True).count() == 1
    # marking again changes nothing; "all" marks the rest
    assert notification_mark_read(user=alice, notification_ids=[mine[0].pk]) == 0
    assert notification_mark_read(user=alice) == 1
    assert Notification.objects.filter(user=bob, read_at__isnull=True).count() == 1
