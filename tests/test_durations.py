"""Texts that name a duration take it from the configuration; an old, replaced link says
that a newer one was sent."""

from datetime import timedelta

from .support import body_text, confirmation_link, csrf_token


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
