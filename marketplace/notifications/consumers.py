"""Personal notifications websocket. No business logic: it joins the user's group and
relays what services push after commit."""

from channels.generic.websocket import AsyncJsonWebsocketConsumer

from marketplace.notifications.services import user_group


class NotificationConsumer(AsyncJsonWebsocketConsumer):
    async def connect(self):
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.close(code=4401)
            return
        self.group = user_group(user.pk)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()

    async def disconnect(self, code):
        if hasattr(self, "group"):
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def notification_message(self, event):
        await self.send_json({"type": "notification", **event["payload"]})
