"""Zero-downtime rebuild of the database index on PostgreSQL: a new table, swapped in.

Like the Elasticsearch backend's versioned index behind an alias: the entries are
loaded into ``search_searchentry_build`` (a copy of the table's definition, holding the
other document types' rows too), its indexes are built once in bulk (much faster than
growing a GIN index row by row), and one short transaction renames it into place and
drops the old table. Searches read the old table until that moment and never wait for
the load; the new table is compact (a rebuild in place would leave every replaced row
behind as dead space until VACUUM). Writes that arrive during the rebuild go to both
tables (see ``DatabaseBackend.entry_targets``). One rebuild at a time (advisory lock).

Texts, facet labels and the lexicon are keyed lookups: the rebuild upserts them in
place and removes the texts of documents that are gone after the swap.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable

from django.core.cache import cache

from search.backends import database_sql as q
from search.backends.base import Progress, ReindexReport, SearchUnavailable

BUILD = f"{q.ENTRY}_build"
OLD = f"{q.ENTRY}_old"
LOCK_ID = 0x5EA2C4  # pg_advisory_lock key of "a rebuild runs"
MARKER_TTL = 6 * 3600
# (name, definition) of the entry table's indexes besides its constraints; kept in step
# with SearchEntry.Meta and migrations 0001/0002
INDEXES = (
    ("search_entry_vector", "USING gin (search_vector)"),
    ("search_entry_newest", "(doc_type, created_at DESC, id DESC)"),
    ("search_entry_price", "(doc_type, price, id)"),
    ("search_entry_category", "(category_path)"),
)
CONSTRAINTS = (
    (f"{q.ENTRY}_pkey", "PRIMARY KEY (id)"),
    ("search_entry_unique", "UNIQUE (doc_type, object_id)"),
)


def marker_key(alias: str) -> str:
    return f"search:db:rebuild:{alias}"


def rebuild_postgres(backend, doc_type: str, documents: Iterable, *, total: int,
                     progress: Progress | None = None, batch: int = 500) -> ReindexReport:
    connection = backend.connection
    if total == 0 and backend.count(doc_type) == 0:
        # nothing to replace (a type whose app has no documents yet): no table copy
        if progress:
            progress(0, 0)
        return ReindexReport(doc_type=doc_type, indexed=0, errors=0, target=q.ENTRY,
                             removed=[])
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [LOCK_ID])
        if not cursor.fetchone()[0]:
            raise SearchUnavailable("another rebuild of the search index is running")
    try:
        _create_build_table(connection, doc_type)
        cache.set(marker_key(backend.using), BUILD, MARKER_TTL)
        try:
            indexed = _load(backend, documents, total=total, progress=progress, batch=batch)
            _build_indexes(connection)
            _swap(connection)
        except BaseException:
            cache.delete(marker_key(backend.using))
            with contextlib.suppress(Exception), connection.cursor() as cursor:
                cursor.execute(f"DROP TABLE IF EXISTS {BUILD}")
            raise
        cache.delete(marker_key(backend.using))
        with connection.cursor() as cursor:
            cursor.execute(
                f"DELETE FROM {q.TEXT} t WHERE t.doc_type = %s AND NOT EXISTS ("  # noqa: S608
                f"SELECT 1 FROM {q.ENTRY} e WHERE e.doc_type = t.doc_type "
                "AND e.object_id = t.object_id)", [doc_type])
        backend.settle()
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [LOCK_ID])
    return ReindexReport(doc_type=doc_type, indexed=indexed, errors=0, target=q.ENTRY,
                         removed=[OLD])


def _create_build_table(connection, doc_type: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {BUILD}")  # a crashed rebuild's leftover
        cursor.execute(
            f"CREATE TABLE {BUILD} (LIKE {q.ENTRY} INCLUDING DEFAULTS INCLUDING IDENTITY "
            "INCLUDING STORAGE)")
        cursor.execute(
            f"ALTER TABLE {BUILD} "
            + ", ".join(f"ADD CONSTRAINT {name}_build {definition}"
                        for name, definition in CONSTRAINTS))
        # the other types' entries move over as they are
        cursor.execute(f"INSERT INTO {BUILD} SELECT * FROM {q.ENTRY} WHERE doc_type <> %s",  # noqa: S608
                       [doc_type])
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence('{BUILD}', 'id'), "  # noqa: S608
            f"GREATEST((SELECT max(id) FROM {BUILD}), 1))")


def _load(backend, documents: Iterable, *, total: int, progress: Progress | None,
          batch: int) -> int:
    indexed, pending = 0, []
    for doc in documents:
        pending.append(doc)
        if len(pending) >= batch:
            indexed += backend.write(pending, bulk_into=BUILD)
            pending = []
            if progress:
                progress(indexed, total)
    indexed += backend.write(pending, bulk_into=BUILD)
    if progress:
        progress(indexed, total)
    return indexed


def _build_indexes(connection) -> None:
    with connection.cursor() as cursor:
        for name, definition in INDEXES:
            cursor.execute(f"CREATE INDEX {name}_build ON {BUILD} {definition}")
        cursor.execute(f"ANALYZE {BUILD}")


def _swap(connection) -> None:
    """One short transaction: rename the build table into place, drop the old one."""
    from django.db import transaction

    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        cursor.execute(f"LOCK TABLE {q.ENTRY} IN ACCESS EXCLUSIVE MODE")
        cursor.execute(f"ALTER TABLE {q.ENTRY} RENAME TO {OLD}")
        for name, _ in CONSTRAINTS:
            cursor.execute(f"ALTER TABLE {OLD} RENAME CONSTRAINT {name} TO {name}_old")
        for name, _ in INDEXES:
            cursor.execute(f"ALTER INDEX {name} RENAME TO {name}_old")
        cursor.execute(f"ALTER TABLE {BUILD} RENAME TO {q.ENTRY}")
        for name, _ in CONSTRAINTS:
            cursor.execute(f"ALTER TABLE {q.ENTRY} RENAME CONSTRAINT {name}_build TO {name}")
        for name, _ in INDEXES:
            cursor.execute(f"ALTER INDEX {name}_build RENAME TO {name}")
        cursor.execute(f"DROP TABLE {OLD}")
