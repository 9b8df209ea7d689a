"""Texts that name a duration take it from the configuration, in the plural it needs in
each language; an old, replaced link says that a newer one was sent."""

from datetime import timedelta

import pytest

from petitions.models import InitiativeState
from petitions.paper.sheet import privacy_notice
from petitions.web.tokens import management_token

from .support import body_text, confirmation_link, csrf_token, link_in, post_draft


def test_a_replaced_link_past_its_age_says_a_newer_one_was_sent(
    client, make_initiative, sign, mailbox, clock, app
):
    initiative = make_initiative()
    sign(initiative, email="first@example.be")
    first = confirmation_link(mailbox()[0])
    clock.now += timedelta(days=2)
    sign(initiative, email="second@example.be")
    clock.now += timedelta(seconds=app.config["CONFIRMATION_MAX_AGE"] - 3600)
    for answer in (
        client.get(first),
        client.post(
            first,
            data={"csrf_token": csrf_token(client, f"/initiatives/{initiative.slug}")},
        ),
    ):
        assert answer.status_code == 409
        page = answer.get_data(as_text=True)
        assert "A newer confirmation link was sent" in page
        assert "valid for" not in page
    assert initiative.confirmed_count() == 0


def test_an_old_link_not_replaced_still_says_it_is_too_old(
    client, make_initiative, sign, mailbox, clock, app
):
    initiative = make_initiative()
    sign(initiative)
    link = confirmation_link(mailbox()[0])
    clock.now += timedelta(seconds=app.config["CONFIRMATION_MAX_AGE"] + 1)
    page = client.get(link).get_data(as_text=True)
    assert "Confirmation links are valid for 7 days" in page


def test_the_resident_texts_name_the_configured_durations(
    app, client, make_initiative, sign, mailbox, clock
):
    app.config.update(
        PENDING_SIGNATURE_DAYS=5,
        CONFIRMATION_MAX_AGE=3 * 86400,
        COUNCIL_DEADLINE_MONTHS=9,
    )
    initiative = make_initiative()
    answer = sign(initiative)
    check = client.get(answer.headers["Location"]).get_data(as_text=True)
    assert "within 3 days" in check
    mail = body_text(mailbox()[0])  # in French, the signatory's language
    assert "Le lien est valable 3 jours" in mail
    assert "supprimée après 5 jours" in mail
    assert "deleted after 5 days" in client.get("/privacy").get_data(as_text=True)
    home = client.get("/").get_data(as_text=True)
    assert "within 9 months" in home
    form = client.get(f"/initiatives/{initiative.slug}").get_data(as_text=True)
    assert "deleted after 5 days" in form
    clock.now += timedelta(days=3, seconds=1)
    expired = client.get(confirmation_link(mailbox()[0])).get_data(as_text=True)
    assert "Confirmation links are valid for 3 days" in expired


def test_the_initiators_texts_name_the_configured_link_ages(
    app, client, mailbox, clock, make_initiative
):
    app.config.update(
        REPRESENTATIVE_LINK_MAX_AGE=4 * 86400, MANAGEMENT_LINK_MAX_AGE=12 * 86400
    )
    started = client.get(post_draft(client).headers["Location"]).get_data(as_text=True)
    assert "in that e-mail, within 4 days" in started
    anne, jan = mailbox()  # Anne reads French, Jan Dutch
    assert "Veuillez confirmer au moyen de ce lien, valable 4 jours" in body_text(anne)
    assert "Bevestig met deze link, die 4 dagen geldig is" in body_text(jan)
    assert "valable 4 jours" in anne.get_body(preferencelist=("html",)).get_content()
    representative_link = link_in(anne, "/representatives/confirm")
    initiative = make_initiative(state=InitiativeState.draft, representatives=1)
    management = management_token(
        initiative.id, initiative.representatives[0].id, clock.now
    )
    clock.now += timedelta(days=4, seconds=1)
    expired = client.get(representative_link).get_data(as_text=True)
    assert "confirm a representative are valid for 4 days" in expired
    clock.now += timedelta(days=8)
    expired = client.get(f"/manage/{management}").get_data(as_text=True)
    assert "Management links are valid for 12 days" in expired


def test_one_day_is_said_in_the_singular_in_each_language(app, client, mailbox):
    app.config["REPRESENTATIVE_LINK_MAX_AGE"] = 86400
    started = client.get(post_draft(client).headers["Location"]).get_data(as_text=True)
    assert "within 1 day." in started
    anne, jan = mailbox()
    assert "valable 1 jour." in body_text(anne)
    assert "die 1 dag geldig is." in body_text(jan)


@pytest.mark.parametrize(
    ("language", "decided", "ended"),
    [
        ("en", "5 months after the council", "1 month after the initiative"),
        ("fr", "5 mois après la décision", "1 mois après la fin"),
        ("nl", "5 maanden na de beslissing", "1 maand nadat"),
    ],
)
def test_the_privacy_notice_names_the_configured_retention(
    app, client, language, decided, ended
):
    app.config.update(RETENTION_DECIDED_MONTHS=5, RETENTION_ENDED_MONTHS=1)
    page = client.get("/privacy", headers={"Accept-Language": language})
    text = page.get_data(as_text=True)
    assert decided in text and ended in text


def test_the_paper_sheets_notice_names_the_configured_retention(app):
    app.config.update(RETENTION_DECIDED_MONTHS=5, RETENTION_ENDED_MONTHS=1)
    with app.app_context():
        french = " ".join(privacy_notice("fr")[1])
        dutch = " ".join(privacy_notice("nl")[1])
    assert "5 mois après la décision" in french and "1 mois après sa fin" in french
    assert "5 maanden na de beslissing" in dutch and "1 maand nadat" in dutch
