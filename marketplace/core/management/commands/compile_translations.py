"""Compile every locale/*.po into .mo with Babel: no GNU gettext needed on the machine."""

from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Compile .po translation catalogues to .mo (pure Python)."

    def handle(self, *args, **options):
        roots = {Path(settings.BASE_DIR)}
        count = 0
        for root in roots:
            for po_path in root.glob("**/locale/*/LC_MESSAGES/*.po"):
                if ".venv" in po_path.parts or "site-packages" in po_path.parts:
                    continue
                with po_path.open("rb") as fh:
                    catalog = read_po(fh)
                with po_path.with_suffix(".mo").open("wb") as fh:
                    write_mo(fh, catalog, use_fuzzy=False)
                count += 1
        self.stdout.write(f"compiled {count} catalogue(s)")
