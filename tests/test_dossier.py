"""The certified dossier: exported, verified, and tampered with."""

import csv
import io
import json
import zipfile
from datetime import date

import pytest
from sqlalchemy import select

from petitions.dossier import pdf
from petitions.extensions import db
from petitions.models import AuditEntry, Initiative, InitiativeState, Signature
from verification.keys import fingerprint, generate_signing_key, public_key_pem

from .support import (
    KEY_PASSPHRASE,
    confirmation_link,
    csrf_token,
    export_dossier,
    sign_directly,
)

S = InitiativeState
NAMES = ("signatures.csv", "dossier.pdf", "oparl-paper.json", "manifest.json")
PEOPLE = [
    ("Vandenberghe", "Aurélie", "1979-04-23", "aurelie@example.be"),
    ('=HYPERLINK("http://x")', "+Salif", "1990-11-02", "salif@example.be"),
    ("Kowalczyk", "@Magdalena", "2001-02-28", "magda@example.be"),
]


@pytest.fixture
def filed(make_initiative, client, mailbox, clock):
    """Return an initiative with the three PEOPLE's confirmed signatures, filed."""
    initiative = make_initiative(representatives=2, register_number="IC-2027-004")
    # Names that the sign form refuses today may have been stored before its rules.
    for surname, first, born, email in PEOPLE:
        sign_directly(
            initiative,
            clock.now,
            surname=surname,
            first_names=first,
            birth_date=born,
            email=email,
        )
    for message in mailbox()[: len(PEOPLE)]:
        link = confirmation_link(message)
        client.post(link, data={"csrf_token": csrf_token(client, link)})
    initiative.state, initiative.filed_at = S.filed, clock.now
    initiative.council_deadline = date(2028, 3, 10)
    db.session.commit()
    return initiative


def verify(app, path, *options):
    return app.test_cli_runner().invoke(args=["dossier", "verify", str(path), *options])


@pytest.fixture
def dossier(app, key_files, filed, tmp_path):
    """Export the filed initiative's dossier; return the ZIP's path."""
    out = tmp_path / "dossier.zip"
    result = export_dossier(app, key_files, filed, out)
    assert result.exit_code == 0, result.output
    return out


def member(path, name) -> bytes:
    with zipfile.ZipFile(path) as archive:
        return archive.read(name)


def rewrite(path, name, content: bytes | None, extra: dict | None = None):
    """Rewrite the ZIP with ``name`` replaced by ``content``, and extra members added."""
    with zipfile.ZipFile(path) as archive:
        members = {n: archive.read(n) for n in archive.namelist()}
    if name:
        members[name] = content
    members.update(extra or {})
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for n, data in members.items():
            archive.writestr(n, data)


def test_an_exported_dossier_verifies_and_records_its_root(app, dossier, filed):
    assert dossier.stat().st_mode & 0o777 == 0o600
    result = verify(app, dossier)
    manifest = json.loads(member(dossier, "manifest.json"))
    assert result.exit_code == 0, result.output
    assert "dossier intact: initiative IC-2027-004, 3 signatures" in result.output
    initiative = db.session.get(Initiative, filed.id)
    assert initiative.dossier_root == manifest["merkle"]["root"]
    assert initiative.dossier_leaf_count == 3 and initiative.dossier_exported_at
    entry = db.session.scalar(select(AuditEntry).order_by(AuditEntry.seq.desc()))
    assert (entry.action, entry.public) == ("dossier-exported", True)
    assert entry.details["root"] == initiative.dossier_root


