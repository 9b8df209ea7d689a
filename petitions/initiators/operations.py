"""The initiators' steps, each checked and recorded: draft, representatives, submit,
withdraw, file. Operations flush, never commit."""

import re
import secrets
import unicodedata
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import delete, func, select

from petitions import dates
from petitions.extensions import db
from petitions.initiatives import audit
from petitions.initiatives.operations import (
    TextInput,
    TransitionRefused,
    confirmed_count,
    move_to,
    require_state,
    set_texts,
)
from petitions.initiatives.rules import (
    BEFORE_FILING,
    are_text_languages,
    council_deadline,
    has_reached_threshold,
    in_blackout,
)
from petitions.initiators.rules import (
    is_representatives_count,
    representative_links_expired_before,
)
from petitions.mail.outbox import enqueue
from petitions.mail.recipients import mail_representatives, mail_staff
from petitions.models import (
    Initiative,
    InitiativeState,
    OutboxMessage,
    Representative,
    StaffRole,
)
from verification.addresses import comparable_address

S = InitiativeState


@dataclass
class RepresentativeInput:
    name: str
    email: str
    language: str


def slugify(title: str) -> str:
    """Return a URL-safe slug of a title, with a short random suffix."""
    ascii_title = (
        unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    )
    base = (
        re.sub(r"[^a-z0-9]+", "-", ascii_title.lower()).strip("-")[:60] or "initiative"
    )
    return f"{base}-{secrets.token_hex(3)}"


def create_draft(
    texts: dict[str, TextInput], representatives: list[RepresentativeInput], now
) -> Initiative:
    """Start a draft and ask each representative to confirm by e-mail."""
    if not are_text_languages(texts):
        raise TransitionRefused("text_language")
    if not is_representatives_count(len(representatives)):
        raise TransitionRefused("representatives_count")
    first = texts.get("fr") or texts.get("nl")
    initiative = Initiative(
        slug=slugify(first.title),
        state=S.draft,
        initiators=", ".join(r.name for r in representatives),
        threshold=current_app.config["SIGNATURE_THRESHOLD"],
        created_at=now,
        state_changed_at=now,
    )
    set_texts(initiative, texts)
    initiative.representatives = [
        Representative(name=r.name, email=r.email, language=r.language)
        for r in representatives
    ]
    db.session.add(initiative)
    db.session.flush()
    mail_representatives(initiative, "confirm-representative", now)
    audit.record("initiators", "draft-created", now, initiative)
    return initiative


def update_draft(initiative: Initiative, texts: dict[str, TextInput], now, actor: str):
    """Change the texts of a draft (only a draft can change)."""
    require_state(initiative, S.draft)
    if not are_text_languages(texts):
        raise TransitionRefused("text_language")
    set_texts(initiative, texts)
    audit.record(actor, "draft-edited", now, initiative)
    db.session.flush()


def confirm_representative(representative_id: int, now) -> Representative:
    """Record that a representative confirmed; send their management link once."""
    representative = db.session.get(Representative, representative_id)
    if representative is None:
        raise TransitionRefused("unknown_representative")
    if representative.confirmed_at is None:
        representative.confirmed_at = now
        send_management_link(representative, now)
        audit.record(
            f"representative:{representative.id}",
            "representative-confirmed",
            now,
            representative.initiative,
        )
        db.session.flush()
    return representative


def send_management_link(representative: Representative, now) -> None:
    """Mail a representative a fresh management link for their initiative."""
    enqueue(
        "management-link",
        representative.language,
        representative.email,
        now,
        initiative_id=representative.initiative_id,
        representative_id=representative.id,
    )


def request_management_links(email: str, now) -> int:
    """Mail a management link for every open initiative this address represents."""
    rows = db.session.scalars(
        select(Representative)
        .join(Initiative)
        .where(
            func.lower(Representative.email) == comparable_address(email),
            Representative.confirmed_at.is_not(None),
            Initiative.state.not_in((S.withdrawn, S.decided)),
        )
    ).all()
    for representative in rows:
        send_management_link(representative, now)
    return len(rows)


def submit_initiative(initiative: Initiative, now, actor: str) -> None:
    """Hand a draft to the secretariat once every representative has confirmed."""
    require_state(initiative, S.draft)
    if any(r.confirmed_at is None for r in initiative.representatives):
        raise TransitionRefused("representatives_unconfirmed")
    if in_blackout(now):
        raise TransitionRefused("blackout")
    initiative.submitted_at = now
    move_to(initiative, S.submitted, now, actor, "submitted")
    mail_staff(
        (StaffRole.secretariat,),
        "staff-initiative-submitted",
        now,
        initiative_id=initiative.id,
    )


def withdraw_initiative(
    initiative: Initiative, now, actor: str, reason: str = ""
) -> None:
    """Withdraw an initiative at the initiators' request, any time before filing."""
    require_state(initiative, *BEFORE_FILING)
    move_to(initiative, S.withdrawn, now, actor, "withdrawn", reason=reason)


def file_initiative(initiative: Initiative, now, actor: str) -> None:
    """File a collecting initiative that reached its threshold; start the council's clock.

    Every representative and the secretariat hear of it: the representatives with their
    management link, the secretariat with its own page (never a management link).
    """
    require_state(initiative, S.collecting)
    count = confirmed_count(initiative)
    if not has_reached_threshold(initiative, count):
        raise TransitionRefused("below_threshold")
    initiative.filed_at = now
    initiative.council_deadline = council_deadline(dates.day_of(now))
    move_to(
        initiative,
        S.filed,
        now,
        actor,
        "filed",
        council_deadline=initiative.council_deadline.isoformat(),
    )
    mail_representatives(initiative, "initiative-filed", now, confirmed=count)
    mail_staff(
        (StaffRole.secretariat,),
        "initiative-filed",
        now,
        initiative_id=initiative.id,
        confirmed=count,
        staff=True,
    )


def purge_unconfirmed_drafts(now) -> dict:
    """Forget who never confirmed as representative once their links expired.

    Anyone can name anyone as a representative: a draft that nobody confirmed is
    deleted whole (texts, names, addresses), and from a draft that some confirmed,
    those who did not are removed, so that no address stays that its owner never
    agreed to give.
    """
    drafts = db.session.scalars(
        select(Initiative).where(
            Initiative.state == S.draft,
            Initiative.created_at < representative_links_expired_before(now),
            Initiative.representatives.any(Representative.confirmed_at.is_(None)),
        )
    ).all()
    counts = {"drafts": 0, "representatives": 0}
    for initiative in drafts:
        unconfirmed = [r for r in initiative.representatives if r.confirmed_at is None]
        # Their mails not yet delivered hold the address too.
        db.session.execute(
            delete(OutboxMessage).where(
                OutboxMessage.representative_id.in_([r.id for r in unconfirmed]),
                OutboxMessage.sent_at.is_(None),
            )
        )
        if len(unconfirmed) == len(initiative.representatives):
            audit.record("system", "draft-expired", now, initiative)
            db.session.delete(initiative)
            counts["drafts"] += 1
            continue
        for representative in unconfirmed:
            initiative.representatives.remove(representative)
        audit.record(
            "system",
            "representatives-expired",
            now,
            initiative,
            representatives=len(unconfirmed),
        )
        counts["representatives"] += len(unconfirmed)
    db.session.flush()
    return counts
