"""The register check: the list for the population service and its verdicts back."""

import csv
import io

import pytest
from flask_babel import refresh
from sqlalchemy import select

from petitions import dates
from petitions.extensions import db
from petitions.initiatives import operations as initiative_operations
from petitions.initiatives.operations import staff_actor
from petitions.initiators import operations as initiator_operations
from petitions.models import AuditEntry, InitiativeState, Outcome, Signature
from petitions.web.tokens import management_token

from .support import KEY_PASSPHRASE, confirmation_link, csrf_token, sign_directly

S = InitiativeState
HEADER = "reference,surname,first_names,birth_date,street_fr,street_nl,house_number,box,postcode"
PEOPLE = [
    {"surname": "Peeters", "first_names": "Anne", "birth_date": "1980-01-02"},
    {"surname": "Dubois", "first_names": "Luc Henri", "birth_date": "1975-05-06"},
    {"surname": "Ouedraogo", "first_names": "Salif", "birth_date": "1990-11-02"},
]


@pytest.fixture
def filed(client, make_initiative, mailbox, clock):
    """Return a builder: an initiative signed and confirmed by ``people``, then filed."""

    def build(people=PEOPLE, threshold=None, **fields):
        initiative = make_initiative(
            threshold=threshold or len(people), representatives=1, **fields
        )
        # Names that the sign form refuses today may have been stored before its rules.
        for n, person in enumerate(people):
            sign_directly(
                initiative, clock.now, email=f"signatory{n}@example.be", **person
            )
        for message in mailbox():
            link = confirmation_link(message)
            client.post(link, data={"csrf_token": csrf_token(client, link)})
        initiator_operations.file_initiative(initiative, clock.now, "representative:1")
        db.session.commit()
        return initiative

    return build


def signatures(initiative) -> list[Signature]:
    return db.session.scalars(
        select(Signature)
        .where(Signature.initiative_id == initiative.id)
        .order_by(Signature.id)
    ).all()


def export(app, initiative, key_files, tmp_path, passphrase=KEY_PASSPHRASE):
    out = tmp_path / "list.csv"
    key = str(key_files / "sealing-private.pem")
    result = app.test_cli_runner().invoke(
        args=["register-check", "export", initiative.slug, "--key", key]
        + ["--out", str(out)],
        input=passphrase + "\n",
    )
    return result, (out.read_text(encoding="utf-8") if out.exists() else None)


def verdict_file(tmp_path, *rows: str):
    path = tmp_path / "verdicts.csv"
    path.write_text("\n".join(["reference,verdict,reason", *rows]) + "\n")
    return path


def import_(app, initiative, path, staff):
    args = ["register-check", "import", initiative.slug, str(path)]
    args += ["--staff", staff.email]
    # A fresh application context, as `flask register-check import` has (no language
    # left behind by the requests before); the test's session lets go of the database.
    db.session.rollback()
    with app.app_context():
        return app.test_cli_runner().invoke(args=args)


def all_valid(initiative) -> list[str]:
    return [f"S-{s.id},valid," for s in signatures(initiative)]


def test_the_export_lists_every_counted_signature_with_its_names_and_address(
    app, filed, key_files, tmp_path
):
    initiative = filed()
    result, text = export(app, initiative, key_files, tmp_path)
    assert result.exit_code == 0, result.output
    # The list names every signatory: no other user of the machine may read it.
    assert (tmp_path / "list.csv").stat().st_mode & 0o777 == 0o600
    lines = text.splitlines()
    assert lines[0] == HEADER
    rows = list(csv.reader(lines[1:]))
    ids = [s.id for s in signatures(initiative)]
    assert [row[0] for row in rows] == [f"S-{i}" for i in ids]
    assert rows[1] == [
        f"S-{ids[1]}",
        "Dubois",
        "Luc Henri",
        "1975-05-06",
        "Rue Haute",
        "Hoogstraat",
        "120",
        "",
        "1000",
    ]


