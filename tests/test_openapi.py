"""Every answer of the API matches the OpenAPI document the API publishes.

The answers are validated with JSON Schema 2020-12 (the dialect of OpenAPI 3.1) against
the schema the served document declares for their path and status, its $refs resolved
in the document itself. The initiatives reach each public state through the code that
moves them there, so that the timelines hold the actions the API really answers.
"""

from datetime import UTC, date, datetime
from urllib.parse import quote, urlsplit

import pytest
from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry
from referencing.jsonschema import DRAFT202012
from sqlalchemy import select

from petitions import create_app
from petitions.extensions import db
from petitions.initiatives import operations as initiative_operations
from petitions.initiatives.labels import ACTION_LABELS
from petitions.initiatives.operations import staff_actor
from petitions.initiatives.queries import PUBLIC_STATES
from petitions.initiators import operations as initiator_operations
from petitions.jobs.registry import run_job
from petitions.models import AuditEntry, InitiativeState, Outcome
from petitions.secretariat.batches import invalidate_batch

from .support import MINUTES, decide, export_dossier, review

S = InitiativeState
# Where the document is served: its $refs ("#/components/...") resolve against it.
DOCUMENT_URL = "http://petitions.test/api/v1/openapi.json"
LIST = "/api/v1/initiatives"
DETAIL = "/api/v1/initiatives/{slug}"
LOG = "/api/v1/initiatives/{slug}/log"
HEALTH = "/healthz"

# Format is only an annotation in 2020-12 unless a checker asserts it. jsonschema checks
# "date" itself; "date-time" and "uri" need packages the project does not install.
FORMATS = FormatChecker()


@FORMATS.checks("date-time", raises=ValueError)
def is_instant(value) -> bool:
    """Accept an RFC 3339 instant: a date, "T", a time and an offset."""
    if not isinstance(value, str):
        return True
    return "T" in value and datetime.fromisoformat(value).tzinfo is not None


@FORMATS.checks("uri")
def is_absolute_uri(value) -> bool:
    """Accept an absolute URI: a scheme and a host."""
    if not isinstance(value, str):
        return True
    parts = urlsplit(value)
    return bool(parts.scheme and parts.netloc)


def served_document(client) -> dict:
    """Return the OpenAPI document as the API serves it."""
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.get_json()


def declared_schema_pointer(document: dict, path: str, status: int) -> str:
    """Return the JSON pointer of the schema the document declares for an answer."""
    answer = document["paths"][path]["get"]["responses"][str(status)]
    assert "schema" in answer.get("content", {}).get("application/json", {}), (
        f"{path} {status}: the document declares no JSON schema for this answer"
    )
    path_segment = path.replace("~", "~0").replace("/", "~1")
    return (
        f"/paths/{path_segment}/get/responses/{status}/content/application~1json/schema"
    )


def schema_errors(document: dict, path: str, status: int, body) -> list[str]:
    """Return what is wrong with an answer, against the document's schema for it."""
    pointer = declared_schema_pointer(document, path, status)
    registry = Registry().with_resource(
        DOCUMENT_URL, DRAFT202012.create_resource(document)
    )
    validator = Draft202012Validator(
        {"$ref": f"{DOCUMENT_URL}#{quote(pointer)}"},
        registry=registry,
        format_checker=FORMATS,
    )
    return [
        f"{'/'.join(map(str, error.absolute_path))}: {error.message}"
        for error in validator.iter_errors(body)
    ]


def answer_errors(document: dict, path: str, response) -> list[str]:
    """Return what is wrong with an API response, against the document."""
    assert response.mimetype == "application/json"
    return schema_errors(document, path, response.status_code, response.get_json())


def enum_of(document: dict, schema: str, field: str) -> set:
    return set(document["components"]["schemas"][schema]["properties"][field]["enum"])


def submitted(make_initiative, clock, **fields):
    """Return a draft submitted to the secretariat by its representative."""
    initiative = make_initiative(state=S.draft, representatives=1, **fields)
    initiator_operations.submit_initiative(initiative, clock.now, "representative:1")
    db.session.commit()
    return initiative


def verified(make_filed_initiative, clock, staff, valid=1):
    """Return a filed initiative whose register check found ``valid`` signatures."""
    initiative = make_filed_initiative()
    initiative_operations.record_verification(initiative, staff, valid, 0, clock.now)
    db.session.commit()
    return initiative


def with_council(initiative, staff, clock):
    """Schedule the consultation and the agenda day of a verified initiative."""
    initiative_operations.add_consultation(
        initiative,
        staff,
        datetime(2027, 4, 20, 16, 0, tzinfo=UTC),
        "Hôtel de Ville, salle gothique",
        "",
        clock.now,
    )
    initiative_operations.set_agenda_date(
        initiative, staff, date(2027, 5, 3), clock.now
    )
    db.session.commit()


