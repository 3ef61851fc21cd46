from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, connection

from marketplace.core.audit.roles import RoleError, app_role_grant


class Command(BaseCommand):
    help = ("Create the application's PostgreSQL role (the user of DATABASE_URL) with exactly "
            "the grants it needs: on the audit tables only SELECT, INSERT and advancing a "
            "stream head. Run as the owner (DATABASE_AS_OWNER=true with DATABASE_MIGRATE_URL), "
            "after every migrate; running it again changes nothing.")

    def add_arguments(self, parser):
        parser.add_argument("--role", help="another role than DATABASE_URL's user (no password "
                                           "is set then)")

    def handle(self, *args, **options):
        if connection.vendor != "postgresql":
            self.stdout.write("not PostgreSQL: there are no roles to grant (embedded run)")
            return
        app = settings.DATABASE_APP
        role = options["role"] or app.get("USER") or ""
        password = None if options["role"] else app.get("PASSWORD") or None
        if not role:
            raise CommandError("DATABASE_URL names no user: give the role with --role")
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_user")
            current = cursor.fetchone()[0]
        if role == current:
            self.stdout.write(
                f"DATABASE_URL connects as {role}, the owner this command runs as: no separate "
                "application role to grant (set DATABASE_MIGRATE_URL to the owner and "
                "DATABASE_URL to the application role)"
            )
            return
        try:
            statements = app_role_grant(connection, role=role, password=password)
        except (RoleError, DatabaseError) as exc:
            raise CommandError(f"could not grant the application role {role}: {exc}") from exc
        for statement in statements:
            self.stdout.write(statement)
        self.stdout.write(self.style.SUCCESS(f"application role {role}: grants in place"))
