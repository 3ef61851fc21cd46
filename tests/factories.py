"""Factories of the people and organisations every app's tests need.

Apps import these (``from tests.factories import UserFactory``) and keep only their own
models' factories in ``tests/<app>/factories.py``.
"""

from __future__ import annotations

import factory
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from factory.django import DjangoModelFactory

from marketplace.accounts.models import (
    Membership,
    MembershipRole,
    Organisation,
    OrganisationKind,
    OrganisationVerification,
    User,
)

PASSWORD = "correct-horse-battery-2026"
TOTP_SECRET = "JBSWY3DPEHPK3PXP"


class UserFactory(DjangoModelFactory):
    """A user with the password ``PASSWORD`` and a verified primary email address.

    ``UserFactory(verified_email=False)`` skips the address; ``UserFactory(mfa=True)``
    adds a TOTP authenticator (secret ``TOTP_SECRET``), which the MFA-required middleware
    asks of staff, panel experts and government buyers."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    display_name = factory.Sequence(lambda n: f"Person {n}")

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        password = kwargs.pop("password", PASSWORD)
        return model_class.objects.create_user(*args, password=password, **kwargs)

    @factory.post_generation
    def verified_email(obj, create, extracted, **kwargs):
        if create and extracted is not False:
            EmailAddress.objects.create(user=obj, email=obj.email, verified=True, primary=True)

    @factory.post_generation
    def mfa(obj, create, extracted, **kwargs):
        if create and extracted:
            from allauth.mfa.totp.internal.auth import TOTP

            if not Authenticator.objects.filter(user=obj, type=Authenticator.Type.TOTP).exists():
                TOTP.activate(obj, TOTP_SECRET)


class StaffFactory(UserFactory):
    """Platform staff (not a superuser: Django admin permissions are not granted)."""

    is_staff = True


class SuperuserFactory(StaffFactory):
    is_superuser = True


class ExpertFactory(UserFactory):
    is_panel_expert = True


class OrganisationFactory(DjangoModelFactory):
    """An organisation as its creator made it: not verified. ``verified=True`` verifies it
    through the verification state machine (audited), as staff do."""

    class Meta:
        model = Organisation
        skip_postgeneration_save = True

    kind = OrganisationKind.MAKER_COMPANY
    name = factory.Sequence(lambda n: f"Organisation {n}")
    slug = factory.Sequence(lambda n: f"org-{n}")

    @factory.post_generation
    def verified(obj, create, extracted, **kwargs):
        if create and extracted:
            verify(obj)


def verify(organisation: Organisation) -> Organisation:
    """Verify ``organisation`` through its state machine (no staff member needed)."""
    from marketplace.accounts.states import ORGANISATION_VERIFICATION_STATES, AccountsAction
    from marketplace.core.transitions import transition

    return transition(organisation, ORGANISATION_VERIFICATION_STATES,
                      OrganisationVerification.VERIFIED,
                      action=AccountsAction.ORGANISATION_VERIFIED)


class GovernmentAgencyFactory(OrganisationFactory):
    """A government agency as its creator made it: not yet verified by staff, so its
    members have no buyer powers (see ``VerifiedGovernmentAgencyFactory``)."""

    kind = OrganisationKind.GOVERNMENT_AGENCY


class VerifiedGovernmentAgencyFactory(GovernmentAgencyFactory):
    """A government agency staff verified (its buyer roles have buyer powers)."""

    verified = factory.PostGeneration(
        lambda obj, create, extracted, **kw: verify(obj) if create and extracted is not False
        else None
    )


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = Membership

    organisation = factory.SubFactory(OrganisationFactory)
    user = factory.SubFactory(UserFactory)
    role = MembershipRole.MEMBER


class OwnerFactory(MembershipFactory):
    role = MembershipRole.OWNER


def member_of(organisation: Organisation, role: str = MembershipRole.OWNER, **user_fields) -> User:
    """A new user with ``role`` in ``organisation``."""
    user = UserFactory(**user_fields)
    MembershipFactory(organisation=organisation, user=user, role=role)
    return user


def buyer_officer(*, verified: bool = True, **user_fields) -> User:
    """A government buyer: buyer officer of a (by default staff-verified) agency."""
    agency = (VerifiedGovernmentAgencyFactory if verified else GovernmentAgencyFactory)()
    return member_of(agency, MembershipRole.BUYER_OFFICER, **user_fields)
