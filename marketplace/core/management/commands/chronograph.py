from django.core.management.base import BaseCommand

from marketplace.core.chronograph import run_due_handlers


class Command(BaseCommand):
    help = "Run every registered deadline handler once (what the periodic task does)."

    def handle(self, *args, **options):
        for name, result in run_due_handlers().items():
            self.stdout.write(f"{name}: {result}")
