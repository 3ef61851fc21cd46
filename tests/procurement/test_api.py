"""The procurement API: thin views over the services, errors as 4xx naming the rule."""

import pytest
from django.urls import reverse

from procurement.models import PurchaseRequest

pytestmark = pytest.mark.django_db


def url(name, pk):
    return reverse(f"procurement-api:{name}", args=[pk])


def test_the_flow_over_the_api(api_client, draft, approver, officer, supplier):
    api_client.force_authenticate(approver)
    assert api_client.post(url("request-approve", draft.pk)).json()["status"] == "approved"
    api_client.force_authenticate(officer)
    assert api_client.post(url("request-publish", draft.pk)).json()["status"] == "published"
    api_client.force_authenticate(supplier)
    assert api_client.post(url("request-accept", draft.pk)).json()["status"] == "supplier_accepted"
    api_client.force_authenticate(officer)
    answer = api_client.post(url("request-price", draft.pk),
                             {"price": "400000", "cost_reference": "x"}, format="json")
    assert answer.status_code == 400 and answer.json()["code"] == "above_ceiling"
    answer = api_client.post(url("request-price", draft.pk),
                             {"price": "250000", "cost_reference": "成本"}, format="json")
    assert answer.status_code == 200 and answer.json()["status"] == "price_agreed"


def test_self_approval_is_a_403_naming_the_rule(api_client, owner, draft_kwargs):
    from procurement.services.requests import request_draft

    own = request_draft(actor=owner, **draft_kwargs)
    api_client.force_authenticate(owner)
    answer = api_client.post(url("request-approve", own.pk))
    assert answer.status_code == 403 and answer.json()["code"] == "self_approval"
    own.refresh_from_db()
    assert own.status == PurchaseRequest.Status.DRAFT


def test_a_draft_is_not_found_for_others_and_anonymous_is_refused(api_client, draft,
                                                                   other_supplier):
    assert api_client.get(url("request", draft.pk)).status_code in (401, 403)
    api_client.force_authenticate(other_supplier)
    assert api_client.get(url("request", draft.pk)).status_code == 404


def test_the_page_shows_the_request_to_its_agency(client, draft, officer, stranger):
    client.force_login(stranger)
    assert client.get(reverse("procurement:request", args=[draft.pk])).status_code == 404
