"""Schemathesis fuzzes every operation of the served OpenAPI schema, anonymously and as an editor.

Each operation is one test per mode: up to MAX_EXAMPLES generated requests (valid and invalid
parameters, headers and bodies in every documented media type) plus the schema's own examples,
sent in-process to the WSGI application. Every response must be no 5xx, have a documented status
code and Content-Type, match the documented body schema, and honour the declared authentication.
After each request the catalogue must still be sound (conftest.integrity_problems); anonymous
requests must not have written anything at all. Each request is rolled back afterwards, so every
example starts from the seeded catalogue and a failure replays the same way.

The run is derandomized: the same code and schema send the same requests, in CI as locally.
"""

import pytest
import schemathesis
from django.db import transaction
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st

from biotech_events.api.endpoints import ENDPOINTS
from config.wsgi import application

from .conftest import InProcessApplication, integrity_problems, recording_writes

pytestmark = pytest.mark.django_db

MAX_EXAMPLES = 10

CONFIG = schemathesis.Config.from_dict(
    {
        # The coverage phase builds its cases at collection, ~40 s for these operations: past the CI budget.
        "phases": {"coverage": {"enabled": False}},
        "checks": {
            # Schema-valid data is still refused for what no schema can say: an unknown slug, a quote
            # that is not in its article, a slug already taken, a page past the end.
            "positive_data_acceptance": {"enabled": False},
            # Parameters that do not apply are ignored rather than refused (page_size in a CSV export,
            # which streams every row), and form bodies cannot carry a nested list of the wrong type.
            "negative_data_rejection": {"enabled": False},
        },
    }
)

# The schema as the production WSGI application serves it, read at collection (no database then);
# the cases run against the same application wrapped for the test's transaction.
SCHEMA = schemathesis.openapi.from_wsgi("/api/v1/schema/", application, config=CONFIG)
SCHEMA.app = InProcessApplication()

MODELS_BY_SEGMENT = {segment: model for model, (segment, _) in ENDPOINTS.items()}

# model -> the ids and slugs of its stored rows. Filled once the seeded database is there: the
# path hook also runs at collection, for the schema's examples, when the database is out of reach.
STORED_KEYS = {}


@pytest.fixture(scope="module", autouse=True)
def stored_keys(seeded, django_db_blocker):
    with django_db_blocker.unblock():
        for model in MODELS_BY_SEGMENT.values():
            natural = model.natural_key_fields[0] if len(model.natural_key_fields) == 1 else "pk"
            STORED_KEYS[model] = sorted(
                {str(key) for row in model._default_manager.values_list("pk", natural) for key in row}
            )
    yield STORED_KEYS
    STORED_KEYS.clear()


@SCHEMA.hook
def flatmap_path_parameters(context, path_parameters):
    """Half the time, address a stored record by its id or slug, so detail operations reach real rows."""
    keys = STORED_KEYS.get(MODELS_BY_SEGMENT[context.operation.path.split("/")[3]])
    if not path_parameters or "id" not in path_parameters or not keys:
        return st.just(path_parameters)
    return st.one_of(st.just(path_parameters), st.sampled_from(keys).map(lambda key: {**path_parameters, "id": key}))


FUZZ_SETTINGS = settings(
    max_examples=MAX_EXAMPLES,
    derandomize=True,
    database=None,
    deadline=None,
    # The shared seeded catalogue is a module fixture, and generated bodies may be large: both are intended.
    suppress_health_check=list(HealthCheck),
    # No shrinking: a failure is reported as found (with a curl command), and a failing CI run stays short.
    phases=[Phase.explicit, Phase.generate],
)


def exercise(case, headers=None):
    """Send the case, validate the response, and check the catalogue; then roll the request back."""
    with recording_writes() as (saved, deleted), transaction.atomic():
        case.call_and_validate(headers=headers)
        # A read that saved nothing changed nothing (writes may also go through update(), so check them all).
        problems = integrity_problems(saved) if case.method != "GET" or saved or deleted else []
        transaction.set_rollback(True)
    return saved, deleted, problems


@SCHEMA.parametrize()
@FUZZ_SETTINGS
def test_anonymous(case, seeded):
    saved, deleted, problems = exercise(case)
    assert not saved and not deleted, f"an anonymous {case.method} {case.formatted_path} wrote {saved | deleted}"
    assert not problems, "\n".join(problems)


@SCHEMA.parametrize()
@FUZZ_SETTINGS
def test_editor(case, seeded, editor_token):
    _saved, _deleted, problems = exercise(case, headers={"Authorization": f"Token {editor_token}"})
    assert not problems, "\n".join(problems)
