"""The secretariat's pages: roles on every route, admissibility, verification, council."""

import re
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select

from petitions.extensions import db
from petitions.initiatives import audit
from petitions.initiatives.operations import staff_actor
from petitions.initiatives.rules import ADMISSIBILITY_CHECKLIST
from petitions.models import (
    AuditEntry,
    ConsultationMeeting,
    Initiative,
    InitiativeState,
    InitiativeText,
    Outcome,
)

from .support import ALL_YES, act, csrf_token

S = InitiativeState
# Who may do what: written out here, not read from the code, so that the test can fail.
READ_ANY_ROLE = {"secretariat.dashboard", "secretariat.initiative"}
SECRETARIAT_ONLY = {
    "secretariat.review",
    "secretariat.translation",
    "secretariat.verification",
    "secretariat.register_export",
    "secretariat.register_import",
    "secretariat.decision_mail",
    "secretariat.dossier_export",
    "secretariat.paper_signatures",
    "secretariat.paper_enter",
    "secretariat.paper_import",
    "secretariat.fraud",
    "secretariat.fraud_invalidate",
}
PRESIDENT_ONLY = {"secretariat.meeting", "secretariat.agenda"}
SECRETARIAT_OR_PRESIDENT = {"secretariat.vote"}


SIGN_IN_STEPS = {"secretariat.login_code", "secretariat.enrol"}


@pytest.fixture
def submitted(make_initiative, clock):
    """Return a builder of submitted initiatives with a French and a Dutch speaker."""

    def build(**fields):
        values = {
            "state": S.submitted,
            "collection_starts_on": None,
            "collection_ends_on": None,
            "submitted_at": clock.now,
        }
        return make_initiative(representatives=2, **(values | fields))

    return build


def expected_status(endpoint: str, role: str | None, method: str) -> str:
    if endpoint == "secretariat.login":
        return "ok"
    if endpoint in SIGN_IN_STEPS:
        # The second step needs a fresh password step on this browser, signed in or not.
        return "login"
    if role is None:
        return "login"
    if endpoint == "secretariat.logout":
        return "signed out"
    if endpoint in READ_ANY_ROLE:
        return "ok"
    allowed = {
        **dict.fromkeys(SECRETARIAT_ONLY, {"secretariat"}),
        **dict.fromkeys(PRESIDENT_ONLY, {"president"}),
        **dict.fromkeys(SECRETARIAT_OR_PRESIDENT, {"secretariat", "president"}),
    }[endpoint]
    return "ok" if role in allowed else "forbidden"


@pytest.mark.parametrize("role", [None, "secretariat", "president", "viewer"])
def test_every_secretariat_route_checks_the_role(
    app, client, submitted, role, signed_in
):
    initiative = submitted()
    if role is not None:
        signed_in(role)
    token = csrf_token(client, "/secretariat/" if role else "/secretariat/login")
    rules = [
        r for r in app.url_map.iter_rules() if r.endpoint.startswith("secretariat.")
    ]
    # Signing out last, so that every other route is walked signed in.
    rules.sort(key=lambda r: r.endpoint == "secretariat.logout")
    assert {r.endpoint for r in rules} == (
        READ_ANY_ROLE
        | SECRETARIAT_ONLY
        | PRESIDENT_ONLY
        | SECRETARIAT_OR_PRESIDENT
        | SIGN_IN_STEPS
        | {"secretariat.login", "secretariat.logout"}
    )
    for rule in rules:
        path = rule.rule.replace("<slug>", initiative.slug)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            response = client.open(path, method=method, data={"csrf_token": token})
            where = f"{method} {path} as {role}"
            expected = expected_status(rule.endpoint, role, method)
            if expected in ("login", "signed out"):
                assert response.status_code in (302, 303), where
                assert "/secretariat/login" in response.headers["Location"], where
            elif expected == "forbidden":
                assert response.status_code == 403, where
                assert "Not allowed for your role" in response.get_data(as_text=True)
            else:
                assert response.status_code not in (403, 500), where
                assert "/login" not in response.headers.get("Location", "/"), where
    assert db.session.get(Initiative, initiative.id).state is S.submitted


