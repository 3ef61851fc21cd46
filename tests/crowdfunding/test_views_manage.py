"""The maker's pages (create and edit a draft, rewards, fees, submit, revise, withdraw)
and the staff review (queue, approve, ask for changes): allowed and refused, each role
and the wrong one, bad input writing nothing."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from crowdfunding.models import Campaign, Tier
from crowdfunding.services.campaigns import campaign_submit
from crowdfunding.services.pledges import pledge_create
from marketplace.core.models import AuditEvent
from tests.crowdfunding.factories import (
    backer_with_card,
    draft_campaign,
    live_campaign,
    maker_setup,
)
from tests.factories import StaffFactory, UserFactory, member_of

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}
NEW = reverse("crowdfunding:campaign_create")


def _url(name, obj):
    return reverse(f"crowdfunding:{name}", args=[obj.pk])


def _form(product, **extra):
    launch = timezone.localtime() + timedelta(days=3)
    return {"title": "潮汐能灯塔", "summary": "A tidal lamp", "story": "<p>Light <em>from</em> tides</p>",
            "goal_amount": "20000", "currency": "CNY", "funding_model": "all_or_nothing",
            "threshold_percent": "", "launch_date": launch.strftime("%Y-%m-%d"),
            "launch_time": "09:30", "duration_days": "30", "products": [product.pk], **extra}


@pytest.fixture
def maker(client):
    organisation, user, product = maker_setup()
    user.organisation, user.product = organisation, product
    client.force_login(user)
    return user


@pytest.fixture
def staff(client):
    return StaffFactory(mfa=True)


# --- create and edit ----------------------------------------------------------------------


def test_a_maker_creates_a_draft(client, maker):
    page = client.get(NEW, **EN)
    assert page.status_code == 200 and maker.product.name in page.content.decode() \
        or maker.product.name_en in page.content.decode()
    response = client.post(NEW, _form(maker.product), **EN)
    assert response.status_code == 302
    campaign = Campaign.objects.get()
    assert response.url == _url("campaign_manage", campaign)
    assert campaign.status == "draft" and campaign.goal_amount == 20000
    assert campaign.organisation == maker.organisation and list(campaign.products.all()) == [maker.product]
    assert timezone.localtime(campaign.launch_at).strftime("%H:%M") == "09:30"
    manage = client.get(response.url, **EN).content.decode()
    assert "What you will receive" in manage and "150 %" in manage


@pytest.mark.parametrize("field, value", [
    ("goal_amount", "-5"), ("goal_amount", "abc"), ("duration_days", "61"),
    ("duration_days", "0"), ("title", ""), ("currency", "XXX"), ("launch_date", "soon"),
])
def test_bad_input_is_shown_on_the_form_and_writes_nothing(client, maker, field, value):
    response = client.post(NEW, _form(maker.product, **{field: value}), **EN)
    assert response.status_code == 400 and "errorlist" in response.content.decode()
    assert not Campaign.objects.exists()


def test_a_threshold_campaign_needs_its_percentage(client, maker):
    response = client.post(NEW, _form(maker.product, funding_model="threshold"), **EN)
    assert response.status_code == 400
    assert "percentage of the goal" in response.content.decode()
    assert not Campaign.objects.exists()


def test_a_product_of_another_maker_cannot_be_linked(client, maker):
    _org, _other, foreign = maker_setup()
    response = client.post(NEW, _form(maker.product, products=[foreign.pk]), **EN)
    assert response.status_code == 400 and not Campaign.objects.exists()


def test_an_unverified_maker_cannot_start_a_campaign(client):
    _org, user, _product = maker_setup(verified=False)
    client.force_login(user)
    assert client.get(NEW, **EN).status_code == 403
    client.force_login(UserFactory())
    assert client.get(NEW, **EN).status_code == 403


def test_a_maker_of_two_companies_picks_one(client, maker):
    second, _u, _p = maker_setup()
    from tests.factories import MembershipFactory
    MembershipFactory(organisation=second, user=maker, role="member")
    html = client.get(NEW, **EN).content.decode()
    assert f"?organisation={second.pk}" in html and "Which organisation" in html
    form = client.get(f"{NEW}?organisation={second.pk}", **EN)
    assert form.status_code == 200 and 'name="title"' in form.content.decode()


def test_the_maker_edits_the_draft(client, maker):
    campaign = draft_campaign(maker=maker, organisation=maker.organisation, product=maker.product)
    page = client.get(_url("campaign_edit", campaign), **EN)
    assert page.status_code == 200 and "海洋传感器众筹" in page.content.decode()
    response = client.post(_url("campaign_edit", campaign),
                           _form(maker.product, title="New title", goal_amount="15000"), **EN)
    assert response.status_code == 302
    campaign.refresh_from_db()
    assert campaign.title == "New title" and campaign.goal_amount == 15000


def test_another_maker_cannot_edit_or_manage(client, maker):
    campaign = draft_campaign()
    for name in ("campaign_edit", "campaign_manage"):
        assert client.get(_url(name, campaign), **EN).status_code == 404
    assert client.post(_url("campaign_submit", campaign), **EN).status_code == 404
    assert client.post(_url("tier_create", campaign), {"title": "x", "price": "1",
                                                        "estimated_delivery": "2027-01"},
                       **EN).status_code == 404
    tier = campaign.tiers.first()
    assert client.get(_url("tier_edit", tier), **EN).status_code == 404
    assert client.post(_url("tier_delete", tier), **EN).status_code == 404
    assert Tier.objects.filter(pk=tier.pk).exists()


def test_staff_do_not_edit_makers_campaigns(client, staff):
    campaign = draft_campaign()
    client.force_login(staff)
    assert client.get(_url("campaign_edit", campaign), **EN).status_code == 404


def test_a_submitted_campaign_is_not_editable(client, maker):
    campaign = draft_campaign(maker=maker, organisation=maker.organisation, product=maker.product)
    campaign_submit(actor=maker, campaign=campaign)
    response = client.get(_url("campaign_edit", campaign), follow=True, **EN)
    assert "Only a draft can be edited" in response.content.decode()


# --- rewards ------------------------------------------------------------------------------


def test_rewards_are_added_edited_and_deleted(client, maker):
    campaign = draft_campaign(maker=maker, organisation=maker.organisation, product=maker.product,
                              tiers=())
    response = client.post(_url("tier_create", campaign), {
        "title": "Lamp", "price": "299", "estimated_delivery": "2027-09", "quantity": "100"}, **EN)
    assert response.status_code == 302
    tier = campaign.tiers.get()
    assert tier.quantity == 100 and tier.estimated_delivery.month == 9
    response = client.post(_url("tier_edit", tier), {
        "title": "Lamp", "price": "249", "estimated_delivery": "2027-09", "quantity": "80"}, **EN)
    assert response.status_code == 302
    tier.refresh_from_db()
    assert tier.price_amount == 249 and tier.quantity == 80
    assert client.post(_url("tier_delete", tier), **EN).status_code == 302
    assert not campaign.tiers.exists()


def test_a_reward_without_delivery_month_is_refused(client, maker):
    campaign = draft_campaign(maker=maker, organisation=maker.organisation, product=maker.product,
                              tiers=())
    response = client.post(_url("tier_create", campaign), {"title": "Lamp", "price": "299"}, **EN)
    assert response.status_code == 400 and "delivery month" in response.content.decode()
    assert not campaign.tiers.exists()


def test_a_reward_with_backers_cannot_be_made_worse_or_deleted(client):
    campaign = live_campaign()
    tier = campaign.tiers.first()
    backer, card = backer_with_card(off_session_consent=True)
    pledge_create(actor=backer, campaign=campaign, tier=tier.pk, amount="100", payment_method=card.pk)
    client.force_login(campaign.maker)
    response = client.post(_url("tier_edit", tier), {
        "title": tier.title, "price": "150", "estimated_delivery": "2027-06", "quantity": "50"}, **EN)
    assert response.status_code == 409
    tier.refresh_from_db()
    assert tier.price_amount == 100
    assert client.post(_url("tier_delete", tier), **EN).status_code == 409
    assert Tier.objects.filter(pk=tier.pk).exists()


# --- submit, revise, withdraw -------------------------------------------------------------


def test_submit_needs_a_reward(client, maker):
    campaign = draft_campaign(maker=maker, organisation=maker.organisation, product=maker.product,
                              tiers=())
    response = client.post(_url("campaign_submit", campaign), **EN)
    assert response.status_code == 400 and "Add at least one reward" in response.content.decode()
    campaign.refresh_from_db()
    assert campaign.status == "draft"


def test_submit_then_staff_ask_for_changes_then_revise(client, maker, staff):
    campaign = draft_campaign(maker=maker, organisation=maker.organisation, product=maker.product)
    assert client.post(_url("campaign_submit", campaign), **EN).status_code == 302
    campaign.refresh_from_db()
    assert campaign.status == "submitted"
    # submitting twice is refused with the machine's reason
    again = client.post(_url("campaign_submit", campaign), **EN)
    assert again.status_code in (400, 409) and "already waiting" in again.content.decode()

    client.force_login(staff)
    queue = client.get(reverse("crowdfunding:review_queue"), **EN).content.decode()
    assert campaign.title in queue
    no_reason = client.post(_url("review", campaign), {"decision": "request_changes"}, **EN)
    assert no_reason.status_code == 400 and "Say what needs to change" in no_reason.content.decode()
    response = client.post(_url("review", campaign),
                           {"decision": "request_changes", "reason": "Show the lamp's battery."}, **EN)
    assert response.status_code == 302
    campaign.refresh_from_db()
    assert campaign.status == "changes_requested"

    client.force_login(maker)
    manage = client.get(_url("campaign_manage", campaign), **EN).content.decode()
    assert "Show the lamp" in manage and "Revise the campaign" in manage
    assert client.post(_url("campaign_revise", campaign), **EN).status_code == 302
    campaign.refresh_from_db()
    assert campaign.status == "draft"
    assert AuditEvent.objects.filter(action="crowdfunding.campaign.revised").exists()


def test_staff_approve(client, maker, staff):
    campaign = draft_campaign(maker=maker, organisation=maker.organisation, product=maker.product)
    campaign_submit(actor=maker, campaign=campaign)
    client.force_login(staff)
    page = client.get(_url("review", campaign), **EN)
    assert page.status_code == 200 and "Approve" in page.content.decode()
    assert client.post(_url("review", campaign), {"decision": "approve"}, **EN).status_code == 302
    campaign.refresh_from_db()
    assert campaign.status == "approved" and campaign.reviewed_by == staff
    # deciding again is refused by the machine, nothing changes
    again = client.post(_url("review", campaign), {"decision": "approve"}, **EN)
    assert again.status_code == 409
    unknown = client.post(_url("review", campaign), {"decision": "launch"}, **EN)
    assert unknown.status_code == 400


def test_only_staff_review(client, maker):
    campaign = draft_campaign(maker=maker, organisation=maker.organisation, product=maker.product)
    campaign_submit(actor=maker, campaign=campaign)
    assert client.get(reverse("crowdfunding:review_queue"), **EN).status_code == 403
    assert client.get(_url("review", campaign), **EN).status_code == 404
    assert client.post(_url("review", campaign), {"decision": "approve"}, **EN).status_code == 404
    campaign.refresh_from_db()
    assert campaign.status == "submitted"


def test_withdraw_needs_a_reason(client, maker):
    campaign = draft_campaign(maker=maker, organisation=maker.organisation, product=maker.product)
    refused = client.post(_url("campaign_withdraw", campaign), {"reason": ""}, **EN)
    assert refused.status_code == 400
    campaign.refresh_from_db()
    assert campaign.status == "draft"
    assert client.post(_url("campaign_withdraw", campaign), {"reason": "Not ready"},
                       **EN).status_code == 302
    campaign.refresh_from_db()
    assert campaign.status == "canceled"


def test_a_member_of_the_organisation_manages_too(client, maker):
    campaign = draft_campaign(maker=maker, organisation=maker.organisation, product=maker.product)
    colleague = member_of(maker.organisation, role="member")
    client.force_login(colleague)
    assert client.get(_url("campaign_manage", campaign), **EN).status_code == 200


def test_my_campaigns_and_the_manage_page_show_backers(client, django_assert_max_num_queries):
    campaign = live_campaign()
    backer, card = backer_with_card(off_session_consent=True)
    pledge_create(actor=backer, campaign=campaign, tier=campaign.tiers.first().pk, amount="100",
                  payment_method=card.pk, anonymous=True)
    client.force_login(campaign.maker)
    html = client.get(reverse("crowdfunding:my_campaigns"), **EN).content.decode()
    assert campaign.title in html and "Start a campaign" in html
    with django_assert_max_num_queries(25):
        manage = client.get(_url("campaign_manage", campaign), **EN).content.decode()
    assert "Anonymous backer" in manage and "<svg" in manage and str(backer) not in manage


def test_the_manage_page_in_chinese(client, maker):
    campaign = draft_campaign(maker=maker, organisation=maker.organisation, product=maker.product)
    html = client.get(_url("campaign_manage", campaign), **ZH).content.decode()
    assert "提交审核" in html and "Submit for review" not in html


def test_saving_a_reward_unchanged_changes_nothing(client):
    campaign = live_campaign(tiers=(("Thanks", "10", None),))
    tier = campaign.tiers.get()
    from crowdfunding.services.tiers import tier_update
    tier_update(actor=campaign.maker, tier=tier, no_reward=True)
    backer, card = backer_with_card(off_session_consent=True)
    pledge_create(actor=backer, campaign=campaign, tier=tier.pk, amount="10", payment_method=card.pk)
    client.force_login(campaign.maker)
    response = client.post(_url("tier_edit", tier), {
        "title": "Thanks", "price": "10", "no_reward": "on", "estimated_delivery": ""},
        follow=True, **EN)
    assert "Nothing was changed." in response.content.decode()


# --- the backers for fulfilment --------------------------------------------------------------

def test_the_maker_downloads_the_backers_with_anonymous_ones_and_no_formulas(client):
    campaign = live_campaign()
    backer, card = backer_with_card()
    type(backer).objects.filter(pk=backer.pk).update(display_name="=HYPERLINK(1)")
    pledge_create(actor=backer, campaign=campaign, tier=campaign.tiers.first().pk,
                  amount="120", payment_method=card.pk, anonymous=True)
    client.force_login(campaign.maker)
    response = client.get(_url("backers_csv", campaign))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("pledge,backer,email,reward,amount")
    assert len(lines) == 2
    row = lines[1].split(",")
    assert row[1] == "'=HYPERLINK(1)"  # a backer's own text never runs as a formula
    assert row[2] == backer.email and row[4] == "120.00" and row[7] == "yes"


@pytest.mark.parametrize("who", ["anonymous", "backer", "other_maker", "staff"])
def test_nobody_else_downloads_the_backers(client, who):
    campaign = live_campaign()
    users = {"backer": UserFactory(), "other_maker": draft_campaign().maker,
             "staff": StaffFactory(mfa=True)}
    if who != "anonymous":
        client.force_login(users[who])
    response = client.get(_url("backers_csv", campaign))
    assert response.status_code in (302, 404)
    assert b"pledge,backer" not in response.content