def test_a_pending_signature_is_not_in_the_list(
    app, client, make_initiative, sign, mailbox, clock, key_files, tmp_path
):
    initiative = make_initiative(threshold=2, representatives=1)
    for n, person in enumerate(PEOPLE):
        sign(initiative, email=f"signatory{n}@example.be", **person)
    for message in mailbox()[:2]:  # the third signatory never confirms
        link = confirmation_link(message)
        client.post(link, data={"csrf_token": csrf_token(client, link)})
    initiator_operations.file_initiative(initiative, clock.now, "representative:1")
    db.session.commit()
    _result, text = export(app, initiative, key_files, tmp_path)
    assert len(text.splitlines()) == 3
    assert "Ouedraogo" not in text and "Dubois" in text


def test_a_formula_in_a_name_is_escaped_in_the_list(app, filed, key_files, tmp_path):
    formula = '=HYPERLINK("http://evil.example","click")'
    initiative = filed([{**PEOPLE[0], "surname": formula, "first_names": "@Anne"}])
    _result, text = export(app, initiative, key_files, tmp_path)
    row = next(csv.reader(text.splitlines()[1:]))
    assert row[1] == "'" + formula
    assert row[2] == "'@Anne"
    assert not any(cell.startswith(("=", "+", "-", "@")) for cell in row)


def test_a_wrong_passphrase_opens_nothing(app, filed, key_files, tmp_path):
    initiative = filed()
    result, text = export(app, initiative, key_files, tmp_path, "not the passphrase")
    assert result.exit_code == 1
    assert "wrong passphrase" in result.output
    assert text is None


def test_the_list_is_refused_before_filing(
    app, make_initiative, sign, key_files, tmp_path
):
    initiative = make_initiative()
    sign(initiative)
    result, text = export(app, initiative, key_files, tmp_path)
    assert result.exit_code == 1
    assert "comes after filing" in result.output
    assert text is None


def test_all_valid_verdicts_verify_the_initiative(app, filed, make_staff, tmp_path):
    initiative = filed()
    path = verdict_file(tmp_path, *all_valid(initiative))
    result = import_(app, initiative, path, make_staff("secretariat"))
    assert result.exit_code == 0, result.output
    assert "verified" in result.output and "valid: 3" in result.output
    db.session.refresh(initiative)
    assert initiative.state is S.verified
    assert (initiative.valid_count, initiative.invalid_count) == (3, 0)
    assert {s.verdict for s in signatures(initiative)} == {"valid"}


def test_enough_invalid_verdicts_make_it_insufficient(app, filed, make_staff, tmp_path):
    initiative = filed()
    first, second, third = signatures(initiative)
    rows = [f"S-{first.id},valid,", f"S-{second.id},invalid,under_age"]
    path = verdict_file(tmp_path, *rows, f"S-{third.id}, Invalid , Duplicate")
    result = import_(app, initiative, path, make_staff("secretariat"))
    assert result.exit_code == 0, result.output
    assert "under_age: 1" in result.output and "duplicate: 1" in result.output
    db.session.refresh(initiative)
    assert initiative.state is S.insufficient
    assert (initiative.valid_count, initiative.invalid_count) == (1, 2)
    assert [s.verdict_reason for s in signatures(initiative)] == [
        None,
        "under_age",
        "duplicate",
    ]


BAD_ROWS = {
    "unknown reference": ("S-999999,valid,", "is not one of the counted signatures"),
    "not a reference": ("Peeters,valid,", "is not one of the counted signatures"),
    "reference twice": ("{first},valid,", "already has a verdict on an earlier line"),
    "bad verdict": ("{first},ok,", "is neither valid nor invalid"),
    "bad reason": ("{first},invalid,too_young", "is not one of the reason codes"),
    "no reason": ("{first},invalid,", "An invalid signature needs a reason code"),
    "reason on valid": ("{first},valid,duplicate", "A valid signature has no reason"),
    "one column": ("{first}", "1 column instead of 3"),
    "two columns": ("{first},valid", "2 columns instead of 3"),
    "four columns": ("{first},valid,,x", "4 columns instead of 3"),
}


