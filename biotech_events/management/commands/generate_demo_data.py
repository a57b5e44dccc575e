import time

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS

from ...services.demo_data import (
    SCALE_1_COUNTS,
    DemoDataError,
    Progress,
    clear_demo_data,
    generate_demo_data,
    plan_counts,
)

MAX_SCALE = 20


def _duration(seconds):
    seconds = max(0, round(seconds))
    return f"{seconds // 60}m {seconds % 60:02d}s" if seconds >= 60 else f"{seconds}s"


class _Table:
    """Rows written so far in the current table, and the rate and time left they imply at `now`."""

    def __init__(self, label, total, now):
        self.label, self.total, self.done, self.started = label, total, 0, now

    def rate(self, now):
        return self.done / (now - self.started) if now > self.started else 0.0

    def status(self, now, *, done=False):
        rate = self.rate(now)
        if done:
            tail = f"done in {now - self.started:.1f}s"
        else:
            tail = f"{_duration((self.total - self.done) / rate) if rate else '?'} left"
        return f"{self.done}/{self.total} rows, {rate:.0f} rows/s, {tail}"


class LineProgress(Progress):
    """Plain lines for logs and pipes: at most one every `interval` seconds per table, and one when it ends."""

    def __init__(self, stdout, *, interval=5.0):
        self.stdout, self.interval = stdout, interval
        self.begun = time.monotonic()
        self.table = None

    def start(self, label, total):
        self.table = _Table(label, total, time.monotonic())
        self.last = self.table.started

    def advance(self, rows):
        self.table.done += rows
        now = time.monotonic()
        if now - self.last >= self.interval and self.table.done < self.table.total:
            self.last = now
            self.stdout.write(f"{self.table.label}: {self.table.status(now)}")

    def finish(self):
        self.stdout.write(f"{self.table.label}: {self.table.status(time.monotonic(), done=True)}")

    def message(self, text):
        self.stdout.write(f"[{_duration(time.monotonic() - self.begun)}] {text}")


class BarProgress(LineProgress):
    """A bar per table on a terminal, redrawn in place a few times a second."""

    WIDTH = 30

    def __init__(self, stdout):
        super().__init__(stdout, interval=0.2)

    def advance(self, rows):
        self.table.done += rows
        now = time.monotonic()
        if now - self.last >= self.interval:
            self.last = now
            self._draw(now)

    def finish(self):
        self._draw(time.monotonic(), done=True)
        self.stdout.write("")

    def _draw(self, now, *, done=False):
        table = self.table
        share = table.done / table.total if table.total else 1.0
        filled = round(self.WIDTH * share)
        bar = "#" * filled + "-" * (self.WIDTH - filled)
        line = f"\r{table.label:<20} [{bar}] {share:4.0%} {table.status(now, done=done)}\033[K"
        self.stdout.write(line, ending="")
        self.stdout.flush()


class Command(BaseCommand):
    help = (
        "Fill the database with synthetic, reproducible demo records for trying the catalogue at scale: "
        f"at --scale 1, {SCALE_1_COUNTS['deals']:,} deals, {SCALE_1_COUNTS['companies']:,} companies, "
        f"{SCALE_1_COUNTS['people']:,} people, {SCALE_1_COUNTS['events']:,} events, "
        f"{SCALE_1_COUNTS['organizers']:,} organisers, {SCALE_1_COUNTS['parks']:,} parks and "
        f"{SCALE_1_COUNTS['ranking lists']} rankings, with their role links, aliases and citations "
        "(counts scale linearly). The same --scale and --seed give the same records. Generated records "
        "are marked (slugs starting with 'demo-', citations quoting the source 'demo-source.txt') and "
        "written without history. While generated records exist the command refuses to generate more: "
        "--clear alone removes them (and nothing else), and --clear with --scale removes them, then "
        "generates afresh, in one transaction."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale",
            type=float,
            help=f"Size relative to scale 1 ({SCALE_1_COUNTS['deals']:,} deals), e.g. 0.01; up to {MAX_SCALE}.",
        )
        parser.add_argument("--seed", type=int, default=0, help="Seed of the random choices (default 0).")
        parser.add_argument(
            "--clear",
            action="store_true",
            help="Remove the generated records first (alone: only remove them). Curated records stay.",
        )
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS, help="Database alias (default: default).")

    def handle(self, *args, scale, seed, clear, database, verbosity, **options):
        if scale is None and not clear:
            raise CommandError("Give --scale to generate demo data, or --clear to remove it.")
        if scale is not None and not 0 < scale <= MAX_SCALE:
            raise CommandError(f"--scale must be above 0 and at most {MAX_SCALE}.")
        progress = self._progress(verbosity)
        try:
            if scale is None:
                deleted = clear_demo_data(using=database, progress=progress)
                self.stdout.write(self.style.SUCCESS(f"Removed {sum(deleted.values()):,} generated rows."))
                return
            if verbosity > 1:
                planned = ", ".join(f"{count:,} {label}" for label, count in plan_counts(scale=scale).items())
                self.stdout.write(f"Generating {planned} (seed {seed}).")
            report = generate_demo_data(scale=scale, seed=seed, replace=clear, using=database, progress=progress)
        except DemoDataError as error:
            raise CommandError(str(error)) from error
        if report.cleared:
            self.stdout.write(f"Removed {sum(report.cleared.values()):,} generated rows first.")
        self.stdout.write(
            self.style.SUCCESS(
                f"Generated {report.total:,} rows in {_duration(report.seconds)} (scale {scale:g}, seed {seed})."
            )
        )
        if verbosity > 0:
            for label, rows in report.rows.items():
                self.stdout.write(f"  {label:<20} {rows:>10,}")

    def _progress(self, verbosity):
        if verbosity == 0:
            return Progress()
        return BarProgress(self.stdout) if self.stdout.isatty() else LineProgress(self.stdout)
