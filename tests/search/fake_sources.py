"""A stand-in for an app that registers a document type (crowdfunding campaigns, as the
crowdfunding app will): rows, a builder, a change signal and the labels of its public
statuses, registered through search's contract by the ``campaign_type`` fixture."""

from types import SimpleNamespace

from django.dispatch import Signal
from django.utils import timezone

from search.documents import SearchDocument, register_document_type, unregister_document_type

campaign_changed = Signal()

# an app registers lazily translated labels; plain text is enough for the test
STATUSES = {"live": "进行中", "funded": "众筹成功"}

ROWS = {
    7: SimpleNamespace(pk=7, title="海洋牧场众筹", title_en="Sea ranch crowdfunding",
                       summary="支持深远海养殖", status="live", goal=None, ends_at=None),
    8: SimpleNamespace(pk=8, title="草稿众筹", title_en="", summary="", status="draft",
                       goal=None, ends_at=None),
}
PUBLIC = {7}


def campaigns_for_index(*, ids=None):
    return [ROWS[i] for i in sorted(PUBLIC) if ids is None or i in ids]


def build_campaign(row) -> SearchDocument:
    ends_at = getattr(row, "ends_at", None)
    return SearchDocument(
        doc_type="campaign", object_id=row.pk, url=f"/crowdfunding/campaigns/{row.pk}/",
        title_zh=row.title, title_en=getattr(row, "title_en", ""),
        summary_zh=getattr(row, "summary", ""), status=row.status,
        price=getattr(row, "goal", None), currency="CNY" if getattr(row, "goal", None) else "",
        created_at=getattr(row, "created_at", None) or timezone.now(),
        suggest=[row.title], extra={"ends_at": ends_at.isoformat() if ends_at else None,
                                    "backers": getattr(row, "backers", None)},
    )


def campaign(pk, title, status="live", **fields) -> SearchDocument:
    """A campaign document built from a row that exists only in the test."""
    return build_campaign(SimpleNamespace(pk=pk, title=title, status=status, **fields))


def register_campaigns():
    return register_document_type(
        "campaign", label="众筹项目", item_label="众筹",
        rows=campaigns_for_index, build=build_campaign,
        signal=campaign_changed, id_kwarg="campaign_id",
        facets=("category", "district", "makerspace", "status", "price"), statuses=STATUSES,
        index_fields={"ends_at": "date", "backers": "integer"},
    )


def unregister_campaigns():
    unregister_document_type("campaign")
