"""Document sources, one module per owning app. Each reads its app through that app's
selectors (imported lazily by dotted path), so an app that does not exist yet simply
has no documents: its index and mapping are there, waiting.

Loaded by ``SearchConfig.ready()``.
"""

from __future__ import annotations

from django.urls import NoReverseMatch, reverse


def url_for(names: tuple[str, ...], fallback: str, **kwargs) -> str:
    """The first URL pattern of ``names`` that reverses with ``kwargs``; ``fallback``
    when the owning app has none (yet)."""
    for name in names:
        for key, value in kwargs.items():
            try:
                return reverse(name, kwargs={key: value})
            except NoReverseMatch:
                continue
    return fallback


def load() -> None:
    from search.sources import catalog, crowdfunding, procurement  # noqa: F401
