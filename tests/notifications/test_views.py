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
