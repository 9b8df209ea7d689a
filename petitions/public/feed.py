"""Atom feeds of the public initiatives' steps: all initiatives, or one of them."""

import uuid
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import UTC, datetime

from flask import Blueprint, Response
from flask_babel import format_date
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from petitions import clock, dates
from petitions.extensions import db
from petitions.initiatives.labels import action_label
from petitions.initiatives.queries import PUBLIC_STATES, get_initiative_or_404
from petitions.initiatives.rules import AWAITING_COUNCIL, is_overdue
from petitions.initiatives.timeline import entry_facts
from petitions.models import AuditEntry, Initiative
from petitions.web.languages import current_language
from petitions.web.urls import public_url

bp = Blueprint("feed", __name__)

ATOM = "http://www.w3.org/2005/Atom"

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

MAX_ENTRIES = 100

# Ids are derived from this fixed namespace and what never changes (an audit entry's
# hash, a slug), not from the host: a reader sees the same entry as the same entry
# whichever address serves the feed.
ID_NAMESPACE = uuid.UUID("99407a5d-4e7f-56ad-95e4-fb3353750a9a")


@dataclass
class FeedEntry:
    """One entry of a feed: a step of an initiative, or its passed deadline."""

    key: str
    initiative: Initiative
    updated: datetime
    label: str
    summary: str


def _urn(key: str) -> str:
    return f"urn:uuid:{uuid.uuid5(ID_NAMESPACE, key)}"


def _rfc3339(instant: datetime) -> str:
    return instant.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def _title(initiative: Initiative) -> str:
    text = initiative.text(current_language())
    return text.title if text else initiative.slug


def _audit_entries(*conditions) -> list[FeedEntry]:
    rows = db.session.execute(
        select(AuditEntry, Initiative)
        .join(Initiative, Initiative.id == AuditEntry.initiative_id)
        .options(selectinload(Initiative.texts))
        .where(
            AuditEntry.public.is_(True),
            Initiative.state.in_(PUBLIC_STATES),
            *conditions,
        )
        .order_by(AuditEntry.seq.desc())
        .limit(MAX_ENTRIES)
    ).all()
    entries = []
    for audit_entry, initiative in rows:
        parts = entry_facts(audit_entry.action, audit_entry.details or {})
        if audit_entry.reason:
            parts.append(_("Reason:") + " " + audit_entry.reason)
        entries.append(
            FeedEntry(
                key=f"audit:{audit_entry.hash}",
                initiative=initiative,
                updated=audit_entry.at,
                label=action_label(audit_entry.action),
                summary=" ".join(parts),
            )
        )
    return entries


def _overdue_entries(now: datetime, *conditions) -> list[FeedEntry]:
    # A passed deadline is no recorded step, yet the public must see it everywhere:
    # it is an entry dated at the end of the deadline's last day, for as long as the
    # vote is missing.
    timezone = dates.zone()
    candidates = db.session.scalars(
        select(Initiative)
        .options(selectinload(Initiative.texts))
        .where(
            Initiative.state.in_(AWAITING_COUNCIL),
            Initiative.council_deadline < dates.day_of(now),
            *conditions,
        )
    ).all()
    return [
        FeedEntry(
            key=f"overdue:{initiative.slug}:{initiative.council_deadline.isoformat()}",
            initiative=initiative,
            updated=dates.end_of_day(initiative.council_deadline, timezone),
            label=_("Overdue"),
            summary=_(
                "Overdue: the council's deadline of %(date)s has passed without a vote.",
                date=format_date(initiative.council_deadline, "long"),
            ),
        )
        for initiative in candidates
        if is_overdue(initiative, now)
    ]


def _add(parent: ET.Element, tag: str, text: str | None = None, **attributes):
    element = ET.SubElement(parent, tag, attributes)
    if text is not None:
        element.text = text
    return element


def build_feed(
    feed_id: str, title: str, self_url: str, page_url: str, entries, now
) -> bytes:
    """Return an Atom document; ElementTree escapes every text and attribute."""
    entries = sorted(entries, key=lambda e: e.updated, reverse=True)[:MAX_ENTRIES]
    feed = ET.Element("feed", {"xmlns": ATOM, XML_LANG: current_language()})
    _add(feed, "id", feed_id)
    _add(feed, "title", title)
    _add(feed, "updated", _rfc3339(entries[0].updated if entries else now))
    _add(feed, "link", rel="self", type="application/atom+xml", href=self_url)
    _add(feed, "link", rel="alternate", type="text/html", href=page_url)
    author = _add(feed, "author")
    _add(author, "name", _("City of Brussels"))
    for entry in entries:
        item = _add(feed, "entry")
        _add(item, "id", _urn(entry.key))
        _add(item, "title", f"{_title(entry.initiative)}: {entry.label}")
        _add(item, "updated", _rfc3339(entry.updated))
        _add(
            item,
            "link",
            rel="alternate",
            type="text/html",
            href=public_url("public.initiative", slug=entry.initiative.slug),
        )
        if entry.summary:
            _add(item, "summary", entry.summary)
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True)


def _atom(document: bytes) -> Response:
    return Response(document, content_type="application/atom+xml; charset=utf-8")


@bp.get("/feed.atom")
def feed():
    """Return the Atom feed of every public initiative's steps, newest first."""
    now = clock.now()
    entries = _audit_entries() + _overdue_entries(now)
    return _atom(
        build_feed(
            _urn("feed"),
            _("Citizens' initiatives – City of Brussels"),
            public_url("feed.feed"),
            public_url("public.index"),
            entries,
            now,
        )
    )


@bp.get("/initiatives/<slug>/feed.atom")
def initiative_feed(slug: str):
    """Return the Atom feed of one public initiative's steps, newest first."""
    initiative = get_initiative_or_404(slug)
    now = clock.now()
    entries = _audit_entries(Initiative.id == initiative.id) + _overdue_entries(
        now, Initiative.id == initiative.id
    )
    return _atom(
        build_feed(
            _urn(f"feed:{initiative.slug}"),
            _title(initiative),
            public_url("feed.initiative_feed", slug=initiative.slug),
            public_url("public.initiative", slug=initiative.slug),
            entries,
            now,
        )
    )
