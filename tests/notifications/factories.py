import factory
from factory.django import DjangoModelFactory

from marketplace.notifications.models import Notification
from tests.core.factories import UserFactory


class NotificationFactory(DjangoModelFactory):
    class Meta:
        model = Notification

    user = factory.SubFactory(UserFactory)
    kind = "test.kind"
    title = factory.Sequence(lambda n: f"Notification {n}")
    body = "Something happened."
    url = "/somewhere/"
