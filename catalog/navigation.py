"""The catalogue's header links and home-page card (registered from CatalogConfig.ready).

Link functions read only the request's membership memo (no query of their own)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from catalog import selectors
from catalog.rules import MAKER_ROLES
from marketplace.accounts import rules as account_rules
from marketplace.accounts.models import OrganisationKind
from marketplace.core.dashboard import Link
from marketplace.core.navigation import ACCOUNT_MENU, HomeCard, home_card, nav_link


def _maker_memberships(user):
    return [m for m in account_rules.user_memberships(user) if m.role in MAKER_ROLES]


@nav_link("catalog.products", order=10)
def products_link(user) -> Link:
    return Link(_("Products"), reverse("catalog:product_list"))


@nav_link("catalog.makerspaces", order=20)
def makerspaces_link(user) -> Link:
    return Link(_("Makerspaces"), reverse("catalog:makerspace_list"))


@nav_link("catalog.mine", order=20, menu=ACCOUNT_MENU)
def my_work_links(user) -> list[Link] | None:
    """A maker's products, an operator's makerspaces, the units a buyer (or staff on the
    purchase document) confirms, and the staff certification queue."""
    if not getattr(user, "is_authenticated", False):
        return None
    links = []
    memberships = _maker_memberships(user)
    if selectors.maker_company_ids_of(user):
        links.append(Link(_("My products"), reverse("catalog:my_products")))
    if any(m.kind == OrganisationKind.MAKERSPACE for m in memberships):
        links.append(Link(_("Makerspaces you run"),
                          reverse("dashboard") + "#panel-catalogmakerspaces"))
    if user.is_staff or account_rules.is_government_buyer(user):
        links.append(Link(_("First-set units to confirm"),
                          reverse("catalog:first_set_units_awaiting")))
    if user.is_staff:
        links.append(Link(_("Certification queue"), reverse("catalog:certification_queue")))
    return links or None


@home_card("catalog", order=10)
def catalogue_card(user) -> HomeCard:
    return HomeCard(
        title=_("Catalogue"),
        body=_("Makers list their products with specifications, stage and certification. "
               "Makerspace operators present their spaces, equipment and resident makers, "
               "district by district."),
        audience=_("For makers, makerspace operators and everyone looking for local "
                   "innovation."),
        actions=[Link(_("Browse products"), reverse("catalog:product_list")),
                 Link(_("Makerspaces"), reverse("catalog:makerspace_list"))],
    )
