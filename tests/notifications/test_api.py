import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from marketplace.notifications.models import Notification
from tests.core.factories import UserFactory
from tests.notifications.factories import NotificationFactory

pytestmark = pytest.mark.django_db

LIST = "/api/notifications/"
READ = "/api/notifications/read"


def test_urls():
    assert reverse("notification-list") == LIST
    assert reverse("notification-read") == READ


def test_anonymous_gets_403_not_500(api_client):
    assert api_client.get(LIST).status_code == 403
    response = api_client.post(READ, {"all": True}, format="json")
    assert response.status_code == 403
    assert response.json()["code"] == "not_authenticated"


def test_list_shows_only_own_notifications_with_the_unread_count(
    api_client, django_assert_max_num_queries
):
    alice, bob = UserFactory(), UserFactory()
    mine = NotificationFactory.create_batch(3, user=alice)
    NotificationFactory.create_batch(2, user=bob)
    Notification.objects.filter(pk=mine[0].pk).update(read_at=mine[0].created_at)

    api_client.force_login(alice)
    with django_assert_max_num_queries(8):
        response = api_client.get(LIST)
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 3
    assert body["unread_count"] == 2
    assert [n["id"] for n in body["results"]] == [n.pk for n in reversed(mine)]
    assert {n["is_read"] for n in body["results"]} == {True, False}
    assert set(body["results"][0]) == {
        "id", "kind", "title", "body", "url", "created_at", "read_at", "is_read"
    }


def test_list_can_show_only_unread_and_paginates(api_client):
    alice = UserFactory()
    notes = NotificationFactory.create_batch(5, user=alice)
    Notification.objects.filter(pk=notes[0].pk).update(read_at=notes[0].created_at)
    api_client.force_login(alice)

    unread = api_client.get(LIST, {"unread": "true"}).json()
    assert unread["count"] == 4 and notes[0].pk not in [n["id"] for n in unread["results"]]

    page = api_client.get(LIST, {"page_size": 2, "page": 2}).json()
    assert page["count"] == 5 and len(page["results"]) == 2 and page["next"]


def test_query_count_does_not_grow_with_the_list(api_client, django_assert_num_queries):
    alice = UserFactory()
    api_client.force_login(alice)
    NotificationFactory.create_batch(2, user=alice)
    with CaptureQueriesContext(connection) as small:
        api_client.get(LIST)
    NotificationFactory.create_batch(15, user=alice)
    with django_assert_num_queries(len(small.captured_queries)):
        assert len(api_client.get(LIST).json()["results"]) == 17


def test_mark_read_by_ids_ignores_other_peoples_notifications(api_client):
    alice, bob = UserFactory(), UserFactory()
    mine = NotificationFactory.create_batch(2, user=alice)
    theirs = NotificationFactory(user=bob)
    api_client.force_login(alice)

    response = api_client.post(READ, {"ids": [mine[0].pk, theirs.pk]}, format="json")
    assert response.status_code == 200
    assert response.json() == {"marked": 1, "unread_count": 1}
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_mark_all_read(api_client):
    alice = UserFactory()
    NotificationFactory.create_batch(3, user=alice)
    other = NotificationFactory()
    api_client.force_login(alice)
    response = api_client.post(READ, {"all": True}, format="json")
    assert response.json() == {"marked": 3, "unread_count": 0}
    other.refresh_from_db()
    assert other.read_at is None


@pytest.mark.parametrize(
    "payload",
    [{}, {"ids": []}, {"ids": ["abc"]}, {"ids": [0]}, {"ids": "1,2"}, {"ids": list(range(1, 502))}],
)
def test_bad_input_is_a_readable_400(api_client, payload):
    alice = UserFactory()
    note = NotificationFactory(user=alice)
    api_client.force_login(alice)
    response = api_client.post(READ, payload, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert body["detail"] == "Some of the data you sent is not valid."
    assert body["errors"]
    note.refresh_from_db()
    assert note.read_at is None


def test_validation_message_in_chinese(api_client):
    api_client.force_login(UserFactory())
    response = api_client.post(READ, {}, format="json", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 400
    body = response.json()
    assert body["detail"] == "您提交的部分数据无效。"
    assert body["errors"]["non_field_errors"] == ["请给出要标记为已读的通知编号，或设置 all = true。"]