def test_a_viewer_reads_every_page_but_every_post_is_refused(
    client, signed_in, submitted
):
    initiative = submitted()
    signed_in("viewer")
    page = client.get(f"/secretariat/initiatives/{initiative.slug}")
    assert page.status_code == 200
    assert "Record the decision" not in page.get_data(as_text=True)
    assert "rep1@example.be" not in page.get_data(as_text=True)
    assert act(client, initiative, "review", **ALL_YES).status_code == 403
    assert db.session.get(Initiative, initiative.id).state is S.submitted
    assert db.session.get(Initiative, initiative.id).register_number is None


def test_the_secretariat_sees_texts_representatives_and_their_addresses(
    client, signed_in, submitted
):
    initiative = submitted()
    signed_in("secretariat")
    page = client.get(f"/secretariat/initiatives/{initiative.slug}")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Banken op de Grote Markt" in text
    assert 'lang="nl"' in text
    assert "Représentant 2" in text
    assert "rep2@example.be" in text
    assert text.count('<fieldset id="review-') == len(ADMISSIBILITY_CHECKLIST)
    assert text.count('type="radio" value="no"') == len(ADMISSIBILITY_CHECKLIST)


def test_admissible_initiatives_get_chronological_register_numbers_and_open(
    client, clock, signed_in, submitted
):
    first, second = submitted(), submitted()
    signed_in("secretariat")
    assert act(client, first, "review", **ALL_YES).status_code == 303
    assert act(client, second, "review", **ALL_YES).status_code == 303
    db.session.expire_all()
    assert first.register_number == "2027-001"
    assert second.register_number == "2027-002"
    assert first.state is S.collecting
    assert first.published_at == clock.now
    assert first.collection_starts_on == date(2027, 3, 10)
    assert first.collection_ends_on == date(2028, 3, 10)


def test_the_representatives_are_told_in_their_own_language(
    client, signed_in, submitted, mailbox
):
    initiative = submitted()
    signed_in("secretariat")
    act(client, initiative, "review", **ALL_YES)
    mails = {m["To"]: m for m in mailbox()}
    assert set(mails) == {"rep1@example.be", "rep2@example.be"}
    assert mails["rep1@example.be"]["Content-Language"] == "fr"
    assert mails["rep2@example.be"]["Content-Language"] == "nl"


def test_each_no_needs_its_reason_and_nothing_changes_without_it(
    client, signed_in, submitted
):
    initiative = submitted()
    signed_in("secretariat")
    response = act(client, initiative, "review", **(ALL_YES | {"language": "no"}))
    assert response.status_code == 400
    assert "Please give the reason" in response.get_data(as_text=True)
    assert 'aria-describedby="review-language_reason-error"' in response.get_data(
        as_text=True
    )
    assert db.session.get(Initiative, initiative.id).state is S.submitted


def test_an_unanswered_item_is_refused(client, signed_in, submitted):
    initiative = submitted()
    signed_in("secretariat")
    answers = dict(ALL_YES)
    del answers["general_interest"]
    response = act(client, initiative, "review", **answers)
    assert response.status_code == 400
    assert "Please answer yes or no." in response.get_data(as_text=True)
    assert db.session.get(Initiative, initiative.id).state is S.submitted


def test_an_inadmissible_decision_publishes_its_reasons(
    client, signed_in, submitted, mailbox
):
    initiative = submitted()
    staff = signed_in("secretariat")
    answers = ALL_YES | {
        "municipal_competence": "no",
        "municipal_competence_reason": "Federal matter: the railways.",
    }
    assert act(client, initiative, "review", **answers).status_code == 303
    db.session.expire_all()
    assert initiative.state is S.inadmissible
    assert initiative.register_number is None
    (entry,) = [e for e in audit.timeline(initiative) if e.action == "inadmissible"]
    assert entry.reason == "Federal matter: the railways."
    assert entry.actor == staff_actor(staff)
    assert len(mailbox()) == 2
    page = client.get(f"/secretariat/initiatives/{initiative.slug}")
    assert "Federal matter: the railways." in page.get_data(as_text=True)


