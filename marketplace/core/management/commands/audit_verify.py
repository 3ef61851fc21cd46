from django.core.management.base import BaseCommand, CommandError

from marketplace.core.audit import audit_chain_verify


class Command(BaseCommand):
    help = "Recompute every audit hash chain; fail if any event was edited or deleted."

    def add_arguments(self, parser):
        parser.add_argument("streams", nargs="*", help="only these streams")

    def handle(self, *args, **options):
        problems = audit_chain_verify(options["streams"] or None)
        if problems:
            for problem in problems:
                self.stderr.write(str(problem))
            raise CommandError(f"audit chain broken: {len(problems)} problem(s)")
        self.stdout.write(self.style.SUCCESS("audit chain intact"))
