"""The secretariat's fraud view: counts per hour, mail domain and network, the burst
rule, the keyed network hash and its erasure, and the invalidation of a batch."""

import hashlib
import hmac
from datetime import timedelta

import pytest
from flask import current_app
from sqlalchemy import select

from petitions.dossier.register_check import apply_verdicts, read_verdicts
from petitions.extensions import db
from petitions.initiators import operations as initiator_operations
from petitions.models import AuditEntry, Signature, SignatureState
from petitions.receipts.operations import withdraw_signature
from petitions.sealing.records import counted_signatures_query
from petitions.secretariat.batches import patterns
from petitions.secretariat.rules import flagged_batches
from verification.identity import network_hash

from .support import csrf_token, signatory

NET_A, NET_B = "a" * 64, "b" * 64


def page(initiative) -> str:
    return f"/secretariat/initiatives/{initiative.slug}/fraud"


def invalidate(client, initiative, batch: str, reason="Robot signatures"):
    token = csrf_token(client, page(initiative))
    return client.post(
        page(initiative),
        data={"csrf_token": token, "batch": batch, "reason": reason},
    )


def stored(signature_id) -> Signature:
    db.session.expire_all()
    return db.session.get(Signature, signature_id)


@pytest.fixture
def burst(make_initiative, make_signature, clock):
    """An initiative with 20 signatures from one network and domain in one hour, and
    a few spread over the days before, from other networks and domains."""

    def build(**fields):
        initiative = make_initiative(**fields)
        for n in range(4):
            make_signature(
                initiative,
                at=clock.now - timedelta(days=2, hours=n * 7),
                client_network=f"{n:064x}",
                mail_domain=f"d{n}.be",
            )
        for n in range(20):
            make_signature(
                initiative,
                at=clock.now - timedelta(minutes=30) + timedelta(seconds=n),
                client_network=NET_A,
                mail_domain="bots.example",
            )
        return initiative

    return build


@pytest.mark.parametrize(
    ("counts", "slots", "flagged"),
    [
        ({"a": 20}, None, {"a"}),  # alone: compared with nothing
        ({"a": 19}, None, set()),  # below the minimum
        ({"a": 20, "b": 4, "c": 4}, None, set()),  # five times the others: not more
        ({"a": 21, "b": 4, "c": 4}, None, {"a"}),
        ({"a": 20, "b": 20}, None, set()),  # two alike: neither stands out
        ({"a": 30, "b": 30}, 100, {"a", "b"}),  # two busy hours in a quiet span
    ],
)
def test_the_burst_rule_flags_a_batch_far_above_the_others(counts, slots, flagged):
    assert flagged_batches(counts, 5, 20, slots) == flagged


def test_the_counts_per_hour_domain_and_network(app, burst):
    initiative = burst()
    found = patterns(initiative)
    assert found.total == 24
    assert {(b.key, b.count, b.flagged) for b in found.domains} == {
        ("bots.example", 20, True),
        *((f"d{n}.be", 1, False) for n in range(4)),
    }
    assert (found.networks[0].key, found.networks[0].count) == (NET_A, 20)
    assert found.networks[0].flagged and not any(b.flagged for b in found.networks[1:])
    assert sum(b.count for b in found.hours) == 24
    # The 20 came within one clock hour, flagged against the quiet days before.
    assert [(b.key, b.count) for b in found.hours if b.flagged] == [
        ("2027-03-10T08:00:00+00:00", 20)
    ]
    assert {b.count for b in found.hours if not b.flagged} == {1}


