"""Procurement notices. The index and mapping exist now; documents arrive once the
procurement app provides ``procurement.selectors.notices_for_index(*, ids=None)``
(published notices only, secret fields already redacted) and sends
``procurement.signals.notice_changed(notice_id=...)`` after commit.

Rows are read by attribute: ``pk``, ``title``, ``title_en``, ``summary``,
``summary_en``, ``body`` (or ``description``), ``body_en``, ``status`` (open, closed,
awarded, unsuccessful, canceled), ``procedure_kind``, ``budget_amount``, ``currency``,
``deadline``, ``published_at``, ``buyer`` (name, name_en, slug, district),
``category`` (optional) and optionally ``get_absolute_url()``.
"""

from __future__ import annotations

from django.utils import timezone

from search.documents import DocumentSource, SearchDocument, register_source
from search.sources import url_for
from search.text import plain_text


def _get(row, name, default=""):
    value = getattr(row, name, default)
    return default if value is None else value


def build_notice(row) -> SearchDocument:
    buyer = getattr(row, "buyer", None)
    category = getattr(row, "category", None)
    deadline = getattr(row, "deadline", None)
    budget = getattr(row, "budget_amount", None)
    url = row.get_absolute_url() if hasattr(row, "get_absolute_url") else url_for(
        ("procurement:notice_detail",), f"/procurement/notices/{row.pk}/", pk=row.pk)
    return SearchDocument(
        doc_type="notice",
        object_id=row.pk,
        url=url,
        title_zh=_get(row, "title"),
        title_en=_get(row, "title_en"),
        summary_zh=_get(row, "summary"),
        summary_en=_get(row, "summary_en"),
        body_zh=plain_text(_get(row, "body") or _get(row, "description")),
        body_en=plain_text(_get(row, "body_en") or _get(row, "description_en")),
        keywords=" ".join(filter(None, [_get(buyer, "name"), _get(buyer, "name_en"),
                                        _get(row, "procedure_kind")])),
        category=_get(category, "path"),
        category_label_zh=_get(category, "name"),
        category_label_en=_get(category, "name_en"),
        district=_get(buyer, "district"),
        status=_get(row, "status"),
        price=budget,
        currency=_get(row, "currency") if budget is not None else "",
        created_at=getattr(row, "published_at", None) or getattr(row, "created_at", None)
        or timezone.now(),
        suggest=[_get(row, "title"), _get(row, "title_en")],
        extra={
            "buyer": _get(buyer, "name"),
            "buyer_en": _get(buyer, "name_en"),
            "buyer_slug": _get(buyer, "slug"),
            "procedure_kind": _get(row, "procedure_kind"),
            "deadline": deadline.isoformat() if deadline else None,
        },
    )


register_source(DocumentSource(
    doc_type="notice",
    selector="procurement.selectors.notices_for_index",
    build=build_notice,
    signal="procurement.signals.notice_changed",
    id_kwarg="notice_id",
))
