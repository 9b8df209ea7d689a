"""What the public sees of an initiative's life: timeline, council deadline, decision."""

import re
from datetime import date

import pytest
from sqlalchemy import select

from petitions.extensions import db
from petitions.initiatives import operations as initiative_operations
from petitions.initiators import operations as initiator_operations
from petitions.models import InitiativeState, Outcome, Signature
from petitions.sealing.records import open_signature

from .support import MINUTES, confirmation_link, csrf_token, decide, review


def confirm_signature(client, mailbox):
    link = confirmation_link(mailbox()[-1])
    client.post(link, data={"csrf_token": csrf_token(client, link)})


def page(client, initiative) -> str:
    response = client.get(f"/initiatives/{initiative.slug}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_the_decision_opt_in_is_a_separate_unticked_checkbox(client, make_initiative):
    html = page(client, make_initiative())
    checkbox = re.search(r"<input[^>]*name=\"notify_decision\"[^>]*>", html).group(0)
    assert 'type="checkbox"' in checkbox and "checked" not in checkbox
    assert '<label for="notify_decision">Send me one e-mail when the council' in html
    assert html.index('name="consent"') < html.index('name="notify_decision"')


def test_the_opt_in_is_stored_only_when_ticked(make_initiative, sign, private_keys):
    initiative = make_initiative()
    sign(initiative, surname="Peeters", email="p@example.be", notify_decision="y")
    sign(initiative, surname="Dubois", email="d@example.be")
    rows = db.session.scalars(select(Signature).order_by(Signature.id)).all()
    assert [s.notify_decision for s in rows] == [True, False]
    records = [open_signature(s, private_keys) for s in rows]
    assert [(r["surname"], r["notify_decision"]) for r in records] == [
        ("Peeters", True),
        ("Dubois", False),
    ]


def test_only_opted_in_confirmed_signatories_get_one_decision_mail_in_their_language(
    client, make_initiative, make_staff, sign, mailbox, clock, private_keys
):
    initiative = make_initiative(threshold=3)
    sign(initiative, email="nl@example.be", language="nl", notify_decision="y")
    confirm_signature(client, mailbox)
    sign(initiative, surname="Leroy", email="fr@example.be", notify_decision="y")
    confirm_signature(client, mailbox)
    sign(initiative, surname="Dubois", email="no@example.be", language="fr")
    confirm_signature(client, mailbox)
    sign(initiative, surname="Lambert", email="pending@example.be", notify_decision="y")
    initiator_operations.file_initiative(initiative, clock.now, "representative:1")
    db.session.commit()

    before = len(mailbox())

    decide(initiative, make_staff(), clock)
    # The addresses are sealed: the secretariat's key sends the decision, once.
    assert (
        initiative_operations.mail_decision_to_signatories(
            initiative, private_keys, clock.now, "cli"
        )
        == 2
    )
    db.session.commit()
    with pytest.raises(initiative_operations.TransitionRefused):
        initiative_operations.mail_decision_to_signatories(
            initiative, private_keys, clock.now, "cli"
        )
    new = {m["To"]: m for m in mailbox()[before:]}
    assert len(mailbox()) == before + 2
    assert set(new) == {"nl@example.be", "fr@example.be"}
    assert new["nl@example.be"]["Content-Language"] == "nl"
    assert "Banken op de Grote Markt" in new["nl@example.be"]["Subject"]
    assert new["fr@example.be"]["Content-Language"] == "fr"
    assert "Des bancs sur la Grand-Place" in new["fr@example.be"]["Subject"]


def test_the_timeline_shows_an_inadmissibility_with_its_date_and_reason(
    client, make_initiative, make_staff, clock
):
    initiative = make_initiative(state=InitiativeState.draft, representatives=1)
    initiator_operations.submit_initiative(initiative, clock.now, "representative:1")
    clock.set("2027-03-15T10:00:00+01:00")
    review(
        initiative,
        make_staff(),
        clock,
        {"municipal_competence": "Public transport is a regional matter & not ours."},
    )
    html = page(client, initiative)
    timeline = html[html.index('id="timeline-title"') :]
    assert '<time datetime="2027-03-10">March 10, 2027</time>' in timeline
    assert "Submitted to the council secretariat" in timeline
    assert '<time datetime="2027-03-15">March 15, 2027</time>' in timeline
    assert "Declared inadmissible" in timeline
    assert "Reason: Public transport is a regional matter &amp; not ours." in timeline
    assert "declared this initiative inadmissible" in html
    assert "staff:" not in html


def test_the_timeline_follows_an_initiative_to_the_council_s_decision(
    client, make_initiative, make_staff, clock, make_signature
):
    initiative = make_initiative(state=InitiativeState.submitted, threshold=1)
    staff = make_staff()
    review(initiative, staff, clock)
    make_signature(initiative)
    clock.set("2027-04-02T09:00:00+02:00")
    initiator_operations.file_initiative(initiative, clock.now, "representative:1")
    db.session.commit()
    clock.set("2027-06-01T09:00:00+02:00")
    initiative_operations.record_verification(initiative, staff, 1, 0, clock.now)
    initiative_operations.set_agenda_date(
        initiative, staff, date(2027, 6, 21), clock.now
    )
    db.session.commit()
    clock.set("2027-06-22T09:00:00+02:00")
    initiative_operations.record_vote(
        initiative, staff, date(2027, 6, 21), Outcome.amended, MINUTES, clock.now
    )
    db.session.commit()

    html = page(client, initiative)
    timeline = html[html.index("<ol>") : html.index("</ol>")]
    steps = re.findall(r'<time datetime="([\d-]+)">[^<]*</time>: ([^.]+)\.', timeline)
    assert steps == [
        ("2027-03-10", "Declared admissible: signature collection opened"),
        ("2027-04-02", "Filed with the municipal council"),
        ("2027-06-01", "Signatures verified: threshold reached"),
        ("2027-06-01", "Taken up by the municipal council"),
        ("2027-06-01", "Put on the council&#39;s agenda"),
        ("2027-06-22", "Decided by the municipal council"),
    ]
    assert "Register number 2027-001." in timeline
    assert "The council must vote by April 2, 2028." in timeline
    assert "Outcome: Adopted with amendments." in timeline
    assert f'<a href="{MINUTES}">' in html
    assert "June 21, 2027" in html
    assert "Sign this initiative" in html and 'name="surname"' not in html


def test_filing_shows_the_council_deadline_and_days_left(
    client, clock, make_filed_initiative
):
    clock.set("2027-01-31T10:00:00+01:00")
    initiative = make_filed_initiative()
    html = page(client, initiative)
    assert '<time datetime="2027-01-31">January 31, 2027</time>' in html
    assert '<time datetime="2028-01-31">January 31, 2028</time> (366 days left)' in html
    body = client.get(f"/api/v1/initiatives/{initiative.slug}").get_json()
    assert body["filed_at"] == "2027-01-31T09:00:00+00:00"
    assert body["council_deadline"] == "2028-01-31"
    assert body["council_days_left"] == 366
    assert body["overdue"] is False


@pytest.mark.parametrize(
    "filed_at, deadline",
    [
        ("2027-08-31T12:00:00+02:00", "2028-02-29"),
        ("2026-08-31T12:00:00+02:00", "2027-02-28"),
    ],
)
def test_six_months_from_31_august_end_on_the_last_day_of_february(
    app, client, clock, filed_at, deadline, make_filed_initiative
):
    app.config["COUNCIL_DEADLINE_MONTHS"] = 6
    clock.set(filed_at)
    initiative = make_filed_initiative()
    body = client.get(f"/api/v1/initiatives/{initiative.slug}").get_json()
    assert body["council_deadline"] == deadline
    assert f'<time datetime="{deadline}">' in page(client, initiative)


def public_surfaces(client, initiative) -> dict:
    """Return what home, page, API and feed say about an initiative."""
    return {
        "home": client.get("/").get_data(as_text=True),
        "page": page(client, initiative),
        "api": client.get(f"/api/v1/initiatives/{initiative.slug}").get_json(),
        "list": client.get("/api/v1/initiatives").get_json()["initiatives"][0],
        "feed": client.get("/feed.atom").get_data(as_text=True),
    }


@pytest.mark.parametrize(
    "filed_at, moment, overdue",
    [
        # Deadline 31 January 2028; 23:30 in Brussels is 22:30 UTC (winter time).
        ("2027-01-31T10:00:00+01:00", "2028-01-31T23:30:00+01:00", False),
        # 00:30 on 1 February in Brussels is still 31 January in UTC.
        ("2027-01-31T10:00:00+01:00", "2028-02-01T00:30:00+01:00", True),
        # Deadline 15 July 2028; 23:30 in Brussels is 21:30 UTC (summer time).
        ("2027-07-15T10:00:00+02:00", "2028-07-15T23:30:00+02:00", False),
        ("2027-07-15T10:00:00+02:00", "2028-07-16T09:00:00+02:00", True),
    ],
)
def test_a_passed_deadline_is_shown_as_overdue_everywhere_from_the_next_day(
    client, clock, filed_at, moment, overdue, make_filed_initiative
):
    clock.set(filed_at)
    initiative = make_filed_initiative()
    clock.set(moment)
    seen = public_surfaces(client, initiative)
    for name in ("home", "page", "feed"):
        assert ("Overdue" in seen[name]) is overdue, name
    assert seen["api"]["overdue"] is overdue
    assert seen["list"]["overdue"] is overdue
    assert seen["api"]["council_days_left"] == (0 if overdue else 1)


def test_a_decided_initiative_is_no_longer_overdue(
    client, make_staff, clock, make_filed_initiative
):
    clock.set("2027-01-31T10:00:00+01:00")
    initiative = make_filed_initiative()
    clock.set("2028-02-10T10:00:00+01:00")
    assert "Overdue" in page(client, initiative)

    decide(initiative, make_staff(), clock, Outcome.rejected)
    seen = public_surfaces(client, initiative)
    for name in ("home", "page", "feed"):
        assert "Overdue" not in seen[name], name
    assert "Rejected" in seen["home"] and "Rejected" in seen["page"]
    assert seen["api"]["overdue"] is False
    assert seen["api"]["outcome"] == "rejected"
    assert seen["api"]["vote_date"] == "2028-02-10"
    assert seen["api"]["minutes_url"] == MINUTES
    assert seen["api"]["council_days_left"] is None


def test_the_home_page_lists_initiatives_awaiting_the_council_after_those_open(
    client, make_initiative, make_filed_initiative
):
    make_initiative(slug="open-one")
    make_filed_initiative(slug="awaiting-one")
    html = client.get("/").get_data(as_text=True)
    assert html.index("Initiatives open for signing") < html.index(
        "/initiatives/open-one"
    )
    assert html.index("/initiatives/open-one") < html.index("Awaiting the council")
    awaiting = html[html.index("Awaiting the council") : html.index("Recently decided")]
    assert "/initiatives/awaiting-one" in awaiting
    assert "Council deadline: March 10, 2028 (367 days left)" in awaiting


@pytest.mark.parametrize(
    "state, sentence",
    [
        (InitiativeState.inadmissible, "declared this initiative inadmissible"),
        (InitiativeState.closed, "The collection period ended before enough"),
        (InitiativeState.withdrawn, "The initiators withdrew this initiative."),
        (InitiativeState.insufficient, "fewer valid signatures than needed remained"),
    ],
)
def test_an_initiative_that_ended_without_a_vote_says_so(
    client, make_initiative, state, sentence
):
    html = page(client, make_initiative(state=state))
    assert sentence in html
    assert "This initiative is not collecting signatures." in html


def test_drafts_and_submitted_initiatives_appear_nowhere_public(
    client, make_initiative, clock
):
    draft = make_initiative(state=InitiativeState.draft)
    submitted = make_initiative(state=InitiativeState.draft, representatives=1)
    initiator_operations.submit_initiative(submitted, clock.now, "representative:1")
    db.session.commit()
    home = client.get("/").get_data(as_text=True)
    feed = client.get("/feed.atom").get_data(as_text=True)
    listing = client.get("/api/v1/initiatives").get_json()
    assert listing == {"initiatives": []}
    for initiative in (draft, submitted):
        assert initiative.slug not in home and initiative.slug not in feed
        for path in ("", "/feed.atom"):
            response = client.get(f"/initiatives/{initiative.slug}{path}")
            assert response.status_code == 404
        assert client.get(f"/api/v1/initiatives/{initiative.slug}").status_code == 404
    assert "Grote Markt" not in feed and "<entry>" not in feed