def test_signing_online_keeps_the_keyed_network_and_the_domain_never_the_address(
    app, client, sign, make_initiative
):
    initiative = make_initiative()
    path = f"/initiatives/{initiative.slug}"
    data = {
        **signatory(email="Marie.Janssens@Example.BE"),
        "csrf_token": csrf_token(client, path),
    }
    client.post(f"{path}/sign", data=data, environ_base={"REMOTE_ADDR": "203.0.113.77"})
    row = db.session.scalar(select(Signature))
    assert row.mail_domain == "example.be"
    key = current_app.config["IDENTITY_KEY"].encode()
    expected = hmac.new(key, b"network\x1f203.0.113.0/24", hashlib.sha256).hexdigest()
    assert row.client_network == expected == network_hash(key, "203.0.113.5")
    assert row.client_network != network_hash(b"another key", "203.0.113.77")
    values = " ".join(str(getattr(row, c.name)) for c in Signature.__table__.columns)
    assert "203.0.113" not in values


@pytest.mark.parametrize(
    ("one", "other", "same"),
    [
        ("2001:db8:1:2::1", "2001:db8:1:ffff::9", True),  # one /48
        ("2001:db8:1::1", "2001:db8:2::1", False),
        ("::ffff:198.51.100.4", "198.51.100.200", True),  # IPv4 written as IPv6
        ("198.51.100.4", "198.51.101.4", False),
    ],
)
def test_the_network_is_the_ipv4_24_or_the_ipv6_48(one, other, same):
    key = b"k"
    assert (network_hash(key, one) == network_hash(key, other)) is same
    assert network_hash(key, "not an address") is None


def test_the_register_check_erases_network_and_domain(
    app, make_initiative, make_signature, make_staff, clock
):
    initiative = make_initiative(threshold=1, representatives=1)
    signature = make_signature(initiative, client_network=NET_A, mail_domain="x.be")
    initiator_operations.file_initiative(initiative, clock.now, "representative:1")
    db.session.commit()
    verdicts = read_verdicts(initiative, f"S-{signature.id},valid,\r\n".encode())
    apply_verdicts(initiative, make_staff("secretariat"), verdicts, clock.now)
    db.session.commit()
    row = stored(signature.id)
    assert (row.client_network, row.mail_domain, row.verdict) == (None, None, "valid")


def test_a_withdrawal_erases_network_and_domain(
    app, make_initiative, make_signature, clock
):
    initiative = make_initiative()
    signature = make_signature(initiative, client_network=NET_A, mail_domain="x.be")
    withdraw_signature(signature.id, clock.now)
    db.session.commit()
    row = stored(signature.id)
    assert row.state is SignatureState.withdrawn
    assert (row.client_network, row.mail_domain) == (None, None)


def test_the_page_shows_the_counts_and_flags_to_the_secretariat_only(
    client, signed_in, burst
):
    initiative = burst()
    signed_in("secretariat")
    text = client.get(page(initiative)).get_data(as_text=True)
    assert "bots.example" in text and NET_A[:12] in text and "Flagged" in text
    assert "<caption>" in text and 'scope="col"' in text
    link = client.get(f"/secretariat/initiatives/{initiative.slug}")
    assert page(initiative) in link.get_data(as_text=True)


@pytest.mark.parametrize("role", ["president", "viewer"])
def test_other_roles_are_refused_the_page_and_the_action(
    client, signed_in, burst, role
):
    initiative = burst()
    signed_in(role)
    assert client.get(page(initiative)).status_code == 403
    token = csrf_token(client, "/secretariat/")
    answer = client.post(
        page(initiative),
        data={"csrf_token": token, "batch": f"network:{NET_A}", "reason": "x"},
    )
    assert answer.status_code == 403
    assert initiative.confirmed_count() == 24


