"""Nothing tells a stranger who signed (DESIGN.md §4).

Someone who knows a person's names and date of birth signs in that person's name with
their own mailbox: the page and the mails they get are the same whether the person never
signed, is pending, counts or withdrew. Only confirming says that a signature already
counts, and then the counted signature's own address is told (at most once a day).
"""

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from petitions.extensions import db
from petitions.models import Signature, SignatureState
from petitions.receipts.operations import withdraw_signature
from verification.addresses import masked_address

from .support import CSRF_FIELD, confirmation_link, csrf_token, signatory

CASES = ("never seen", "pending", "confirmed", "withdrawn")
SURNAMES = dict(zip(CASES, ("Nooit", "Wachtend", "Geteld", "Ingetrokken"), strict=True))


def press(client, link, form_page=None):
    return client.post(link, data={"csrf_token": csrf_token(client, form_page or link)})


def own_address(case: str) -> str:
    return f"{SURNAMES[case].lower()}@example.be"


@pytest.fixture
def person_in(client, sign, mailbox, clock):
    """Return a function that brings one person (by case) to that state, with their own
    address, and returns the link of their own last confirmation mail (or None)."""

    def bring(initiative, case: str) -> str | None:
        if case == "never seen":
            return None
        sign(initiative, surname=SURNAMES[case], email=own_address(case))
        link = confirmation_link(mailbox()[-1])
        if case == "pending":
            return link
        press(client, link)
        if case == "withdrawn":
            signature = db.session.scalars(
                select(Signature).order_by(Signature.id.desc())
            ).first()
            withdraw_signature(signature.id, clock.now)
            db.session.commit()
        return link

    return bring


class Stranger:
    """A stranger's own browser, signing in someone else's name.

    Each request runs in an app context of its own: the test's context would otherwise
    share ``g`` (and the CSRF token cached there) between two browsers. The test's own
    session ends its transaction first, as a request's would.
    """

    def __init__(self, app):
        self.app = app
        self.browser = app.test_client()
        self.browser.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"

    def __call__(self, initiative, surname: str, email: str):
        path = f"/initiatives/{initiative.slug}"
        form = signatory(surname=surname, email=email, language="en")
        form["csrf_token"] = self.csrf(path)
        return self.post(f"{path}/sign", form)

    def csrf(self, path: str) -> str:
        db.session.commit()
        with self.app.app_context():
            return csrf_token(self.browser, path)

    def get(self, path: str):
        db.session.commit()
        with self.app.app_context():
            return self.browser.get(path)

    def post(self, path: str, data: dict):
        db.session.commit()
        with self.app.app_context():
            return self.browser.post(path, data=data)

    def press(self, link: str):
        return self.post(link, {"csrf_token": self.csrf(link)})


@pytest.fixture
def stranger(app):
    return Stranger(app)


def new_mails(mailbox, before: int) -> list:
    return mailbox()[before:]


def answer_of(stranger, mailbox, initiative, case, email):
    """Return what a stranger observes of one attempt: the page and their new mails."""
    before = len(mailbox())
    response = stranger(initiative, SURNAMES[case], email)
    page = stranger.get(response.headers["Location"])
    mails = new_mails(mailbox, before)
    # Nobody else hears of the attempt: not the person, not their earlier address.
    assert {m["To"] for m in mails} == {email}
    text = CSRF_FIELD.sub("", page.get_data(as_text=True))
    links = [confirmation_link(m) for m in mails if "/confirm/" in str(m)]
    return {
        "status": (response.status_code, response.headers["Location"]),
        "page": (page.status_code, text),
        "subjects": [m["Subject"] for m in mails],
        # The same kind of link: the same path, and a token of the same length.
        "links": [(link.rsplit("/", 1)[0], len(link)) for link in links],
    }


def test_a_stranger_gets_the_same_page_and_mail_whatever_the_person_did(
    make_initiative, person_in, stranger, mailbox
):
    initiative = make_initiative()
    for case in CASES:
        person_in(initiative, case)
    answers = {
        # Each attempt from its own mailbox: four people on one address would meet
        # the household limit (tested apart below).
        case: answer_of(
            stranger, mailbox, initiative, case, f"stranger.{n}@example.net"
        )
        for n, case in enumerate(CASES)
    }
    first = answers["never seen"]
    assert first["subjects"] == ["Confirm your signature: Des bancs sur la Grand-Place"]
    assert len(first["links"]) == 1
    assert "s***@e***.net" in first["page"][1]
    for case in CASES[1:]:
        assert answers[case] == first, case


def test_a_full_mailbox_answers_alike_whether_or_not_the_person_signed(
    app, make_initiative, person_in, stranger, mailbox
):
    app.config["MAX_SIGNATURES_PER_EMAIL"] = 1
    initiative = make_initiative()
    for case in CASES:
        person_in(initiative, case)
    stranger(initiative, "Invented", "full@example.net")  # the mailbox's one person
    answers = {
        case: answer_of(stranger, mailbox, initiative, case, "full@example.net")
        for case in CASES
    }
    assert answers["never seen"]["subjects"] == [
        "Your signature could not be recorded: Des bancs sur la Grand-Place"
    ]
    assert all(answer == answers["never seen"] for answer in answers.values())


