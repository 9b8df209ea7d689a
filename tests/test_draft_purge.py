"""Drafts and representatives nobody confirmed are forgotten once their links expired."""

import re
from datetime import timedelta

from sqlalchemy import func, select

from petitions.extensions import db
from petitions.jobs.registry import run_job
from petitions.models import Initiative, OutboxMessage, Representative

from .support import post_button, post_draft

LINK_AGE = timedelta(days=7)  # REPRESENTATIVE_LINK_MAX_AGE's default


def representatives() -> list[str]:
    return sorted(db.session.scalars(select(Representative.email)))


def initiatives() -> int:
    return db.session.scalar(select(func.count(Initiative.id)))


def confirm(client, message) -> None:
    path = re.search(r"/representatives/confirm/[A-Za-z0-9_.\-]+", str(message))
    response = post_button(client, path.group(0))
    assert response.status_code == 303


def test_a_draft_nobody_confirmed_is_deleted_once_the_links_expired(client, clock):
    post_draft(client)  # names anne@ and jan@, who never confirm
    clock.now += LINK_AGE  # the links are still valid until this very second
    assert run_job("purge-unconfirmed-drafts", clock.now) == {
        "drafts": 0,
        "representatives": 0,
    }
    assert initiatives() == 1
    clock.now += timedelta(seconds=1)
    assert run_job("purge-unconfirmed-drafts", clock.now) == {
        "drafts": 1,
        "representatives": 0,
    }
    assert initiatives() == 0 and representatives() == []
    # Nor do their addresses wait in the outbox.
    assert not db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.recipient.is_not(None))
    ).all()


def test_who_did_not_confirm_is_removed_from_a_draft_others_confirmed(
    client, clock, mailbox
):
    post_draft(client)
    to_anne = next(m for m in mailbox() if m["To"] == "anne@example.be")
    confirm(client, to_anne.get_body(preferencelist=("plain",)).get_content())
    clock.now += LINK_AGE + timedelta(minutes=1)
    assert run_job("purge-unconfirmed-drafts", clock.now) == {
        "drafts": 0,
        "representatives": 1,
    }
    assert initiatives() == 1 and representatives() == ["anne@example.be"]
    # Nothing is left to purge.
    assert run_job("purge-unconfirmed-drafts", clock.now) == {
        "drafts": 0,
        "representatives": 0,
    }
