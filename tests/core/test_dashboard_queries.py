"""Query guards on /dashboard/: for every demo role (the seeded demo, with every app's real
panels) the page runs a bounded number of queries, and that number does not grow when the
role has more products, certification applications, campaigns, first-set units and
makerspaces."""

import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from marketplace.accounts.models import Organisation, User
from marketplace.core.dashboard import panels_for

pytestmark = pytest.mark.django_db

ROLES = ("maker", "backer", "investor", "operator", "buyer", "expert", "staff")
# Session, user, MFA state, notifications badge, navigation and each app's panels: the
# demo's busiest role stays well below this.
MAX_QUERIES = 45


@pytest.fixture
def demo(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = str(tmp_path / "private")
    settings.MEDIA_ROOT = str(tmp_path / "media")
    call_command("seed_demo", stdout=io.StringIO())
    return {role: User.objects.get(email=f"{role}@demo.local") for role in ROLES}


def _queries(client, user) -> int:
    client.force_login(user)
    client.get(reverse("dashboard"))  # warm the per-process caches (content types, nav)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("dashboard"), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200, (user.email, response.status_code)
    client.logout()
    return len(captured.captured_queries)


def _more_of_everything(demo, round_: int) -> None:
    """Several more of each thing a panel lists or counts, for every role."""
    from catalog.models import Makerspace
    from tests.catalog.factories import (
        CertificationFactory,
        FirstSetProductFactory,
        MakerspaceFactory,
        ProductFactory,
        PublishedProductFactory,
        record_unit,
    )

    maker = demo["maker"]
    maker_org = Organisation.objects.get(slug="demo-maker")
    buyer_org = Organisation.objects.get(slug="qingdao-sti-bureau")
    for _ in range(6):
        ProductFactory(organisation=maker_org)
        CertificationFactory(product=PublishedProductFactory(organisation=maker_org),
                             applicant=maker)
    for n in range(4):
        product = FirstSetProductFactory(organisation=maker_org)
        record_unit(actor=maker, product=product, buyer=buyer_org, serial_number=f"Q-{round_}-{n}",
                    put_into_use_on=product.created_at.date())
    operated = Makerspace.objects.filter(operator__memberships__user=demo["operator"]).first()
    assert operated is not None, "the demo operator runs a makerspace"
    for _ in range(6):
        MakerspaceFactory(operator=operated.operator)
    try:
        from tests.crowdfunding.factories import draft_campaign
    except ImportError:  # the crowdfunding pillar not installed: nothing of it to count
        return
    for _ in range(3):
        draft_campaign(maker=maker, organisation=maker_org,
                       product=PublishedProductFactory(organisation=maker_org))


def test_every_demo_role_gets_a_bounded_dashboard_that_does_not_grow(client, demo):
    seeded = {role: _queries(client, user) for role, user in demo.items()}
    for role, count in seeded.items():
        assert count <= MAX_QUERIES, f"{role}: {count} queries on the seeded demo"
    # the first round may add panels (a first unit awaiting the buyer, a first application
    # in the staff queue); the second only adds rows to panels already there
    _more_of_everything(demo, 1)
    before = {role: _queries(client, user) for role, user in demo.items()}
    _more_of_everything(demo, 2)
    after = {role: _queries(client, user) for role, user in demo.items()}
    # the rows really reached the panels (the guard measures what it claims to)
    panels = {role: {p.key: p for p in panels_for(user)} for role, user in demo.items()}
    assert panels["buyer"]["catalog.first_set_units"].count >= 8
    assert panels["staff"]["catalog.staff_certifications"].count >= 12
    assert panels["maker"]["catalog.products"].count >= 36
    assert panels["operator"]["catalog.makerspaces"].items
    for role in ROLES:
        assert before[role] <= MAX_QUERIES, f"{role}: {before[role]} queries"
        assert after[role] <= before[role], f"{role}: {before[role]} -> {after[role]} queries"
