"""The audit log: append-only, hash-chained, and `audit verify` finds the first break."""

from sqlalchemy import select, update

from petitions.extensions import db
from petitions.initiatives import audit
from petitions.models import AuditEntry


def write_entries(clock, count=3):
    for n in range(count):
        audit.record("system", f"action-{n}", clock.now, public=bool(n % 2), note=n)
    db.session.commit()


def verify(app):
    return app.test_cli_runner().invoke(args=["audit", "verify"])


def test_each_entry_holds_the_hash_of_the_previous_one(app, clock):
    write_entries(clock)
    entries = db.session.scalars(select(AuditEntry).order_by(AuditEntry.seq)).all()
    assert [e.seq for e in entries] == [1, 2, 3]
    assert entries[0].prev_hash == audit.GENESIS
    assert entries[1].prev_hash == entries[0].hash
    assert entries[2].prev_hash == entries[1].hash
    result = verify(app)
    assert result.exit_code == 0
    assert "audit log intact: 3 entries" in result.output


def test_verify_names_an_altered_entry(app, clock):
    write_entries(clock)
    db.session.execute(
        update(AuditEntry).where(AuditEntry.seq == 2).values(reason="edited")
    )
    db.session.commit()
    result = verify(app)
    assert result.exit_code == 1
    assert "entry 2 was altered" in result.output


def test_verify_names_a_removed_entry(app, clock):
    write_entries(clock, 4)
    db.session.delete(db.session.scalar(select(AuditEntry).where(AuditEntry.seq == 3)))
    db.session.commit()
    result = verify(app)
    assert result.exit_code == 1
    assert "entry 3 is missing" in result.output


def test_verify_names_a_removed_last_link_replaced_by_a_forgery(app, clock):
    write_entries(clock, 2)
    last = db.session.scalar(select(AuditEntry).where(AuditEntry.seq == 2))
    last.prev_hash = "f" * 64
    last.hash = audit.entry_digest(last)
    db.session.commit()
    result = verify(app)
    assert "entry 2 does not follow entry 1" in result.output


def test_the_timeline_holds_only_public_entries_of_one_initiative(
    app, clock, make_initiative
):
    first, second = make_initiative(), make_initiative()
    audit.record("system", "closed", clock.now, first, public=True)
    audit.record("system", "draft-edited", clock.now, first)
    audit.record("system", "closed", clock.now, second, public=True)
    db.session.commit()
    assert [e.action for e in audit.timeline(first)] == ["closed"]
