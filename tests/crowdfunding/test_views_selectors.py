"""The reads the crowdfunding pages are built on (the pages themselves are not routed
yet): Discover, the live progress payload, the maker's chart and backers, search rows,
the product page's campaigns and what needs a backer's action."""

import pytest

from crowdfunding import selectors
from crowdfunding.charts import funding_chart_svg
from crowdfunding.services.pledges import pledge_create
from marketplace.payments.models import SavedPaymentMethod
from tests.crowdfunding.factories import backer_with_card, draft_campaign, live_campaign

pytestmark = pytest.mark.django_db


def test_page_reads_of_a_live_campaign_with_one_pledge():
    c = live_campaign()
    backer, card = backer_with_card(off_session_consent=True)
    tier = c.tiers.first()
    pledge_create(actor=backer, campaign=c, tier=tier.pk, amount="150", payment_method=card.pk)
    d = selectors.campaigns_discover()
    draft = draft_campaign()  # not public: in none of the public reads
    assert [x.pk for x in d["featured"]] == [c.pk]
    assert d["featured"][0].pledged_total == 150
    p = selectors.campaign_progress_payload(c.pk)
    assert p["backers"] == 1 and p["remaining"] == {str(tier.pk): 49}
    assert selectors.campaign_progress_payload(draft.pk) is None
    days = selectors.campaign_funding_by_day(c)
    assert days[0].pledges == 1
    assert "<svg" in funding_chart_svg(days, goal=c.goal)
    assert selectors.campaigns_for_index().get().backer_total == 1
    assert selectors.campaigns_for_product(c.products.first())[0].pk == c.pk
    assert len(selectors.campaign_products(c, backer)) == 1
    assert selectors.organisations_that_may_start(c.maker)
    assert list(selectors.campaigns_of_maker(c.maker)) == [c]
    assert selectors.campaign_backers(c).count() == 1
    assert selectors.pledges_needing_action(backer).count() == 0
    SavedPaymentMethod.objects.filter(pk=card.pk).update(status=SavedPaymentMethod.Status.REMOVED)
    assert selectors.pledges_needing_action(backer).count() == 1


def test_discover_filters_by_district_without_multiplying_totals():
    c = live_campaign()
    backer, card = backer_with_card(off_session_consent=True)
    pledge_create(actor=backer, campaign=c, tier=c.tiers.first().pk, amount="100",
                  payment_method=card.pk)
    district = c.organisation.district or "nowhere"
    found = selectors.campaigns_discover(district=district)["ending_soon"]
    assert [(x.pk, x.pledged_total, x.backer_total) for x in found] == [(c.pk, 100, 1)] \
        if c.organisation.district else found == []
    assert selectors.campaigns_discover(district="no-such-district")["new"] == []
