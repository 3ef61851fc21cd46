from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from marketplace.payments.services.reconciliation import reconcile


class Command(BaseCommand):
    help = ("Compare our payment attempts, refunds and payouts with the provider's objects "
            "and list the differences for staff (nothing is fixed). Exits 1 when there are "
            "differences or the provider could not be read.")

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=None,
                            help="window: the last N days (default PAYMENTS_RECONCILE_DAYS)")

    def handle(self, *args, days=None, **options):
        if days is not None and days < 1:
            raise CommandError("--days must be a whole number of days, 1 or more.")
        end = timezone.now()
        start = end - timedelta(days=days) if days is not None else None
        run = reconcile(start=start, end=end)
        for diff in run.differences.order_by("pk"):
            self.stdout.write(f"  {diff.get_kind_display()}: {diff.object_type} "
                              f"{diff.object_id or '-'} / {diff.provider_id or '-'} "
                              f"ours={diff.ours} theirs={diff.theirs}")
        self.stdout.write(f"reconciliation {run.pk}: {run.checked} records checked, "
                          f"{run.differences_found} difference(s)"
                          + (f", error: {run.error}" if run.error else ""))
        if run.differences_found or run.error:
            raise SystemExit(1)
