"""Crowdfunding's header link and home-page card (registered from CrowdfundingConfig.ready).

Link functions read only the request's membership memo (no query of their own)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from crowdfunding.rules import MAKER_ROLES
from marketplace.accounts import rules as account_rules
from marketplace.accounts.models import OrganisationKind
from marketplace.core.dashboard import Link
from marketplace.core.navigation import ACCOUNT_MENU, HomeCard, home_card, nav_link


def is_campaign_maker(user) -> bool:
    """Holds a maker role in a maker company (from the membership memo)."""
    return any(m.role in MAKER_ROLES and m.kind == OrganisationKind.MAKER_COMPANY
               for m in account_rules.user_memberships(user))


@nav_link("crowdfunding.discover", order=30)
def discover_link(user) -> Link:
    return Link(_("Crowdfunding"), reverse("crowdfunding:discover"))


@nav_link("crowdfunding.mine", order=30, menu=ACCOUNT_MENU)
def my_crowdfunding_links(user) -> list[Link] | None:
    """Anyone signed in may back a campaign (their pledges); a maker's campaigns; the
    staff review queue."""
    if not getattr(user, "is_authenticated", False):
        return None
    links = [Link(_("My pledges"), reverse("crowdfunding:pledge_list"))]
    if is_campaign_maker(user):
        links.append(Link(_("My campaigns"), reverse("crowdfunding:my_campaigns")))
    if user.is_staff:
        links.append(Link(_("Campaign review queue"), reverse("crowdfunding:review_queue")))
    return links


@home_card("crowdfunding", order=20)
def crowdfunding_card(user) -> HomeCard:
    return HomeCard(
        title=_("Crowdfunding"),
        body=_("Makers pre-sell their products in reward campaigns: choose a reward, "
               "pledge, and follow the campaign to delivery. All-or-nothing campaigns "
               "charge only if they reach their goal."),
        audience=_("For backers, and for makers launching a product."),
        actions=[Link(_("Discover campaigns"), reverse("crowdfunding:discover"))],
    )
