"""The personal notifications websocket, over the real Redis channel layer."""

import pytest
import pytest_asyncio
from asgiref.sync import async_to_sync, sync_to_async
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.db import connections, transaction
from django.test import Client

from marketplace.asgi import application
from marketplace.notifications.consumers import CLOSE_MFA_REQUIRED
from marketplace.notifications.services import notification_create
from tests.accounts.factories import mfa_activate
from tests.core.factories import UserFactory
from tests.factories import StaffFactory, buyer_officer

pytestmark = [pytest.mark.asyncio, pytest.mark.django_db(transaction=True)]


@pytest_asyncio.fixture(autouse=True)
async def _close_connections_of_the_sync_thread():
    """Database work of async code runs in asgiref's shared sync thread, whose
    connections persist (CONN_MAX_AGE) and would keep the test database open."""
    yield
    await sync_to_async(connections.close_all)()

PATH = "/ws/notifications/"


def _session_cookie(user) -> str:
    client = Client()
    client.force_login(user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


async def open_socket(user=None) -> tuple[WebsocketCommunicator, bool, object]:
    headers = [(b"origin", b"http://localhost")]
    if user is not None:
        cookie = await database_sync_to_async(_session_cookie)(user)
        headers.append((b"cookie", f"{settings.SESSION_COOKIE_NAME}={cookie}".encode()))
    communicator = WebsocketCommunicator(application, PATH, headers=headers)
    connected, detail = await communicator.connect(timeout=5)
    return communicator, connected, detail


async def test_notification_arrives_only_after_commit(redis_channel_layer):
    user = await database_sync_to_async(UserFactory)()
    socket, connected, _ = await open_socket(user)
    assert connected
    try:

        def create_inside_a_transaction():
            with transaction.atomic():
                note = notification_create(
                    user=user, kind="crowdfunding.pledge.charged", title="支付成功",
                    body="您的支持已扣款。", url="/crowdfunding/1/",
                )
                # the transaction is still open: nothing may have been pushed yet
                nothing_yet = async_to_sync(socket.receive_nothing)(timeout=0.5)
            return note, nothing_yet

        note, nothing_yet = await database_sync_to_async(create_inside_a_transaction)()
        assert nothing_yet, "a notification was pushed before its transaction committed"

        message = await socket.receive_json_from(timeout=5)
        assert message == {
            "type": "notification", "id": note.pk, "kind": "crowdfunding.pledge.charged",
            "title": "支付成功", "body": "您的支持已扣款。", "url": "/crowdfunding/1/",
            "created_at": note.created_at.isoformat(),
        }
    finally:
        await socket.disconnect()


async def test_rolled_back_notification_is_never_pushed(redis_channel_layer):
    user = await database_sync_to_async(UserFactory)()
    socket, connected, _ = await open_socket(user)
    assert connected
    try:

        def create_then_roll_back():
            try:
                with transaction.atomic():
                    notification_create(user=user, kind="test", title="never")
                    raise RuntimeError("the action failed")
            except RuntimeError:
                pass

        await database_sync_to_async(create_then_roll_back)()
        assert await socket.receive_nothing(timeout=1)

        # the socket is alive: a committed notification still comes through
        await database_sync_to_async(notification_create)(user=user, kind="test", title="ok")
        assert (await socket.receive_json_from(timeout=5))["title"] == "ok"
    finally:
        await socket.disconnect()


async def test_anonymous_socket_is_refused(redis_channel_layer):
    socket, connected, code = await open_socket(None)
    assert not connected
    assert code == 4401


async def test_socket_from_a_foreign_origin_is_refused(redis_channel_layer):
    user = await database_sync_to_async(UserFactory)()
    cookie = await database_sync_to_async(_session_cookie)(user)
    socket = WebsocketCommunicator(
        application, PATH,
        headers=[(b"origin", b"https://evil.example"),
                 (b"cookie", f"{settings.SESSION_COOKIE_NAME}={cookie}".encode())],
    )
    connected, _ = await socket.connect(timeout=5)
    assert not connected


async def test_a_user_never_receives_another_users_notifications(redis_channel_layer):
    alice = await database_sync_to_async(UserFactory)()
    bob = await database_sync_to_async(UserFactory)()
    alice_socket, alice_ok, _ = await open_socket(alice)
    bob_socket, bob_ok, _ = await open_socket(bob)
    assert alice_ok and bob_ok
    try:
        await database_sync_to_async(notification_create)(user=bob, kind="test", title="for bob")
        assert (await bob_socket.receive_json_from(timeout=5))["title"] == "for bob"
        assert await alice_socket.receive_nothing(timeout=1)

        await database_sync_to_async(notification_create)(
            user=alice, kind="test", title="for alice"
        )
        assert (await alice_socket.receive_json_from(timeout=5))["title"] == "for alice"
        assert await bob_socket.receive_nothing(timeout=0.5)
    finally:
        await alice_socket.disconnect()
        await bob_socket.disconnect()


async def test_client_frames_are_ignored_and_the_socket_stays_usable(redis_channel_layer):
    user = await database_sync_to_async(UserFactory)()
    socket, connected, _ = await open_socket(user)
    assert connected
    try:
        await socket.send_to(text_data="not json {")
        await socket.send_json_to({"type": "notification.message", "payload": {"title": "x"}})
        assert await socket.receive_nothing(timeout=0.5)  # nothing echoed, nothing relayed
        await database_sync_to_async(notification_create)(user=user, kind="k", title="still on")
        assert (await socket.receive_json_from(timeout=5))["title"] == "still on"
    finally:
        await socket.disconnect()


@pytest.mark.parametrize("role", ["buyer officer", "staff"])
async def test_a_user_the_mfa_middleware_blocks_is_refused_until_mfa_is_set_up(
    redis_channel_layer, role
):
    make = {"buyer officer": buyer_officer, "staff": StaffFactory}[role]
    user = await database_sync_to_async(make)()
    socket, connected, code = await open_socket(user)
    assert not connected
    assert code == CLOSE_MFA_REQUIRED == 4403

    await database_sync_to_async(mfa_activate)(user)
    socket, connected, _ = await open_socket(user)
    assert connected
    try:
        await database_sync_to_async(notification_create)(user=user, kind="k", title="in")
        assert (await socket.receive_json_from(timeout=5))["title"] == "in"
    finally:
        await socket.disconnect()


async def test_recovery_codes_alone_do_not_open_the_socket(redis_channel_layer):
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes

    user = await database_sync_to_async(buyer_officer)()
    await database_sync_to_async(RecoveryCodes.activate)(user)
    _, connected, code = await open_socket(user)
    assert not connected
    assert code == 4403
