"""Factories of the core tests; people and organisations come from tests/factories.py."""

import factory
from factory.django import DjangoModelFactory

from marketplace.accounts.models import KycRequest
from marketplace.core.audit import audit_log
from marketplace.core.models import AuditEvent
from tests.factories import StaffFactory, SuperuserFactory, UserFactory

__all__ = ["AuditEventFactory", "KycRequestFactory", "StaffFactory", "SuperuserFactory",
           "UserFactory"]


class KycRequestFactory(DjangoModelFactory):
    """An audited object with a status, for the transition and chronograph tests."""

    class Meta:
        model = KycRequest

    user = factory.SubFactory(UserFactory)
    legal_name = factory.Faker("name")
    id_type = KycRequest.IdType.RESIDENT_ID
    id_number_last4 = "1234"


class AuditEventFactory(factory.Factory):
    """An event appended the only way events are: through ``audit_log`` (so it is chained
    and its stream head advances). ``AuditEventFactory(stream="procurement.bid:1")``."""

    class Meta:
        model = AuditEvent

    actor = None
    action = "test.happened"
    stream = factory.Sequence(lambda n: f"test.stream:{n}")
    data = factory.Dict({"step": factory.Sequence(int)})

    @classmethod
    def _create(cls, model_class, **kwargs):
        return audit_log(**kwargs)
