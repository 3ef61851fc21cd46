from django.core.management.base import BaseCommand, CommandError

from marketplace.payments.ledger.check import ledger_problems


class Command(BaseCommand):
    help = ("Check the payments ledger: entries balance, no account below zero, per escrow "
            "charged = paid out + fees + refunds + still held, every money movement has "
            "its entry and every entry its source. Exits non-zero naming what is wrong.")

    def handle(self, *args, **options):
        problems = ledger_problems()
        if problems:
            for problem in problems:
                self.stderr.write(f"  {problem}")
            raise CommandError(f"ledger_check found {len(problems)} problem(s)")
        self.stdout.write("ledger_check: the ledger is consistent")