def test_invalidating_a_batch_drops_the_count_and_publishes_a_count_and_reason(
    client, signed_in, burst
):
    initiative = burst()
    signed_in("secretariat")
    answer = invalidate(client, initiative, f"network:{NET_A}")
    assert answer.status_code == 303
    assert initiative.confirmed_count() == 4
    rows = db.session.scalars(
        select(Signature).where(Signature.client_network == NET_A)
    ).all()
    assert {(r.verdict, r.verdict_reason) for r in rows} == {("invalid", "secretariat")}
    # Out of the register check's list and the Merkle tree too: counted once, nowhere.
    listed = db.session.scalars(counted_signatures_query(initiative)).all()
    assert len(listed) == 4 and NET_A not in {s.client_network for s in listed}
    entry = db.session.scalar(select(AuditEntry).order_by(AuditEntry.seq.desc()))
    assert (entry.action, entry.public, entry.reason) == (
        "signatures-invalidated",
        True,
        "Robot signatures",
    )
    assert entry.details == {"invalidated": 20}
    public = client.get(f"/initiatives/{initiative.slug}").get_data(as_text=True)
    assert "20 signatures invalidated by the secretariat." in public
    assert "Robot signatures" in public
    assert "bots.example" not in public and NET_A[:12] not in public
    api = client.get(f"/api/v1/initiatives/{initiative.slug}").get_json()
    assert api["confirmed_count"] == 4


def test_a_flagged_hour_and_a_domain_are_batches_too(client, signed_in, burst):
    initiative = burst()
    signed_in("secretariat")
    assert invalidate(client, initiative, "domain:d1.be").status_code == 303
    assert initiative.confirmed_count() == 23
    (hour,) = [b for b in patterns(initiative).hours if b.flagged]
    assert invalidate(client, initiative, hour.value).status_code == 303
    assert initiative.confirmed_count() == 23 - hour.count


def test_an_unflagged_hour_is_refused(client, signed_in, burst):
    initiative = burst()
    signed_in("secretariat")
    (quiet, *_rest) = [b for b in patterns(initiative).hours if not b.flagged]
    answer = invalidate(client, initiative, quiet.value)
    assert answer.status_code == 400
    assert initiative.confirmed_count() == 24


def test_the_reason_is_required_and_nothing_changes_without_it(
    client, signed_in, burst
):
    initiative = burst()
    signed_in("secretariat")
    answer = invalidate(client, initiative, f"network:{NET_A}", reason="  ")
    assert answer.status_code == 400
    assert "Please give the reason" in answer.get_data(as_text=True)
    assert initiative.confirmed_count() == 24
    assert not db.session.scalar(
        select(AuditEntry).where(AuditEntry.action == "signatures-invalidated")
    )


def test_a_second_identical_invalidation_changes_nothing(client, signed_in, burst):
    initiative = burst()
    signed_in("secretariat")
    assert invalidate(client, initiative, f"network:{NET_A}").status_code == 303
    answer = invalidate(client, initiative, f"network:{NET_A}")
    assert answer.status_code == 409
    assert "nothing was invalidated" in answer.get_data(as_text=True)
    assert initiative.confirmed_count() == 4
    entries = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "signatures-invalidated")
    ).all()
    assert len(entries) == 1


def test_another_initiatives_batch_is_refused(client, signed_in, burst):
    mine, theirs = burst(), burst()
    db.session.execute(
        Signature.__table__.update()
        .where(Signature.initiative_id == theirs.id, Signature.client_network == NET_A)
        .values(client_network=NET_B)
    )
    db.session.commit()
    signed_in("secretariat")
    answer = invalidate(client, mine, f"network:{NET_B}")
    assert answer.status_code == 409
    assert (mine.confirmed_count(), theirs.confirmed_count()) == (24, 24)


def test_a_withdrawal_after_the_invalidation_is_not_counted_out_twice(
    app, client, signed_in, burst, clock
):
    from petitions.initiatives.count_log import publish_entry, verify_count_log

    initiative = burst()
    publish_entry(initiative, clock.now)
    db.session.commit()
    clock.now += timedelta(hours=1)
    signed_in("secretariat")
    invalidate(client, initiative, f"network:{NET_A}")
    one = db.session.scalar(select(Signature).where(Signature.client_network == NET_A))
    withdraw_signature(one.id, clock.now + timedelta(minutes=1))
    db.session.commit()
    entry = publish_entry(initiative, clock.now + timedelta(days=1))
    db.session.commit()
    assert entry.confirmed_count == 4
    assert (entry.changes["invalidations"], entry.changes["withdrawals"]) == (20, 0)
    assert verify_count_log(initiative) is None
