"""Mail over a real SMTP server on loopback, and nothing lost while it is down."""

import asyncio
import re
import socket
import threading
from datetime import timedelta
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller
from babel.core import UnknownLocaleError
from sqlalchemy import select

from petitions.extensions import db
from petitions.jobs.registry import run_job
from petitions.mail.outbox import render_message
from petitions.models import OutboxMessage

from .support import confirmation_link, csrf_token


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(
            (
                envelope.rcpt_tos,
                message_from_bytes(envelope.content, policy=policy.default),
            )
        )
        return "250 OK"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_port():
    return free_port()


@pytest.fixture
def app_config(app_config, smtp_port):
    app_config.update(
        MAIL_TRANSPORT="smtp",
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=smtp_port,
        MAIL_TIMEOUT=5,
    )
    return app_config


@pytest.fixture
def smtp_server(smtp_port):
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    yield inbox
    controller.stop()


def test_a_signatory_confirms_through_the_link_received_over_smtp(
    client, make_initiative, sign, smtp_server, clock
):
    initiative = make_initiative()
    sign(initiative)
    run_job("deliver-outbox", clock.now)
    ((recipients, message),) = smtp_server.messages
    assert recipients == ["marie.janssens@example.be"]
    assert message.is_multipart()
    link = confirmation_link(message)
    response = client.post(link, data={"csrf_token": csrf_token(client, link)})
    assert response.status_code == 200
    assert initiative.confirmed_count() == 1
    # Once delivered, the outbox no longer holds the address or the code.
    row = db.session.scalar(select(OutboxMessage))
    assert row.recipient is None and "code" not in row.context


def test_mail_waits_while_the_server_is_down_and_goes_when_it_is_back(
    make_initiative, sign, clock, smtp_port
):
    initiative = make_initiative()
    sign(initiative)
    assert run_job("deliver-outbox", clock.now) == {"sent": 0, "failed": 1}
    row = db.session.scalar(select(OutboxMessage))
    assert row.attempts == 1 and row.sent_at is None and row.recipient
    assert row.next_attempt_at == clock.now + timedelta(minutes=1)
    # Not due yet: nothing is tried.
    assert run_job("deliver-outbox", clock.now + timedelta(seconds=30)) == {
        "sent": 0,
        "failed": 0,
    }
    assert run_job("deliver-outbox", clock.now + timedelta(minutes=1)) == {
        "sent": 0,
        "failed": 1,
    }
    assert db.session.scalar(
        select(OutboxMessage)
    ).next_attempt_at == clock.now + timedelta(minutes=3)

    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    try:
        assert run_job("deliver-outbox", clock.now + timedelta(minutes=3)) == {
            "sent": 1,
            "failed": 0,
        }
    finally:
        controller.stop()
    assert len(inbox.messages) == 1


def test_backoff_grows_but_never_waits_more_than_an_hour():
    from petitions.mail.outbox import backoff

    assert [backoff(n).total_seconds() / 60 for n in (1, 2, 3, 4)] == [1, 2, 4, 8]
    assert backoff(30) == timedelta(hours=1)


def test_a_crash_in_the_middle_of_a_batch_keeps_the_mails_already_sent(
    app, make_initiative, sign, clock, smtp_server
):
    initiative = make_initiative()
    sign(initiative)
    sign(initiative, email="second@example.be", surname="Peeters")
    first, second = db.session.scalars(
        select(OutboxMessage).order_by(OutboxMessage.id)
    ).all()
    # A row the renderer cannot handle stops the batch with an exception, as a crash
    # of the process would.
    second.language = "xx"
    db.session.commit()
    with pytest.raises(UnknownLocaleError):
        run_job("deliver-outbox", clock.now)
    db.session.rollback()
    assert len(smtp_server.messages) == 1
    assert db.session.get(OutboxMessage, first.id).sent_at == clock.now

    db.session.get(OutboxMessage, second.id).language = "fr"
    db.session.commit()
    # The crashed run had claimed the second mail: it is due again once the claim ends.
    assert run_job("deliver-outbox", clock.now)["sent"] == 0
    lease = timedelta(seconds=app.config["JOB_LEASE_SECONDS"])
    assert run_job("deliver-outbox", clock.now + lease)["sent"] == 1
    # The first mail was not sent a second time.
    assert [message["To"] for _, message in smtp_server.messages] == [
        "marie.janssens@example.be",
        "second@example.be",
    ]


def test_a_mail_keeps_its_message_id_from_one_attempt_to_the_next(
    make_initiative, sign, clock, smtp_port
):
    initiative = make_initiative()
    sign(initiative)
    sign(initiative, email="second@example.be", surname="Peeters")
    first, second = db.session.scalars(
        select(OutboxMessage).order_by(OutboxMessage.id)
    ).all()
    ids = {render_message(first, clock.now)["Message-ID"] for _ in range(2)}
    assert len(ids) == 1
    assert ids != {render_message(second, clock.now)["Message-ID"]}
    # A keyed hash, not the outbox's row number (which would tell how much is sent).
    assert re.fullmatch(r"<[0-9a-f]{32}@initiatives\.brussels>", ids.pop())


SURNAMES = ("Peeters", "Maes", "Jacobs", "Mertens", "Willems", "Claes")


class SlowInbox(Inbox):
    """A mail server that takes a while over each mail, as a busy relay does."""

    async def handle_DATA(self, server, session, envelope):
        await asyncio.sleep(0.2)
        return await super().handle_DATA(server, session, envelope)


def test_two_overlapping_delivery_runs_send_each_mail_once(
    app, make_initiative, sign, clock, smtp_port
):
    initiative = make_initiative()
    for number, surname in enumerate(SURNAMES):
        sign(initiative, email=f"person{number}@example.be", surname=surname)
    inbox = SlowInbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    results = []

    def delivery_run():
        with app.app_context():
            results.append(run_job("deliver-outbox", clock.now))
            db.session.remove()

    # Two schedulers whose runs overlap (the first outlived its lease): both start with
    # the same six due mails. (SQLite's single writer mostly serialises the two runs;
    # on PostgreSQL, without the claim, both send most of the mails.)
    db.session.commit()  # this thread's transaction would hold SQLite's write lock
    runs = [threading.Thread(target=delivery_run) for _ in range(2)]
    try:
        for run in runs:
            run.start()
        for run in runs:
            run.join(timeout=60)
    finally:
        controller.stop()
    recipients = [message["To"] for _, message in inbox.messages]
    assert sorted(recipients) == sorted(f"person{n}@example.be" for n in range(6))
    assert sum(result["sent"] for result in results) == 6