@pytest.mark.parametrize("kind", BAD_ROWS)
def test_a_bad_row_is_reported_by_line_and_nothing_is_applied(
    app, filed, make_staff, tmp_path, kind
):
    initiative = filed()
    row, message = BAD_ROWS[kind]
    first = f"S-{signatures(initiative)[0].id}"
    path = verdict_file(tmp_path, *all_valid(initiative), row.format(first=first))
    result = import_(app, initiative, path, make_staff("secretariat"))
    assert result.exit_code == 1
    assert "1 problem in the file:" in result.output
    reported = [line for line in result.output.splitlines() if "line " in line]
    assert len(reported) == 1
    assert reported[0].startswith("  line 5: ") and message in reported[0]
    assert "nothing applied" in result.output
    db.session.refresh(initiative)
    assert initiative.state is S.filed
    assert {s.verdict for s in signatures(initiative)} == {None}


def test_a_missing_reference_is_reported_and_nothing_is_applied(
    app, filed, make_staff, tmp_path
):
    initiative = filed()
    rows = all_valid(initiative)
    path = verdict_file(tmp_path, *rows[:2])
    result = import_(app, initiative, path, make_staff("secretariat"))
    assert result.exit_code == 1
    last = rows[2].split(",")[0]
    assert "1 counted signature has no verdict in the file:" in result.output
    assert f"  {last}" in result.output.splitlines()
    db.session.refresh(initiative)
    assert initiative.state is S.filed
    assert {s.verdict for s in signatures(initiative)} == {None}


def test_a_file_saved_by_excel_in_belgium_is_read(app, filed, make_staff, tmp_path):
    """Semicolons between the cells and a byte order mark before the header."""
    initiative = filed()
    ids = [s.id for s in signatures(initiative)]
    rows = ["reference;verdict;reason", f"S-{ids[0]};valid;"]
    rows += [f"S-{i};invalid;not_resident" for i in ids[1:]]
    path = tmp_path / "verdicts.csv"
    path.write_bytes(("\r\n".join(rows) + "\r\n").encode("utf-8-sig"))
    result = import_(app, initiative, path, make_staff("secretariat"))
    assert result.exit_code == 0, result.output
    db.session.refresh(initiative)
    assert (initiative.valid_count, initiative.invalid_count) == (1, 2)


def test_every_problem_of_the_file_is_reported_by_the_command(
    app, filed, make_staff, tmp_path
):
    initiative = filed()
    ids = [s.id for s in signatures(initiative)]
    path = verdict_file(tmp_path, f"S-{ids[0]},ok,", f"S-{ids[1]},valid")
    result = import_(app, initiative, path, make_staff("secretariat"))
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert "2 problems in the file:" in lines
    assert "  line 2: The verdict “ok” is neither valid nor invalid." in lines
    assert "  line 3: 2 columns instead of 3 (reference, verdict, reason)." in lines
    assert "3 counted signatures have no verdict in the file:" in lines
    assert "Traceback" not in result.output


def test_only_a_secretariat_account_records_the_verdicts(
    app, filed, make_staff, tmp_path
):
    initiative = filed()
    path = verdict_file(tmp_path, *all_valid(initiative))
    result = import_(app, initiative, path, make_staff("president"))
    assert result.exit_code == 1
    assert "no secretariat account" in result.output
    db.session.refresh(initiative)
    assert initiative.state is S.filed


def test_initiators_see_the_counts_per_reason_and_no_name(
    app, client, filed, make_staff, tmp_path, clock
):
    initiative = filed()
    first, second, third = signatures(initiative)
    rows = [f"S-{first.id},valid,", f"S-{second.id},invalid,not_resident"]
    path = verdict_file(tmp_path, *rows, f"S-{third.id},invalid,not_resident")
    assert import_(app, initiative, path, make_staff("secretariat")).exit_code == 0
    token = management_token(initiative.id, initiative.representatives[0].id, clock.now)
    html = client.get(f"/manage/{token}").get_data(as_text=True)
    assert "Result of the register check" in html
    assert '<th scope="row">Valid</th><td>1</td>' in html
    assert '<th scope="row">Invalid: Not living in the City</th><td>2</td>' in html
    assert '<th scope="row">Invalid: Under age</th><td>0</td>' in html
    assert "Peeters" not in html and "Dubois" not in html


