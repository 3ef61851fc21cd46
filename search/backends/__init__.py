"""Search backends: Elasticsearch (production, scale) and the database (embedded
default). Both implement ``search.backends.base.SearchBackend``."""

from search.backends.base import ReindexReport, SearchBackend, SearchUnavailable

__all__ = ["ReindexReport", "SearchBackend", "SearchUnavailable"]