@pytest.mark.parametrize("name", [*NAMES, "manifest.sig"])
def test_a_byte_changed_in_any_file_fails_the_check_naming_it(app, dossier, name):
    content = bytearray(member(dossier, name))
    content[len(content) // 2] ^= 0x01
    rewrite(dossier, name, bytes(content))
    result = verify(app, dossier)
    assert result.exit_code == 1
    if name in ("manifest.json", "manifest.sig"):
        assert "manifest.sig does not match manifest.json" in result.output
    else:
        assert f"{name}: SHA-256 differs from the manifest" in result.output


def test_a_file_added_to_the_zip_fails_the_check(app, dossier):
    rewrite(dossier, None, None, extra={"notes.txt": b"added later"})
    result = verify(app, dossier)
    assert result.exit_code == 1
    assert "notes.txt: in the ZIP but not in the manifest" in result.output


def test_a_dossier_checked_with_another_public_key_fails(app, dossier, tmp_path):
    other = tmp_path / "other-public.pem"
    other.write_bytes(public_key_pem(generate_signing_key()))
    result = verify(app, dossier, "--public-key", str(other))
    assert result.exit_code == 1
    assert "manifest.sig does not match manifest.json" in result.output


@pytest.mark.parametrize(
    ("key", "said"),
    [
        ("sealing-public.pem", "is the public sealing key (X25519"),
        ("dossier-private.pem", "is a private key: give the City's public dossier key"),
    ],
)
def test_a_key_of_the_wrong_kind_is_named_without_a_traceback(
    app, dossier, key_files, key, said
):
    result = verify(app, dossier, "--public-key", str(key_files / key))
    assert result.exit_code == 1
    assert said in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_the_export_says_in_words_which_key_is_wrong(app, key_files, filed, tmp_path):
    result = app.test_cli_runner().invoke(
        args=[
            "dossier", "export", filed.slug, "--out", str(tmp_path / "d.zip"),
            "--key", str(key_files / "dossier-private.pem"),
            "--signing-key", str(key_files / "sealing-private.pem"),
        ],
        input=f"{KEY_PASSPHRASE}\n{KEY_PASSPHRASE}\n",
    )  # fmt: skip
    assert result.exit_code == 1
    assert "is not the secretariat's private sealing key" in result.output
    assert "refused" not in result.output


def test_the_list_cannot_run_formulas_in_a_spreadsheet(dossier):
    text = member(dossier, "signatures.csv").decode()
    rows = {r["reference"]: r for r in csv.DictReader(io.StringIO(text))}
    by_surname = {r["surname"]: r for r in rows.values()}
    assert '\'=HYPERLINK("http://x")' in by_surname
    assert by_surname['\'=HYPERLINK("http://x")']["first_names"] == "'+Salif"
    assert by_surname["Kowalczyk"]["first_names"] == "'@Magdalena"
    assert by_surname["Vandenberghe"]["first_names"] == "Aurélie"
    commitments = db.session.scalars(select(Signature.commitment)).all()
    assert sorted(r["commitment"] for r in rows.values()) == sorted(commitments)


def test_the_manifest_counts_the_signatures_and_names_the_key(dossier, key_files):
    manifest = json.loads(member(dossier, "manifest.json"))
    public = (key_files / "dossier-public.pem").read_bytes()
    from verification.keys import load_public_key

    assert manifest["signing_key_fingerprint"] == fingerprint(load_public_key(public))
    assert manifest["counts"] == {
        "collected_online": 3,
        "collected_on_paper": 0,
        "confirmed": 3,
        "valid": 0,
        "invalid": {},
        "unchecked": 3,
    }
    assert manifest["initiative"]["register_number"] == "IC-2027-004"
    assert manifest["initiative"]["texts"]["nl"]["title"] == "Banken op de Grote Markt"
    assert sorted(manifest["files"]) == [
        "dossier.pdf",
        "oparl-paper.json",
        "signatures.csv",
    ]


def test_verdicts_appear_in_the_list_and_the_counts(app, key_files, filed, tmp_path):
    first, second, _ = db.session.scalars(select(Signature).order_by(Signature.id))
    first.verdict = "valid"
    second.verdict, second.verdict_reason = "invalid", "under_age"
    db.session.commit()
    out = tmp_path / "d.zip"
    assert export_dossier(app, key_files, filed, out).exit_code == 0
    manifest = json.loads(member(out, "manifest.json"))
    rows = list(csv.DictReader(io.StringIO(member(out, "signatures.csv").decode())))
    assert [r["verdict"] for r in rows] == ["valid", "invalid:under_age", ""]
    assert manifest["counts"]["valid"] == 1
    assert manifest["counts"]["invalid"] == {"under_age": 1}


def test_the_oparl_paper_has_the_required_fields(dossier):
    paper = json.loads(member(dossier, "oparl-paper.json"))
    assert paper["type"] == "https://schema.oparl.org/1.1/Paper"
    assert paper["reference"] == "IC-2027-004" and paper["date"] == "2027-03-10"
    assert paper["name"].startswith("Des bancs sur la Grand-Place / Banken")
    main = paper["mainFile"]
    assert main["type"] == "https://schema.oparl.org/1.1/File"
    assert (main["fileName"], main["mimeType"]) == ("dossier.pdf", "application/pdf")
    assert main["size"] == len(member(dossier, "dossier.pdf"))
    (csv_file,) = paper["auxiliaryFile"]
    assert (
        csv_file["fileName"] == "signatures.csv"
        and len(csv_file["sha256Checksum"]) == 64
    )


def test_the_pdf_says_reasons_in_words_brussels_days_and_a_proper_title(app, dossier):
    manifest = json.loads(member(dossier, "manifest.json"))
    assert pdf.title(manifest) == (
        "Initiative citoyenne / Burgerinitiatief IC-2027-004 – "
        "Des bancs sur la Grand-Place – Banken op de Grote Markt"
    )
    # 23:30 UTC on 9 March is already 10 March in Brussels.
    late = [{"action": "filed", "at": "2027-03-09T23:30:00+00:00", "reason": ""}]
    assert pdf.timeline_lines(late) == [
        "2027-03-10  Transmise au conseil communal / Overgemaakt aan de gemeenteraad"
    ]
    rows = dict(pdf.count_rows({**manifest["counts"], "invalid": {"under_age": 2}}))
    assert rows["Non valides / Ongeldig : N'a pas l'âge requis / Niet oud genoeg"] == 2


def test_the_pdf_is_a_pdf(dossier):
    pdf = member(dossier, "dossier.pdf")
    assert pdf.startswith(b"%PDF-") and pdf.rstrip().endswith(b"%%EOF")


def test_no_dossier_before_filing(app, key_files, make_initiative, tmp_path):
    initiative = make_initiative(state=S.collecting)
    result = export_dossier(app, key_files, initiative, tmp_path / "d.zip")
    assert result.exit_code == 1
    assert (
        f"{initiative.slug} is collecting: this needs an initiative that is filed or "
        "verified or insufficient or with_council or decided"
    ) in result.output
    assert not (tmp_path / "d.zip").exists()
    assert db.session.get(Initiative, initiative.id).dossier_root is None


def test_a_wrong_passphrase_exports_nothing(app, key_files, filed, tmp_path):
    result = export_dossier(
        app, key_files, filed, tmp_path / "d.zip", passphrase="wrong one"
    )
    assert result.exit_code == 1 and "wrong passphrase" in result.output
    assert not (tmp_path / "d.zip").exists()


def web_export(client, key_files, initiative, passphrase=KEY_PASSPHRASE, signing=""):
    page = f"/secretariat/initiatives/{initiative.slug}"
    sealing = (key_files / "sealing-private.pem").read_bytes()
    signing_key = (key_files / "dossier-private.pem").read_bytes()
    data = {
        "dossier-csrf_token": csrf_token(client, page),
        "dossier-key": (io.BytesIO(sealing), "sealing-private.pem"),
        "dossier-passphrase": passphrase,
        "dossier-signing_key": (io.BytesIO(signing_key), "dossier-private.pem"),
        "dossier-signing_passphrase": signing,
    }
    return client.post(f"{page}/dossier", data=data, content_type="multipart/form-data")


def test_the_secretariat_downloads_a_dossier_that_verifies(
    app, client, signed_in, key_files, filed, tmp_path
):
    staff = signed_in("secretariat")
    response = web_export(client, key_files, filed)
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert "IC-2027-004" in response.headers["Content-Disposition"]
    exported = db.session.scalar(
        select(AuditEntry).where(AuditEntry.action == "dossier-exported")
    )
    assert exported.actor == f"staff:{staff.id}:secretariat"
    assert response.headers["Cache-Control"] == "no-store"
    path = tmp_path / "web.zip"
    path.write_bytes(response.data)
    assert verify(app, path).exit_code == 0
    manifest = json.loads(member(path, "manifest.json"))
    root = db.session.get(Initiative, filed.id).dossier_root
    assert root == manifest["merkle"]["root"]


@pytest.mark.parametrize("role", ["viewer", "president"])
def test_only_the_secretariat_exports_the_dossier(
    client, signed_in, key_files, filed, role
):
    signed_in("secretariat")
    token_page = f"/secretariat/initiatives/{filed.slug}"
    assert 'action="' + token_page + '/dossier"' in client.get(token_page).text
    client.post(
        "/secretariat/logout", data={"csrf_token": csrf_token(client, token_page)}
    )
    signed_in(role)
    assert "/dossier" not in client.get(token_page).text
    token = csrf_token(client, token_page)
    response = client.post(f"{token_page}/dossier", data={"csrf_token": token})
    assert response.status_code == 403
    assert db.session.get(Initiative, filed.id).dossier_root is None


def test_a_wrong_passphrase_on_the_page_says_so_and_exports_nothing(
    client, signed_in, key_files, filed
):
    signed_in("secretariat")
    response = web_export(client, key_files, filed, signing="not the passphrase")
    assert response.status_code == 400
    assert "This passphrase does not open the signing key." in response.text
    response = web_export(client, key_files, filed, passphrase="not the passphrase")
    assert response.status_code == 400
    assert "This passphrase does not open the private key." in response.text
    assert db.session.get(Initiative, filed.id).dossier_root is None


def test_the_page_refuses_keys_swapped_around(client, signed_in, key_files, filed):
    signed_in("secretariat")
    page = f"/secretariat/initiatives/{filed.slug}"
    data = {
        "dossier-csrf_token": csrf_token(client, page),
        "dossier-key": (io.BytesIO((key_files / "dossier-private.pem").read_bytes()), "a.pem"),
        "dossier-passphrase": KEY_PASSPHRASE,
        "dossier-signing_key": (io.BytesIO((key_files / "sealing-private.pem").read_bytes()), "b.pem"),
    }  # fmt: skip
    response = client.post(
        f"{page}/dossier", data=data, content_type="multipart/form-data"
    )
    assert response.status_code == 400
    assert "not the secretariat&#39;s private sealing key" in response.text
