from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS

from ...services.seeds import SeedLoadError, restore_backup


class Command(BaseCommand):
    help = (
        "Load a backup made by `manage.py backup` into an empty, migrated database, in one transaction, ids "
        "kept. Every record is validated as the admin would; any error aborts the whole restore, naming the "
        "file and the record, and leaves the database as it was."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="The backup file (.json, or compressed: .json.gz, .bz2, .xz).")
        parser.add_argument("--dry-run", action="store_true", help="Restore and validate everything, then roll back.")
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS, help="The database to restore into.")

    def handle(self, *args, path, dry_run, database, verbosity, **options):
        try:
            report = restore_backup(path, dry_run=dry_run, using=database)
        except SeedLoadError as error:
            raise CommandError(f"Nothing was restored. {error}") from error
        total = sum(report.created.values())
        if dry_run:
            self.stdout.write(self.style.SUCCESS(f"Dry run, rolled back: {total} records would be restored."))
        else:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Restored {total} records. API tokens are not in backups: issue new ones with "
                    "`manage.py drf_create_token <user>`."
                )
            )
        if verbosity > 1:
            for label, count in sorted(report.created.items()):
                self.stdout.write(f"  {label}: {count}")
