from django.core.management.base import BaseCommand, CommandError

from ...services.seeds import SeedLoadError, load_seeds, seed_fixture_paths


class Command(BaseCommand):
    help = (
        "Register the seed articles and load every curated fixture in one transaction. "
        "Any invalid record aborts the whole load, naming its file and record."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Validate everything, then roll back.")
        parser.add_argument("--seeds-dir", help="Folder of the source articles and sources.yaml (default: seeds/).")
        parser.add_argument("--fixtures-dir", help="Folder of the curated fixtures (default: fixtures/).")

    def handle(self, *args, dry_run, seeds_dir, fixtures_dir, verbosity, **options):
        if verbosity > 1:
            for path in seed_fixture_paths(seeds_dir=seeds_dir, fixtures_dir=fixtures_dir):
                self.stdout.write(f"  {path}")
        try:
            report = load_seeds(seeds_dir=seeds_dir, fixtures_dir=fixtures_dir, dry_run=dry_run)
        except SeedLoadError as error:
            raise CommandError(f"Nothing was loaded. {error}") from error
        prefix = "Dry run, rolled back: " if dry_run else "Seeds loaded: "
        self.stdout.write(self.style.SUCCESS(prefix + report.summary()))
        if verbosity > 1:
            for label in sorted(set(report.created) | set(report.updated) | set(report.unchanged)):
                self.stdout.write(
                    f"  {label}: {report.created[label]} created, {report.updated[label]} updated, "
                    f"{report.unchanged[label]} unchanged"
                )