# The secretariat's pages.


def post_action(client, initiative, route, **fields):
    page = f"/secretariat/initiatives/{initiative.slug}"
    data = {"csrf_token": csrf_token(client, page), **fields}
    prefix = {"register-export": "export", "register-import": "verdicts"}.get(
        route, "decision_mail"
    )
    data = {f"{prefix}-{name}": value for name, value in data.items()}
    return client.post(f"{page}/{route}", data=data, content_type="multipart/form-data")


def key_upload(key_files):
    pem = (key_files / "sealing-private.pem").read_bytes()
    return (io.BytesIO(pem), "sealing-private.pem")


def opened_by(action: str) -> str:
    """Return who the audit log says took an action that opened sealed data."""
    return db.session.scalar(
        select(AuditEntry.actor)
        .where(AuditEntry.action == action)
        .order_by(AuditEntry.seq.desc())
        .limit(1)
    )


def test_the_secretariat_downloads_the_list_from_the_initiative_page(
    client, filed, key_files, signed_in
):
    initiative = filed()
    staff = signed_in("secretariat")
    response = post_action(
        client,
        initiative,
        "register-export",
        key=key_upload(key_files),
        passphrase=KEY_PASSPHRASE,
    )
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.headers["Cache-Control"] == "no-store"
    assert response.mimetype == "text/csv"
    lines = response.get_data(as_text=True).splitlines()
    assert lines[0] == HEADER and len(lines) == 4
    assert ",Peeters,Anne,1980-01-02," in lines[1]
    assert opened_by("register-list-exported") == staff_actor(staff)


@pytest.mark.parametrize(
    ("upload", "passphrase", "message"),
    [
        ("key", "not the passphrase", "This passphrase does not open the private key"),
        ("public", KEY_PASSPHRASE, "This file is not a private key of the service"),
        ("dossier", KEY_PASSPHRASE, "This key does not open the signatures"),
    ],
)
def test_a_key_that_does_not_open_the_signatures_is_refused_on_its_field(
    client, filed, key_files, upload, passphrase, message, signed_in
):
    initiative = filed()
    signed_in("secretariat")
    name = {"key": "sealing-private", "public": "sealing-public"}.get(
        upload, "dossier-private"
    )
    pem = (key_files / f"{name}.pem").read_bytes()
    response = post_action(
        client,
        initiative,
        "register-export",
        key=(io.BytesIO(pem), f"{name}.pem"),
        passphrase=passphrase,
    )
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert message in html and 'aria-invalid="true"' in html
    assert "Peeters" not in html


def test_the_secretariat_imports_the_verdicts_and_sees_the_counts(
    client, filed, signed_in
):
    initiative = filed(threshold=2)
    signed_in("secretariat")
    first, second, third = signatures(initiative)
    rows = f"S-{first.id},valid,\nS-{second.id},valid,\nS-{third.id},invalid,other\n"
    upload = (io.BytesIO(rows.encode()), "verdicts.csv")
    response = post_action(client, initiative, "register-import", file=upload)
    assert response.status_code == 303
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    db.session.refresh(initiative)
    assert initiative.state is S.verified
    assert "Verified, for the council" in html
    assert '<th scope="row">Invalid: Other reason</th><td>1</td>' in html


