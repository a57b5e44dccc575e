import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError, OutputWrapper

from biotech_events.management.commands import generate_demo_data as command
from biotech_events.models import Deal
from biotech_events.services.demo_data import GENERATED_MODELS, LABELS, demo_data_present, demo_records

pytestmark = pytest.mark.django_db


class Terminal(StringIO):
    def isatty(self):
        return True


def run(*args, stdout=None):
    out = stdout or StringIO()
    call_command("generate_demo_data", *args, stdout=out)
    return out.getvalue()


def test_prints_a_progress_line_per_table_when_not_on_a_terminal():
    output = run("--scale", "0.001", "--seed", "1")
    for model in GENERATED_MODELS:
        label = re.escape(LABELS[model])
        assert re.search(rf"^{label}: (\d+)/\1 rows, \d+ rows/s, done in [\d.]+s$", output, re.M), LABELS[model]
    assert "deals: 1000/1000 rows" in output
    assert "\r" not in output
    assert re.search(r"^Generated [\d,]+ rows in \d+s \(scale 0\.001, seed 1\)\.$", output, re.M)
    assert re.search(r"^  deals +1,000$", output, re.M)


def test_progress_lines_come_at_most_every_few_seconds_with_rate_and_time_left(monkeypatch):
    clock = iter([0.0, 0.0, 5.0, 6.0, 10.0, 12.0])
    monkeypatch.setattr(command.time, "monotonic", lambda: next(clock))
    out = StringIO()
    progress = command.LineProgress(OutputWrapper(out), interval=5)  # begun at 0
    progress.start("deals", 1_000_000)  # at 0
    progress.advance(250_000)  # at 5: a line
    progress.advance(50_000)  # at 6: too soon
    progress.advance(200_000)  # at 10: a line
    progress.finish()  # at 12
    assert out.getvalue().splitlines() == [
        "deals: 250000/1000000 rows, 50000 rows/s, 15s left",
        "deals: 500000/1000000 rows, 50000 rows/s, 10s left",
        "deals: 500000/1000000 rows, 41667 rows/s, done in 12.0s",
    ]


def test_draws_a_bar_per_table_on_a_terminal():
    output = run("--scale", "0.001", stdout=Terminal())
    assert re.search(r"\rdeals +\[#{30}\] 100% 1000/1000 rows, \d+ rows/s, done in [\d.]+s", output)
    assert re.search(r"\rcitations +\[#{30}\] 100%", output)


def test_refuses_to_generate_while_generated_records_exist():
    run("--scale", "0.001")
    with pytest.raises(CommandError, match="--clear"):
        run("--scale", "0.001")
    assert demo_records(model=Deal).count() == 1000


def test_clear_alone_removes_the_generated_records():
    run("--scale", "0.001")
    curated = Deal.objects.create(slug="curated", title="A curated deal", kind="cooperation")
    output = run("--clear")
    assert re.search(r"^\[\d+s\] deleted 1000 deals in [\d.]+s$", output, re.M)
    assert re.search(r"^Removed [\d,]+ generated rows\.$", output, re.M)
    assert not demo_data_present()
    assert list(Deal.objects.all()) == [curated]


def test_clear_with_a_scale_replaces_the_generated_records():
    run("--scale", "0.001", "--seed", "1")
    first = set(demo_records(model=Deal).values_list("title", flat=True))
    output = run("--scale", "0.002", "--seed", "2", "--clear")
    assert re.search(r"^Removed [\d,]+ generated rows first\.$", output, re.M)
    assert demo_records(model=Deal).count() == 2000
    assert set(demo_records(model=Deal).values_list("title", flat=True)) != first


def test_help_says_what_a_second_run_does(capsys):
    with pytest.raises(SystemExit):
        call_command("generate_demo_data", "--help")
    assert "refuses to generate more" in " ".join(capsys.readouterr().out.split())


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((), "Give --scale"),
        (("--scale", "0"), "--scale must be above 0"),
        (("--scale", "1000"), "at most"),
    ],
)
def test_rejects_missing_or_bad_arguments(args, message):
    with pytest.raises(CommandError, match=message):
        run(*args)


def test_generated_records_never_take_the_id_of_a_deleted_record():
    """A deleted or merged-away record's id stays its own: its history and its redirect still name it."""
    from tests.factories import CompanyFactory, DealFactory

    deleted = {}
    for factory in (CompanyFactory, DealFactory):
        record = factory()
        deleted[type(record)] = record.pk
        record.delete()
    run("--scale", "0.001", "--seed", "1")
    for model, pk in deleted.items():
        assert not model.objects.filter(pk=pk).exists(), model._meta.label
        assert demo_records(model=model).order_by("pk").first().pk > pk
