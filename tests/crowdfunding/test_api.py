"""The pledge and campaign API: 201 / 409 sold out / 4xx with a reason in zh-hans and en
(nothing written), the backer's own pledge only (others 404), the progress figures."""

import pytest

from crowdfunding.models import Pledge
from crowdfunding.services.pledges import pledge_create
from tests.crowdfunding.factories import backer_with_card, draft_campaign, live_campaign
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _url(campaign):
    return f"/api/crowdfunding/campaigns/{campaign.pk}/pledges/"


def _body(campaign, card, **overrides):
    body = {"tier": campaign.tiers.first().pk, "amount": "100.00", "payment_method": card.pk,
            "add_ons": [], "anonymous": False}
    body.update(overrides)
    return body


def _as(api_client, user):
    api_client.force_authenticate(user)
    return api_client


def test_pledge_201_then_campaign_shows_progress(api_client):
    campaign = live_campaign(goal="1000")
    backer, card = backer_with_card()
    response = _as(api_client, backer).post(_url(campaign), _body(campaign, card, amount="250"),
                                            format="json")
    assert response.status_code == 201, response.content
    assert response.json()["status"] == "active"
    assert response.json()["amount"]["amount"] == "250.00"
    detail = api_client.get(f"/api/crowdfunding/campaigns/{campaign.pk}/").json()
    assert detail["pledged"]["amount"] == "250.00"
    assert detail["backers"] == 1
    assert detail["percent_funded"] == 25
    assert detail["ends_at"]
    assert detail["tiers"][0]["remaining"] == 49


def test_sold_out_is_409(api_client):
    campaign = live_campaign(tiers=(("One", "100", 1),))
    first, card = backer_with_card()
    assert _as(api_client, first).post(_url(campaign), _body(campaign, card),
                                       format="json").status_code == 201
    second, card2 = backer_with_card()
    response = _as(api_client, second).post(_url(campaign), _body(campaign, card2), format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "tier_sold_out"


@pytest.mark.parametrize(("override", "status", "en", "zh"), [
    ({"amount": "99"}, 400, "at least the reward's price", "不能低于"),
    ({"amount": "-5"}, 400, "more than zero", "大于零"),
    ({"amount": "abc"}, 400, "must be a number", "必须是数字"),
    ({"add_ons": ["case"]}, 400, "no add-ons", "附加"),
])
def test_bad_input_in_both_languages_writes_nothing(api_client, override, status, en, zh):
    campaign = live_campaign()
    backer, card = backer_with_card()
    client = _as(api_client, backer)
    for language, text in (("en", en), ("zh-hans", zh)):
        response = client.post(_url(campaign), _body(campaign, card, **override), format="json",
                               HTTP_ACCEPT_LANGUAGE=language)
        assert response.status_code == status
        assert text in response.json()["detail"], response.json()
    assert not Pledge.objects.exists()


def test_tier_of_another_campaign_card_of_another_user_not_live(api_client):
    campaign, other = live_campaign(), live_campaign()
    backer, card = backer_with_card()
    _, foreign_card = backer_with_card()
    client = _as(api_client, backer)
    response = client.post(_url(campaign), _body(campaign, card, tier=other.tiers.first().pk),
                           format="json")
    assert (response.status_code, response.json()["code"]) == (400, "foreign_tier")
    response = client.post(_url(campaign), _body(campaign, foreign_card), format="json")
    assert (response.status_code, response.json()["code"]) == (400, "not_your_card")
    response = client.post(_url(campaign), _body(campaign, card, amount=None), format="json")
    assert response.status_code == 400
    assert not Pledge.objects.exists()


def test_unapproved_campaign_is_404_to_backers_and_not_open_to_its_maker(api_client):
    draft = draft_campaign()
    backer, card = backer_with_card()
    response = _as(api_client, backer).post(_url(draft), _body(draft, card), format="json")
    assert response.status_code == 404
    assert api_client.get(f"/api/crowdfunding/campaigns/{draft.pk}/").status_code == 404
    maker = _as(api_client, draft.maker)
    assert maker.get(f"/api/crowdfunding/campaigns/{draft.pk}/").json()["status"] == "draft"


def test_anonymous_cannot_pledge(api_client):
    campaign = live_campaign()
    _, card = backer_with_card()
    assert api_client.post(_url(campaign), _body(campaign, card), format="json").status_code == 403


def test_own_pledge_get_patch_delete_and_others_get_404(api_client):
    campaign = live_campaign(tiers=(("Bird", "100", 5), ("Deluxe", "300", 2)))
    bird, deluxe = campaign.tiers.order_by("price_amount")
    backer, card = backer_with_card()
    pledge = pledge_create(actor=backer, campaign=campaign, tier=bird.pk, amount="100",
                           payment_method=card.pk)
    url = f"/api/crowdfunding/pledges/{pledge.pk}/"
    stranger = UserFactory()
    client = _as(api_client, stranger)
    assert client.get(url).status_code == 404
    assert client.patch(url, {"anonymous": True}, format="json").status_code == 404
    assert client.delete(url).status_code == 404
    client = _as(api_client, backer)
    assert client.get(url).json()["tier"] == bird.pk
    response = client.patch(url, {"tier": deluxe.pk, "amount": "300"}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["tier"] == deluxe.pk
    response = client.patch(url, {"amount": "1"}, format="json")
    assert response.status_code == 400
    assert [p["id"] for p in client.get("/api/crowdfunding/pledges/").json()["results"]] == [
        pledge.pk]
    response = client.delete(url)
    assert response.status_code == 200 and response.json()["status"] == "canceled"
    assert client.delete(url).status_code == 409
    detail = client.get(f"/api/crowdfunding/campaigns/{campaign.pk}/").json()
    assert {t["id"]: t["remaining"] for t in detail["tiers"]} == {bird.pk: 5, deluxe.pk: 2}


def test_campaign_list_is_public(api_client):
    live = live_campaign()
    draft_campaign()
    response = api_client.get("/api/crowdfunding/campaigns/")
    assert response.status_code == 200
    assert [c["id"] for c in response.json()["results"]] == [live.pk]


def test_the_schema_documents_the_pledge_api(api_client):
    schema = api_client.get("/api/schema/?format=json").json()
    post = schema["paths"]["/api/crowdfunding/campaigns/{id}/pledges/"]["post"]
    assert {"201", "400", "409"} <= set(post["responses"])
    assert set(schema["paths"]["/api/crowdfunding/pledges/{id}/"]) >= {"get", "patch", "delete"}
