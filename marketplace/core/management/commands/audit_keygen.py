from django.core.management.base import BaseCommand

from marketplace.core.audit.keys import key_id, new_private_key_text, public_key_text


class Command(BaseCommand):
    help = ("Print a new Ed25519 key for signing audit checkpoints (AUDIT_SIGNING_KEY) and "
            "its public key. Nothing is stored.")

    def handle(self, *args, **options):
        private_text, key = new_private_key_text()
        public = key.public_key()
        self.stdout.write(f"AUDIT_SIGNING_KEY={private_text}")
        self.stdout.write(f"public key: {public_key_text(public)}")
        self.stdout.write(f"key id: {key_id(public)}")
        self.stderr.write(
            "Keep AUDIT_SIGNING_KEY secret (the application's environment only). Publish "
            "the public key where people who keep checkpoints can find it; after a "
            "rotation, list the old public key in AUDIT_VERIFY_KEYS."
        )
