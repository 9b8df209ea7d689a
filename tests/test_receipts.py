"""Receipts: a receipt code says whether its signature counts, proves it, withdraws it."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from petitions.extensions import db
from petitions.models import AuditEntry, InitiativeState, Signature, SignatureState
from petitions.models.signatures import PERSONAL_COLUMNS
from verification.merkle import commitment, merkle_root, verify_inclusion

from .support import body_text, csrf_token

# What a signature keeps once its personal columns are emptied: the bare fact of it.
KEPT_COLUMNS = {
    "id",
    "initiative_id",
    "state",
    "commitment",
    "verdict",
    "verdict_reason",
    "withdrawn_at",
    "language",
    "neighbourhood",
    "channel",
    "mails_sent",
    "notify_decision",
    "created_at",
    "confirmed_at",
    # When the secretariat invalidated it in a batch: the count log subtracts it.
    "invalidated_at",
}


def test_every_column_of_a_signature_is_either_personal_or_kept_on_purpose():
    columns = {column.name for column in Signature.__table__.columns}
    assert set(PERSONAL_COLUMNS) | KEPT_COLUMNS == columns
    assert not set(PERSONAL_COLUMNS) & KEPT_COLUMNS


def check(client, initiative, code: str):
    path = f"/initiatives/{initiative.slug}/receipt"
    return client.post(
        path, data={"csrf_token": csrf_token(client, path), "code": code}
    )


def ask_withdrawal(client, initiative, code: str):
    answer = check(client, initiative, code).get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', answer)
    return client.post(
        f"/initiatives/{initiative.slug}/receipt/withdraw",
        data={"csrf_token": token.group(1), "code": code},
    )


def withdrawal_link(mailbox, address: str) -> str:
    # The mail is in the signatory's language: find it by its link, not its words.
    links = [
        re.search(r"http://petitions\.test(/withdraw/\S+)", body_text(m))
        for m in mailbox()
        if m["To"] == address
    ]
    (match,) = [m for m in links if m]
    return match.group(1)


def press(client, link: str):
    return client.post(link, data={"csrf_token": csrf_token(client, link)})


def test_the_receipt_form_is_a_post_form_that_is_not_cached(client, make_initiative):
    initiative = make_initiative()
    page = client.get(f"/initiatives/{initiative.slug}/receipt")
    assert page.status_code == 200
    assert page.headers["Cache-Control"] == "no-store"
    assert 'method="post"' in page.get_data(as_text=True)


def test_a_receipt_that_does_not_exist_finds_nothing(client, make_initiative):
    initiative = make_initiative()
    response = check(client, initiative, "ABCD-EFGH-JKMN-PQRS-TUVW")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert "No signature of this initiative has this receipt" in response.text


def test_a_receipt_of_another_initiative_finds_nothing(client, make_initiative, signed):
    (code,) = signed(make_initiative())
    other = make_initiative()
    response = check(client, other, code)
    assert "No signature of this initiative has this receipt" in response.text


@pytest.mark.parametrize("code", ["", "ABCD-EFGH", "ABCD-EFGH-JKMN-PQRS-TUV!"])
def test_a_code_that_cannot_be_a_receipt_gets_a_clear_message(
    client, make_initiative, code
):
    initiative = make_initiative()
    response = check(client, initiative, code)
    assert response.status_code == 400
    assert "Receipt code" in response.text and "error-message" in response.text


def test_a_counted_signature_is_said_counted_in_any_case_and_spacing(
    client, make_initiative, signed
):
    initiative = make_initiative()
    (code,) = signed(initiative)
    typed = code.lower().replace("-", " ")
    response = check(client, initiative, typed)
    assert response.status_code == 200
    assert "Your signature is counted." in response.text
    assert "Janssens" not in response.text and "example.be" not in response.text
    assert code not in response.request.url


@pytest.mark.parametrize(
    ("verdict", "reason", "expected"),
    [
        ("valid", None, "found this signature valid."),
        ("invalid", "under_age", "found it not valid: Under age."),
    ],
)
def test_the_register_verdict_is_shown_without_personal_data(
    client, make_initiative, signed, verdict, reason, expected
):
    initiative = make_initiative()
    (code,) = signed(initiative)
    signature = db.session.scalar(select(Signature))
    signature.verdict, signature.verdict_reason = verdict, reason
    db.session.commit()
    assert expected in check(client, initiative, code).text


def test_a_signature_found_not_valid_has_one_message_on_its_receipt(
    client, make_initiative, signed
):
    initiative = make_initiative()
    (code,) = signed(initiative)
    signature = db.session.scalar(select(Signature))
    signature.verdict, signature.verdict_reason = "invalid", "not_resident"
    db.session.commit()
    text = check(client, initiative, code).text
    assert "This signature does not count." in text
    assert "the register check found it not valid: " in text
    assert "Your signature is counted." not in text
    assert "counts once" not in text


def proof_on_page(text: str) -> tuple[int, int, list[bytes], bytes]:
    index = int(re.search(r"<dt>Leaf index</dt><dd>(\d+)</dd>", text).group(1))
    size = int(re.search(r"<dt>Tree size</dt><dd>(\d+)</dd>", text).group(1))
    hashes = re.search(r"from the leaf upwards</dt>\s*<dd>(.*?)</dd>", text, re.S)
    root = re.search(r"<dt>Dossier root</dt><dd><code>(\w+)</code>", text).group(1)
    path = re.findall(r"<code>([0-9a-f]{64})</code>", hashes.group(1))
    return index, size, [bytes.fromhex(h) for h in path], bytes.fromhex(root)


@pytest.mark.parametrize("position", [0, 2, 4])
def test_after_export_the_inclusion_proof_verifies_against_the_dossier_root(
    client, make_initiative, signed, position
):
    initiative = make_initiative()
    codes = signed(initiative, people=5)
    leaves = [
        bytes.fromhex(s.commitment)
        for s in db.session.scalars(select(Signature).order_by(Signature.id))
    ]
    initiative.dossier_root = merkle_root(leaves).hex()
    db.session.commit()
    index, size, path, root = proof_on_page(
        check(client, initiative, codes[position]).text
    )
    leaf = commitment(codes[position], initiative.id)
    assert (index, size) == (position, 5)
    assert root.hex() == initiative.dossier_root
    assert verify_inclusion(leaf, index, size, path, root)


def test_the_proof_is_unavailable_when_the_leaves_no_longer_give_the_root(
    client, make_initiative, signed
):
    initiative = make_initiative()
    (code,) = signed(initiative)
    initiative.dossier_root = merkle_root([b"another leaf"]).hex()
    db.session.commit()
    text = check(client, initiative, code).text
    assert "The inclusion proof is unavailable" in text
    assert "Leaf index" not in text


def test_withdrawing_mails_the_original_address_and_the_link_alone_changes_nothing(
    client, make_initiative, signed, mailbox
):
    initiative = make_initiative()
    (code,) = signed(initiative)
    response = ask_withdrawal(client, initiative, code)
    assert response.status_code == 303
    assert "withdrawal-requested" in response.headers["Location"]
    link = withdrawal_link(mailbox, "janssens@example.be")
    page = client.get(link)
    assert page.status_code == 200 and 'method="post"' in page.text
    assert initiative.confirmed_count() == 1


def test_pressing_the_button_withdraws_erases_and_the_receipt_says_withdrawn(
    client, make_initiative, signed, mailbox
):
    initiative = make_initiative()
    code = signed(initiative, people=2)[1]
    ask_withdrawal(client, initiative, code)
    response = press(client, withdrawal_link(mailbox, "peeters@example.be"))
    assert response.status_code == 303
    assert initiative.confirmed_count() == 1
    signature = db.session.scalar(
        select(Signature).where(Signature.state == SignatureState.withdrawn)
    )
    assert signature.withdrawn_at is not None and signature.commitment is not None
    assert all(getattr(signature, column) is None for column in PERSONAL_COLUMNS)
    entry = db.session.scalar(
        select(AuditEntry).where(AuditEntry.action == "signature-withdrawn")
    )
    assert entry.public is False and entry.details == {}
    assert "This signature was withdrawn." in check(client, initiative, code).text


def test_withdrawal_after_filing_is_refused_and_changes_nothing(
    client, make_initiative, signed, mailbox
):
    initiative = make_initiative()
    (code,) = signed(initiative)
    ask_withdrawal(client, initiative, code)
    link = withdrawal_link(mailbox, "janssens@example.be")
    form_token = csrf_token(client, link)
    initiative.state = InitiativeState.filed
    db.session.commit()
    assert client.get(link).status_code == 409
    response = client.post(link, data={"csrf_token": form_token})
    assert response.status_code == 409 and "cannot be withdrawn" in response.text
    assert ask_withdrawal(client, initiative, code).status_code == 409
    assert initiative.confirmed_count() == 1
    assert db.session.scalar(select(Signature)).sealed is not None
    assert "Withdraw my signature" not in check(client, initiative, code).text


def test_a_forged_withdrawal_link_is_refused(client, make_initiative, signed, mailbox):
    initiative = make_initiative()
    (code,) = signed(initiative)
    ask_withdrawal(client, initiative, code)
    link = withdrawal_link(mailbox, "janssens@example.be")
    forged = link[:-3] + ("AAA" if not link.endswith("AAA") else "BBB")
    assert client.get(forged).status_code == 400
    form_token = csrf_token(client, link)
    assert client.post(forged, data={"csrf_token": form_token}).status_code == 400
    assert initiative.confirmed_count() == 1


def test_an_expired_withdrawal_link_is_refused(
    client, make_initiative, signed, mailbox, clock, app
):
    initiative = make_initiative()
    (code,) = signed(initiative)
    ask_withdrawal(client, initiative, code)
    link = withdrawal_link(mailbox, "janssens@example.be")
    form_token = csrf_token(client, link)
    clock.now += timedelta(seconds=app.config["CONFIRMATION_MAX_AGE"] + 1)
    response = client.post(link, data={"csrf_token": form_token})
    assert response.status_code == 400
    assert "can no longer be used" in response.text
    assert initiative.confirmed_count() == 1
