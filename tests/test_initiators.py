"""The initiators' path: draft, representatives' confirmation, management link, actions."""

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from petitions.extensions import db
from petitions.initiatives.audit import timeline
from petitions.models import (
    AuditEntry,
    Initiative,
    InitiativeState,
    OutboxMessage,
    Representative,
)
from petitions.web.tokens import management_token, representative_token, token_service

from .support import draft_form, link_in, post_button, post_draft


def initiatives() -> list[Initiative]:
    return db.session.scalars(select(Initiative)).all()


def manage_path(initiative, representative, clock) -> str:
    return f"/manage/{management_token(initiative.id, representative.id, clock.now)}"


def test_a_draft_needs_a_complete_text_in_one_language(client):
    response = post_draft(client, fr_title="", fr_summary="", fr_body="")
    assert response.status_code == 400
    assert "in French, in Dutch or in both" in response.get_data(as_text=True)
    assert initiatives() == []


def test_a_partly_filled_language_is_an_error_on_its_missing_fields(client):
    response = post_draft(client, nl_title="Bomen in de Hoogstraat")
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'id="nl_summary-error"' in page
    assert 'id="nl_body-error"' in page
    assert 'id="nl_title-error"' not in page
    assert initiatives() == []


def test_a_fourth_representative_cannot_be_named(client):
    response = post_draft(
        client,
        rep3_name="Sara El Idrissi",
        rep3_email="sara@example.be",
        rep4_name="Tom Claes",
        rep4_email="tom@example.be",
        rep4_language="nl",
    )
    assert response.status_code == 303
    names = db.session.scalars(select(Representative.name)).all()
    assert len(names) == 3
    assert "Tom Claes" not in names


def test_an_empty_representative_row_needs_no_language(client):
    response = post_draft(client, rep2_name="", rep2_email="", rep2_language="")
    assert response.status_code == 303
    (initiative,) = initiatives()
    assert [r.name for r in initiative.representatives] == ["Anne Dupont"]


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"rep1_name": "", "rep1_email": ""}, "rep1_name", "at least one"),
        ({"rep2_email": "jan@"}, "rep2_email", "valid e-mail address"),
        ({"rep2_email": "Anne@Example.be"}, "rep2_email", "their own e-mail"),
        ({"rep2_name": ""}, "rep2_name", "name too"),
        ({"rep2_email": ""}, "rep2_email", "e-mail address too"),
        ({"rep1_language": "de"}, "rep1_language", "choose a language"),
        ({"rep1_name": "Anne\tDupont"}, "rep1_name", "control characters"),
        ({"fr_title": "Des arbres\x00"}, "fr_title", "control characters"),
    ],
)
def test_a_bad_representative_or_text_is_refused_on_its_field(
    client, overrides, field, message
):
    response = post_draft(client, **overrides)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    error = re.search(rf'id="{field}-error">([^<]*)<', page)
    assert error and message in error.group(1)
    assert initiatives() == []


@pytest.mark.parametrize(
    "field", ["fr_title", "fr_summary", "rep1_name", "rep1_email", "nl_title"]
)
def test_ten_thousand_characters_are_refused_in_bounded_fields(client, field):
    response = post_draft(client, **{field: "a" * 10_000})
    assert response.status_code == 400
    assert f'id="{field}-error"' in response.get_data(as_text=True)
    assert initiatives() == []


def test_a_text_of_twenty_thousand_characters_in_each_language_is_accepted(client):
    long_text = "é" * 20_000
    response = post_draft(
        client,
        fr_body=long_text,
        nl_title="Bomen",
        nl_summary="Bomen planten.",
        nl_body=long_text,
    )
    assert response.status_code == 303
    (initiative,) = initiatives()
    assert {len(t.body) for t in initiative.texts} == {20_000}


def test_a_script_in_a_field_is_shown_as_text(client):
    response = post_draft(client, fr_title="<script>alert(1)</script>", fr_body="")
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "<script>alert(1)" not in page
    assert "&lt;script&gt;alert(1)" in page


