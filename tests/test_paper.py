"""Paper signatures: the printable sheet, rows typed one by one, and a CSV of many."""

import json
import zipfile
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from petitions.extensions import db
from petitions.models import (
    AuditEntry,
    InitiativeState,
    OutboxMessage,
    Signature,
    SignatureState,
)
from petitions.sealing.records import counted_signatures_query, open_signature

from .support import (
    KEY_PASSPHRASE,
    confirmation_link,
    csrf_token,
)

ROW = {
    "surname": "Peeters",
    "first_names": "Jan",
    "birth_date": "1970-05-04",
    "street": "Rue Haute",
    "house_number": "12",
    "box": "",
    "postcode": "1000",
    "email": "",
    "signed_on": "2027-03-01",
}
HEADER = (
    "surname,first_names,birth_date,street,house_number,box,postcode,email,signed_on\n"
)


@pytest.fixture
def enter(client):
    """Return a function that posts one row of a sheet like the secretariat's browser."""

    def post(initiative, **overrides):
        path = f"/secretariat/initiatives/{initiative.slug}/paper"
        data = {**ROW, **overrides, "csrf_token": csrf_token(client, path)}
        return client.post(path, data=data)

    return post


def upload(client, initiative, text: str):
    path = f"/secretariat/initiatives/{initiative.slug}/paper"
    data = {
        "file": (zipfile.io.BytesIO(text.encode()), "sheets.csv"),
        "csrf_token": csrf_token(client, path),
    }
    return client.post(f"{path}/import", data=data, content_type="multipart/form-data")


def signatures(initiative) -> list[Signature]:
    query = select(Signature).where(Signature.initiative_id == initiative.id)
    return list(db.session.scalars(query.order_by(Signature.id)))


def test_the_sheet_is_a_pdf_with_the_qr_link_to_the_online_page(
    client, make_initiative
):
    initiative = make_initiative(register_number="IC-2027-007")
    response = client.get(f"/initiatives/{initiative.slug}/sheet.pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF")
    page = f"http://petitions.test/initiatives/{initiative.slug}".encode()
    assert b"/URI (" + page + b")" in response.data
    assert b"/Count 2" in response.data  # the text and privacy page, the rows page


@pytest.mark.parametrize("state", [InitiativeState.draft, InitiativeState.filed])
def test_there_is_no_sheet_for_an_initiative_not_collecting(
    client, make_initiative, state
):
    initiative = make_initiative(state=state)
    assert client.get(f"/initiatives/{initiative.slug}/sheet.pdf").status_code == 404


def test_a_long_text_gives_way_to_its_summary_on_the_sheet(client, make_initiative):
    initiative = make_initiative()
    initiative.texts[0].body = "Un long texte, paragraphe après paragraphe.\n" * 300
    db.session.commit()
    response = client.get(f"/initiatives/{initiative.slug}/sheet.pdf")
    assert b"/Count 2" in response.data  # still one page of text, one of rows


def test_a_row_is_counted_at_once_in_the_total_and_on_paper(
    client, make_initiative, signed_in, enter, clock
):
    initiative = make_initiative()
    signed_in("secretariat")
    response = enter(initiative, email="jan@example.be")
    assert response.status_code == 303
    page = client.get(response.location).get_data(as_text=True)
    assert "Row saved: no. 1." in page and "Peeters" not in page
    [signature] = signatures(initiative)
    assert signature.state is SignatureState.confirmed and signature.channel == "paper"
    assert signature.created_at == datetime(2027, 3, 1, 11, 0, tzinfo=UTC)
    assert signature.confirmed_at == clock.now and signature.email_hash
    public = client.get(f"/initiatives/{initiative.slug}").get_data(as_text=True)
    assert "1 confirmed signature of" in public and "Of which 1 on paper." in public
    staff = client.get(f"/secretariat/initiatives/{initiative.slug}")
    assert "(of which 1 on paper)" in staff.get_data(as_text=True)


def test_the_sealed_record_is_the_online_one_with_the_paper_channel(
    make_initiative, signed_in, enter, private_keys
):
    initiative = make_initiative()
    signed_in("secretariat")
    enter(initiative, box="b2")
    record = open_signature(signatures(initiative)[0], private_keys)
    assert record["surname"] == "Peeters" and record["box"] == "b2"
    assert record["channel"] == "paper" and record["notify_decision"] is False
    assert record["street_fr"] == "Rue Haute" and record["email"] == ""


