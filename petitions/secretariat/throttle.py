"""The sign-in throttle's accounting: failures per client address, per account and per
trusted device, kept in the database so that every web node counts the same.

Each counter is a row keyed by a keyed hash (no address or e-mail in clear). The
decision, how long to wait, is ``rules.next_attempt_at``.
"""

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import case, delete, select
from sqlalchemy.dialects import postgresql, sqlite

from petitions.extensions import db
from petitions.hashing import identity_key
from petitions.models import SignInFailures
from petitions.secretariat.rules import Throttle, next_attempt_at
from verification.identity import keyed_hash


def settings() -> Throttle:
    """Return the throttle's settings from the configuration."""
    config = current_app.config
    return Throttle(
        free_failures=config["STAFF_THROTTLE_FREE_FAILURES"],
        base_seconds=config["STAFF_THROTTLE_BASE_SECONDS"],
        max_seconds=config["STAFF_THROTTLE_MAX_SECONDS"],
        forget_seconds=config["STAFF_THROTTLE_FORGET_SECONDS"],
    )


def _key(kind: str, value: str) -> str:
    return keyed_hash(identity_key(), "sign-in", f"{kind}\x1f{value}")


def address_key(address: str | None) -> str:
    """Return the counter of a client address."""
    return _key("address", address or "unknown")


def account_key(email: str) -> str:
    """Return the counter of an account name, whether or not the account exists."""
    return _key("account", email.strip().lower())


def device_key(staff_id: int, device: str) -> str:
    """Return the counter of one account on one browser that signed in before."""
    return _key("device", f"{staff_id}\x1f{device}")


def wait_until(keys: list[str], now: datetime) -> datetime | None:
    """Return when the next attempt on these counters may be made (None: now)."""
    throttle = settings()
    rows = db.session.scalars(
        select(SignInFailures).where(SignInFailures.key.in_(keys))
    ).all()
    waits = [
        at
        for row in rows
        if (at := next_attempt_at(row.failures, row.last_failure_at, now, throttle))
    ]
    return max(waits, default=None)


def _insert(dialect: str):
    return (postgresql if dialect == "postgresql" else sqlite).insert(SignInFailures)


def record_failure(keys: list[str], now: datetime) -> None:
    """Count one failure on each counter, in one statement per counter (no lost update)."""
    forget = timedelta(seconds=settings().forget_seconds)
    table = SignInFailures.__table__
    for key in keys:
        statement = _insert(db.engine.dialect.name).values(
            key=key, failures=1, last_failure_at=now
        )
        statement = statement.on_conflict_do_update(
            index_elements=[table.c.key],
            set_={
                "failures": case(
                    (table.c.last_failure_at <= now - forget, 1),
                    else_=table.c.failures + 1,
                ),
                "last_failure_at": now,
            },
        )
        db.session.execute(statement)


def clear(keys: list[str]) -> None:
    """Forget the failures of these counters (after a successful sign-in)."""
    db.session.execute(delete(SignInFailures).where(SignInFailures.key.in_(keys)))
