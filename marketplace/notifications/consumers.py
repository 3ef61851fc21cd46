"""Personal notifications websocket. No business logic: it joins the user's group and
relays what services push after commit. Clients only listen; what they send is ignored."""

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer

from marketplace.accounts.rules import requires_mfa
from marketplace.accounts.selectors import user_has_mfa
from marketplace.notifications.services import user_group

CLOSE_UNAUTHENTICATED = 4401
CLOSE_MFA_REQUIRED = 4403


@database_sync_to_async
def _blocked_by_mfa(user) -> bool:
    """The same rule as RequireMFAMiddleware: a role that needs MFA, without it."""
    return requires_mfa(user) and not user_has_mfa(user)


class NotificationConsumer(AsyncJsonWebsocketConsumer):
    async def connect(self):
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.close(code=CLOSE_UNAUTHENTICATED)
            return
        if await _blocked_by_mfa(user):
            await self.close(code=CLOSE_MFA_REQUIRED)
            return
        self.group = user_group(user.pk)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()

    async def disconnect(self, code):
        if hasattr(self, "group"):
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def receive(self, text_data=None, bytes_data=None, **kwargs):
        # nothing to do with client frames (and no JSON decoding that could crash us)
        return

    async def notification_message(self, event):
        await self.send_json({"type": "notification", **event["payload"]})