def test_a_draft_mails_each_representative_in_their_language(client, mailbox):
    response = post_draft(client)
    assert response.status_code == 303
    location = response.headers["Location"]
    assert location.endswith("/initiatives/new/check-your-email")
    assert "example.be" not in location
    assert "each representative" in client.get(location).get_data(as_text=True)
    (initiative,) = initiatives()
    assert initiative.state is InitiativeState.draft
    mails = {m["To"]: m for m in mailbox()}
    assert set(mails) == {"anne@example.be", "jan@example.be"}
    assert mails["anne@example.be"]["Content-Language"] == "fr"
    assert mails["jan@example.be"]["Content-Language"] == "nl"
    assert link_in(mails["jan@example.be"], "/representatives/confirm")


def test_opening_the_representative_link_confirms_nothing(client, mailbox):
    post_draft(client)
    link = link_in(mailbox()[0], "/representatives/confirm")
    page = client.get(link)
    assert page.status_code == 200
    assert 'method="post"' in page.get_data(as_text=True)
    assert (
        db.session.scalar(
            select(func.count()).where(Representative.confirmed_at.is_not(None))
        )
        == 0
    )


def test_the_button_confirms_and_sends_the_management_link_once(client, mailbox):
    post_draft(client)
    first = next(m for m in mailbox() if m["To"] == "anne@example.be")
    link = link_in(first, "/representatives/confirm")
    assert post_button(client, link).status_code == 303
    assert post_button(client, link).status_code == 303
    anne = db.session.scalar(select(Representative).filter_by(name="Anne Dupont"))
    assert anne.confirmed_at is not None
    new_mails = mailbox()[2:]
    assert [m["To"] for m in new_mails] == ["anne@example.be"]
    dashboard = client.get(link_in(new_mails[0], "/manage"))
    assert dashboard.status_code == 200
    assert "Des arbres rue Haute" in dashboard.get_data(as_text=True)


def test_a_tampered_representative_link_is_refused_kindly(client, mailbox):
    post_draft(client)
    link = link_in(mailbox()[0], "/representatives/confirm")
    tampered = link[:-3] + ("xyz" if not link.endswith("xyz") else "abc")
    page = client.get(tampered)
    assert page.status_code == 400
    assert "This link is not valid" in page.get_data(as_text=True)
    assert post_button(client, tampered).status_code == 400
    assert (
        db.session.scalar(
            select(func.count()).where(Representative.confirmed_at.is_not(None))
        )
        == 0
    )


def test_an_expired_representative_link_confirms_nothing(app, client, mailbox, clock):
    post_draft(client)
    link = link_in(mailbox()[0], "/representatives/confirm")
    clock.now += timedelta(seconds=app.config["REPRESENTATIVE_LINK_MAX_AGE"] + 1)
    page = client.get(link)
    assert page.status_code == 400
    assert "can no longer be used" in page.get_data(as_text=True)
    assert post_button(client, link).status_code == 400
    assert (
        db.session.scalar(
            select(func.count()).where(Representative.confirmed_at.is_not(None))
        )
        == 0
    )


def test_submission_waits_for_every_representative(client, mailbox, clock):
    post_draft(client)
    (initiative,) = initiatives()
    anne, jan = initiative.representatives
    path = manage_path(initiative, anne, clock)
    post_button(
        client, f"/representatives/confirm/{representative_token(anne.id, clock.now)}"
    )
    refused = post_button(client, f"{path}/submit")
    assert refused.status_code == 409
    assert "every representative has confirmed" in refused.get_data(as_text=True)
    assert initiative.state is InitiativeState.draft
    post_button(
        client, f"/representatives/confirm/{representative_token(jan.id, clock.now)}"
    )
    assert post_button(client, f"{path}/submit").status_code == 303
    db.session.refresh(initiative)
    assert initiative.state is InitiativeState.submitted
    assert "submitted" in [entry.action for entry in timeline(initiative)]
    assert "Your initiative is submitted" in client.get(path).get_data(as_text=True)


