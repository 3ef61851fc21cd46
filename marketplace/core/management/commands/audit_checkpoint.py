from django.core.management.base import BaseCommand, CommandError

from marketplace.core.audit.checkpoints import CheckpointRefused, audit_checkpoint_create
from marketplace.core.audit.keys import AuditKeyInvalid, AuditKeyMissing


class Command(BaseCommand):
    help = ("Sign a checkpoint over every audit stream head now (the chronograph makes one "
            "every AUDIT_CHECKPOINT_INTERVAL_SECONDS when something changed).")

    def add_arguments(self, parser):
        parser.add_argument("--if-changed", action="store_true",
                            help="only when an event was appended since the last checkpoint")

    def handle(self, *args, **options):
        try:
            checkpoint = audit_checkpoint_create(only_if_changed=options["if_changed"])
        except (AuditKeyMissing, AuditKeyInvalid, CheckpointRefused) as exc:
            raise CommandError(str(exc)) from exc
        if checkpoint is None:
            self.stdout.write("no audit event since the last checkpoint: none made")
            return
        self.stdout.write(self.style.SUCCESS(
            f"checkpoint #{checkpoint.number}: {checkpoint.tree_size} streams, "
            f"{checkpoint.event_count} events, root {checkpoint.root_hash}"
        ))