def test_approving_twice_is_refused_and_changes_nothing(client, signed_in, submitted):
    initiative = submitted()
    signed_in("secretariat")
    act(client, initiative, "review", **ALL_YES)
    entries = db.session.scalar(select(func.count(AuditEntry.id)))
    again = act(client, initiative, "review", **ALL_YES)
    assert again.status_code == 409
    assert "This action is not possible now" in again.get_data(as_text=True)
    db.session.expire_all()
    assert initiative.register_number == "2027-001"
    assert db.session.scalar(select(func.count(AuditEntry.id))) == entries


def test_admissible_needs_both_languages_then_the_translation_is_added(
    client, signed_in, submitted
):
    initiative = submitted()
    db.session.delete(initiative.text("nl"))
    db.session.commit()
    signed_in("secretariat")
    refused = act(client, initiative, "review", **ALL_YES)
    assert refused.status_code == 400
    assert "add the missing translation" in refused.get_data(as_text=True)
    added = act(
        client,
        initiative,
        "translation",
        language="nl",
        title="Banken op de Grote Markt",
        summary="Samenvatting",
        body="Tekst",
    )
    assert added.status_code == 303
    assert act(client, initiative, "review", **ALL_YES).status_code == 303
    assert db.session.get(Initiative, initiative.id).state is S.collecting


def test_a_translation_is_bounded_and_one_line_fields_refuse_control_characters(
    client, signed_in, submitted
):
    initiative = submitted()
    signed_in("secretariat")
    response = act(
        client,
        initiative,
        "translation",
        language="nl",
        title="Banken\top de Grote Markt",
        summary="x" * 1001,
        body="Tekst",
    )
    text = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Please remove the invisible control characters." in text
    assert "Please use at most 1000 characters." in text
    texts = db.session.scalars(select(InitiativeText.summary)).all()
    assert "x" * 1001 not in texts


@pytest.mark.parametrize(
    ("valid", "state"),
    [(2, S.verified), (1, S.insufficient)],
)
def test_the_verification_result_verifies_or_ends_the_initiative(
    client, signed_in, make_initiative, make_signature, valid, state
):
    initiative = make_initiative(
        representatives=1,
        state=S.filed,
        threshold=2,
        council_deadline=date(2028, 3, 10),
    )
    for _ in range(3):
        make_signature(initiative)
    signed_in("secretariat")
    response = act(client, initiative, "verification", valid=valid, invalid=1)
    assert response.status_code == 303
    db.session.expire_all()
    assert initiative.state is state
    assert (initiative.valid_count, initiative.invalid_count) == (valid, 1)


@pytest.mark.parametrize("valid", ["-1", "many", "", "10000000"])
def test_the_verification_refuses_what_is_not_a_count(
    client, signed_in, make_initiative, valid
):
    initiative = make_initiative(state=S.filed, council_deadline=date(2028, 3, 10))
    signed_in("secretariat")
    response = act(client, initiative, "verification", valid=valid, invalid="0")
    assert response.status_code == 400
    assert db.session.get(Initiative, initiative.id).state is S.filed


def test_the_verification_cannot_count_more_than_the_signatures_received(
    client, signed_in, make_initiative, make_signature
):
    initiative = make_initiative(
        state=S.filed, threshold=2, council_deadline=date(2028, 3, 10)
    )
    for _ in range(3):
        make_signature(initiative)
    signed_in("secretariat")
    response = act(client, initiative, "verification", valid=3, invalid=1)
    assert response.status_code == 400
    assert (
        "Valid and invalid signatures together cannot be more than the confirmed "
        "signatures received." in response.get_data(as_text=True)
    )
    db.session.expire_all()
    assert initiative.state is S.filed
    assert initiative.valid_count is None


