"""Time an import of 10,000 companies with the Resource API, on a throwaway SQLite database.

    .venv/bin/python benchmarks/import_companies.py [--rows 10000] [--keep DIR]

Generates a CSV of companies (one in ten a group; the others name their group as parent, by slug or
by one of its aliases, often on a row above the group's own; two aliases each), migrates an empty
SQLite database in a temporary directory (DATABASE_URL from the environment is ignored), then times
with `CompanyResource`:

1. a dry run (validated, written and rolled back: what the admin's preview does);
2. the real import;
3. importing the same file again (every row matched by slug and unchanged, so skipped).

Prints the seconds each took. No figure is asserted anywhere: this is a measurement, not a test.
"""

import argparse
import csv
import io
import os
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def companies_csv(rows, *, seed=2023):
    """CSV text of `rows` companies, a tenth of them groups the others belong to."""
    groups = max(1, rows // 10)
    records = []
    for n in range(rows):
        slug = f"bench-pharma-{n:05d}"
        if n < groups:
            parent = ""
        else:
            group = random.Random(n).randrange(groups)
            # The parent by its slug, or by one of its aliases (resolved from the same index).
            parent = f"bench-pharma-{group:05d}" if n % 3 else f"BP Group {group:05d}"
        aliases = f"Bench Pharma {n:05d} Co., Ltd.|BP Group {n:05d}"
        records.append([slug, f"Bench Pharma {n:05d}", "pharma", parent, "Chengdu", "CN", "", aliases])
    random.Random(seed).shuffle(records)  # many subsidiaries now come before their group
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["slug", "name", "kind", "parent", "hq_city", "hq_country", "description", "aliases"])
    writer.writerows(records)
    return out.getvalue()


def timed(label, action):
    start = time.perf_counter()
    result = action()
    seconds = time.perf_counter() - start
    print(f"{label:<38} {seconds:7.2f} s")
    return result, seconds


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--keep", help="directory to keep the database and the CSV in (default: a temporary one)")
    args = parser.parse_args()
    if args.keep:
        Path(args.keep).mkdir(parents=True, exist_ok=True)
        benchmark(Path(args.keep), args.rows)
    else:
        with tempfile.TemporaryDirectory(prefix="import-bench-") as directory:
            benchmark(Path(directory), args.rows)


def benchmark(directory, rows):
    database = directory / "bench.sqlite3"
    database.unlink(missing_ok=True)
    os.environ["DATABASE_URL"] = f"sqlite:///{database}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path.insert(0, str(ROOT))

    import django

    django.setup()

    import tablib
    from django.core.management import call_command
    from django.db import connections

    from biotech_events.admin.resources import CompanyResource, describe_errors
    from biotech_events.models import Alias, Company

    call_command("migrate", verbosity=0)
    text = companies_csv(rows)
    (directory / "companies.csv").write_text(text, encoding="utf-8")
    dataset = tablib.Dataset().load(text, format="csv")
    print(f"{rows} companies, {rows * 2} aliases; SQLite database {database}")

    def run(dry_run):
        result = CompanyResource().import_data(dataset, dry_run=dry_run, file_name="companies.csv")
        problems = describe_errors(result)
        if problems:
            sys.exit("Import failed:\n" + "\n".join(problems[:20]))
        return result

    timed("dry run (validate, roll back)", lambda: run(True))
    assert not Company.objects.exists(), "a dry run must write nothing"
    timed("import", lambda: run(False))
    print(
        f"stored: {Company.objects.count()} companies, {Alias.objects.count()} aliases; history entries: "
        f"{Company.history.count()} companies, {Alias.history.count()} aliases"
    )
    result, _ = timed("import again (all unchanged)", lambda: run(False))
    print(f"second import: {dict(result.totals)}")
    connections.close_all()


if __name__ == "__main__":
    main()
