"""A stand-in for an app that provides a search source (used by test_sources)."""

from types import SimpleNamespace

from django.dispatch import Signal

campaign_changed = Signal()

ROWS = {
    7: SimpleNamespace(pk=7, title="海洋牧场众筹", title_en="Sea ranch crowdfunding",
                       summary="支持深远海养殖", status="live", goal_amount=None,
                       organisation=None, product=None),
    8: SimpleNamespace(pk=8, title="草稿众筹", status="draft", organisation=None, product=None),
}
PUBLIC = {7}


def campaigns_for_index(*, ids=None):
    return [ROWS[i] for i in sorted(PUBLIC) if ids is None or i in ids]