@pytest.fixture
def every_state(
    app,
    make_initiative,
    make_filed_initiative,
    make_staff,
    clock,
    signed,
    key_files,
    tmp_path,
) -> dict:
    """Return an initiative in each public state, moved there by the app's own code.

    The one decided with amendments went the whole way: submitted, declared
    admissible, signed, threshold reached, filed, its certified dossier exported,
    verified, consulted, on the agenda, voted.
    """
    staff = make_staff()
    built = {}

    built["inadmissible"] = submitted(make_initiative, clock)
    review(
        built["inadmissible"],
        staff,
        clock,
        {"municipal_competence": "Public transport is a regional matter."},
    )

    built["collecting"] = submitted(make_initiative, clock)
    review(built["collecting"], staff, clock)
    signed(built["collecting"], people=2)

    built["withdrawn"] = submitted(make_initiative, clock)
    review(built["withdrawn"], staff, clock)
    initiator_operations.withdraw_initiative(
        built["withdrawn"], clock.now, "representative:1", "Merged with another one."
    )
    db.session.commit()

    built["closed"] = make_initiative(collection_ends_on=date(2027, 3, 9))
    run_job("close-ended-collections", clock.now)

    built["filed"] = make_filed_initiative()
    built["verified"] = verified(make_filed_initiative, clock, staff)
    built["insufficient"] = verified(make_filed_initiative, clock, staff, valid=0)
    built["with_council"] = verified(make_filed_initiative, clock, staff)
    with_council(built["with_council"], staff, clock)
    for outcome in (Outcome.adopted, Outcome.rejected):
        built[f"decided {outcome.value}"] = make_filed_initiative()
        decide(built[f"decided {outcome.value}"], staff, clock, outcome)

    exported = built["decided amended"] = submitted(make_initiative, clock, threshold=2)
    review(exported, staff, clock)
    signed(exported, people=2, first=2)
    run_job("notify-threshold-reached", clock.now)
    initiator_operations.file_initiative(exported, clock.now, "representative:1")
    db.session.commit()
    result = export_dossier(app, key_files, exported, tmp_path / "dossier.zip")
    assert result.exit_code == 0, result.output
    # The CLI recorded the export in its own session: read the initiative afresh.
    db.session.expire_all()
    initiative_operations.record_verification(exported, staff, 2, 0, clock.now)
    with_council(exported, staff, clock)
    initiative_operations.record_vote(
        exported, staff, date(2027, 3, 10), Outcome.amended, MINUTES, clock.now
    )
    db.session.commit()

    # Collecting, a batch of its signatures invalidated by the secretariat.
    invalidated = built["collecting, a batch invalidated"] = submitted(
        make_initiative, clock
    )
    review(invalidated, staff, clock)
    signed(invalidated, people=1, first=4)
    invalidate_batch(
        invalidated, staff_actor(staff), "domain:example.be", "Robots.", clock.now
    )
    db.session.commit()

    # Not public: the API must not answer them, the schemas need not describe them.
    make_initiative(state=S.draft)
    submitted(make_initiative, clock)
    return built


def test_the_document_s_enums_are_the_code_s_public_states_outcomes_and_actions(
    client,
):
    document = served_document(client)
    assert enum_of(document, "Initiative", "state") == {s.value for s in PUBLIC_STATES}
    assert enum_of(document, "Initiative", "outcome") == {o.value for o in Outcome} | {
        None
    }
    assert enum_of(document, "TimelineEntry", "action") == set(ACTION_LABELS)
    assert "dossier-exported" in enum_of(document, "TimelineEntry", "action")


def test_the_document_declares_a_json_schema_for_each_answer_these_tests_check(
    client,
):
    document = served_document(client)
    declared = {
        (path, status)
        for path, operations in document["paths"].items()
        for status in operations["get"]["responses"]
    }
    # Each answer below is validated by a test of this file: a new one needs its test.
    assert declared == {
        (LIST, "200"),
        (DETAIL, "200"),
        (DETAIL, "404"),
        (LOG, "200"),
        (LOG, "404"),
        (HEALTH, "200"),
        (HEALTH, "503"),
    }
    for path, status in declared:
        declared_schema_pointer(document, path, int(status))
    for schema in document["components"]["schemas"].values():
        Draft202012Validator.check_schema(schema)


