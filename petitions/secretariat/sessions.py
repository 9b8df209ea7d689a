"""Server-side staff sessions: a random id in the (signed) session cookie, its SHA-256
in ``staff_session``. Signing out, disabling an account or resetting its password
deletes the rows, so an old cookie opens nothing; a session also ends after
STAFF_SESSION_IDLE_MINUTES without a request and STAFF_SESSION_MAX_HOURS after sign-in.
"""

import functools
import hashlib
import secrets
from datetime import datetime, timedelta

from flask import current_app, g, redirect, render_template, request, session, url_for
from sqlalchemy import delete

from petitions import clock
from petitions.extensions import db
from petitions.models import Staff, StaffRole, StaffSession
from petitions.secretariat.rules import is_session_expired, should_record_activity
from petitions.secretariat.staff import ROLE_LABELS

SESSION_KEY = "staff_session"
# This request's answer, kept in its WSGI environ: ``g`` belongs to the app context,
# which a test client's requests may share.
CURRENT = "petitions.staff"


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def clear_browser_session() -> None:
    """Forget everything the browser's session held, CSRF token included."""
    session.clear()
    # Flask-WTF keeps the request's CSRF token in ``g``: it belonged to the old session.
    g.pop(current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token"), None)


def start_session(staff: Staff, now: datetime) -> None:
    """Sign a staff member in on a new session: nothing set before survives (fixation)."""
    clear_browser_session()
    token = secrets.token_urlsafe(32)
    db.session.add(
        StaffSession(
            id_hash=_digest(token), staff_id=staff.id, created_at=now, last_seen_at=now
        )
    )
    db.session.flush()
    session[SESSION_KEY] = token
    request.environ[CURRENT] = staff


def end_session() -> None:
    """Sign out: delete the server's session and forget what the browser held."""
    token = session.get(SESSION_KEY)
    if token is not None:
        db.session.execute(
            delete(StaffSession).where(StaffSession.id_hash == _digest(token))
        )
    clear_browser_session()
    request.environ[CURRENT] = None


def _lifetimes() -> tuple[timedelta, timedelta]:
    config = current_app.config
    return (
        timedelta(minutes=config["STAFF_SESSION_IDLE_MINUTES"]),
        timedelta(hours=config["STAFF_SESSION_MAX_HOURS"]),
    )


def _open_session(now: datetime) -> tuple[Staff | None, bool]:
    """Return the session's staff member and whether the session's row changed."""
    token = session.get(SESSION_KEY)
    if not isinstance(token, str):
        return None, False
    row = db.session.get(StaffSession, _digest(token))
    if row is None:
        return None, False
    idle, longest = _lifetimes()
    if is_session_expired(row.created_at, row.last_seen_at, now, idle, longest):
        db.session.delete(row)
        return None, True
    staff = db.session.get(Staff, row.staff_id)
    if staff is None or staff.disabled_at is not None:
        return None, False
    if should_record_activity(row.last_seen_at, now):
        row.last_seen_at = now
        return staff, True
    return staff, False


def current_staff() -> Staff | None:
    """Return the signed-in staff member of this request, or None.

    The first call of a request checks the session against the table (and ends it
    when it has expired); later calls reuse the answer.
    """
    if CURRENT not in request.environ:
        staff, changed = _open_session(clock.now())
        request.environ[CURRENT] = staff
        if changed:
            # The session's last activity, or its end: the request's edge commits it
            # here, since a page that only reads commits nothing else.
            db.session.commit()
    return request.environ[CURRENT]


def requires_role(*roles: StaffRole):
    """Let a view run only for a signed-in staff member holding one of ``roles``.

    Nobody signed in: to the sign-in page. Another role: 403 with a page that says so.
    The check runs on the server for every request, GET and POST alike.
    """

    def decorator(view):
        @functools.wraps(view)
        def wrapped(*args, **kwargs):
            staff = current_staff()
            if staff is None:
                target = request.path if request.method == "GET" else None
                return redirect(url_for("secretariat.login", next=target), code=303)
            if staff.role not in roles:
                page = render_template(
                    "secretariat/forbidden.html",
                    role=ROLE_LABELS[staff.role],
                    allowed=[ROLE_LABELS[r] for r in roles],
                )
                return page, 403
            return view(*args, **kwargs)

        return wrapped

    return decorator
