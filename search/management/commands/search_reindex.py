"""Rebuild the search index without downtime, with a progress bar:

    python manage.py search_reindex                    # every document type
    python manage.py search_reindex --doc-type product --doc-type makerspace
"""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError

from search.backends.base import SearchUnavailable
from search.documents import type_names
from search.indexing import rebuild
from search.service import get_backend

BAR_WIDTH = 30


def progress_line(label: str, done: int, total: int) -> str:
    """``products 12000/100000 [###-------] 12%``"""
    fraction = 1.0 if total <= 0 else min(done / total, 1.0)
    filled = int(round(fraction * BAR_WIDTH))
    return (f"{label} {done}/{total} [{'#' * filled}{'-' * (BAR_WIDTH - filled)}] "
            f"{int(fraction * 100)}%")


class Command(BaseCommand):
    help = "Rebuild the search index (new index, bulk load, atomic swap) with progress."

    def add_arguments(self, parser):
        parser.add_argument(
            "--doc-type", action="append", choices=type_names(), dest="doc_types",
            help="Only this document type (repeatable). Default: all.",
        )

    def handle(self, *args, doc_types=None, **options):
        backend = get_backend()
        self.stdout.write(f"search backend: {backend.name}")
        for doc_type in doc_types or type_names():
            label = f"{doc_type}s"
            last = {"percent": -1}

            def progress(done, total, label=label, last=last):
                percent = 100 if total <= 0 else int(done * 100 / total)
                # one line per 5 % keeps logs readable at 100,000 documents
                if percent // 5 != last["percent"] // 5 or done == total:
                    last["percent"] = percent
                    self.stdout.write(progress_line(label, done, total))

            started = time.perf_counter()
            try:
                report = rebuild(doc_type, backend=backend, progress=progress)
            except SearchUnavailable as exc:
                raise CommandError(f"{doc_type}: search backend unavailable: {exc}") from exc
            took = time.perf_counter() - started
            self.stdout.write(
                f"{label}: {report.indexed} indexed, {report.errors} errors in {took:.1f} s "
                f"-> {report.target}"
                + (f" (replaced {', '.join(report.removed)})" if report.removed else "")
            )
