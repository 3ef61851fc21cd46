"""The backer's pages: pledge (allowed and refused, nothing written on a refusal), my
pledges, change and cancel until the deadline; another backer's pledge is a 404."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from crowdfunding.models import Campaign, Pledge, Tier
from crowdfunding.services.pledges import pledge_create
from marketplace.payments.models import SavedPaymentMethod
from tests.crowdfunding.factories import backer_with_card, draft_campaign, live_campaign
from tests.factories import UserFactory
from tests.payments.factories import SavedPaymentMethodFactory

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}
MY_PLEDGES = reverse("crowdfunding:pledge_list")


def _pledge_url(campaign):
    return reverse("crowdfunding:pledge", args=[campaign.pk])


def _change_url(pledge):
    return reverse("crowdfunding:pledge_change", args=[pledge.pk])


def _cancel_url(pledge):
    return reverse("crowdfunding:pledge_cancel", args=[pledge.pk])


@pytest.fixture
def campaign():
    return live_campaign(tiers=(("Early bird", "100", 2), ("Standard", "300", None)))


@pytest.fixture
def backer(client):
    user, card = backer_with_card(off_session_consent=True)
    user.card = card
    client.force_login(user)
    return user


def _post(client, campaign, backer, **data):
    tier = data.pop("tier", None) or campaign.tiers.get(title="Early bird")
    form = {"tier": tier.pk, "amount": "120", "payment_method": backer.card.pk, **data}
    return client.post(_pledge_url(campaign), form, **EN)


def _existing(campaign, amount="150", title="Early bird"):
    user, card = backer_with_card(off_session_consent=True)
    return pledge_create(actor=user, campaign=campaign, tier=campaign.tiers.get(title=title).pk,
                         amount=amount, payment_method=card.pk)


# --- the pledge page ----------------------------------------------------------------------


def test_the_pledge_page_offers_the_tiers_and_own_cards(client, campaign, backer):
    other_card = SavedPaymentMethodFactory(status=SavedPaymentMethod.Status.ACTIVE, last4="9999")
    early = campaign.tiers.get(title="Early bird")
    response = client.get(f"{_pledge_url(campaign)}?tier={early.pk}", **EN)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Early bird" in html and "Standard" in html and "4242" in html
    assert "9999" not in html and f'<option value="{other_card.pk}"' not in html
    assert 'value="100.00"' in html


def test_a_pledge_is_recorded_and_listed(client, campaign, backer):
    response = _post(client, campaign, backer, anonymous="on")
    assert response.status_code == 302 and response.url == MY_PLEDGES
    pledge = Pledge.objects.get(backer=backer)
    assert pledge.amount_value == 120 and pledge.anonymous and pledge.status == "active"
    html = client.get(MY_PLEDGES, **EN).content.decode()
    assert campaign.title in html and "Early bird" in html and "anonymous" in html
    # the campaign page now offers to change it
    detail = client.get(reverse("crowdfunding:campaign_detail", args=[campaign.pk]), **EN)
    assert _change_url(pledge) in detail.content.decode()


@pytest.mark.parametrize("amount, message", [
    ("99.99", "at least the reward&#x27;s price"),
    ("-5", ""),
    ("abc", ""),
])
def test_a_bad_amount_is_shown_on_the_form_and_writes_nothing(client, campaign, backer,
                                                               amount, message):
    response = _post(client, campaign, backer, amount=amount)
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html and "errorlist" in html
    assert not Pledge.objects.exists()


def test_a_card_of_someone_else_is_refused(client, campaign, backer):
    other = SavedPaymentMethodFactory(status=SavedPaymentMethod.Status.ACTIVE)
    response = _post(client, campaign, backer, payment_method=other.pk)
    assert response.status_code == 400 and not Pledge.objects.exists()


def test_a_card_without_off_session_consent_is_refused_with_the_reason(client, campaign, backer):
    SavedPaymentMethod.objects.filter(pk=backer.card.pk).update(off_session_consent=False)
    response = _post(client, campaign, backer)
    assert response.status_code == 400
    assert "charged at the campaign" in response.content.decode()
    assert not Pledge.objects.exists()


def test_a_tier_of_another_campaign_is_refused(client, campaign, backer):
    foreign = live_campaign().tiers.first()
    response = _post(client, campaign, backer, tier=foreign)
    assert response.status_code == 400 and not Pledge.objects.exists()


def test_a_sold_out_tier_says_so_and_writes_nothing(client, campaign, backer):
    _existing(campaign)
    _existing(campaign)
    response = _post(client, campaign, backer)
    assert response.status_code == 409
    assert "sold out" in response.content.decode()
    assert not Pledge.objects.filter(backer=backer).exists()


def test_no_card_leads_to_the_card_page(client, campaign):
    client.force_login(UserFactory())
    html = client.get(_pledge_url(campaign), **EN).content.decode()
    assert reverse("payments:cards") in html and "save a card first" in html


def test_pledging_needs_a_login(client, campaign):
    response = client.get(_pledge_url(campaign))
    assert response.status_code == 302 and "/accounts/login/" in response.url


def test_the_maker_cannot_back_their_own_campaign(client, campaign):
    client.force_login(campaign.maker)
    assert client.get(_pledge_url(campaign), **EN).status_code == 403


def test_a_draft_cannot_be_backed_and_is_not_found(client, backer):
    draft = draft_campaign()
    assert client.get(_pledge_url(draft), **EN).status_code == 404


def test_a_closed_campaign_takes_no_pledge(client, campaign, backer):
    Campaign.objects.filter(pk=campaign.pk).update(status=Campaign.Status.FUNDED)
    assert client.get(_pledge_url(campaign), **EN).status_code == 409
    assert _post(client, campaign, backer).status_code == 409
    assert not Pledge.objects.exists()


def test_a_campaign_past_its_deadline_refuses_the_pledge(client, campaign, backer):
    Campaign.objects.filter(pk=campaign.pk).update(ends_at=timezone.now() - timedelta(minutes=1))
    response = _post(client, campaign, backer)
    assert response.status_code == 409 and not Pledge.objects.exists()


def test_a_backer_with_a_pledge_is_sent_to_change_it(client, campaign, backer):
    _post(client, campaign, backer)
    pledge = Pledge.objects.get(backer=backer)
    response = client.get(_pledge_url(campaign), **EN)
    assert response.status_code == 302 and response.url == _change_url(pledge)


def test_the_pledge_page_in_chinese(client, campaign, backer):
    html = client.get(_pledge_url(campaign), **ZH).content.decode()
    assert "支持" in html and "回报" in html and "Reward" not in html


# --- my pledges, change, cancel -----------------------------------------------------------


def test_my_pledges_shows_only_mine(client, campaign, backer):
    other = _existing(campaign, amount="777")
    _post(client, campaign, backer)
    html = client.get(MY_PLEDGES, **EN).content.decode()
    assert "777" not in html and f"pledge-{other.pk}" not in html


def test_my_pledges_queries_do_not_grow(client, backer, django_assert_max_num_queries):
    first = live_campaign()
    pledge_create(actor=backer, campaign=first, tier=first.tiers.first().pk, amount="100",
                  payment_method=backer.card.pk)
    with django_assert_max_num_queries(12) as few:
        client.get(MY_PLEDGES, **EN)
    for _ in range(3):
        c = live_campaign()
        pledge_create(actor=backer, campaign=c, tier=c.tiers.first().pk, amount="100",
                      payment_method=backer.card.pk)
    with django_assert_max_num_queries(len(few.captured_queries)):
        html = client.get(MY_PLEDGES, **EN).content.decode()
    assert html.count('id="pledge-') == 4


def test_change_the_amount_and_the_tier(client, campaign, backer):
    _post(client, campaign, backer)
    pledge = Pledge.objects.get(backer=backer)
    standard = campaign.tiers.get(title="Standard")
    assert client.get(_change_url(pledge), **EN).status_code == 200
    response = client.post(_change_url(pledge), {"tier": standard.pk, "amount": "350"}, **EN)
    assert response.status_code == 302
    pledge.refresh_from_db()
    assert pledge.tier_id == standard.pk and pledge.amount_value == 350
    # the early-bird unit went back
    early = campaign.tiers.get(title="Early bird")
    from crowdfunding.selectors import tier_remaining
    assert tier_remaining(Tier.objects.get(pk=early.pk)) == 2


def test_a_change_below_the_price_is_refused_and_changes_nothing(client, campaign, backer):
    _post(client, campaign, backer)
    pledge = Pledge.objects.get(backer=backer)
    standard = campaign.tiers.get(title="Standard")
    response = client.post(_change_url(pledge), {"tier": standard.pk, "amount": "120"}, **EN)
    assert response.status_code == 400 and "at least the reward" in response.content.decode()
    pledge.refresh_from_db()
    assert pledge.tier.title == "Early bird" and pledge.amount_value == 120


def test_a_change_to_a_sold_out_tier_is_refused(client, campaign, backer):
    standard = campaign.tiers.get(title="Standard")
    pledge_create(actor=backer, campaign=campaign, tier=standard.pk, amount="300",
                  payment_method=backer.card.pk)
    _existing(campaign)
    _existing(campaign)
    pledge = Pledge.objects.get(backer=backer)
    early = campaign.tiers.get(title="Early bird")
    response = client.post(_change_url(pledge), {"tier": early.pk, "amount": "300"}, **EN)
    assert response.status_code == 409
    pledge.refresh_from_db()
    assert pledge.tier_id == standard.pk


def test_nothing_changed_is_said(client, campaign, backer):
    _post(client, campaign, backer)
    pledge = Pledge.objects.get(backer=backer)
    response = client.post(_change_url(pledge), {"tier": pledge.tier_id, "amount": "120.00"},
                           follow=True, **EN)
    assert "Nothing was changed." in response.content.decode()


def test_cancel_gives_the_unit_back(client, campaign, backer):
    _post(client, campaign, backer)
    pledge = Pledge.objects.get(backer=backer)
    response = client.post(_cancel_url(pledge), **EN)
    assert response.status_code == 302
    pledge.refresh_from_db()
    assert pledge.status == "canceled"
    html = client.get(MY_PLEDGES, **EN).content.decode()
    assert "Canceled" in html and _change_url(pledge) not in html
    # canceled twice: refused with the reason, nothing changes
    again = client.post(_cancel_url(pledge), **EN)
    assert again.status_code == 409 and "canceled" in again.content.decode()


def test_cancel_needs_post(client, campaign, backer):
    _post(client, campaign, backer)
    pledge = Pledge.objects.get(backer=backer)
    assert client.get(_cancel_url(pledge), **EN).status_code == 405


def test_after_the_deadline_a_pledge_cannot_be_changed_or_canceled(client, campaign, backer):
    _post(client, campaign, backer)
    pledge = Pledge.objects.get(backer=backer)
    Campaign.objects.filter(pk=campaign.pk).update(ends_at=timezone.now() - timedelta(minutes=1))
    assert client.get(_change_url(pledge), **EN).status_code == 409
    assert client.post(_cancel_url(pledge), **EN).status_code == 409
    pledge.refresh_from_db()
    assert pledge.status == "active"
    assert _change_url(pledge) not in client.get(MY_PLEDGES, **EN).content.decode()


def test_another_backers_pledge_is_not_found(client, campaign, backer):
    other = _existing(campaign)
    assert client.get(_change_url(other), **EN).status_code == 404
    assert client.post(_change_url(other), {"tier": other.tier_id, "amount": "500"},
                       **EN).status_code == 404
    assert client.post(_cancel_url(other), **EN).status_code == 404
    other.refresh_from_db()
    assert other.status == "active" and other.amount_value == 150


def test_my_pledges_needs_a_login(client):
    response = client.get(MY_PLEDGES)
    assert response.status_code == 302


def test_a_pledge_needing_action_is_flagged(client, campaign, backer):
    _post(client, campaign, backer)
    SavedPaymentMethod.objects.filter(pk=backer.card.pk).update(
        status=SavedPaymentMethod.Status.REMOVED)
    html = client.get(MY_PLEDGES, **EN).content.decode()
    assert "Needs your action" in html


# --- flexible: charged at pledge (the fake Stripe server) --------------------------------


def test_a_flexible_pledge_is_paid_on_the_page(client, payments_stripe):
    from marketplace.payments.services.methods import payment_method_save

    campaign = live_campaign(funding_model="flexible")
    backer = UserFactory()
    card = payment_method_save(user=backer, payment_method="pm_card_visa",
                               off_session_consent=True)
    client.force_login(backer)
    page = client.get(_pledge_url(campaign), **EN).content.decode()
    assert "Pledge and pay now" in page
    response = client.post(_pledge_url(campaign), {
        "tier": campaign.tiers.first().pk, "amount": "120", "payment_method": card.pk}, **EN)
    assert response.status_code == 302
    pledge = Pledge.objects.get(backer=backer)
    assert pledge.status == "active" and pledge.attempt.status == "succeeded"
    change = client.get(_change_url(pledge), **EN).content.decode()
    assert "only anonymity can change here" in change


def test_a_declined_flexible_payment_is_explained_on_the_form(client, payments_stripe):
    campaign = live_campaign(funding_model="flexible")
    backer = UserFactory()
    card = SavedPaymentMethodFactory(owner=backer, status=SavedPaymentMethod.Status.ACTIVE,
                                     provider_payment_method_id="pm_card_chargeDeclined")
    client.force_login(backer)
    response = client.post(_pledge_url(campaign), {
        "tier": campaign.tiers.first().pk, "amount": "120", "payment_method": card.pk}, **EN)
    assert response.status_code == 402
    assert "errorlist" in response.content.decode()
    assert not Pledge.objects.filter(backer=backer, status__in=("active", "pending")).exists()


def test_a_flexible_payment_asking_for_3d_secure_sends_the_backer_to_the_bank(
        client, payments_stripe):
    campaign = live_campaign(funding_model="flexible")
    backer = UserFactory()
    card = SavedPaymentMethodFactory(owner=backer, status=SavedPaymentMethod.Status.ACTIVE,
                                     provider_payment_method_id="pm_card_authenticationRequired")
    client.force_login(backer)
    response = client.post(_pledge_url(campaign), {
        "tier": campaign.tiers.first().pk, "amount": "120", "payment_method": card.pk}, **EN)
    pledge = Pledge.objects.get(backer=backer)
    assert pledge.status == "pending"
    assert response.status_code == 302 and response.url == pledge.attempt.next_action_url
    assert response.url
