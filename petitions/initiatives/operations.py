"""The life of an initiative, draft to decision: each transition checked and recorded.

Operations flush, never commit. Every transition appends to the audit log; those the
public sees (submission, decisions, filing, the council's steps) form the timeline.
"""

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from petitions import dates
from petitions.extensions import db
from petitions.initiatives import audit
from petitions.initiatives.rules import (
    ADMISSIBILITY_CHECKLIST,
    TEXT_LANGUAGES,
    collection_ends_on,
    has_reached_threshold,
)
from petitions.mail.outbox import enqueue
from petitions.mail.recipients import mail_representatives
from petitions.models import (
    AdmissibilityReview,
    AuditEntry,
    ConsultationMeeting,
    Initiative,
    InitiativeState,
    InitiativeText,
    Outcome,
    Staff,
)
from petitions.sealing.records import signature_records

S = InitiativeState


class TransitionRefused(Exception):
    """The change is not allowed now; ``code`` names why (pages map it to a message)."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


@dataclass
class TextInput:
    title: str
    summary: str
    body: str


def require_state(initiative: Initiative, *states: InitiativeState) -> None:
    if initiative.state not in states:
        raise TransitionRefused("wrong_state")


def move_to(
    initiative, state, now, actor, action, *, reason="", public=True, **details
):
    initiative.state = state
    initiative.state_changed_at = now
    audit.record(
        actor, action, now, initiative, public=public, reason=reason, **details
    )


def staff_actor(staff: Staff) -> str:
    """Return how the audit log names a staff member (their role and id, no address)."""
    return f"staff:{staff.id}:{staff.role.value}"


def set_texts(initiative: Initiative, texts: dict[str, TextInput]) -> None:
    existing = {t.language: t for t in initiative.texts}
    for language, text in texts.items():
        row = existing.get(language)
        if row is None:
            initiative.texts.append(
                InitiativeText(
                    language=language,
                    title=text.title,
                    summary=text.summary,
                    body=text.body,
                )
            )
        else:
            row.title, row.summary, row.body = text.title, text.summary, text.body


def add_translation(initiative: Initiative, language: str, text: TextInput, staff, now):
    """Add or correct the text in one language before collection opens."""
    require_state(initiative, S.draft, S.submitted)
    if language not in TEXT_LANGUAGES:
        raise TransitionRefused("text_language")
    set_texts(initiative, {language: text})
    audit.record(
        staff_actor(staff), "translation-added", now, initiative, language=language
    )
    db.session.flush()


def _next_register_number(year: int) -> str:
    prefix = f"{year}-"
    numbers = db.session.scalars(
        select(Initiative.register_number).where(
            Initiative.register_number.like(prefix + "%")
        )
    ).all()
    highest = max((int(n.split("-")[1]) for n in numbers), default=0)
    return f"{prefix}{highest + 1:03d}"


def review_admissibility(initiative: Initiative, staff: Staff, checklist: dict, now):
    """Record the admissibility checklist; open collection or publish the refusal.

    ``checklist`` maps every item of ADMISSIBILITY_CHECKLIST to (passed, reason); a
    failed item needs its reason, because the decision and its reasons are published.
    """
    require_state(initiative, S.submitted)
    if set(checklist) != set(ADMISSIBILITY_CHECKLIST):
        raise TransitionRefused("checklist_incomplete")
    failed = {
        item: reason.strip() for item, (ok, reason) in checklist.items() if not ok
    }
    if any(not reason for reason in failed.values()):
        raise TransitionRefused("reason_missing")
    admissible = not failed
    if admissible and {t.language for t in initiative.texts} < set(TEXT_LANGUAGES):
        raise TransitionRefused("translation_missing")
    db.session.add(
        AdmissibilityReview(
            initiative_id=initiative.id,
            staff_id=staff.id,
            admissible=admissible,
            checklist={
                k: {"ok": ok, "reason": r.strip()} for k, (ok, r) in checklist.items()
            },
            decided_at=now,
        )
    )
    actor = staff_actor(staff)
    if admissible:
        today = dates.day_of(now)
        initiative.register_number = _next_register_number(today.year)
        initiative.published_at = now
        initiative.collection_starts_on = today
        initiative.collection_ends_on = collection_ends_on(today)
        move_to(
            initiative,
            S.collecting,
            now,
            actor,
            "admissible",
            register_number=initiative.register_number,
        )
    else:
        move_to(
            initiative,
            S.inadmissible,
            now,
            actor,
            "inadmissible",
            reason="; ".join(failed.values()),
            failed=sorted(failed),
        )
    mail_representatives(
        initiative, "admissibility-decision", now, admissible=admissible
    )
    try:
        db.session.flush()
    except IntegrityError:
        raise TransitionRefused("register_number_taken") from None


def confirmed_count(initiative: Initiative) -> int:
    """Return the confirmed signatures of an initiative."""
    return initiative.confirmed_count()


def record_verification(
    initiative: Initiative, staff: Staff, valid: int, invalid: int, now
):
    """Record the register check: verified at the threshold, insufficient below it."""
    require_state(initiative, S.filed)
    if valid < 0 or invalid < 0:
        raise TransitionRefused("negative_count")
    initiative.valid_count, initiative.invalid_count = valid, invalid
    state = S.verified if has_reached_threshold(initiative, valid) else S.insufficient
    move_to(
        initiative,
        state,
        now,
        staff_actor(staff),
        state.value,
        valid=valid,
        invalid=invalid,
    )
    mail_representatives(
        initiative, "verification-result", now, verified=state is S.verified
    )


def _to_council(initiative: Initiative, now, actor: str) -> None:
    if initiative.state is S.verified:
        move_to(initiative, S.with_council, now, actor, "with-council")


def add_consultation(
    initiative, staff, starts_at: datetime, place: str, notes: str, now
):
    """Schedule a consultation meeting with the initiators."""
    require_state(initiative, S.verified, S.with_council)
    _to_council(initiative, now, staff_actor(staff))
    initiative.meetings.append(
        ConsultationMeeting(starts_at=starts_at, place=place, notes=notes)
    )
    audit.record(
        staff_actor(staff),
        "consultation-scheduled",
        now,
        initiative,
        public=True,
        starts_at=starts_at.isoformat(),
        place=place,
    )
    mail_representatives(
        initiative,
        "consultation-scheduled",
        now,
        starts_at=starts_at.isoformat(),
        place=place,
    )
    db.session.flush()


def set_agenda_date(initiative: Initiative, staff: Staff, day: date, now) -> None:
    """Put the initiative on the council's agenda for ``day``."""
    require_state(initiative, S.verified, S.with_council)
    _to_council(initiative, now, staff_actor(staff))
    initiative.agenda_date = day
    audit.record(
        staff_actor(staff),
        "agenda-set",
        now,
        initiative,
        public=True,
        agenda_date=day.isoformat(),
    )
    db.session.flush()