def test_no_submission_in_the_months_before_an_election(
    client, app, make_initiative, clock
):
    app.config["ELECTION_DATE"] = "2027-05-30"
    initiative = make_initiative(state=InitiativeState.draft, representatives=1)
    path = manage_path(initiative, initiative.representatives[0], clock)
    refused = post_button(client, f"{path}/submit")
    assert refused.status_code == 409
    assert "before the election" in refused.get_data(as_text=True)
    assert initiative.state is InitiativeState.draft
    clock.set("2027-05-31T09:00:00+02:00")
    path = manage_path(initiative, initiative.representatives[0], clock)
    assert post_button(client, f"{path}/submit").status_code == 303
    assert initiative.state is InitiativeState.submitted


def test_the_edit_form_is_prefilled_and_saves_while_draft(
    client, make_initiative, clock
):
    initiative = make_initiative(state=InitiativeState.draft, representatives=1)
    path = manage_path(initiative, initiative.representatives[0], clock)
    assert "Des bancs sur la Grand-Place" in client.get(f"{path}/edit").get_data(
        as_text=True
    )
    form = draft_form(nl_title="Banken", nl_summary="Kort.", nl_body="Tekst.")
    response = post_button(client, f"{path}/edit", **form)
    assert response.status_code == 303
    assert initiative.text("fr").title == "Des arbres rue Haute"
    assert initiative.text("nl").title == "Banken"


def test_an_edit_cannot_remove_a_language(client, make_initiative, clock):
    initiative = make_initiative(state=InitiativeState.draft, representatives=1)
    path = manage_path(initiative, initiative.representatives[0], clock)
    response = post_button(client, f"{path}/edit", **draft_form())
    assert response.status_code == 400
    assert "The Dutch text cannot be removed" in response.get_data(as_text=True)
    assert initiative.text("fr").title == "Des bancs sur la Grand-Place"


def test_texts_cannot_change_once_submitted(client, make_initiative, clock):
    initiative = make_initiative(state=InitiativeState.submitted, representatives=1)
    path = manage_path(initiative, initiative.representatives[0], clock)
    response = post_button(client, f"{path}/edit", **draft_form())
    assert response.status_code == 409
    assert "not possible at this stage" in response.get_data(as_text=True)
    db.session.expire_all()
    assert initiative.text("fr").title == "Des bancs sur la Grand-Place"


def test_withdrawing_before_filing_asks_first_then_records_the_reason(
    client, make_initiative, clock
):
    initiative = make_initiative(representatives=1)
    path = manage_path(initiative, initiative.representatives[0], clock)
    confirm_page = client.get(f"{path}/withdraw")
    assert "for good" in confirm_page.get_data(as_text=True)
    assert initiative.state is InitiativeState.collecting
    response = post_button(client, f"{path}/withdraw", reason="Accord trouvé")
    assert response.status_code == 303
    assert response.headers["Location"].endswith(path)
    assert initiative.state is InitiativeState.withdrawn
    entry = db.session.scalar(select(AuditEntry).filter_by(action="withdrawn"))
    assert (entry.reason, entry.actor) == (
        "Accord trouvé",
        f"representative:{initiative.representatives[0].id}",
    )


def test_a_withdrawal_reason_over_a_thousand_characters_is_refused(
    client, make_initiative, clock
):
    initiative = make_initiative(representatives=1)
    path = manage_path(initiative, initiative.representatives[0], clock)
    response = post_button(client, f"{path}/withdraw", reason="x" * 1001)
    assert response.status_code == 400
    assert 'id="reason-error"' in response.get_data(as_text=True)
    assert initiative.state is InitiativeState.collecting


def test_withdrawing_after_filing_is_refused(client, make_initiative, clock):
    initiative = make_initiative(state=InitiativeState.filed, representatives=1)
    path = manage_path(initiative, initiative.representatives[0], clock)
    response = post_button(client, f"{path}/withdraw", reason="Trop tard")
    assert response.status_code == 409
    db.session.expire_all()
    assert initiative.state is InitiativeState.filed


def test_filing_waits_for_the_threshold(client, make_initiative, clock, make_signature):
    initiative = make_initiative(threshold=3, representatives=1)
    path = manage_path(initiative, initiative.representatives[0], clock)
    for _ in range(2):
        make_signature(initiative)
    refused = post_button(client, f"{path}/file")
    assert refused.status_code == 409
    assert "reached the number of confirmed signatures" in refused.get_data(
        as_text=True
    )
    assert initiative.state is InitiativeState.collecting
    make_signature(initiative)
    assert post_button(client, f"{path}/file").status_code == 303
    assert initiative.state is InitiativeState.filed


