"""Personal data is sealed: the database and the outbox hold no signatory's data."""

from pathlib import Path

from sqlalchemy import select

from petitions.extensions import db
from petitions.models import OutboxMessage, Signature
from petitions.sealing.records import open_signature

from .support import confirmation_link, csrf_token, receipt_code

PEOPLE = [
    (
        "Vandenberghe",
        "Aurélie",
        "1979-04-23",
        "Rue Haute",
        "120",
        "1000",
        "aurelie.vdb@example.be",
    ),
    (
        "Ouedraogo",
        "Salif",
        "1990-11-02",
        "Bisschopsstraat",
        "7",
        "1000",
        "salif.o@example.be",
    ),
    (
        "Kowalczyk",
        "Magdalena",
        "2001-02-28",
        "Avenue Louise",
        "250",
        "1050",
        "magda.k@example.be",
    ),
]


def sign_everyone(initiative, sign, client, mailbox):
    for surname, first, born, street, number, postcode, email in PEOPLE:
        sign(
            initiative,
            surname=surname,
            first_names=first,
            birth_date=born,
            street=street,
            house_number=number,
            postcode=postcode,
            email=email,
        )
    for message in mailbox()[: len(PEOPLE) - 1]:
        link = confirmation_link(message)
        client.post(link, data={"csrf_token": csrf_token(client, link)})
    mailbox()  # deliver the receipts too


def table_dump(*tables: str) -> bytes:
    """Return every row of the tables as text, as someone with a database dump sees it."""
    dump = []
    for table in tables:
        query = db.text(f'SELECT * FROM "{table}"')  # noqa: S608 - fixed table names
        dump += [str(tuple(row)) for row in db.session.execute(query)]
    return "\n".join(dump).encode()


def database_bytes(app) -> bytes:
    """Return the SQLite file and its write-ahead log as bytes (PostgreSQL: a dump)."""
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    if not url.startswith("sqlite:///"):
        return table_dump("signature", "outbox_message", "audit_entry")
    db.session.close()
    db.engine.dispose()
    path = Path(url.removeprefix("sqlite:///"))
    return b"".join(p.read_bytes() for p in path.parent.glob(path.name + "*"))


def test_the_database_holds_no_name_birth_date_or_address_of_a_signatory(
    app, client, make_initiative, sign, mailbox
):
    initiative = make_initiative()
    sign_everyone(initiative, sign, client, mailbox)
    db.session.commit()
    rows = table_dump("signature", "outbox_message")
    raw = database_bytes(app)
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        assert b"Bisschopsstraat" in raw  # the real file: its street register
    for surname, first, born, street, _number, _postcode, email in PEOPLE:
        for value in (surname, first, born, email):
            assert value.encode() not in raw, value
        # The street register is public; the signatures and the outbox hold no street.
        assert street.encode() not in rows, street


def test_the_outbox_forgets_addresses_and_codes_once_delivered(
    client, make_initiative, sign, mailbox
):
    initiative = make_initiative()
    sign_everyone(initiative, sign, client, mailbox)
    rows = db.session.scalars(select(OutboxMessage)).all()
    assert rows and all(r.sent_at is not None for r in rows)
    assert all(r.recipient is None for r in rows)
    assert all(
        "code" not in r.context and "receipt_code" not in r.context for r in rows
    )


def test_the_secretariats_key_opens_each_record_and_only_its_own(
    make_initiative, sign, private_keys, key_files
):
    initiative = make_initiative()
    sign(
        initiative,
        surname="Vandenberghe",
        first_names="Aurélie",
        birth_date="1979-04-23",
    )
    signature = db.session.scalar(select(Signature))
    record = open_signature(signature, private_keys)
    assert (record["surname"], record["first_names"], record["birth_date"]) == (
        "Vandenberghe",
        "Aurélie",
        "1979-04-23",
    )
    assert (
        record["street_fr"] == "Rue Haute"
        and record["email"] == "marie.janssens@example.be"
    )
    import pytest

    from verification.sealing import SealedDataError

    signature.id += 1000  # another signature's associated data
    with pytest.raises(SealedDataError):
        open_signature(signature, private_keys)


def test_confirming_shows_the_receipt_code_once_and_mails_it(
    client, make_initiative, sign, mailbox
):
    initiative = make_initiative()
    sign(initiative)
    link = confirmation_link(mailbox()[0])
    response = client.post(link, data={"csrf_token": csrf_token(client, link)})
    page = response.get_data(as_text=True)
    assert response.headers["Cache-Control"] == "no-store"
    again = client.post(link, data={"csrf_token": csrf_token(client, link)})
    receipt_mail = mailbox()[-1]
    code = receipt_code(receipt_mail)
    assert code in page and code not in again.get_data(as_text=True)
    commitment = db.session.scalar(select(Signature.commitment))
    from verification.merkle import commitment as make_commitment

    assert commitment == make_commitment(code, initiative.id).hex()
