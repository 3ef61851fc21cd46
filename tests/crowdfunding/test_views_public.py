"""The public crowdfunding pages: Discover, the campaign page (drafts only for their maker
and staff), the product page's campaigns, the header link, home card and dashboard
panels; both languages; query counts that do not grow with campaigns or tiers."""

import pytest
from django.urls import reverse

from crowdfunding.services.pledges import pledge_create
from crowdfunding.services.tiers import tier_create
from tests.crowdfunding.factories import backer_with_card, draft_campaign, live_campaign
from tests.factories import StaffFactory, UserFactory

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}
DISCOVER = reverse("crowdfunding:discover")


def _detail(campaign):
    return reverse("crowdfunding:campaign_detail", args=[campaign.pk])


def _pledge(campaign, amount="150", tier=None):
    backer, card = backer_with_card(off_session_consent=True)
    tier = tier or campaign.tiers.first()
    return pledge_create(actor=backer, campaign=campaign, tier=tier.pk, amount=amount,
                         payment_method=card.pk)


# --- Discover -----------------------------------------------------------------------------


def test_discover_shows_live_campaigns_with_their_progress(client):
    live = live_campaign(goal="1000")
    _pledge(live, amount="250")
    draft = draft_campaign()
    draft.title = "秘密草稿"
    draft.save(update_fields=["title"])
    html = client.get(DISCOVER, **EN).content.decode()
    assert live.title in html and "秘密草稿" not in html
    assert "25 %" in html and "1 backer" in html and 'value="25"' in html
    for heading in ("Featured", "Ending soon", "Newly launched"):
        assert heading in html


def test_discover_without_live_campaigns_says_so(client):
    draft_campaign()
    response = client.get(DISCOVER, **EN)
    assert response.status_code == 200
    assert "No campaign is live right now" in response.content.decode()


def test_discover_filters_by_district_and_refuses_unknown_values(client):
    live = live_campaign()
    district = live.organisation.district
    other = "laoshan" if district != "laoshan" else "shinan"
    if district:
        assert live.title in client.get(f"{DISCOVER}?district={district}", **EN).content.decode()
    filtered = client.get(f"{DISCOVER}?district={other}", **EN)
    assert filtered.status_code == 200 and live.title not in filtered.content.decode()
    assert "No live campaign matches these filters." in filtered.content.decode()
    bad = client.get(f"{DISCOVER}?district=atlantis", **EN)
    assert bad.status_code == 400 and live.title not in bad.content.decode()
    assert client.get(f"{DISCOVER}?category=no/such", **EN).status_code == 400


def test_discover_filters_by_the_products_category(client):
    live = live_campaign()
    category = live.products.first().category
    html = client.get(f"{DISCOVER}?category={category.path}", **EN).content.decode()
    assert live.title in html


def test_discover_queries_do_not_grow_with_campaigns(client, django_assert_max_num_queries):
    live_campaign()
    with django_assert_max_num_queries(15) as few:
        client.get(DISCOVER, **EN)
    for _ in range(3):
        _pledge(live_campaign())
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(DISCOVER, **EN)
    assert response.content.decode().count("campaign-card") >= 4


def test_discover_in_chinese(client):
    live_campaign()
    html = client.get(DISCOVER, **ZH).content.decode()
    assert "众筹" in html and "即将结束" in html and "Ending soon" not in html


# --- the campaign page --------------------------------------------------------------------


def test_campaign_page_shows_progress_tiers_products_and_chart(client):
    campaign = live_campaign(goal="1000", tiers=(("Early bird", "100", 2), ("Standard", "300", None)))
    early = campaign.tiers.get(title="Early bird")
    _pledge(campaign, amount="100", tier=early)
    _pledge(campaign, amount="120", tier=early)
    response = client.get(_detail(campaign), **EN)
    html = response.content.decode()
    assert response.status_code == 200
    assert campaign.title in html and "22 %" in html and "2 backers" in html
    assert "Sold out" in html and "Standard" in html and "June 2027" in html
    assert "All or nothing" in html and "<svg" in html
    assert campaign.products.first().name in html or campaign.products.first().name_en in html
    # the maker's own notes are not shown to the public
    assert "Platform fee" not in html


def test_campaign_page_shows_remaining_units_of_a_limited_tier(client):
    campaign = live_campaign(tiers=(("Early bird", "100", 5),))
    _pledge(campaign)
    html = client.get(_detail(campaign), **EN).content.decode()
    assert ">4 of 5 left<" in html and ">Sold out<" not in html
    # the live page's hooks: the tier's count, its label forms, the socket's script
    assert f'data-live-remaining="{campaign.tiers.first().pk}"' in html
    assert 'data-template="__LEFT__ of 5 left"' in html
    assert f'data-live-campaign="{campaign.pk}"' in html and "crowdfunding/live.js" in html


