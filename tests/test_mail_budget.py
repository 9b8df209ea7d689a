"""Each recipient's mail budget, at its defaults: whatever path sends them, no address
gets more than a few mails an hour and a day; the rest are dropped and counted."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from petitions import config as defaults
from petitions.extensions import db
from petitions.jobs.registry import run_job
from petitions.mail.outbox import enqueue
from petitions.models import MailBudget, OutboxMessage

from .support import post_draft

HOUR = defaults.MAIL_PER_RECIPIENT_HOUR
DAY = defaults.MAIL_PER_RECIPIENT_DAY
VICTIM = "victim@example.be"


@pytest.fixture
def app_config(app_config):
    app_config["MAIL_PER_RECIPIENT_HOUR"] = HOUR
    app_config["MAIL_PER_RECIPIENT_DAY"] = DAY
    return app_config


def queued_to(address: str) -> int:
    return db.session.scalar(
        select(func.count(OutboxMessage.id)).where(OutboxMessage.recipient == address)
    )


def dropped() -> int:
    return db.session.scalar(
        select(func.sum(MailBudget.dropped)).where(MailBudget.period == "day")
    )


def mail(address: str, clock) -> None:
    enqueue("feedback", "fr", address, clock.now, feedback_text="Bonjour")
    db.session.commit()


def test_naming_someone_as_representative_again_and_again_floods_nobody(
    client, mailbox
):
    for n in range(HOUR + 5):
        response = post_draft(
            client, rep1_email=VICTIM, rep2_email=f"other{n}@example.be"
        )
        assert response.status_code == 303  # the answer does not change
    assert queued_to(VICTIM) == HOUR
    assert queued_to("other0@example.be") == 1  # the others are not affected
    assert dropped() == 5
    delivered = [m for m in mailbox() if m["To"] == VICTIM]
    assert len(delivered) == HOUR


def test_the_budget_counts_an_address_whatever_its_case(app, clock):
    for n in range(HOUR):
        mail("Victim@Example.BE" if n % 2 else VICTIM, clock)
    mail("VICTIM@example.be", clock)
    assert db.session.scalar(select(func.count(OutboxMessage.id))) == HOUR
    assert dropped() == 1


def test_the_budget_rows_keep_no_address(app, clock):
    mail(VICTIM, clock)
    for row in db.session.scalars(select(MailBudget)):
        assert "victim" not in row.recipient_hash and len(row.recipient_hash) == 64


def test_the_hourly_budget_comes_back_the_next_hour_until_the_day_is_spent(app, clock):
    clock.set("2027-03-10T00:05:00+00:00")
    for _hour in range(DAY // HOUR):
        for _ in range(HOUR):
            mail(VICTIM, clock)
        mail(VICTIM, clock)  # one too many in this hour
        clock.now += timedelta(hours=1)
    assert queued_to(VICTIM) == DAY
    mail(VICTIM, clock)  # a new hour, but the day is spent
    assert queued_to(VICTIM) == DAY
    assert dropped() == DAY // HOUR + 1
    clock.set("2027-03-11T00:05:00+00:00")  # a new day
    mail(VICTIM, clock)
    assert queued_to(VICTIM) == DAY + 1


def test_windows_that_are_over_are_forgotten_and_their_drops_reported(app, clock):
    for _ in range(HOUR + 2):
        mail(VICTIM, clock)
    assert run_job("forget-mail-budgets", clock.now) == {"forgotten": 0, "dropped": 0}
    clock.now += timedelta(days=1, hours=1)
    assert run_job("forget-mail-budgets", clock.now) == {"forgotten": 2, "dropped": 2}
    assert db.session.scalar(select(func.count(MailBudget.id))) == 0
