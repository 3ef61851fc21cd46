"""A campaign page's live progress socket, over the real Redis channel layer: the state
as it is on connect, each committed pledge pushed to every watcher, nothing before the
commit, and no socket for a campaign that is not public."""

import pytest
import pytest_asyncio
from asgiref.sync import async_to_sync, sync_to_async
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.db import connections, transaction

from crowdfunding.consumers import CLOSE_NOT_FOUND
from crowdfunding.services.campaigns import campaign_cancel
from crowdfunding.services.pledges import pledge_create
from marketplace.asgi import application
from marketplace.payments.models import SavedPaymentMethod
from tests.crowdfunding.factories import draft_campaign, live_campaign
from tests.factories import UserFactory
from tests.notifications.conftest import redis_channel_layer  # noqa: F401
from tests.payments.factories import SavedPaymentMethodFactory

pytestmark = [pytest.mark.asyncio, pytest.mark.django_db(transaction=True)]


@pytest_asyncio.fixture(autouse=True)
async def _close_connections_of_the_sync_thread():
    yield
    await sync_to_async(connections.close_all)()


async def watch(campaign_id: int) -> tuple[WebsocketCommunicator, bool, object]:
    socket = WebsocketCommunicator(application, f"/ws/crowdfunding/campaigns/{campaign_id}/",
                                   headers=[(b"origin", b"http://localhost")])
    connected, detail = await socket.connect(timeout=5)
    return socket, connected, detail


def _pledge(campaign):
    backer = UserFactory()
    card = SavedPaymentMethodFactory(owner=backer, status=SavedPaymentMethod.Status.ACTIVE)
    return pledge_create(actor=backer, campaign=campaign, tier=campaign.tiers.first().pk,
                         amount="100", payment_method=card.pk)


async def test_watchers_get_the_progress_then_every_committed_pledge(redis_channel_layer):  # noqa: F811
    campaign = await database_sync_to_async(live_campaign)(goal="1000")
    tier = await database_sync_to_async(lambda: campaign.tiers.first().pk)()
    one, connected, _ = await watch(campaign.pk)
    assert connected
    other, connected, _ = await watch(campaign.pk)  # anonymous viewers too
    assert connected
    try:
        first = await one.receive_json_from(timeout=5)
        assert first["type"] == "progress"
        assert (first["backers"], first["pledged"], first["remaining"]) == (
            0, "0", {str(tier): 50})
        await other.receive_json_from(timeout=5)

        def pledge_inside_a_transaction():
            with transaction.atomic():
                _pledge(campaign)
                return async_to_sync(one.receive_nothing)(timeout=0.5)

        nothing_yet = await database_sync_to_async(pledge_inside_a_transaction)()
        assert nothing_yet, "progress was pushed before the pledge committed"
        for socket in (one, other):
            update = await socket.receive_json_from(timeout=5)
            assert update["type"] == "progress"
            assert update["backers"] == 1
            assert update["percent_funded"] == 10
            assert update["remaining"] == {str(tier): 49}
    finally:
        await one.disconnect()
        await other.disconnect()


async def test_a_campaign_that_is_not_public_has_no_socket(redis_channel_layer):  # noqa: F811
    campaign = await database_sync_to_async(draft_campaign)()
    socket, connected, code = await watch(campaign.pk)
    assert not connected
    assert code == CLOSE_NOT_FOUND
    socket, connected, code = await watch(987654)
    assert (connected, code) == (False, CLOSE_NOT_FOUND)


async def test_a_cancel_is_pushed_as_the_campaigns_new_status(redis_channel_layer):  # noqa: F811
    campaign = await database_sync_to_async(live_campaign)()
    socket, connected, _ = await watch(campaign.pk)
    assert connected
    try:
        await socket.receive_json_from(timeout=5)
        await database_sync_to_async(campaign_cancel)(
            actor=campaign.maker, campaign=campaign, reason="Supplier went out of business")
        update = await socket.receive_json_from(timeout=5)
        assert update["status"] == "canceled"
    finally:
        await socket.disconnect()
