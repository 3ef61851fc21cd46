import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from procurement.ocds import release_package
from procurement.selectors import releases_published


class Command(BaseCommand):
    help = ("Write one OCDS 1.1 release package holding every release of every published "
            "procedure (UTF-8 JSON).")

    def add_arguments(self, parser):
        parser.add_argument("--output", required=True, help="the file to write ('-': stdout)")
        parser.add_argument("--uri", default="", help="the package's URI (default: file URI)")

    def handle(self, *args, output, uri, **options):
        releases = releases_published()
        if not releases:
            raise CommandError("No procedure has been published yet: nothing to export.")
        target = None if output == "-" else Path(output).resolve()
        package = release_package(releases, uri=uri or (target.as_uri() if target else "urn:stdout"),
                                  published=timezone.now())
        text = json.dumps(package, ensure_ascii=False, indent=2)
        if target is None:
            self.stdout.write(text)
            return
        try:
            target.write_text(text + "\n", encoding="utf-8")
        except OSError as exc:
            raise CommandError(f"Cannot write {target}: {exc.strerror}") from exc
        self.stderr.write(f"ocds_export: {len(releases)} release(s) written to {target}")
