"""Compile every locale/*.po into .mo with Babel: no GNU gettext needed on the machine."""

import os
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

# never descend into these (virtualenvs, caches, build output, uploaded media)
SKIP_DIRS = {".venv", "venv", "node_modules", ".git", "__pycache__", "var", "site-packages",
             ".tox", ".mypy_cache", ".ruff_cache", ".pytest_cache", "build", "dist"}


def find_catalogues(root: Path):
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d not in SKIP_DIRS and not d.startswith("."))
        path = Path(dirpath)
        if path.name == "LC_MESSAGES" and path.parent.parent.name == "locale":
            for name in sorted(filenames):
                if name.endswith(".po"):
                    yield path / name


class Command(BaseCommand):
    help = "Compile .po translation catalogues to .mo (pure Python)."

    def handle(self, *args, **options):
        count = 0
        for po_path in find_catalogues(Path(settings.BASE_DIR)):
            try:
                with po_path.open("rb") as fh:
                    catalog = read_po(fh)
            except Exception as exc:
                raise CommandError(f"{po_path}: {exc}") from exc
            with po_path.with_suffix(".mo").open("wb") as fh:
                write_mo(fh, catalog, use_fuzzy=False)
            count += 1
            if options["verbosity"] > 1:
                self.stdout.write(f"  {po_path.relative_to(settings.BASE_DIR)}")
        self.stdout.write(f"compiled {count} catalogue(s)")