def test_a_bad_verdict_file_gives_a_report_page_and_changes_nothing(
    client, filed, signed_in
):
    initiative = filed()
    signed_in("secretariat")
    first = signatures(initiative)[0]
    rows = f"S-{first.id},valid,\nS-{first.id},maybe,\nS-42424242,valid,\n"
    upload = (io.BytesIO(rows.encode()), "verdicts.csv")
    response = post_action(client, initiative, "register-import", file=upload)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert '<th scope="row">2</th><td>The verdict “maybe” is neither' in html
    assert '<th scope="row">3</th><td>The reference “S-42424242”' in html
    assert "2 counted signatures have no verdict in the file" in html
    db.session.refresh(initiative)
    assert initiative.state is S.filed


def test_a_verdict_file_larger_than_the_site_wide_limit_is_read(
    client, filed, signed_in
):
    initiative = filed()
    signed_in("secretariat")
    rows = "".join(f"S-{n},valid,\n" for n in range(100000, 110000))
    assert len(rows) > 64 * 1024
    upload = (io.BytesIO(rows.encode()), "verdicts.csv")
    response = post_action(client, initiative, "register-import", file=upload)
    assert response.status_code == 400
    assert "Verdicts not imported" in response.get_data(as_text=True)


@pytest.mark.parametrize("role", ["viewer", "president"])
@pytest.mark.parametrize(
    "route", ["register-export", "register-import", "decision-mail"]
)
def test_only_the_secretariat_takes_the_key_actions(
    client, filed, key_files, role, route, signed_in
):
    initiative = filed()
    signed_in(role)
    response = post_action(
        client, initiative, route, key=key_upload(key_files), passphrase=KEY_PASSPHRASE
    )
    assert response.status_code == 403
    assert "Peeters" not in response.get_data(as_text=True)


def test_the_decision_is_mailed_to_the_signatories_who_asked_once(
    client, filed, key_files, mailbox, clock, signed_in
):
    people = [{**PEOPLE[0], "notify_decision": "y"}, PEOPLE[1]]
    initiative = filed(people)
    staff = signed_in("secretariat")
    initiative_operations.record_verification(initiative, staff, 2, 0, clock.now)
    today = dates.legal_day(clock.now, "Europe/Brussels")
    initiative_operations.record_vote(
        initiative, staff, today, Outcome.adopted, "https://x.example/pv.pdf", clock.now
    )
    db.session.commit()
    before = len(mailbox())
    fields = {"passphrase": KEY_PASSPHRASE}
    response = post_action(
        client, initiative, "decision-mail", key=key_upload(key_files), **fields
    )
    assert response.status_code == 303
    assert [m["To"] for m in mailbox()[before:]] == ["signatory0@example.be"]
    assert opened_by("decision-mailed") == staff_actor(staff)
    again = post_action(
        client, initiative, "decision-mail", key=key_upload(key_files), **fields
    )
    assert again.status_code == 409
    assert "already sent" in again.get_data(as_text=True)
    assert "to 1 signatory who asked for it" in again.get_data(as_text=True)
    assert len(mailbox()) == before + 1


def test_the_list_cannot_be_downloaded_from_the_page_before_filing(
    client, make_initiative, sign, key_files, signed_in
):
    initiative = make_initiative()
    sign(initiative)
    signed_in("secretariat")
    response = post_action(
        client,
        initiative,
        "register-export",
        key=key_upload(key_files),
        passphrase=KEY_PASSPHRASE,
    )
    assert response.status_code == 409
    assert "This action is not possible now" in response.get_data(as_text=True)
    assert "text/html" in response.content_type


def test_the_import_form_names_the_files_codes_in_the_pages_language(
    client, filed, signed_in
):
    initiative = filed()
    signed_in("secretariat")
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "nl"
    refresh()  # the language of the requests before, kept in the test's app context
    html = client.get(f"/secretariat/initiatives/{initiative.slug}").get_data(
        as_text=True
    )
    # The file's codes stay as they are (marked as English), their meaning in Dutch.
    assert (
        '<dt><code lang="en">not_resident</code></dt><dd>Woont niet in de Stad</dd>'
        in (html)
    )
    assert "<dd>Geldig / Ongeldig</dd>" in html
