"""Dashboard panels of the catalogue (registered from CatalogConfig.ready)."""

from __future__ import annotations

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext as _

from catalog import selectors
from catalog.models import Product
from marketplace.core.dashboard import Link, Panel, dashboard_panel
from marketplace.core.locale import localized

PANEL_ITEMS = 5


@dashboard_panel("catalog.products", order=20)
def my_products(user) -> Panel | None:
    # products belong to maker companies (catalog.add_product): a makerspace's operator
    # has the makerspace panel instead, and no "list a product" it could not follow
    org_ids = selectors.maker_company_ids_of(user)
    if not org_ids:
        return None
    products = selectors.products_of_organisations(org_ids)
    counts = products.aggregate(
        all=Count("pk"), drafts=Count("pk", filter=Q(status=Product.Status.DRAFT)))
    recent = list(products[:PANEL_ITEMS])
    open_applications = selectors.open_certifications_of(org_ids).count()
    items = [Link(localized(p, "name"), reverse("catalog:product_detail", args=[p.slug]),
                  p.get_status_display()) for p in recent]
    if counts["drafts"]:
        items.append(Link(_("%(n)s drafts to publish") % {"n": counts["drafts"]},
                          reverse("catalog:my_products")))
    if open_applications:
        items.append(Link(_("%(n)s certification applications under way")
                          % {"n": open_applications}, reverse("catalog:my_products")))
    return Panel(
        title=_("Your products"), count=counts["all"], items=items,
        action=Link(_("List a product"), reverse("catalog:product_create")),
        more=Link(_("All your products"), reverse("catalog:my_products")),
    )


@dashboard_panel("catalog.makerspaces", order=25)
def my_makerspaces(user) -> Panel | None:
    spaces = list(selectors.makerspaces_operated_by(user)[:PANEL_ITEMS])
    if not spaces:
        return None
    return Panel(
        title=_("Makerspaces you run"), count=len(spaces),
        items=[Link(localized(s, "name"), reverse("catalog:makerspace_edit", args=[s.slug]),
                    s.get_status_display()) for s in spaces],
    )


@dashboard_panel("catalog.first_set_units", order=30)
def units_awaiting(user) -> Panel | None:
    waiting = selectors.first_set_units_awaiting(user)
    count = waiting.count()
    if not count:
        return None
    return Panel(
        title=_("First-set units awaiting your confirmation"), count=count,
        items=[Link(f"{localized(u.product, 'name')} · {u.serial_number}",
                    reverse("catalog:product_first_sets", args=[u.product.slug]),
                    localized(u.buyer, "name")) for u in waiting[:PANEL_ITEMS]],
        action=Link(_("Confirm or reject"), reverse("catalog:first_set_units_awaiting")),
    )


@dashboard_panel("catalog.staff_certifications", order=2)
def certification_queue(user) -> Panel | None:
    if not user.is_staff:
        return None
    queue = selectors.certification_review_queue()
    return Panel(
        title=_("Certification applications"), count=queue.count(), count_label=_("waiting"),
        items=[Link(localized(c.product, "name"),
                    reverse("catalog:certification_review", args=[c.pk]),
                    c.get_status_display()) for c in queue[:PANEL_ITEMS]],
        more=Link(_("The whole queue"), reverse("catalog:certification_queue")),
    )
