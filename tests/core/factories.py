import factory
from factory.django import DjangoModelFactory

from marketplace.accounts.models import KycRequest, User


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"core-user-{n}@example.org")
    display_name = factory.Faker("name")
    password = factory.PostGenerationMethodCall("set_password", "pw-for-tests-2026")

    @factory.post_generation
    def _save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save(update_fields=["password"])


class StaffFactory(UserFactory):
    is_staff = True
    is_superuser = True


class KycRequestFactory(DjangoModelFactory):
    class Meta:
        model = KycRequest

    user = factory.SubFactory(UserFactory)
    legal_name = factory.Faker("name")
    id_type = KycRequest.IdType.RESIDENT_ID
    id_number_last4 = "1234"
