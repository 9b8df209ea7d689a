"""One initiative's whole life through the HTTP client, draft to decided, with the
clock moved across more than two years: month ends, 29 February, a daylight-saving
night and a vote on the deadline day itself."""

from datetime import date

import pytest
from sqlalchemy import select

from petitions.extensions import db
from petitions.jobs.registry import run_job
from petitions.models import Initiative, InitiativeState, ReminderSent, Signature

from .support import (
    ALL_YES,
    KEY_PASSPHRASE,
    act,
    confirmation_link,
    csrf_token,
    link_in,
    post_button,
    post_draft,
    sign_in,
)

S = InitiativeState


@pytest.fixture
def app_config(app_config):
    app_config["SIGNATURE_THRESHOLD"] = 3
    return app_config


def new_mails(mailbox, seen: list) -> list:
    messages = mailbox()
    fresh = messages[len(seen) :]
    seen.extend(fresh)
    return fresh


def confirm_link(client, path):
    return client.post(path, data={"csrf_token": csrf_token(client, path)})


def api(client, initiative) -> dict:
    return client.get(f"/api/v1/initiatives/{initiative.slug}").get_json()


def test_an_initiative_from_draft_to_decision(
    app, client, clock, mailbox, make_staff, sign, key_files
):
    seen: list = []
    secretariat, president = make_staff("secretariat"), make_staff("president")

    # January 2027: a draft in French, one representative, who confirms by mail.
    clock.set("2027-01-05T10:00:00+01:00")
    assert post_draft(client, rep2_name="", rep2_email="").status_code == 303
    initiative = db.session.scalar(select(Initiative))
    (confirm_mail,) = new_mails(mailbox, seen)
    representative_link = link_in(confirm_mail, "/representatives/confirm")
    assert client.get(representative_link).status_code == 200
    assert initiative.representatives[0].confirmed_at is None
    assert post_button(client, representative_link).status_code == 303
    (management_mail,) = new_mails(mailbox, seen)
    manage = link_in(management_mail, "/manage")
    assert post_button(client, f"{manage}/submit").status_code == 303
    assert initiative.state is S.submitted

    # The secretariat adds the Dutch text, finds it admissible: collection opens.
    clock.set("2027-01-12T09:00:00+01:00")
    sign_in(client, secretariat)
    translation = {
        "language": "nl",
        "title": "Bomen in de Hoogstraat",
        "summary": "Twintig bomen planten.",
        "body": "De gemeenteraad beslist twintig bomen te planten.",
    }
    assert act(client, initiative, "translation", **translation).status_code == 303
    assert act(client, initiative, "review", **ALL_YES).status_code == 303
    assert initiative.state is S.collecting
    assert initiative.register_number == "2027-001"
    assert initiative.collection_ends_on == date(2028, 1, 12)
    client.post(
        "/secretariat/logout", data={"csrf_token": csrf_token(client, "/secretariat/")}
    )

    # End of February: three residents sign and confirm; one asks for the decision mail.
    clock.set("2027-02-28T20:00:00+01:00")
    for surname, opt_in in (("Janssens", "y"), ("Peeters", None), ("Dubois", None)):
        response = sign(
            initiative,
            surname=surname,
            email=f"{surname.lower()}@example.be",
            notify_decision=opt_in,
        )
        assert response.status_code == 303
        (message,) = [
            m
            for m in new_mails(mailbox, seen)
            if m["To"] == f"{surname.lower()}@example.be"
        ]
        assert confirm_link(client, confirmation_link(message)).status_code == 200
        (receipt_mail,) = new_mails(mailbox, seen)
        assert receipt_mail["To"] == f"{surname.lower()}@example.be"
    assert api(client, initiative)["confirmed_count"] == 3
    run_job("notify-threshold-reached", clock.now)
    assert {m["To"] for m in new_mails(mailbox, seen)} == {
        "anne@example.be",
        secretariat.email,
    }

    # The period ends: above the threshold it stays open for filing, and nobody can sign.
    clock.set("2028-01-13T00:00:01+01:00")
    run_job("close-ended-collections", clock.now)
    assert initiative.state is S.collecting
    late = sign(
        initiative, form_page="/manage/request", surname="Late", email="late@example.be"
    )
    assert late.status_code == 409

    # 29 February 2028: the old link has expired; a new one is asked for, and the
    # representative files. The council must vote by 28 February 2029.
    clock.set("2028-02-29T11:00:00+01:00")
    assert client.get(manage).status_code == 400
    request_page = "/manage/request"
    client.post(
        request_page,
        data={
            "csrf_token": csrf_token(client, request_page),
            "email": "anne@example.be",
        },
    )
    manage = link_in(new_mails(mailbox, seen)[-1], "/manage")
    assert post_button(client, f"{manage}/file").status_code == 303
    assert initiative.state is S.filed
    assert initiative.council_deadline == date(2029, 2, 28)
    assert api(client, initiative)["council_deadline"] == "2029-02-28"

    # The register check, then the president's consultation on the night clocks go back.
    sign_in(client, secretariat)
    assert (
        act(client, initiative, "verification", valid="3", invalid="0").status_code
        == 303
    )
    assert initiative.state is S.verified
    client.post(
        "/secretariat/logout", data={"csrf_token": csrf_token(client, "/secretariat/")}
    )
    clock.set("2028-10-20T10:00:00+02:00")
    sign_in(client, president)
    meeting = {
        "starts_at": "2028-10-29T02:30",
        "place": "Hôtel de Ville, salle gothique",
        "notes": "",
    }
    assert act(client, initiative, "meeting", **meeting).status_code == 303
    assert initiative.state is S.with_council
    assert (
        act(client, initiative, "agenda", agenda_date="2029-02-26").status_code == 303
    )

    # Reminders: six months before (28 August 2028), then one day before.
    for moment in (
        "2028-08-27T12:00:00+02:00",
        "2028-08-28T08:00:00+02:00",
        "2028-08-28T09:00:00+02:00",
        "2029-02-27T08:00:00+01:00",
    ):
        clock.set(moment)
        run_job("send-council-reminders", clock.now)
    assert db.session.scalars(
        select(ReminderSent.kind).order_by(ReminderSent.id)
    ).all() == ["before-6m", "before-1d"]

    # The deadline day itself, late in the evening: not overdue yet, one day left.
    clock.set("2029-02-28T23:30:00+01:00")
    assert api(client, initiative)["overdue"] is False
    assert api(client, initiative)["council_days_left"] == 1
    # Months later: the president's session ended long ago; they sign in again.
    sign_in(client, president)
    vote = {
        "vote_date": "2029-02-28",
        "outcome": "adopted",
        "minutes_url": "https://example.brussels/pv/2029-02-28",
    }
    assert act(client, initiative, "vote", **vote).status_code == 303
    assert initiative.state is S.decided
    # The secretariat sends the decision to who asked, with its private key.
    runner = app.test_cli_runner()
    command = [
        "decision",
        "mail",
        initiative.slug,
        "--key",
        str(key_files / "sealing-private.pem"),
    ]
    assert runner.invoke(args=command, input=KEY_PASSPHRASE + "\n").exit_code == 0
    again = runner.invoke(args=command, input=KEY_PASSPHRASE + "\n")
    assert again.exit_code == 1
    assert "the decision was already mailed to the signatories" in again.output
    decided = [m for m in new_mails(mailbox, seen) if m["To"] == "janssens@example.be"]
    assert len(decided) == 1
    clock.set("2029-03-01T09:00:00+01:00")
    body = api(client, initiative)
    assert (body["state"], body["outcome"], body["overdue"]) == (
        "decided",
        "adopted",
        False,
    )
    actions = [entry["action"] for entry in body["timeline"]]
    assert actions == [
        "submitted",
        "admissible",
        "threshold-reached",
        "filed",
        "verified",
        "with-council",
        "consultation-scheduled",
        "agenda-set",
        "decided",
    ]

    # Three months after the decision the personal data goes; the count stays.
    run_job("purge-personal-data", clock.set("2029-05-28T23:59:00+02:00"))
    assert db.session.scalar(select(Signature.sealed).limit(1)) is not None
    run_job("purge-personal-data", clock.set("2029-05-29T00:00:01+02:00"))
    assert db.session.scalars(select(Signature.sealed)).all() == [None, None, None]
    assert api(client, initiative)["confirmed_count"] == 3
    assert app.test_cli_runner().invoke(args=["audit", "verify"]).exit_code == 0
