"""The public count log: one hash-chained entry per initiative and Brussels day."""

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from petitions.extensions import db
from petitions.initiatives import count_log
from petitions.jobs.registry import run_job
from petitions.models import CountLogEntry, InitiativeState, Signature
from petitions.receipts.operations import withdraw_signature
from petitions.sealing.records import counted_leaves
from verification.merkle import merkle_root


def publish(clock):
    return run_job("publish-count-log", clock.now)


def log_of(initiative) -> list[CountLogEntry]:
    return count_log.entries(initiative)


def test_the_first_entry_publishes_the_count_and_root_chained_to_zeros(
    make_initiative,
    signed,
    clock,
):
    initiative = make_initiative()
    signed(initiative, people=2)
    assert publish(clock) == {"published": 1}
    (entry,) = log_of(initiative)
    assert (entry.seq, entry.day, entry.confirmed_count) == (1, date(2027, 3, 10), 2)
    assert entry.root == merkle_root(counted_leaves(initiative)).hex()
    assert entry.changes == {
        "confirmations": 2,
        "withdrawals": 0,
        "invalidations": 0,
        "verdicts": {"valid": 0, "invalid": 0},
    }
    assert entry.prev_hash == "0" * 64
    assert entry.hash == count_log.entry_hash(initiative.slug, entry)


def test_running_twice_the_same_day_adds_nothing(make_initiative, clock):
    initiative = make_initiative()
    publish(clock)
    clock.now += timedelta(hours=10)
    assert publish(clock) == {"published": 0}
    assert len(log_of(initiative)) == 1


@pytest.mark.parametrize(
    ("second_run", "entries"),
    [
        ("2027-03-10T23:59:00+01:00", 1),  # still 10 March in Brussels
        ("2027-03-11T00:01:00+01:00", 2),  # 23:01 UTC, but 11 March in Brussels
    ],
)
def test_the_day_is_the_brussels_day(make_initiative, clock, second_run, entries):
    initiative = make_initiative()
    publish(clock)
    clock.set(second_run)
    publish(clock)
    assert len(log_of(initiative)) == entries


def test_the_next_day_chains_and_records_confirmations_and_withdrawals(
    make_initiative,
    signed,
    clock,
):
    initiative = make_initiative()
    signed(initiative, people=2)
    publish(clock)
    clock.now += timedelta(days=1)
    signed(initiative, first=2)  # a third person signs today
    withdraw_signature(db.session.scalar(select(func.min(Signature.id))), clock.now)
    db.session.commit()
    publish(clock)
    first, second = log_of(initiative)
    assert (second.seq, second.prev_hash) == (2, first.hash)
    assert second.confirmed_count == 2
    assert second.changes["confirmations"] == 1
    assert second.changes["withdrawals"] == 1
    assert second.root == merkle_root(counted_leaves(initiative)).hex() != first.root
    assert count_log.verify_count_log(initiative) is None


def test_register_verdicts_are_counted_in_the_entry(
    make_initiative,
    signed,
    clock,
):
    initiative = make_initiative()
    signed(initiative, people=3)
    verdicts = ["valid", "valid", "invalid"]
    for signature, verdict in zip(
        db.session.scalars(select(Signature)), verdicts, strict=True
    ):
        signature.verdict = verdict
    db.session.commit()
    publish(clock)
    assert log_of(initiative)[0].changes["verdicts"] == {"valid": 2, "invalid": 1}


def test_one_last_entry_after_filing_then_nothing(
    make_initiative,
    signed,
    clock,
):
    initiative = make_initiative()
    publish(clock)
    signed(initiative)
    clock.now += timedelta(hours=1)
    initiative.state, initiative.filed_at = InitiativeState.filed, clock.now
    db.session.commit()
    clock.now += timedelta(days=1)
    publish(clock)
    clock.now += timedelta(days=1)
    publish(clock)
    assert [e.confirmed_count for e in log_of(initiative)] == [0, 1]


def test_initiatives_that_never_collected_publish_nothing(make_initiative, clock):
    initiative = make_initiative(state=InitiativeState.submitted)
    publish(clock)
    assert log_of(initiative) == []


@pytest.mark.parametrize(
    ("field", "value"),
    [("confirmed_count", 5), ("root", "ab" * 32), ("hash", "cd" * 32)],
)
def test_a_tampered_entry_breaks_the_chain_at_its_seq(
    make_initiative,
    clock,
    field,
    value,
):
    initiative = make_initiative()
    for _day in range(3):
        publish(clock)
        clock.now += timedelta(days=1)
    assert count_log.verify_count_log(initiative) is None
    setattr(log_of(initiative)[1], field, value)
    db.session.commit()
    assert count_log.verify_count_log(initiative) == 2


def test_a_removed_entry_breaks_the_chain(make_initiative, clock):
    initiative = make_initiative()
    for _day in range(3):
        publish(clock)
        clock.now += timedelta(days=1)
    db.session.delete(log_of(initiative)[1])
    db.session.commit()
    assert count_log.verify_count_log(initiative) == 2


def test_the_api_gives_the_same_entries_as_the_page(
    client,
    make_initiative,
    signed,
    clock,
):
    initiative = make_initiative()
    signed(initiative)
    publish(clock)
    clock.now += timedelta(days=1)
    publish(clock)
    body = client.get(f"/api/v1/initiatives/{initiative.slug}/log").get_json()
    page = client.get(f"/initiatives/{initiative.slug}/log").text
    assert body["entries"] == [
        count_log.entry_json(initiative.slug, e) for e in log_of(initiative)
    ]
    for entry in body["entries"]:
        for value in (entry["hash"], entry["prev_hash"], entry["root"], entry["day"]):
            assert value in page
    assert body["entries"][1]["prev_hash"] == body["entries"][0]["hash"]


@pytest.mark.parametrize("state", [InitiativeState.draft, InitiativeState.submitted])
def test_the_log_of_an_initiative_not_yet_public_is_not_found(
    client, make_initiative, state
):
    initiative = make_initiative(state=state)
    assert client.get(f"/initiatives/{initiative.slug}/log").status_code == 404
    api = client.get(f"/api/v1/initiatives/{initiative.slug}/log")
    assert api.status_code == 404