def test_the_president_schedules_a_meeting_in_brussels_time(
    client, signed_in, make_initiative
):
    initiative = make_initiative(
        representatives=1, state=S.verified, council_deadline=date(2028, 3, 10)
    )
    staff = signed_in("president")
    response = act(
        client,
        initiative,
        "meeting",
        starts_at="2027-06-30T18:30",
        place="Hôtel de Ville, salle gothique",
        notes="Avec les trois représentants.",
    )
    assert response.status_code == 303
    meeting = db.session.scalar(select(ConsultationMeeting))
    assert meeting.starts_at == datetime(2027, 6, 30, 16, 30, tzinfo=UTC)
    assert db.session.get(Initiative, initiative.id).state is S.with_council
    entry = db.session.scalar(
        select(AuditEntry).where(AuditEntry.action == "consultation-scheduled")
    )
    assert entry.actor == staff_actor(staff)


def test_a_time_skipped_by_the_clock_change_is_refused(
    client, signed_in, make_initiative
):
    initiative = make_initiative(state=S.verified, council_deadline=date(2028, 3, 10))
    signed_in("president")
    response = act(
        client,
        initiative,
        "meeting",
        starts_at="2027-03-28T02:30",
        place="Hôtel de Ville",
    )
    assert response.status_code == 400
    assert "This time does not exist in Brussels" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(ConsultationMeeting.id))) == 0


def test_the_agenda_then_the_vote_decide_the_initiative(
    client, make_initiative, signed_in
):
    initiative = make_initiative(
        representatives=1, state=S.verified, council_deadline=date(2028, 3, 10)
    )
    signed_in("president")
    assert (
        act(client, initiative, "agenda", agenda_date="2027-03-29").status_code == 303
    )
    assert db.session.get(Initiative, initiative.id).state is S.with_council
    signed_in("secretariat")
    response = act(
        client,
        initiative,
        "vote",
        vote_date="2027-03-10",
        outcome="amended",
        minutes_url="https://www.bruxelles.be/conseil/pv-2027-03-10.pdf",
    )
    assert response.status_code == 303
    db.session.expire_all()
    assert (initiative.state, initiative.outcome) == (S.decided, Outcome.amended)
    assert initiative.agenda_date == date(2027, 3, 29)
    assert initiative.minutes_url.endswith("pv-2027-03-10.pdf")
    page = client.get(f"/secretariat/initiatives/{initiative.slug}")
    assert "Adopted with amendments" in page.get_data(as_text=True)
    assert 'href="https://www.bruxelles.be/conseil/pv-2027-03-10.pdf"' in page.get_data(
        as_text=True
    )


def test_a_vote_in_the_future_is_refused(client, signed_in, make_initiative):
    initiative = make_initiative(
        state=S.with_council, council_deadline=date(2028, 3, 10)
    )
    signed_in("president")
    response = act(
        client,
        initiative,
        "vote",
        vote_date="2027-03-11",
        outcome="adopted",
        minutes_url="https://www.bruxelles.be/pv.pdf",
    )
    assert response.status_code == 400
    assert "The vote cannot be in the future." in response.get_data(as_text=True)
    assert db.session.get(Initiative, initiative.id).state is S.with_council


def test_a_vote_before_the_filing_is_refused(client, signed_in, make_initiative):
    initiative = make_initiative(
        state=S.with_council,
        filed_at=datetime(2027, 1, 4, 9, 0, tzinfo=UTC),
        council_deadline=date(2028, 3, 10),
    )
    signed_in("secretariat")
    response = act(
        client,
        initiative,
        "vote",
        vote_date="2027-01-03",
        outcome="adopted",
        minutes_url="https://www.bruxelles.be/pv.pdf",
    )
    assert response.status_code == 400
    assert (
        "The vote cannot come before the day the initiative was filed."
        in response.get_data(as_text=True)
    )
    assert db.session.get(Initiative, initiative.id).state is S.with_council


@pytest.mark.parametrize(
    "url", ["javascript:alert(1)", "ftp://files.example/pv.pdf", "www.bruxelles.be"]
)
def test_the_minutes_must_be_a_web_address(client, signed_in, make_initiative, url):
    initiative = make_initiative(
        state=S.with_council, council_deadline=date(2028, 3, 10)
    )
    signed_in("secretariat")
    response = act(
        client,
        initiative,
        "vote",
        vote_date="2027-03-10",
        outcome="rejected",
        minutes_url=url,
    )
    assert response.status_code == 400
    assert "starting with https://" in response.get_data(as_text=True)
    assert db.session.get(Initiative, initiative.id).outcome is None