def test_the_actions_the_code_records_in_public_are_exactly_the_document_s(
    client, every_state
):
    recorded = set(
        db.session.scalars(
            select(AuditEntry.action).where(AuditEntry.public.is_(True)).distinct()
        )
    )
    document = served_document(client)
    assert recorded == enum_of(document, "TimelineEntry", "action")


def test_the_list_of_initiatives_in_every_public_state_matches_the_document(
    client, every_state
):
    document = served_document(client)
    response = client.get(LIST)
    assert response.status_code == 200
    assert answer_errors(document, LIST, response) == []
    listed = response.get_json()["initiatives"]
    assert {item["state"] for item in listed} == {s.value for s in PUBLIC_STATES}
    assert {item["slug"] for item in listed} == {i.slug for i in every_state.values()}


def test_the_detail_of_an_initiative_in_every_public_state_matches_the_document(
    client, every_state
):
    document = served_document(client)
    errors, states, outcomes = {}, {}, {}
    for name, initiative in every_state.items():
        response = client.get(f"/api/v1/initiatives/{initiative.slug}")
        assert response.status_code == 200, name
        errors[name] = answer_errors(document, DETAIL, response)
        states[name] = response.get_json()["state"]
        outcomes[name] = response.get_json()["outcome"]
    assert errors == {name: [] for name in every_state}
    assert set(states.values()) == {s.value for s in PUBLIC_STATES}
    assert {outcomes[f"decided {o.value}"] for o in Outcome} == {
        o.value for o in Outcome
    }


def test_the_timeline_of_an_exported_dossier_says_so_and_matches_the_document(
    client, every_state
):
    document = served_document(client)
    slug = every_state["decided amended"].slug
    response = client.get(f"/api/v1/initiatives/{slug}")
    assert answer_errors(document, DETAIL, response) == []
    timeline = response.get_json()["timeline"]
    assert [e["action"] for e in timeline] == [
        "submitted",
        "admissible",
        "threshold-reached",
        "filed",
        "dossier-exported",
        "verified",
        "with-council",
        "consultation-scheduled",
        "agenda-set",
        "decided",
    ]
    (exported,) = [e for e in timeline if e["action"] == "dossier-exported"]
    assert exported["details"]["leaf_count"] == 2
    assert len(exported["details"]["root"]) == 64


def test_the_count_log_of_every_public_initiative_matches_the_document(
    client, clock, every_state
):
    run_job("publish-count-log", clock.now)
    clock.set("2027-03-11T09:00:00+01:00")
    run_job("publish-count-log", clock.now)
    document = served_document(client)
    errors = {}
    for name, initiative in every_state.items():
        response = client.get(f"/api/v1/initiatives/{initiative.slug}/log")
        assert response.status_code == 200, name
        errors[name] = answer_errors(document, LOG, response)
    assert errors == {name: [] for name in every_state}
    log = client.get(f"/api/v1/initiatives/{every_state['collecting'].slug}/log")
    assert [e["confirmed_count"] for e in log.get_json()["entries"]] == [2, 2]


def test_the_not_found_answers_match_the_document(client, make_initiative, clock):
    document = served_document(client)
    hidden = [
        make_initiative(state=S.draft).slug,
        submitted(make_initiative, clock).slug,
        "no-such-initiative",
    ]
    for path in (DETAIL, LOG):
        for slug in hidden:
            response = client.get(path.format(slug=slug))
            assert response.status_code == 404, (path, slug)
            assert answer_errors(document, path, response) == [], (path, slug)


def test_both_answers_of_the_health_check_match_the_document(
    client, app_config, tmp_path
):
    document = served_document(client)
    healthy = client.get(HEALTH)
    assert healthy.status_code == 200
    assert answer_errors(document, HEALTH, healthy) == []
    app_config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{tmp_path}/missing/db.sqlite3"
    unhealthy = create_app(app_config).test_client().get(HEALTH)
    assert unhealthy.status_code == 503
    assert answer_errors(document, HEALTH, unhealthy) == []


def test_an_answer_the_document_rules_out_is_reported(client, every_state):
    document = served_document(client)
    body = client.get(f"/api/v1/initiatives/{every_state['filed'].slug}").get_json()
    assert schema_errors(document, DETAIL, 200, body) == []
    body["state"] = "draft"
    body["timeline"][0]["action"] = "draft-edited"
    body["filed_at"] = "2027-03-10T09:00:00"
    body["minutes_url"] = "pv-2027-12.pdf"
    del body["overdue"]
    errors = schema_errors(document, DETAIL, 200, body)
    assert sorted(error.split(": ")[0] for error in errors) == [
        "",
        "filed_at",
        "minutes_url",
        "state",
        "timeline/0/action",
    ]
    assert ": 'overdue' is a required property" in errors
