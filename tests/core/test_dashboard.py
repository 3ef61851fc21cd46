"""The dashboard: panels each app registers, for the people they concern, with their
links; a failing panel never takes the page down; constant queries."""

import pytest
from django.urls import reverse

from marketplace.core import dashboard
from marketplace.core.dashboard import Panel, dashboard_panel, panels_for
from tests.catalog.factories import (
    BuyerFactory,
    FirstSetProductFactory,
    ProductFactory,
    record_unit,
)
from tests.factories import MembershipFactory, OwnerFactory, StaffFactory, UserFactory, member_of

pytestmark = pytest.mark.django_db


def _keys(user):
    return [p.key for p in panels_for(user)]


def test_login_lands_on_the_dashboard(client):
    user = UserFactory()
    response = client.post(reverse("account_login"),
                           {"login": user.email, "password": "correct-horse-battery-2026"})
    assert response.status_code == 302 and response["Location"] == reverse("dashboard")
    assert client.get(reverse("dashboard")).status_code == 200


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get(reverse("dashboard"))
    assert response.status_code == 302 and reverse("account_login") in response["Location"]


def test_each_role_sees_its_panels():
    plain = UserFactory()
    assert _keys(plain) == ["accounts.real_name", "accounts.organisations"]
    maker = OwnerFactory().user
    ProductFactory(organisation=maker.memberships.get().organisation)
    assert "catalog.products" in _keys(maker)
    staff = StaffFactory(mfa=True)
    assert _keys(staff)[:2] == ["accounts.staff_queues", "catalog.staff_certifications"]
    assert "catalog.staff_certifications" not in _keys(maker)


def test_a_buyer_sees_the_units_awaiting_it(client):
    product = FirstSetProductFactory()
    maker = member_of(product.organisation)
    buyer = BuyerFactory()
    officer = member_of(buyer, role="buyer_officer", mfa=True)
    record_unit(actor=maker, product=product, buyer=buyer, serial_number="D-1",
                put_into_use_on=product.created_at.date())
    [panel] = [p for p in panels_for(officer) if p.key == "catalog.first_set_units"]
    assert panel.count == 1 and "D-1" in panel.items[0].label
    client.force_login(officer)
    html = client.get(reverse("dashboard"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert reverse("catalog:first_set_units_awaiting") in html
    # the maker's own record waits for the buyer, not for the maker
    assert "catalog.first_set_units" not in _keys(maker)


def test_a_failing_panel_is_left_out(monkeypatch):
    monkeypatch.setattr(dashboard, "_panels", dict(dashboard._panels))

    @dashboard_panel("test.broken", order=0)
    def _broken(user):
        raise RuntimeError("bug")

    @dashboard_panel("test.fine", order=0)
    def _fine(user):
        return Panel(title="fine")

    keys = _keys(UserFactory())
    assert "test.fine" in keys and "test.broken" not in keys


def test_the_dashboard_runs_a_constant_number_of_queries(client, django_assert_max_num_queries):
    owner = OwnerFactory()
    organisation = owner.organisation
    client.force_login(owner.user)
    ProductFactory(organisation=organisation)
    with django_assert_max_num_queries(40) as few:
        assert client.get(reverse("dashboard")).status_code == 200
    for _ in range(8):
        ProductFactory(organisation=organisation)
        MembershipFactory(user=owner.user)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(reverse("dashboard")).status_code == 200


def test_an_operator_gets_no_product_panel_it_could_not_act_on():
    from marketplace.accounts.models import OrganisationKind
    from tests.factories import OrganisationFactory

    operator = member_of(OrganisationFactory(kind=OrganisationKind.MAKERSPACE))
    assert "catalog.products" not in _keys(operator)


def test_organisations_show_in_the_reader_language(client):
    from django.utils import translation

    owner = OwnerFactory(organisation__name="青岛海洋科技", organisation__name_en="Ocean Tech")
    with translation.override("en"):
        [panel] = [p for p in panels_for(owner.user) if p.key == "accounts.organisations"]
    assert panel.items[0].label == "Ocean Tech"


def test_staff_without_admin_rights_get_no_dead_admin_link(client):
    staff = StaffFactory(mfa=True)
    [panel] = [p for p in panels_for(staff) if p.key == "accounts.staff_queues"]
    assert panel.items[1].url == ""
    client.force_login(staff)
    html = client.get(reverse("dashboard")).content.decode()
    assert "/admin/accounts/organisation/" not in html