def test_filing_on_31_january_gives_the_council_until_31_january_next_year(
    client, make_initiative, clock, make_signature
):
    clock.set("2027-01-31T10:00:00+01:00")
    initiative = make_initiative(threshold=1, representatives=1)
    make_signature(initiative)
    path = manage_path(initiative, initiative.representatives[0], clock)
    assert post_button(client, f"{path}/file").status_code == 303
    assert initiative.council_deadline == date(2028, 1, 31)
    page = client.get(path).get_data(as_text=True)
    assert "January 31, 2028" in page
    assert "366 days left" in page


def tampered(token: str) -> str:
    return token[:-3] + ("xyz" if not token.endswith("xyz") else "abc")


@pytest.mark.parametrize("forge", ["tampered", "other_purpose", "garbage"])
def test_a_forged_management_link_is_refused(client, make_initiative, clock, forge):
    initiative = make_initiative(state=InitiativeState.draft, representatives=1)
    representative = initiative.representatives[0]
    token = {
        "tampered": lambda: tampered(
            management_token(initiative.id, representative.id, clock.now)
        ),
        "other_purpose": lambda: representative_token(representative.id, clock.now),
        "garbage": lambda: "not-a-token",
    }[forge]()
    page = client.get(f"/manage/{token}")
    assert page.status_code == 400
    assert "This link is not valid" in page.get_data(as_text=True)
    assert post_button(client, f"/manage/{token}/submit").status_code == 400
    assert initiative.state is InitiativeState.draft


def test_a_link_mixing_two_initiatives_is_refused(client, make_initiative, clock):
    first = make_initiative(state=InitiativeState.draft, representatives=1)
    second = make_initiative(state=InitiativeState.draft, representatives=1)
    token = management_token(first.id, second.representatives[0].id, clock.now)
    assert client.get(f"/manage/{token}").status_code == 400
    assert post_button(client, f"/manage/{token}/submit").status_code == 400
    assert first.state is second.state is InitiativeState.draft


def test_a_token_without_the_right_fields_is_refused(client, make_initiative, clock):
    make_initiative(representatives=1)
    token = token_service("manage-initiative").dumps({"rep": 1}, clock.now)
    assert client.get(f"/manage/{token}").status_code == 400


def test_an_expired_management_link_offers_a_new_one(
    app, client, make_initiative, clock
):
    initiative = make_initiative(state=InitiativeState.draft, representatives=1)
    path = manage_path(initiative, initiative.representatives[0], clock)
    clock.now += timedelta(seconds=app.config["MANAGEMENT_LINK_MAX_AGE"] + 1)
    page = client.get(path)
    assert page.status_code == 400
    assert "can no longer be used" in page.get_data(as_text=True)
    assert 'href="/manage/request"' in page.get_data(as_text=True)
    assert post_button(client, f"{path}/submit").status_code == 400
    assert initiative.state is InitiativeState.draft


def test_asking_for_a_link_answers_alike_and_mails_only_confirmed_representatives(
    client, make_initiative, mailbox
):
    initiative = make_initiative(representatives=1)
    initiative.representatives.append(
        Representative(name="Pas confirmé", email="wait@example.be", language="fr")
    )
    db.session.commit()
    pages = []
    for address in ("REP1@example.be", "nobody@example.be", "wait@example.be"):
        response = post_button(client, "/manage/request", email=address)
        assert response.status_code == 303
        pages.append(client.get(response.headers["Location"]).get_data(as_text=True))
    assert pages[0] == pages[1] == pages[2]
    assert "If this address represents an initiative" in pages[0]
    assert [m["To"] for m in mailbox()] == ["rep1@example.be"]


def test_asking_for_a_link_with_a_bad_address_says_so(client):
    response = post_button(client, "/manage/request", email="not an address")
    assert response.status_code == 400
    assert "valid e-mail address" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count(OutboxMessage.id))) == 0