def test_each_save_is_in_the_audit_log_without_personal_data(
    make_initiative, signed_in, enter
):
    initiative = make_initiative()
    signed_in("secretariat")
    enter(initiative)
    entry = db.session.scalar(
        select(AuditEntry).where(AuditEntry.action == "paper-signature-entered")
    )
    assert entry.public is False and entry.initiative_id == initiative.id
    assert entry.details["accepted"] == 1 and entry.details["duplicate"] == 0
    assert "Peeters" not in json.dumps(entry.details)


def test_a_paper_row_of_an_online_signatory_is_refused_as_duplicate(
    client, make_initiative, signed_in, enter, sign, mailbox
):
    initiative = make_initiative()
    sign(initiative, surname="Peeters", first_names="Jan", birth_date="1970-05-04")
    link = confirmation_link(mailbox()[0])
    client.post(link, data={"csrf_token": csrf_token(client, link)})
    signed_in("secretariat")
    response = enter(initiative)
    page = client.get(response.location).get_data(as_text=True)
    assert "Row not saved (duplicate)" in page
    assert [s.channel for s in signatures(initiative)] == ["online"]


def test_signing_online_after_paper_is_answered_as_a_first_attempt_and_counts_once(
    client, make_initiative, signed_in, enter, sign, mailbox
):
    initiative = make_initiative()
    signed_in("secretariat")
    enter(initiative)
    sign(initiative, surname="Peeters", first_names="Jan", birth_date="1970-05-04")
    [message] = mailbox()
    # The same mail as for anyone: only confirming says that the paper one counts.
    link = confirmation_link(message)
    answer = client.post(link, data={"csrf_token": csrf_token(client, link)})
    assert "This signature already counts" in answer.get_data(as_text=True)
    # A paper signature keeps no address: nobody else is told.
    assert len(mailbox()) == 1
    assert initiative.confirmed_count() == 1 and len(signatures(initiative)) == 1


def test_a_paper_row_replaces_an_unconfirmed_online_signature(
    make_initiative, signed_in, enter, sign
):
    initiative = make_initiative()
    sign(initiative, surname="Peeters", first_names="Jan", birth_date="1970-05-04")
    signed_in("secretariat")
    assert enter(initiative).status_code == 303
    assert [s.channel for s in signatures(initiative)] == ["paper"]
    assert db.session.scalar(select(func.count(OutboxMessage.id))) == 0


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (
            {"street": "Chaussée d'Ixelles", "postcode": "1050", "house_number": "100"},
            "Row not saved (not resident)",
        ),
        # 16 on the day of the entry, 15 on the day of the signature.
        ({"birth_date": "2011-02-01", "signed_on": "2027-01-15"}, "(under age)"),
    ],
)
def test_rows_not_eligible_are_refused_with_their_reason(
    client, make_initiative, signed_in, enter, overrides, message
):
    initiative = make_initiative()
    signed_in("secretariat")
    response = enter(initiative, **overrides)
    assert response.status_code == 303
    assert message in client.get(response.location).get_data(as_text=True)
    assert signatures(initiative) == []


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"signed_on": "2027-03-11"}, "The signing date cannot be in the future."),
        ({"signed_on": "2026-02-28"}, "The collection had not started on this date"),
        ({"surname": ""}, "Please enter your surname."),
        ({"birth_date": "31/02/1970"}, "Please enter a real date"),
        ({"birth_date": "2028-01-01"}, "A date of birth cannot be in the future."),
        ({"postcode": "10000"}, "A postcode has four digits"),
        ({"email": "not-an-address"}, "Please enter a valid e-mail address"),
    ],
)
def test_an_unreadable_row_is_refused_and_nothing_is_stored(
    make_initiative, signed_in, enter, overrides, message
):
    initiative = make_initiative()
    signed_in("secretariat")
    response = enter(initiative, **overrides)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert signatures(initiative) == []
    assert db.session.scalar(select(func.count(AuditEntry.id))) == 0


