import pytest

from tests.core.factories import UserFactory
from tests.notifications.factories import NotificationFactory

pytestmark = pytest.mark.django_db


def test_page_lists_only_own_notifications(client):
    alice, bob = UserFactory(), UserFactory()
    NotificationFactory(user=alice, title="Alice's news")
    NotificationFactory(user=bob, title="Bob's secret")
    client.force_login(alice)
    response = client.get("/notifications/")
    assert response.status_code == 200
    assert b"Alice&#x27;s news" in response.content
    assert b"Bob" not in response.content


def test_page_needs_login(client):
    response = client.get("/notifications/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


@pytest.mark.parametrize(
    ("language", "text"), [("zh-hans", "暂无通知。"), ("en", "No notifications yet.")]
)
def test_empty_page_in_both_languages(client, language, text):
    client.force_login(UserFactory())
    response = client.get("/notifications/", HTTP_ACCEPT_LANGUAGE=language)
    assert text in response.content.decode()


def test_mark_all_read_from_the_page(client):
    alice, bob = UserFactory(), UserFactory()
    NotificationFactory.create_batch(2, user=alice)
    theirs = NotificationFactory(user=bob)
    client.force_login(alice)
    page = client.get("/notifications/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "You have 2 unread notifications." in page

    response = client.post("/notifications/read/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 302
    page = client.get("/notifications/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "All notifications are marked as read." in page
    assert "unread notification" not in page
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_mark_all_read_needs_post(client):
    client.force_login(UserFactory())
    assert client.get("/notifications/read/").status_code == 405
