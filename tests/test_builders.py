"""The builders of conftest.py make rows like the ones the app's own paths make."""

from sqlalchemy import select

from petitions.extensions import db
from petitions.models import Signature, SignatureState
from petitions.receipts.operations import withdraw_signature
from petitions.sealing.records import open_signature


def filled(signature) -> set[str]:
    """Return the names of the signature's columns that hold a value."""
    return {
        column.name
        for column in Signature.__table__.columns
        if getattr(signature, column.name) is not None
    }


def test_a_built_signature_fills_what_signing_fills_in_each_state(
    make_initiative, make_signature, sign, signed, clock, private_keys
):
    initiative = make_initiative()
    signed(initiative, people=2)
    sign(initiative, surname="Lambert", email="lambert@example.be")
    confirmed, withdrawn, pending = db.session.scalars(
        select(Signature).order_by(Signature.id)
    ).all()
    withdraw_signature(withdrawn.id, clock.now)
    db.session.commit()
    built = {
        state: make_signature(initiative, state=state)
        for state in (SignatureState.confirmed, SignatureState.pending)
    }
    built_withdrawn = make_signature(initiative, state=SignatureState.withdrawn)
    assert filled(built[SignatureState.confirmed]) == filled(confirmed)
    assert filled(built[SignatureState.pending]) == filled(pending)
    assert filled(built_withdrawn) == filled(withdrawn)
    for real, made in (
        (confirmed, built[SignatureState.confirmed]),
        (pending, built[SignatureState.pending]),
    ):
        assert set(open_signature(made, private_keys)) == set(
            open_signature(real, private_keys)
        )
        assert (made.channel, made.mails_sent, made.neighbourhood) == (
            real.channel,
            real.mails_sent,
            real.neighbourhood,
        )


def test_a_built_signature_is_made_when_asked_and_counts_once_confirmed(
    make_initiative, make_signature, clock
):
    initiative = make_initiative()
    moment = clock.set("2027-03-01T12:00:00+01:00")
    clock.set("2027-03-10T10:00:00+01:00")
    made = make_signature(initiative, at=moment, neighbourhood="Laeken")
    waiting = make_signature(initiative, state=SignatureState.pending)
    assert (made.created_at, made.confirmed_at) == (moment, moment)
    assert (waiting.created_at, waiting.confirmed_at) == (clock.now, None)
    assert made.neighbourhood == "Laeken"
    assert made.identity_hash != waiting.identity_hash
    assert initiative.confirmed_count() == 1
