import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from marketplace.core.audit import audit_chain_verify
from marketplace.core.audit.keys import AuditKeyInvalid
from marketplace.core.audit.verify import checkpoints_verify


class Command(BaseCommand):
    help = ("Recompute every audit hash chain and verify the signed checkpoints: their chain "
            "and signatures, and that the log still holds everything the newest checkpoint "
            "(or each --checkpoint FILE, exported and kept outside) covers. Fails naming "
            "every problem.")

    def add_arguments(self, parser):
        parser.add_argument("streams", nargs="*", help="only these streams' chains")
        parser.add_argument(
            "--checkpoint", action="append", default=[], metavar="FILE", type=Path,
            help="an exported checkpoint (GET /api/audit/checkpoints/<n>/export/); repeatable",
        )

    def _exported(self, paths: list[Path]) -> list:
        documents = []
        for path in paths:
            try:
                documents.append(json.loads(path.read_text()))
            except (OSError, ValueError) as exc:
                raise CommandError(f"{path}: not a readable exported checkpoint ({exc})") from exc
        return documents

    def handle(self, *args, **options):
        exported = self._exported(options["checkpoint"])
        problems = [str(p) for p in audit_chain_verify(options["streams"] or None)]
        report = None
        if not options["streams"]:
            try:
                report = checkpoints_verify(exported=exported)
            except AuditKeyInvalid as exc:
                raise CommandError(str(exc)) from exc
            problems += [str(p) for p in report.problems]
        if problems:
            for problem in problems:
                self.stderr.write(problem)
            raise CommandError(f"audit chain broken: {len(problems)} problem(s)")
        self.stdout.write(self.style.SUCCESS("audit chain intact"))
        if report is not None:
            self._summary(report)

    def _summary(self, report):
        if report.covered is None:
            self.stdout.write("no audit checkpoint yet: make one with manage.py audit_checkpoint")
            return
        self.stdout.write(self.style.SUCCESS(
            f"{report.checkpoints} checkpoint(s), chain and signatures intact; checkpoint "
            f"#{report.covered.number} ({report.covered.tree_size} streams, "
            f"{report.covered.events} events) is all still there"
        ))