def test_the_president_cannot_review_and_the_secretariat_cannot_schedule(
    client, submitted, make_initiative, signed_in
):
    initiative = submitted()
    signed_in("president")
    assert act(client, initiative, "review", **ALL_YES).status_code == 403
    verified = make_initiative(state=S.verified, council_deadline=date(2028, 3, 10))
    signed_in("secretariat")
    response = act(client, verified, "agenda", agenda_date="2027-04-01")
    assert response.status_code == 403
    db.session.expire_all()
    assert (initiative.state, verified.agenda_date) == (S.submitted, None)


def test_script_in_text_fields_is_shown_as_text(client, signed_in, make_initiative):
    initiative = make_initiative(state=S.verified, council_deadline=date(2028, 3, 10))
    signed_in("president")
    act(
        client,
        initiative,
        "meeting",
        starts_at="2027-04-01T18:00",
        place="<script>alert('place')</script>",
        notes="<img src=x onerror=alert(1)>",
    )
    page = client.get(f"/secretariat/initiatives/{initiative.slug}").get_data(
        as_text=True
    )
    assert "<script>alert(" not in page
    assert "&lt;script&gt;alert(" in page
    assert "<img src=x" not in page


def test_the_dashboard_puts_reviews_first_and_says_overdue_in_words(
    client, signed_in, submitted, make_initiative
):
    make_initiative(state=S.with_council, council_deadline=date(2027, 3, 9))
    make_initiative(state=S.filed, council_deadline=date(2027, 3, 19))
    submitted()
    signed_in("viewer")
    page = client.get("/secretariat/").get_data(as_text=True)
    assert page.index("To review (1)") < page.index("Awaiting the council (2)")
    assert page.count("Overdue</strong>") == 1
    assert "10 days left" in page


def test_every_action_ends_on_a_success_banner_shown_once(
    client, signed_in, make_initiative
):
    initiative = make_initiative(state=S.verified, council_deadline=date(2028, 3, 10))
    signed_in("president")
    page = f"/secretariat/initiatives/{initiative.slug}"
    response = act(client, initiative, "agenda", agenda_date="2027-03-29")
    assert response.status_code == 303 and response.headers["Location"] == page
    html = client.get(page).get_data(as_text=True)
    assert '<p class="notice success" role="status">' in html
    assert "The date of the council meeting is recorded." in html
    assert "is recorded." not in client.get(page).get_data(as_text=True)
    act(client, initiative, "vote", vote_date="2027-03-10", outcome="adopted",
        minutes_url="https://www.bruxelles.be/pv.pdf")  # fmt: skip
    html = client.get(page).get_data(as_text=True)
    assert "vote is recorded and published." in html


def test_the_staff_page_opens_on_overdue_and_explains_the_presidents_part(
    client, signed_in, make_initiative
):
    initiative = make_initiative(
        state=S.with_council, council_deadline=date(2027, 3, 1)
    )
    signed_in("secretariat")
    html = client.get(f"/secretariat/initiatives/{initiative.slug}").get_data(
        as_text=True
    )
    main = html[html.index("<h1") :]
    assert main.index("Overdue: the council's deadline of") < main.index("<dl")
    assert "Scheduled by the president: the consultation meeting" in html


def test_the_translation_form_comes_first_and_every_id_is_unique(
    client, signed_in, submitted
):
    initiative = submitted()
    signed_in("secretariat")
    html = client.get(f"/secretariat/initiatives/{initiative.slug}").get_data(
        as_text=True
    )
    ids = re.findall(r'\sid="([^"]+)"', html)
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)
    assert re.search(r'<label[^>]*for="translation-title"[^>]*>\s*Title', html)
    assert html.index("Add or correct a text") < html.index('<h3 id="review-title"')
