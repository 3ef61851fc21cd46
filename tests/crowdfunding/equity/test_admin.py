"""The equity admin: read-only, approval through the service."""

import pytest

from crowdfunding.equity.models import InvestorProfile
from crowdfunding.equity.services.investors import investor_profile_submit
from marketplace.core.models import AuditEvent
from tests.crowdfunding.equity.conftest import amounts
from tests.factories import SuperuserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    superuser = SuperuserFactory(mfa=True)
    client.force_login(superuser)
    client.superuser = superuser
    return client


@pytest.mark.parametrize("model", ["investorprofile", "knowledgetestattempt",
                                   "riskwarningacknowledgement"])
def test_lists_are_read_only(admin_client, model, submitted):
    assert admin_client.get(f"/admin/equity/{model}/").status_code == 200
    assert admin_client.get(f"/admin/equity/{model}/add/").status_code == 403


def test_the_profile_page_does_not_link_the_evidence(admin_client, sophisticated_submitted):
    page = admin_client.get(f"/admin/equity/investorprofile/{sophisticated_submitted.pk}/change/")
    assert page.status_code == 200
    assert sophisticated_submitted.evidence.name not in page.content.decode()


def test_approve_action_goes_through_the_service(admin_client, submitted):
    own = investor_profile_submit(actor=admin_client.superuser, classification="retail",
                                  amounts=amounts())
    response = admin_client.post("/admin/equity/investorprofile/", {
        "action": "approve_selected", "_selected_action": [submitted.pk, own.pk],
    }, follow=True)
    assert response.status_code == 200
    assert InvestorProfile.objects.get(pk=submitted.pk).status == "approved"
    assert InvestorProfile.objects.get(pk=own.pk).status == "submitted"  # never one's own
    assert AuditEvent.objects.filter(action="equity.investor_profile.approved").count() == 1
    assert "已通过 1 份投资者资料。" in response.content.decode()  # the admin speaks zh-hans
