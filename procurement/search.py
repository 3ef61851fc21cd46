"""What procurement makes searchable: its public notices.

Registered by ``ProcurementConfig.ready()`` only when the search app is installed, through
search's one contract (``search.documents.register_document_type``): the rows come from
``procurement.selectors.notices_for_index`` (the portal's redacted notices, so search can
show nothing the portal does not), changes from ``request_listing_changed``.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from procurement.selectors import PublicNotice, notices_for_index, portal_status_choices
from procurement.signals import request_listing_changed
from search.documents import SearchDocument, register_document_type

FACETS = ("category", "district", "status")


def build_notice(notice: PublicNotice) -> SearchDocument:
    summary = " · ".join(part for part in (notice.agency_name, notice.product_name) if part)
    extra = {
        "agency": notice.agency_name,
        "ocid": notice.ocid,
        "ceiling": str(notice.ceiling.amount),
        "ceiling_currency": notice.ceiling.currency,
        "published_at": notice.published_at.isoformat(),
    }
    if notice.supplier_name:
        extra["supplier"] = notice.supplier_name
    if notice.agreed is not None:
        extra["agreed"] = str(notice.agreed.amount)
    return SearchDocument(
        doc_type="notice",
        object_id=notice.pk,
        url=reverse("procurement:notice", kwargs={"pk": notice.pk}),
        title_zh=notice.title,
        title_en=notice.title,
        summary_zh=summary,
        summary_en=summary,
        body_zh=notice.acceptance_criteria,
        body_en=notice.acceptance_criteria,
        keywords=" ".join(part for part in (
            notice.agency_name, notice.product_name, notice.supplier_name,
            notice.category_name, notice.category_name_en, notice.delivery_place,
        ) if part),
        codes=[notice.ocid],
        category=notice.category_path,
        category_label_zh=notice.category_name,
        category_label_en=notice.category_name_en,
        district=notice.district,
        status=notice.status,
        created_at=notice.published_at,
        suggest=[notice.title],
        extra=extra,
    )


def register() -> None:
    """Register notices with search (called by ``ProcurementConfig.ready``)."""
    from catalog.search import known_categories

    register_document_type(
        "notice", label=_("Procurement notices"), item_label=_("Procurement notice"),
        rows=notices_for_index, build=build_notice,
        signal=request_listing_changed, id_kwarg="request_id",
        facets=FACETS,
        statuses=dict(portal_status_choices()),
        vocabularies={"category": known_categories},
        index_name="notices", index_fields={"published_at": "date"},
    )
