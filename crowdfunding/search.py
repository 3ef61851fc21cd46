"""What reward crowdfunding makes searchable: its public campaigns.

Registered by ``CrowdfundingConfig.ready()`` only when the search app is installed,
through search's one contract (``search.documents.register_document_type``): the rows
come from ``crowdfunding.selectors.campaigns_for_index`` (public campaigns only), changes
from ``campaign_listing_changed`` (status and page changes; not every pledge). The
category, district and makerspace are those of the campaign's first linked product.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from crowdfunding.models import Campaign
from crowdfunding.selectors import campaigns_for_index
from crowdfunding.signals import campaign_listing_changed
from search.documents import SearchDocument, register_document_type
from search.text import plain_text

FACETS = ("category", "district", "makerspace", "status")


def build_campaign(campaign: Campaign) -> SearchDocument:
    """``campaign`` as ``campaigns_for_index`` gives it: organisation selected, products
    with their category and makerspace prefetched."""
    organisation = campaign.organisation
    products = sorted(campaign.products.all(), key=lambda p: p.pk)
    product = products[0] if products else None
    category = product.category if product else None
    space = product.makerspace if product else None
    extra = {
        "organisation": organisation.name,
        "organisation_en": organisation.name_en,
        "goal": str(campaign.goal_amount),
        "goal_currency": campaign.goal_currency,
        "funding_model": campaign.funding_model,
    }
    if campaign.ends_at:
        extra["ends_at"] = campaign.ends_at.isoformat()
    return SearchDocument(
        doc_type="campaign",
        object_id=campaign.pk,
        url=reverse("crowdfunding:campaign_detail", kwargs={"pk": campaign.pk}),
        title_zh=campaign.title,
        title_en=campaign.title,
        summary_zh=campaign.summary,
        summary_en=campaign.summary,
        body_zh=plain_text(campaign.story),
        body_en=plain_text(campaign.story),
        keywords=" ".join(str(part) for part in (
            organisation.name, organisation.name_en,
            *(p.name for p in products), *(p.name_en for p in products),
            category.name if category else "", category.name_en if category else "",
        ) if part),
        category=category.path if category else "",
        category_label_zh=category.name if category else "",
        category_label_en=category.name_en if category else "",
        district=(space.district if space else organisation.district) or "",
        makerspace=space.slug if space else "",
        makerspace_label_zh=space.name if space else "",
        makerspace_label_en=space.name_en if space else "",
        status=campaign.status,
        created_at=campaign.launched_at or campaign.created_at,
        suggest=[campaign.title],
        extra=extra,
    )


def register() -> None:
    """Register campaigns with search (called by ``CrowdfundingConfig.ready``)."""
    from catalog.search import known_categories, known_makerspaces

    register_document_type(
        "campaign", label=_("Crowdfunding campaigns"), item_label=_("Campaign"),
        rows=campaigns_for_index, build=build_campaign,
        signal=campaign_listing_changed, id_kwarg="campaign_id",
        facets=FACETS,
        statuses={Campaign.Status.LIVE: _("Live"), Campaign.Status.FUNDED: _("Funded"),
                  Campaign.Status.FAILED: _("Not funded"),
                  Campaign.Status.FULFILLING: _("Delivering rewards"),
                  Campaign.Status.FULFILLED: _("Rewards delivered")},
        vocabularies={"category": known_categories, "makerspace": known_makerspaces},
        index_name="campaigns", index_fields={"ends_at": "date", "funding_model": "keyword"},
    )
