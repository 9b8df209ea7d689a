"""Confirmation links: expired, tampered or wrong-purpose links get a friendly page."""

from datetime import timedelta

from petitions.web.tokens import token_service

from .support import confirmation_link, csrf_token


def post_button(client, path, form_page):
    return client.post(path, data={"csrf_token": csrf_token(client, form_page)})


def test_an_expired_link_says_how_to_get_a_new_one_and_confirms_nothing(
    client, make_initiative, sign, mailbox, clock, app
):
    initiative = make_initiative()
    sign(initiative)
    link = confirmation_link(mailbox()[0])
    clock.now += timedelta(seconds=app.config["CONFIRMATION_MAX_AGE"] + 1)
    page = client.get(link)
    assert page.status_code == 400
    assert "a fresh link goes to the address you give" in page.get_data(as_text=True)
    assert (
        post_button(client, link, f"/initiatives/{initiative.slug}").status_code == 400
    )
    assert initiative.confirmed_count() == 0


def test_a_link_one_second_before_expiry_still_confirms(
    client, make_initiative, sign, mailbox, clock, app
):
    initiative = make_initiative()
    sign(initiative)
    link = confirmation_link(mailbox()[0])
    clock.now += timedelta(seconds=app.config["CONFIRMATION_MAX_AGE"] - 1)
    assert post_button(client, link, link).status_code == 200
    assert initiative.confirmed_count() == 1


def test_signing_again_after_the_link_expired_sends_a_fresh_link_to_the_address_typed(
    client, make_initiative, sign, mailbox, clock, app
):
    initiative = make_initiative()
    sign(initiative)
    link = confirmation_link(mailbox()[0])
    clock.now += timedelta(days=6, hours=23)  # the signature is still pending
    app.config["CONFIRMATION_MAX_AGE"] = 3600
    sign(initiative, email="someone.else@example.be")
    messages = mailbox()
    assert [m["To"] for m in messages] == [
        "marie.janssens@example.be",
        "someone.else@example.be",
    ]
    # Too old and replaced: it says that a newer link was sent.
    assert client.get(link).status_code == 409
    fresh = confirmation_link(messages[1])
    assert post_button(client, fresh, fresh).status_code == 200
    assert initiative.confirmed_count() == 1


def test_the_first_link_says_a_newer_one_was_sent_and_confirms_nothing(
    client, make_initiative, sign, mailbox
):
    initiative = make_initiative()
    sign(initiative)
    first = confirmation_link(mailbox()[0])
    sign(initiative)
    mailbox()
    opened = client.get(first)
    assert opened.status_code == 409
    assert "A newer confirmation link was sent" in opened.get_data(as_text=True)
    form_page = f"/initiatives/{initiative.slug}"
    pressed = post_button(client, first, form_page)
    assert pressed.status_code == 409
    assert "A newer confirmation link was sent" in pressed.get_data(as_text=True)
    assert initiative.confirmed_count() == 0


def test_a_tampered_link_is_refused_kindly(client, make_initiative, sign, mailbox):
    initiative = make_initiative()
    sign(initiative)
    link = confirmation_link(mailbox()[0])
    tampered = link[:-3] + ("xyz" if not link.endswith("xyz") else "abc")
    page = client.get(tampered)
    assert page.status_code == 400
    assert "This link is not valid" in page.get_data(as_text=True)
    assert (
        post_button(client, tampered, f"/initiatives/{initiative.slug}").status_code
        == 400
    )
    assert initiative.confirmed_count() == 0


def test_a_token_made_for_another_purpose_confirms_nothing(
    client, make_initiative, sign, mailbox, clock
):
    initiative = make_initiative()
    sign(initiative)
    mailbox()
    forged = token_service("manage-initiative").dumps({"sig": 1}, clock.now)
    response = post_button(
        client, f"/confirm/{forged}", f"/initiatives/{initiative.slug}"
    )
    assert response.status_code == 400
    assert initiative.confirmed_count() == 0


def test_a_link_whose_signature_expired_says_to_sign_again(
    client, make_initiative, sign, mailbox, clock
):
    from petitions.jobs.registry import run_job

    initiative = make_initiative()
    sign(initiative)
    link = confirmation_link(mailbox()[0])
    run_job("expire-pending-signatures", clock.now + timedelta(days=8))
    page = client.get(link)
    assert page.status_code == 410
    assert "sign again" in page.get_data(as_text=True)


def test_confirming_without_the_csrf_token_is_refused(
    client, make_initiative, sign, mailbox
):
    initiative = make_initiative()
    sign(initiative)
    link = confirmation_link(mailbox()[0])
    assert client.post(link, data={}).status_code == 400
    assert initiative.confirmed_count() == 0
