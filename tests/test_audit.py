"""The audit log: append-only, hash-chained, anchored in the count log; `audit verify`
finds every break."""

from sqlalchemy import delete, select, update

from petitions.extensions import db
from petitions.initiatives import audit, count_log
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


def publish_head(make_initiative, clock):
    """Publish today's count log entry of a collecting initiative: it carries the head."""
    initiative = make_initiative()
    entry = count_log.publish_entry(initiative, clock.now)
    db.session.commit()
    return initiative, entry


def test_verify_prints_the_head_and_the_count_log_publishes_it(
    app, client, clock, make_initiative
):
    write_entries(clock)
    initiative, entry = publish_head(make_initiative, clock)
    last = db.session.scalar(select(AuditEntry).where(AuditEntry.seq == 3))
    assert entry.audit_head == {"seq": 3, "hash": last.hash}
    assert count_log.entry_json(initiative.slug, entry)["audit_head"]["seq"] == 3
    assert count_log.verify_count_log(initiative) is None
    page = client.get(f"/initiatives/{initiative.slug}/log").get_data(as_text=True)
    assert f"entry 3, <code>{last.hash}</code>" in page
    result = verify(app)
    assert result.exit_code == 0
    assert f"head: entry 3, hash {last.hash}" in result.output


def test_deleting_the_last_entries_is_caught_by_the_published_head(
    app, clock, make_initiative
):
    write_entries(clock, 4)
    publish_head(make_initiative, clock)
    db.session.execute(delete(AuditEntry).where(AuditEntry.seq >= 3))
    db.session.commit()
    result = verify(app)
    assert result.exit_code == 1
    assert "entry 4 is missing, yet the count log of 2027-03-10 published it" in (
        result.output
    )


def test_a_chain_rewritten_from_one_entry_on_is_caught_by_the_published_head(
    app, clock, make_initiative
):
    write_entries(clock, 4)
    publish_head(make_initiative, clock)
    entries = db.session.scalars(
        select(AuditEntry).where(AuditEntry.seq >= 2).order_by(AuditEntry.seq)
    ).all()
    prev = db.session.scalar(select(AuditEntry.hash).where(AuditEntry.seq == 1))
    for entry in entries:  # every link recomputed: the walk alone sees nothing
        entry.reason, entry.prev_hash = "rewritten", prev
        entry.hash = prev = audit.entry_digest(entry)
    db.session.commit()
    result = verify(app)
    assert result.exit_code == 1
    assert "entry 4 differs from the head the count log published on 2027-03-10" in (
        result.output
    )


def test_verify_reports_every_break_not_only_the_first(app, clock):
    write_entries(clock, 6)
    db.session.execute(
        update(AuditEntry).where(AuditEntry.seq == 2).values(reason="edited")
    )
    db.session.delete(db.session.scalar(select(AuditEntry).where(AuditEntry.seq == 5)))
    db.session.commit()
    result = verify(app)
    assert result.exit_code == 1
    assert "broken: entry 2 was altered" in result.output
    assert "broken: entry 5 is missing" in result.output
    assert "entry 3" not in result.output  # the links after a break are judged alone
    assert "audit log broken: 2 problems found" in result.output


def test_the_public_page_leaves_out_an_entry_that_fails_and_says_so(
    client, clock, make_initiative
):
    initiative = make_initiative()
    audit.record("system", "collection-opened", clock.now, initiative, public=True)
    audit.record("system", "admissible", clock.now, initiative, public=True)
    db.session.commit()
    db.session.execute(
        update(AuditEntry).where(AuditEntry.seq == 2).values(action="withdrawn")
    )
    db.session.commit()
    assert [e.seq for e in audit.timeline(initiative)] == [1]
    page = client.get(f"/initiatives/{initiative.slug}").get_data(as_text=True)
    assert "1 step of this initiative is not shown" in page