def test_the_csv_import_saves_the_good_rows_and_reports_the_others(
    client, make_initiative, signed_in
):
    initiative = make_initiative()
    signed_in("secretariat")
    text = HEADER + (
        "Peeters,Jan,1970-05-04,Rue Haute,12,,1000,,2027-03-01\n"
        "Peeters,Jan,1970-05-04,Rue Haute,12,,1000,,2027-03-02\n"
        "Dubois,Anne,1980-01-01,Chaussée d'Ixelles,100,,1050,,2027-03-01\n"
        "Jonge,Tom,2011-02-01,Rue Haute,3,,1000,,2027-01-15\n"
        ",Luc,1980-13-01,Rue Haute,3,,1000,,2027-03-01\n"
        "Maes,Els,01/02/1960,Hoogstraat,5,b,1000,els@example.be,03/03/2027\n"
    )
    response = upload(client, initiative, text)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "2 rows saved and counted: lines 2, 7 of the file." in page
    for line, outcome in ((3, "duplicate"), (4, "not resident"), (5, "under age")):
        assert f'<th scope="row">{line}</th><td>{outcome}</td>' in page
    assert '<th scope="row">6</th><td>unreadable</td>' in page
    assert "Surname: Please enter your surname." in page
    assert "Date of birth: Please enter a real date" in page
    assert [s.channel for s in signatures(initiative)] == ["paper", "paper"]


def test_a_csv_without_the_columns_saves_nothing(client, make_initiative, signed_in):
    initiative = make_initiative()
    signed_in("secretariat")
    response = upload(client, initiative, "name;street\nPeeters;Rue Haute\n")
    assert response.status_code == 400
    assert (
        'these are missing: <code lang="en">surname</code>, <code lang="en">first_names'
        in response.get_data(as_text=True)
    )
    assert signatures(initiative) == []


def test_a_csv_with_semicolons_is_read(client, make_initiative, signed_in):
    initiative = make_initiative()
    signed_in("secretariat")
    text = (
        HEADER.replace(",", ";")
        + "Peeters;Jan;1970-05-04;Rue Haute;12;;1000;;2027-03-01\n"
    )
    assert "1 row saved" in upload(client, initiative, text).get_data(as_text=True)
    assert len(signatures(initiative)) == 1


@pytest.mark.parametrize("role", ["viewer", "president"])
def test_only_the_secretariat_enters_paper_signatures(
    client, make_initiative, signed_in, role
):
    initiative = make_initiative()
    signed_in(role)
    path = f"/secretariat/initiatives/{initiative.slug}/paper"
    assert client.get(path).status_code == 403
    token = csrf_token(client, "/secretariat/")  # the sign-out form's
    assert client.post(path, data={**ROW, "csrf_token": token}).status_code == 403
    response = client.post(f"{path}/import", data={"csrf_token": token})
    assert response.status_code == 403
    assert signatures(initiative) == []


def test_no_paper_signature_once_the_initiative_is_filed(
    client, make_initiative, signed_in, enter
):
    initiative = make_initiative()
    signed_in("secretariat")
    token = csrf_token(client, f"/secretariat/initiatives/{initiative.slug}/paper")
    initiative.state = InitiativeState.filed
    db.session.commit()
    path = f"/secretariat/initiatives/{initiative.slug}/paper"
    response = client.post(path, data={**ROW, "csrf_token": token})
    assert response.status_code == 409
    assert "only while the initiative collects" in response.get_data(as_text=True)
    assert signatures(initiative) == []


def test_paper_signatures_get_no_mail_even_with_an_address(
    make_initiative, signed_in, enter, mailbox
):
    initiative = make_initiative()
    signed_in("secretariat")
    enter(initiative, email="jan@example.be")
    assert mailbox() == []
    assert db.session.scalar(select(func.count(OutboxMessage.id))) == 0


def test_paper_signatures_are_leaves_and_counted_on_paper_in_the_dossier(
    app, make_initiative, signed_in, enter, key_files, tmp_path, clock
):
    initiative = make_initiative(register_number="IC-2027-009")
    signed_in("secretariat")
    enter(initiative)
    enter(initiative, surname="Maes", first_names="Els")
    leaves = db.session.scalars(counted_signatures_query(initiative)).all()
    assert [s.channel for s in leaves] == ["paper", "paper"]
    initiative.state, initiative.filed_at = InitiativeState.filed, clock.now
    db.session.commit()
    out = tmp_path / "dossier.zip"
    result = app.test_cli_runner().invoke(
        args=[
            "dossier", "export", initiative.slug, "--out", str(out),
            "--key", str(key_files / "sealing-private.pem"),
            "--signing-key", str(key_files / "dossier-private.pem"),
        ],
        input=f"{KEY_PASSPHRASE}\n{KEY_PASSPHRASE}\n",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(out) as archive:
        manifest = json.loads(archive.read("manifest.json"))
    assert manifest["counts"]["collected_on_paper"] == 2
    assert manifest["merkle"]["leaf_count"] == 2