def record_vote(
    initiative, staff, vote_date: date, outcome: Outcome, minutes_url: str, now
):
    """Record the council's vote; tell the representatives and the opted-in signatories."""
    require_state(initiative, S.verified, S.with_council)
    if vote_date > dates.day_of(now):
        raise TransitionRefused("vote_in_future")
    # The council votes on a filed initiative: an earlier date is a typing slip.
    if initiative.filed_at is not None and vote_date < dates.day_of(
        initiative.filed_at
    ):
        raise TransitionRefused("vote_before_filing")
    initiative.vote_date = vote_date
    initiative.outcome = outcome
    initiative.minutes_url = minutes_url
    initiative.decided_at = now
    move_to(
        initiative,
        S.decided,
        now,
        staff_actor(staff),
        "decided",
        outcome=outcome.value,
        vote_date=vote_date.isoformat(),
        minutes_url=minutes_url,
    )
    mail_representatives(initiative, "council-decided", now)


def mail_decision_to_signatories(
    initiative: Initiative, private_keys: list, now, actor: str
) -> int:
    """Send the council's decision to each signatory who asked for it, once.

    Their addresses are sealed to the secretariat: this needs its private key, given
    for this one action (the CLI or the secretariat's page), never stored. ``actor``
    (the staff member, or "cli") is who opened them, in the audit log.
    """
    require_state(initiative, S.decided)
    if db.session.scalar(
        select(func.count())
        .select_from(AuditEntry)
        .where(
            AuditEntry.initiative_id == initiative.id,
            AuditEntry.action == "decision-mailed",
        )
    ):
        raise TransitionRefused("already_mailed")
    sent = 0
    for signature, record in signature_records(initiative, private_keys):
        if signature.notify_decision and record.get("email"):
            enqueue(
                "council-decided",
                signature.language,
                record["email"],
                now,
                initiative_id=initiative.id,
            )
            sent += 1
    audit.record(actor, "decision-mailed", now, initiative, signatories=sent)
    return sent