def test_the_live_hooks_carry_the_readers_language(client):
    campaign = live_campaign(tiers=(("Early bird", "100", 5),))
    html = client.get(_detail(campaign), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert 'data-one="%(counter)s 位支持者"' in html
    assert 'data-sold-out="已售罄"' in html


def test_a_draft_has_no_live_socket_hooks(client):
    campaign = draft_campaign()
    client.force_login(campaign.maker)
    html = client.get(_detail(campaign), **EN).content.decode()
    assert "data-live-campaign" not in html and "crowdfunding/live.js" not in html


def test_campaign_page_sanitises_the_story(client):
    campaign = live_campaign()
    type(campaign).objects.filter(pk=campaign.pk).update(
        story='<p>Hello <strong>sea</strong></p><script>alert(1)</script>')
    html = client.get(_detail(campaign), **EN).content.decode()
    assert "<strong>sea</strong>" in html and "<script>alert(1)" not in html


def test_campaign_page_explains_the_threshold_model(client):
    campaign = live_campaign(funding_model="threshold", threshold_percent=80)
    html = client.get(_detail(campaign), **EN).content.decode()
    assert "at least 80 % of the goal" in html


def test_a_draft_is_not_found_for_anonymous_and_other_users(client):
    campaign = draft_campaign()
    assert client.get(_detail(campaign), **EN).status_code == 404
    client.force_login(UserFactory())
    assert client.get(_detail(campaign), **EN).status_code == 404


def test_a_draft_is_shown_to_its_maker_and_to_staff(client):
    campaign = draft_campaign()
    client.force_login(campaign.maker)
    response = client.get(_detail(campaign), **EN)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Only your organisation" in html and "Platform fee" in html
    client.force_login(StaffFactory(mfa=True))
    assert client.get(_detail(campaign), **EN).status_code == 200


def test_an_unknown_campaign_is_not_found(client):
    assert client.get(reverse("crowdfunding:campaign_detail", args=[999999]), **EN).status_code == 404


def test_campaign_page_queries_do_not_grow_with_tiers(client, django_assert_max_num_queries):
    campaign = live_campaign()
    with django_assert_max_num_queries(15) as few:
        client.get(_detail(campaign), **EN)
    for n in range(4):
        tier_create(actor=campaign.maker, campaign=campaign, title=f"More {n}", price="200",
                    estimated_delivery="2027-07", quantity=10)
        _pledge(campaign, amount="200", tier=campaign.tiers.get(title=f"More {n}"))
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(_detail(campaign), **EN)
    assert response.content.decode().count('class="card tier') == 5


def test_campaign_page_in_chinese(client):
    campaign = live_campaign()
    html = client.get(_detail(campaign), **ZH).content.decode()
    assert "回报" in html and "全有或全无" in html and "Rewards" not in html
    assert "2027年6月" in html


# --- the product page, navigation, dashboard ---------------------------------------------


def test_product_page_lists_its_public_campaigns(client):
    campaign = live_campaign()
    product = campaign.products.first()
    html = client.get(reverse("catalog:product_detail", args=[product.slug]), **EN).content.decode()
    assert "Crowdfunding campaigns" in html and campaign.title in html


def test_product_page_hides_draft_campaigns(client):
    campaign = draft_campaign()
    product = campaign.products.first()
    html = client.get(reverse("catalog:product_detail", args=[product.slug]), **EN).content.decode()
    assert "Crowdfunding campaigns" not in html


def test_header_link_and_home_card(client):
    html = client.get(reverse("home"), **EN).content.decode()
    assert f'href="{DISCOVER}"' in html and "Discover campaigns" in html
    assert "众筹" in client.get(reverse("home"), **ZH).content.decode()


def test_dashboard_panels_of_backer_maker_and_staff(client, django_assert_max_num_queries):
    campaign = live_campaign()
    pledge = _pledge(campaign)
    client.force_login(pledge.backer)
    with django_assert_max_num_queries(30):
        html = client.get(reverse("dashboard"), **EN).content.decode()
    assert "Your pledges" in html and campaign.title in html
    client.force_login(campaign.maker)
    html = client.get(reverse("dashboard"), **EN).content.decode()
    assert "Your campaigns" in html and "1 backer" in html
    submitted = draft_campaign()
    from crowdfunding.services.campaigns import campaign_submit
    campaign_submit(actor=submitted.maker, campaign=submitted)
    client.force_login(StaffFactory(mfa=True))
    html = client.get(reverse("dashboard"), **EN).content.decode()
    assert "Campaigns to review" in html
    assert reverse("crowdfunding:review", args=[submitted.pk]) in html


def test_no_pledge_panel_for_someone_without_pledges(client):
    client.force_login(UserFactory())
    assert "Your pledges" not in client.get(reverse("dashboard"), **EN).content.decode()


def test_dashboard_queries_do_not_grow_with_pledges_or_campaigns(client,
                                                                 django_assert_max_num_queries):
    backer, card = backer_with_card(off_session_consent=True)
    first = live_campaign()
    pledge_create(actor=backer, campaign=first, tier=first.tiers.first().pk, amount="100",
                  payment_method=card.pk)
    client.force_login(backer)
    with django_assert_max_num_queries(40) as few:
        client.get(reverse("dashboard"), **EN)
    for _ in range(3):
        c = live_campaign(maker=first.maker, organisation=first.organisation,
                          product=first.products.first())
        pledge_create(actor=backer, campaign=c, tier=c.tiers.first().pk, amount="100",
                      payment_method=card.pk)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("dashboard"), **EN)
    client.force_login(first.maker)
    with django_assert_max_num_queries(40) as maker_few:
        html = client.get(reverse("dashboard"), **EN).content.decode()
    assert html.count("/manage/") == 4
    draft_campaign(maker=first.maker, organisation=first.organisation,
                   product=first.products.first())
    with django_assert_max_num_queries(len(maker_few.captured_queries)):
        client.get(reverse("dashboard"), **EN)
