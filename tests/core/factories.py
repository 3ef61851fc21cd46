"""Factories of the core tests; people and organisations come from tests/factories.py."""

import factory
from factory.django import DjangoModelFactory

from marketplace.accounts.models import KycRequest
from tests.factories import StaffFactory, SuperuserFactory, UserFactory

__all__ = ["KycRequestFactory", "StaffFactory", "SuperuserFactory", "UserFactory"]


class KycRequestFactory(DjangoModelFactory):
    """An audited object with a status, for the transition and chronograph tests."""

    class Meta:
        model = KycRequest

    user = factory.SubFactory(UserFactory)
    legal_name = factory.Faker("name")
    id_type = KycRequest.IdType.RESIDENT_ID
    id_number_last4 = "1234"
