"""Who sees which offering: anonymous, logged in unverified, real-name verified, the
issuer's people and staff; public and non-public; before, during and after live."""

import pytest
from django.contrib.auth.models import AnonymousUser

from crowdfunding.equity.selectors import offering_get_for_viewer, offerings_list_for_viewer
from crowdfunding.equity.services.offerings import offering_cancel
from marketplace.accounts.models import VerificationStatus
from marketplace.core.errors import NotFoundError
from tests.factories import StaffFactory, UserFactory

from .offerings import approved, draft, issuer, issuer_member, live

pytestmark = pytest.mark.django_db


def viewers(offering):
    return {
        "anonymous": AnonymousUser(),
        "unverified": UserFactory(),
        "verified": UserFactory(verification_status=VerificationStatus.VERIFIED),
        "member": issuer_member(offering.organisation),
        "other_org": issuer_member(issuer()),
        "staff": StaffFactory(),
    }


def seen(offering, viewer) -> bool:
    listed = offerings_list_for_viewer(viewer=viewer).filter(pk=offering.pk).exists()
    try:
        offering_get_for_viewer(viewer=viewer, offering_id=offering.pk)
        got = True
    except NotFoundError:
        got = False
    assert listed == got
    return got


ALL = {"anonymous", "unverified", "verified", "member", "other_org", "staff"}
INSIDE = {"member", "staff"}


@pytest.mark.parametrize(("make", "public", "expected"), [
    (draft, True, INSIDE),
    (approved, True, INSIDE),
    (live, True, ALL),
    (live, False, {"verified", "member", "staff"}),
    (draft, False, INSIDE),
])
def test_visibility_matrix(make, public, expected):
    offering = make(public=public)
    found = {name for name, viewer in viewers(offering).items() if seen(offering, viewer)}
    assert found == expected


def test_a_canceled_offering_stays_visible_only_if_it_went_live():
    before = approved()
    offering_cancel(actor=before.created_by, offering=before, reason="Changed plans.")
    after = live()
    offering_cancel(actor=after.created_by, offering=after, reason="Changed plans.")
    anonymous = AnonymousUser()
    assert not seen(before, anonymous)
    assert seen(after, anonymous)


def test_a_verified_user_who_is_inactive_sees_no_private_offering():
    offering = live(public=False)
    user = UserFactory(verification_status=VerificationStatus.VERIFIED, is_active=False)
    assert not seen(offering, user)