def stranger_link(stranger, mailbox, initiative, case) -> str:
    before = len(mailbox())
    stranger(initiative, SURNAMES[case], "stranger@example.net")
    (mail,) = new_mails(mailbox, before)
    return confirmation_link(mail)


@pytest.mark.parametrize("case", ["never seen", "withdrawn"])
def test_confirming_for_a_person_who_does_not_count_counts_once(
    make_initiative, person_in, stranger, mailbox, case
):
    initiative = make_initiative()
    person_in(initiative, case)
    link = stranger_link(stranger, mailbox, initiative, case)
    answer = stranger.press(link)
    assert answer.status_code == 200
    assert "Thank you, your signature counts" in answer.get_data(as_text=True)
    assert initiative.confirmed_count() == 1
    # The receipt goes to the address that confirmed, nowhere else.
    assert mailbox()[-1]["To"] == "stranger@example.net"


def test_while_pending_the_newest_attempt_wins_and_the_older_link_says_so(
    client, make_initiative, person_in, stranger, mailbox
):
    initiative = make_initiative()
    own_link = person_in(initiative, "pending")
    link = stranger_link(stranger, mailbox, initiative, "pending")
    older = press(client, own_link, f"/initiatives/{initiative.slug}")
    assert older.status_code == 409
    assert "A newer confirmation link was sent" in older.get_data(as_text=True)
    assert initiative.confirmed_count() == 0
    answer = stranger.press(link)
    assert "Thank you, your signature counts" in answer.get_data(as_text=True)
    assert initiative.confirmed_count() == 1
    assert mailbox()[-1]["To"] == "stranger@example.net"


def test_confirming_a_repeat_of_a_counted_signature_says_so_and_tells_its_address(
    make_initiative, person_in, stranger, mailbox
):
    initiative = make_initiative()
    person_in(initiative, "confirmed")
    link = stranger_link(stranger, mailbox, initiative, "confirmed")
    before = len(mailbox())
    answer = stranger.press(link)
    assert answer.status_code == 200
    text = answer.get_data(as_text=True)
    assert "This signature already counts" in text
    assert "receipt-code" not in text
    assert initiative.confirmed_count() == 1
    assert db.session.scalar(select(Signature.state)) is SignatureState.confirmed
    (notice,) = new_mails(mailbox, before)
    assert notice["To"] == own_address("confirmed")
    # In the counted signatory's language (they signed in French), not the stranger's.
    assert notice["Subject"] == (
        "Votre signature a été confirmée une nouvelle fois : "
        "Des bancs sur la Grand-Place"
    )


def test_the_counted_address_is_told_at_most_once_a_day(
    make_initiative, person_in, stranger, mailbox, clock
):
    initiative = make_initiative()
    person_in(initiative, "confirmed")
    start, told = clock.now, []
    for later in (timedelta(0), timedelta(days=1, seconds=-1), timedelta(days=1)):
        clock.now = start + later
        link = stranger_link(stranger, mailbox, initiative, "confirmed")
        before = len(mailbox())
        stranger.press(link)
        told.append([m["To"] for m in new_mails(mailbox, before)])
    assert told == [
        [own_address("confirmed")],
        [],
        [own_address("confirmed")],
    ]
    assert initiative.confirmed_count() == 1


def test_a_repeat_confirmed_by_typed_code_says_it_already_counts(
    make_initiative, person_in, stranger, mailbox
):
    initiative = make_initiative()
    person_in(initiative, "confirmed")
    before = len(mailbox())
    stranger(initiative, SURNAMES["confirmed"], "stranger@example.net")
    (mail,) = new_mails(mailbox, before)
    code = re.search(r"\b([A-Z2-9]{4}-[A-Z2-9]{4})\b", str(mail.get_body(("plain",))))
    path = f"/initiatives/{initiative.slug}"
    answer = stranger.post(
        f"{path}/code", {"csrf_token": stranger.csrf(path), "code": code.group(1)}
    )
    assert answer.status_code == 200
    assert "This signature already counts" in answer.get_data(as_text=True)
    assert initiative.confirmed_count() == 1


@pytest.mark.parametrize(
    ("address", "shown"),
    [
        ("zoe@example.be", "z***@e***.be"),
        ("Zoë.Dupont@mail.example.co.uk", "Z***@m***.uk"),
        ("a@b.be", "a***@b***.be"),
        ("root@localhost", "r***@l***"),
        ("not an address", "***"),
    ],
)
def test_an_address_is_shown_masked(address, shown):
    assert masked_address(address) == shown


def test_the_masked_address_does_not_tell_its_length():
    assert masked_address("z@e.be") == masked_address("zoe.dupont@example.be")
