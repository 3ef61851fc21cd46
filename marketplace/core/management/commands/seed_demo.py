from django.core.management.base import BaseCommand
from django.db import transaction

from marketplace.core.demo import registered_seeders


class Command(BaseCommand):
    help = "Load the demo data (idempotent: running it twice gives the same data)."

    def handle(self, *args, **options):
        for seeder in registered_seeders():
            with transaction.atomic():
                summary = seeder.fn(lambda msg: self.stdout.write(f"  {msg}"))
            self.stdout.write(f"{seeder.name}: {summary}")
