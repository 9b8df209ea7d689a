"""Secrets never travel readable: a confirmation link hides its code, and the receipt code
is in no cookie. Read here the way anyone who sees a link or a cookie could read it."""

import base64
import json
import zlib

from petitions.extensions import db
from petitions.web.tokens import confirmation_token, read_confirmation_token
from verification.codes import normalise_code

from .support import confirmation_code, confirmation_link, csrf_token, receipt_code


def readable(value: str) -> str:
    """Decode a signed value (itsdangerous token, Flask session) without any key."""
    compressed = value.startswith(".")
    payload = value.lstrip(".").split(".")[0]
    data = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
    return (zlib.decompress(data) if compressed else data).decode()


def test_a_confirmation_link_does_not_show_its_code(make_initiative, sign, mailbox):
    initiative = make_initiative()
    sign(initiative)
    (message,) = mailbox()
    code = confirmation_code(message)
    token = confirmation_link(message).rsplit("/", 1)[1]
    payload = json.loads(readable(token))
    assert set(payload) == {"action", "s"}
    text = readable(token)
    assert code not in text and normalise_code(code) not in text
    assert normalise_code(code) not in base64.urlsafe_b64decode(
        payload["s"] + "=" * (-len(payload["s"]) % 4)
    ).decode("latin-1")


def test_a_confirmation_token_keeps_working_after_the_secret_key_rotates(
    app, clock, make_initiative, sign, mailbox, client
):
    initiative = make_initiative()
    sign(initiative)
    link = confirmation_link(mailbox()[0])
    old_key = app.config["SECRET_KEY"]
    app.config["SECRET_KEY"] = "the-new-secret-key"
    app.config["SECRET_KEY_FALLBACKS"] = [old_key]
    db.session.commit()
    # A context of its own: the test's ``g`` still caches a form token of the old key.
    with app.app_context():
        answer = client.post(link, data={"csrf_token": csrf_token(client, link)})
    assert answer.status_code == 200
    assert initiative.confirmed_count() == 1


def test_a_confirmation_token_is_refused_once_its_key_is_retired(
    app, clock, make_initiative, sign, mailbox, client
):
    initiative = make_initiative()
    sign(initiative)
    link = confirmation_link(mailbox()[0])
    app.config["SECRET_KEY"] = "the-new-secret-key"
    assert client.get(link).status_code == 400
    assert initiative.confirmed_count() == 0


def test_a_token_signed_with_the_new_key_hides_a_code_made_with_the_old_one(app, clock):
    with app.test_request_context():
        token = confirmation_token(42, "K7QM-3XPA", clock.now)
        app.config["SECRET_KEY_FALLBACKS"] = [app.config["SECRET_KEY"]]
        app.config["SECRET_KEY"] = "the-new-secret-key"
        assert read_confirmation_token(token, clock.now) == (42, "K7QM-3XPA")
        fresh = confirmation_token(42, "K7QM-3XPA", clock.now)
        app.config["SECRET_KEY_FALLBACKS"] = []
        assert read_confirmation_token(fresh, clock.now) == (42, "K7QM-3XPA")


def test_the_token_length_does_not_tell_the_signature(app, clock):
    with app.test_request_context():
        lengths = {
            len(confirmation_token(number, "K7QM-3XPA", clock.now))
            for number in (1, 42, 123456)
        }
    assert len(lengths) == 1


def test_the_receipt_code_is_in_no_cookie(client, make_initiative, sign, mailbox):
    initiative = make_initiative()
    sign(initiative)
    link = confirmation_link(mailbox()[0])
    answer = client.post(link, data={"csrf_token": csrf_token(client, link)})
    code = receipt_code(mailbox()[-1])
    assert code in answer.get_data(as_text=True)
    assert answer.headers["Cache-Control"] == "no-store"
    cookies = [
        header
        for name, header in answer.headers.items()
        if name.lower() == "set-cookie"
    ]
    session = client.get_cookie("session")
    values = [*cookies, session.value if session else ""]
    for value in values:
        assert code not in value and normalise_code(code) not in value
    if session is not None:
        decoded = readable(session.value)
        assert code not in decoded and normalise_code(code) not in decoded
    # Nor does the next page show it again.
    again = client.get(f"/initiatives/{initiative.slug}").get_data(as_text=True)
    assert code not in again


def test_the_check_your_email_page_shows_the_address_masked(
    client, make_initiative, sign
):
    initiative = make_initiative()
    response = sign(initiative, email="zoe.dupont@example.be")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "z***@e***.be" in page
    assert "zoe.dupont" not in page
    decoded = readable(client.get_cookie("session").value)
    assert "zoe.dupont" not in decoded and "z***@e***.be" in decoded
