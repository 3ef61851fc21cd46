"""Audit events, stream heads and heartbeats are read-only in the admin."""

import pytest
from allauth.mfa.models import Authenticator

from marketplace.core.audit import audit_log
from marketplace.core.models import AuditEvent, AuditStream
from tests.core.factories import SuperuserFactory
from tests.notifications.factories import NotificationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client):
    staff = SuperuserFactory()
    # staff must use MFA; an authenticator lets the admin through the MFA gate
    Authenticator.objects.create(user=staff, type=Authenticator.Type.TOTP, data={"secret": "x"})
    client.force_login(staff)
    return client


@pytest.fixture
def event():
    return audit_log(actor=None, action="test.something", data={"a": 1}, stream="admin-test")


def test_audit_event_can_be_viewed(staff_client, event):
    assert staff_client.get("/admin/core/auditevent/").status_code == 200
    response = staff_client.get(f"/admin/core/auditevent/{event.pk}/change/")
    assert response.status_code == 200
    assert b"test.something" in response.content
    assert b'name="_save"' not in response.content  # no save button: view only


def test_audit_event_change_post_is_refused(staff_client, event):
    response = staff_client.post(
        f"/admin/core/auditevent/{event.pk}/change/",
        {"stream": event.stream, "seq": event.seq, "action": "forged", "data": "{}"},
    )
    assert response.status_code == 403
    assert AuditEvent.objects.get(pk=event.pk).action == "test.something"


def test_audit_event_add_and_delete_are_refused(staff_client, event):
    assert staff_client.get("/admin/core/auditevent/add/").status_code == 403
    assert staff_client.post(f"/admin/core/auditevent/{event.pk}/delete/", {"post": "yes"}
                             ).status_code == 403
    response = staff_client.post(
        "/admin/core/auditevent/",
        {"action": "delete_selected", "_selected_action": [event.pk], "post": "yes"},
    )
    assert AuditEvent.objects.filter(pk=event.pk).exists()
    assert response.status_code in (200, 302)


def test_stream_heads_are_read_only(staff_client, event):
    head = AuditStream.objects.get(name="admin-test")
    response = staff_client.post(
        f"/admin/core/auditstream/{head.pk}/change/", {"last_seq": 0, "head_hash": "0" * 64}
    )
    assert response.status_code == 403
    assert AuditStream.objects.get(name="admin-test").last_seq == 1


def test_notifications_admin_lists(staff_client):
    NotificationFactory(title="Visible in admin")
    response = staff_client.get("/admin/notifications/notification/")
    assert response.status_code == 200
    assert b"Visible in admin" in response.content
