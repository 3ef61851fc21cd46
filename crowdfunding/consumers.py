"""A campaign page's live progress socket. No business logic: it checks the campaign is
public, sends the progress as it is now, then relays what the services push after each
commit (``crowdfunding.services.live``). Anyone may watch a public campaign; what
clients send is ignored."""

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from crowdfunding.selectors import campaign_progress_payload
from crowdfunding.services.live import campaign_group

CLOSE_NOT_FOUND = 4404


class CampaignProgressConsumer(AsyncJsonWebsocketConsumer):
    async def connect(self):
        campaign_id = self.scope["url_route"]["kwargs"]["campaign_id"]
        payload = await database_sync_to_async(campaign_progress_payload)(campaign_id)
        if payload is None:
            await self.close(code=CLOSE_NOT_FOUND)
            return
        self.group = campaign_group(campaign_id)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()
        await self.send_json({"type": "progress", **payload})

    async def disconnect(self, code):
        if hasattr(self, "group"):
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def receive(self, text_data=None, bytes_data=None, **kwargs):
        return

    async def campaign_progress(self, event):
        await self.send_json({"type": "progress", **event["payload"]})
