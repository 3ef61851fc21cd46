"""Crowdfunding campaigns. The index and mapping exist now; documents arrive once the
crowdfunding app provides ``crowdfunding.selectors.campaigns_for_index(*, ids=None)``
(public campaigns only: live, funded, failed, fulfilling, fulfilled, canceled) and sends
``crowdfunding.signals.campaign_changed(campaign_id=...)`` after commit.

Rows are read by attribute (``getattr`` with defaults), so the selector may return
model instances or annotated rows: ``pk``, ``slug``, ``title``, ``title_en``,
``summary``, ``summary_en``, ``description``, ``description_en``, ``status``,
``goal_amount``, ``currency``, ``ends_at``, ``backers_count``, ``created_at``,
``organisation`` (name, name_en, district) and optionally ``product`` (whose category
and makerspace the campaign inherits) and ``get_absolute_url()``.
"""

from __future__ import annotations

from django.utils import timezone

from search.documents import DocumentSource, SearchDocument, register_source
from search.sources import url_for
from search.text import plain_text


def _get(row, name, default=""):
    value = getattr(row, name, default)
    return default if value is None else value


def build_campaign(row) -> SearchDocument:
    organisation = getattr(row, "organisation", None)
    product = getattr(row, "product", None)
    category = getattr(product, "category", None) if product is not None else None
    makerspace = getattr(product, "makerspace", None) if product is not None else None
    url = row.get_absolute_url() if hasattr(row, "get_absolute_url") else url_for(
        ("crowdfunding:campaign_detail",), f"/crowdfunding/campaigns/{row.pk}/",
        slug=_get(row, "slug"), pk=row.pk)
    ends_at = getattr(row, "ends_at", None)
    goal = getattr(row, "goal_amount", None)
    return SearchDocument(
        doc_type="campaign",
        object_id=row.pk,
        url=url,
        title_zh=_get(row, "title"),
        title_en=_get(row, "title_en"),
        summary_zh=_get(row, "summary"),
        summary_en=_get(row, "summary_en"),
        body_zh=plain_text(_get(row, "description")),
        body_en=plain_text(_get(row, "description_en")),
        keywords=" ".join(filter(None, [_get(organisation, "name"),
                                        _get(organisation, "name_en")])),
        category=_get(category, "path"),
        category_label_zh=_get(category, "name"),
        category_label_en=_get(category, "name_en"),
        district=_get(makerspace, "district") or _get(organisation, "district"),
        makerspace=_get(makerspace, "slug"),
        makerspace_label_zh=_get(makerspace, "name"),
        makerspace_label_en=_get(makerspace, "name_en"),
        status=_get(row, "status"),
        price=goal,
        currency=_get(row, "currency") if goal is not None else "",
        created_at=getattr(row, "launched_at", None) or getattr(row, "created_at", None)
        or timezone.now(),
        suggest=[_get(row, "title"), _get(row, "title_en")],
        extra={
            "organisation": _get(organisation, "name"),
            "organisation_en": _get(organisation, "name_en"),
            "goal_amount": None if goal is None else str(goal),
            "ends_at": ends_at.isoformat() if ends_at else None,
            "backers": getattr(row, "backers_count", None),
        },
    )


register_source(DocumentSource(
    doc_type="campaign",
    selector="crowdfunding.selectors.campaigns_for_index",
    build=build_campaign,
    signal="crowdfunding.signals.campaign_changed",
    id_kwarg="campaign_id",
))
