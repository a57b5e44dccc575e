import os
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS

from ...services.seeds import BACKUP_EXCLUDED, SeedLoadError, backup_format, open_backup, write_backup


class Command(BaseCommand):
    help = (
        "Write the whole database as portable JSON (the catalogue, its history and merge log, users and "
        "groups, the admin log), ids kept, from one consistent snapshot. Restore it with `restore_backup`. "
        f"Left out: {', '.join(BACKUP_EXCLUDED)}."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "-o",
            "--output",
            help="The file to write: name.json, or compressed by its extension (name.json.gz, .bz2, .xz). "
            "Written completely or not at all. Default: standard output.",
        )
        parser.add_argument("--indent", type=int, help="Indent the JSON by this many spaces.")
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS, help="The database to back up.")

    def handle(self, *args, output, indent, database, verbosity, **options):
        if output is None:
            self.stdout.ending = ""  # the serializer writes the JSON in pieces
            counts = write_backup(self.stdout, indent=indent, using=database)
            self.stdout.write("\n")
        else:
            counts = self.write_file(Path(output), indent, database)
        if verbosity > 0:
            self.stderr.write(
                self.style.SUCCESS(f"Backed up {sum(counts.values())} records to {output or 'standard output'}.")
            )
        if verbosity > 1:
            for label, count in sorted(counts.items()):
                self.stderr.write(f"  {label}: {count}")

    def write_file(self, path, indent, database):
        try:
            if backup_format(path) != "json":
                raise SeedLoadError(f"{path.name}: a backup is JSON; name it .json (optionally .json.gz, .bz2, .xz)")
        except SeedLoadError as error:
            raise CommandError(str(error)) from error
        # Written beside the target under another name, then renamed: never a half-written backup.
        partial = path.with_name(f".partial-{path.name}")
        try:
            with open_backup(partial, "wt") as stream:
                counts = write_backup(stream, indent=indent, using=database)
            os.replace(partial, path)
        except OSError as error:
            partial.unlink(missing_ok=True)
            raise CommandError(f"Nothing was written to {path}: {error}") from error
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
        return counts
