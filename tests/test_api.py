"""The public JSON API and the health check."""

from datetime import date

from petitions.models import InitiativeState

from .support import POSTGRES_URL, confirmation_link, csrf_token, decide


def test_the_list_shows_public_initiatives_with_their_confirmed_count(
    client, make_initiative, sign, mailbox
):
    collecting = make_initiative(register_number="2027-004")
    make_initiative(state=InitiativeState.draft)
    sign(collecting)
    sign(collecting, surname="Peeters", email="p@example.be")
    link = confirmation_link(mailbox()[0])
    client.post(link, data={"csrf_token": csrf_token(client, link)})

    body = client.get("/api/v1/initiatives").get_json()
    (item,) = body["initiatives"]
    assert item["slug"] == collecting.slug
    assert item["register_number"] == "2027-004"
    assert item["state"] == "collecting"
    assert item["confirmed_count"] == 1
    assert item["threshold"] == 2000
    assert item["titles"] == {
        "fr": "Des bancs sur la Grand-Place",
        "nl": "Banken op de Grote Markt",
    }
    assert item["collection_ends_on"] == "2027-12-31"
    assert item["council_deadline"] is None


def test_the_detail_shows_the_council_deadline_and_days_left(
    client, make_initiative, clock
):
    initiative = make_initiative(
        state=InitiativeState.filed, council_deadline=date(2027, 3, 20)
    )
    body = client.get(f"/api/v1/initiatives/{initiative.slug}").get_json()
    assert body["council_deadline"] == "2027-03-20"
    # The clock says 10 March: 10 March to 20 March included.
    assert body["council_days_left"] == 11


def test_drafts_and_unknown_slugs_are_not_found(client, make_initiative):
    draft = make_initiative(state=InitiativeState.draft)
    for slug in (draft.slug, "nope"):
        response = client.get(f"/api/v1/initiatives/{slug}")
        assert response.status_code == 404
        assert response.get_json() == {"error": "not_found"}


def test_the_openapi_document_describes_every_api_path(client, app):
    document = client.get("/api/v1/openapi.json").get_json()
    assert document["openapi"].startswith("3.")
    api_rules = {
        rule.rule.replace("<slug>", "{slug}")
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("api.") and rule.rule != "/api/v1/openapi.json"
    }
    assert api_rules == set(document["paths"])


def test_the_api_answers_no_personal_data(client, make_initiative, sign):
    initiative = make_initiative()
    sign(initiative)
    text = client.get(f"/api/v1/initiatives/{initiative.slug}").get_data(as_text=True)
    assert "Janssens" not in text and "example.be" not in text


def test_healthz_answers_when_the_database_is_reachable(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}


def test_healthz_says_unavailable_when_the_database_is_not(app_config, tmp_path):
    from petitions import create_app

    app_config["SQLALCHEMY_DATABASE_URI"] = (
        f"sqlite:///{tmp_path}/missing-dir/nothing.sqlite3"
    )
    response = create_app(app_config).test_client().get("/healthz")
    assert response.status_code == 503


def test_the_suite_runs_on_the_database_it_was_asked_for(app):
    from petitions.extensions import db

    assert db.engine.dialect.name == ("postgresql" if POSTGRES_URL else "sqlite")


def test_every_key_of_a_real_answer_is_described_in_the_openapi_document(
    client, make_staff, clock, make_filed_initiative
):
    decide(make_filed_initiative(), make_staff(), clock)
    schemas = client.get("/api/v1/openapi.json").get_json()["components"]["schemas"]
    initiative = schemas["Initiative"]
    (item,) = client.get("/api/v1/initiatives").get_json()["initiatives"]
    detail = client.get(f"/api/v1/initiatives/{item['slug']}").get_json()
    assert set(item) | set(detail) <= set(initiative["properties"])
    assert set(initiative["required"]) <= set(item)
    assert set(initiative["properties"]) == set(detail)
    for entry in detail["timeline"]:
        assert set(entry) == set(schemas["TimelineEntry"]["properties"])
        assert (
            entry["action"] in schemas["TimelineEntry"]["properties"]["action"]["enum"]
        )


def test_the_detail_carries_the_public_timeline_and_the_list_does_not(
    client, make_filed_initiative
):
    initiative = make_filed_initiative()
    detail = client.get(f"/api/v1/initiatives/{initiative.slug}").get_json()
    assert detail["timeline"] == [
        {
            "at": "2027-03-10T09:00:00+00:00",
            "action": "filed",
            "reason": "",
            "details": {"council_deadline": "2028-03-10"},
        }
    ]
    assert detail["outcome"] is None and detail["vote_date"] is None
    (item,) = client.get("/api/v1/initiatives").get_json()["initiatives"]
    assert "timeline" not in item
