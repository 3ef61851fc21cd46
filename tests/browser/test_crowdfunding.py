"""The crowdfunding pages in Chromium, in both languages: English pages without Chinese
outside user content, and an axe-core scan (no serious or critical violations) of
Discover, the campaign page, the pledge page, my pledges, the maker's manage page and the
staff review queue."""

from __future__ import annotations

import pytest
from django.urls import reverse

from crowdfunding.services.campaigns import campaign_submit
from crowdfunding.services.pledges import pledge_create
from tests.browser.test_site import CJK, _context, _visible_text_without
from tests.crowdfunding.factories import backer_with_card, draft_campaign, live_campaign
from tests.factories import StaffFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def crowd():
    campaign = live_campaign(tiers=(("Early bird", "100", 2), ("Standard", "300", None)))
    first, card = backer_with_card(off_session_consent=True)
    pledge_create(actor=first, campaign=campaign, tier=campaign.tiers.get(title="Early bird").pk,
                  amount="100", payment_method=card.pk)
    backer, card = backer_with_card(off_session_consent=True)
    pledge_create(actor=backer, campaign=campaign, tier=campaign.tiers.get(title="Standard").pk,
                  amount="300", payment_method=card.pk)
    other, _card = backer_with_card(off_session_consent=True)
    submitted = draft_campaign()
    campaign_submit(actor=submitted.maker, campaign=submitted)
    product = campaign.products.get()
    user_content = [campaign.title, campaign.organisation.name, submitted.organisation.name,
                    product.name, product.summary, str(backer), str(campaign.maker),
                    str(other), str(first)]
    pages = {
        "backer": [reverse("crowdfunding:discover"),
                   reverse("crowdfunding:campaign_detail", args=[campaign.pk]),
                   reverse("crowdfunding:pledge_list")],
        "other": [reverse("crowdfunding:pledge", args=[campaign.pk])],
        "maker": [reverse("crowdfunding:campaign_manage", args=[campaign.pk]),
                  reverse("crowdfunding:my_campaigns")],
        "staff": [reverse("crowdfunding:review_queue"),
                  reverse("crowdfunding:review", args=[submitted.pk])],
    }
    people = {"backer": backer, "other": other, "maker": campaign.maker,
              "staff": StaffFactory(mfa=True)}
    return {"pages": pages, "people": people, "user_content": user_content}


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_crowdfunding_pages_read_in_one_language_and_pass_the_scan(browser, live_server, crowd,
                                                                   language):
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    found, mixed = {}, {}
    for role, paths in crowd["pages"].items():
        context = _context(browser, live_server, user=crowd["people"][role], language=language)
        page = context.new_page()
        failed = []
        page.on("response", lambda r, failed=failed: r.status >= 400
                and failed.append(f"{r.status} {r.url}"))
        try:
            for path in paths:
                page.goto(f"{live_server.url}{path}")
                assert page.locator("html").get_attribute("lang") == language, path
                text = _visible_text_without(page, crowd["user_content"])
                if language == "en" and CJK.findall(text):
                    mixed[path] = CJK.findall(text)
                elif language != "en" and len(CJK.findall(text)) < 10:
                    mixed[path] = "too little Chinese"
                serious = [v for v in axe.run(page).response["violations"]
                           if v["impact"] in ("serious", "critical")]
                if serious:
                    found[path] = [(v["id"], [n["target"] for n in v["nodes"]][:3])
                                   for v in serious]
        finally:
            context.close()
        assert failed == [], failed
    assert mixed == {}
    assert found == {}
