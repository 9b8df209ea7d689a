"""The life of an initiative, draft to decision: each transition checked and recorded.

Operations flush, never commit. Every transition appends to the audit log; those the
public sees (submission, decisions, filing, the council's steps) form the timeline.
"""

import re
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from . import audit, mail, rules
from .extensions import db
from .models import (
    AdmissibilityReview,
    AuditEntry,
    ConsultationMeeting,
    Initiative,
    InitiativeState,
    InitiativeText,
    Outcome,
    Representative,
    Staff,
    StaffRole,
)
from .sealed import signature_records

S = InitiativeState
ADMISSIBILITY_CHECKLIST = (
    "language",
    "municipal_competence",
    "general_interest",
    "fundamental_rights",
    "not_information_request",
    "not_recently_decided",
)
BEFORE_FILING = (S.draft, S.submitted, S.collecting)
AWAITING_COUNCIL = (S.filed, S.verified, S.with_council)
ENDED_WITHOUT_DECISION = (S.closed, S.withdrawn, S.inadmissible, S.insufficient)


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


@dataclass
class RepresentativeInput:
    name: str
    email: str
    language: str


def _config(key):
    return current_app.config[key]


def _today(now: datetime) -> date:
    return rules.legal_day(now, _config("TIMEZONE"))


def _require(initiative: Initiative, *states: InitiativeState) -> None:
    if initiative.state not in states:
        raise TransitionRefused("wrong_state")


def _move(initiative, state, now, actor, action, *, reason="", public=True, **details):
    initiative.state = state
    initiative.state_changed_at = now
    audit.record(
        actor, action, now, initiative, public=public, reason=reason, **details
    )


def staff_actor(staff: Staff) -> str:
    """Return how the audit log names a staff member (their role and id, no address)."""
    return f"staff:{staff.id}:{staff.role.value}"


def slugify(title: str) -> str:
    """Return a URL-safe slug of a title, with a short random suffix."""
    ascii_title = (
        unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    )
    base = (
        re.sub(r"[^a-z0-9]+", "-", ascii_title.lower()).strip("-")[:60] or "initiative"
    )
    return f"{base}-{secrets.token_hex(3)}"


def _set_texts(initiative: Initiative, texts: dict[str, TextInput]) -> None:
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


def create_draft(
    texts: dict[str, TextInput], representatives: list[RepresentativeInput], now
) -> Initiative:
    """Start a draft and ask each representative to confirm by e-mail."""
    if not texts or not set(texts) <= {"fr", "nl"}:
        raise TransitionRefused("text_language")
    if not 1 <= len(representatives) <= _config("MAX_REPRESENTATIVES"):
        raise TransitionRefused("representatives_count")
    first = texts.get("fr") or texts.get("nl")
    initiative = Initiative(
        slug=slugify(first.title),
        state=S.draft,
        initiators=", ".join(r.name for r in representatives),
        threshold=_config("SIGNATURE_THRESHOLD"),
        created_at=now,
        state_changed_at=now,
    )
    _set_texts(initiative, texts)
    initiative.representatives = [
        Representative(name=r.name, email=r.email, language=r.language)
        for r in representatives
    ]
    db.session.add(initiative)
    db.session.flush()
    for representative in initiative.representatives:
        mail.enqueue(
            "confirm-representative",
            representative.language,
            representative.email,
            now,
            initiative_id=initiative.id,
            representative_id=representative.id,
        )
    audit.record("initiators", "draft-created", now, initiative)
    return initiative


def update_draft(initiative: Initiative, texts: dict[str, TextInput], now, actor: str):
    """Change the texts of a draft (only a draft can change)."""
    _require(initiative, S.draft)
    if not texts or not set(texts) <= {"fr", "nl"}:
        raise TransitionRefused("text_language")
    _set_texts(initiative, texts)
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
    mail.enqueue(
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
            func.lower(Representative.email) == email.strip().lower(),
            Representative.confirmed_at.is_not(None),
            Initiative.state.not_in((S.withdrawn, S.decided)),
        )
    ).all()
    for representative in rows:
        send_management_link(representative, now)
    return len(rows)


def in_blackout(now) -> bool:
    """Say whether submissions are paused before a configured election."""
    election = _config("ELECTION_DATE")
    if not election:
        return False
    election_day = date.fromisoformat(str(election))
    today = _today(now)
    starts = rules.add_months(election_day, -_config("BLACKOUT_MONTHS"))
    return starts <= today <= election_day


def submit_initiative(initiative: Initiative, now, actor: str) -> None:
    """Hand a draft to the secretariat once every representative has confirmed."""
    _require(initiative, S.draft)
    if any(r.confirmed_at is None for r in initiative.representatives):
        raise TransitionRefused("representatives_unconfirmed")
    if in_blackout(now):
        raise TransitionRefused("blackout")
    initiative.submitted_at = now
    _move(initiative, S.submitted, now, actor, "submitted")
    for staff in staff_with(StaffRole.secretariat):
        mail.enqueue(
            "staff-initiative-submitted",
            "fr",
            staff.email,
            now,
            initiative_id=initiative.id,
        )


def withdraw_initiative(
    initiative: Initiative, now, actor: str, reason: str = ""
) -> None:
    """Withdraw an initiative at the initiators' request, any time before filing."""
    _require(initiative, *BEFORE_FILING)
    _move(initiative, S.withdrawn, now, actor, "withdrawn", reason=reason)


def add_translation(initiative: Initiative, language: str, text: TextInput, staff, now):
    """Add or correct the text in one language before collection opens."""
    _require(initiative, S.draft, S.submitted)
    if language not in ("fr", "nl"):
        raise TransitionRefused("text_language")
    _set_texts(initiative, {language: text})
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
    _require(initiative, S.submitted)
    if set(checklist) != set(ADMISSIBILITY_CHECKLIST):
        raise TransitionRefused("checklist_incomplete")
    failed = {
        item: reason.strip() for item, (ok, reason) in checklist.items() if not ok
    }
    if any(not reason for reason in failed.values()):
        raise TransitionRefused("reason_missing")
    admissible = not failed
    if admissible and {t.language for t in initiative.texts} < {"fr", "nl"}:
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
        today = _today(now)
        initiative.register_number = _next_register_number(today.year)
        initiative.published_at = now
        initiative.collection_starts_on = today
        initiative.collection_ends_on = rules.add_months(
            today, _config("COLLECTION_MONTHS")
        )
        _move(
            initiative,
            S.collecting,
            now,
            actor,
            "admissible",
            register_number=initiative.register_number,
        )
    else:
        _move(
            initiative,
            S.inadmissible,
            now,
            actor,
            "inadmissible",
            reason="; ".join(failed.values()),
            failed=sorted(failed),
        )
    _mail_representatives(
        initiative, "admissibility-decision", now, admissible=admissible
    )
    try:
        db.session.flush()
    except IntegrityError:
        raise TransitionRefused("register_number_taken") from None


def _mail_representatives(
    initiative: Initiative, template: str, now, **context
) -> None:
    for representative in initiative.representatives:
        mail.enqueue(
            template,
            representative.language,
            representative.email,
            now,
            initiative_id=initiative.id,
            representative_id=representative.id,
            **context,
        )


def staff_with(*roles: StaffRole) -> list[Staff]:
    """Return the staff members holding any of ``roles``."""
    return list(
        db.session.scalars(
            select(Staff).where(Staff.role.in_(roles)).order_by(Staff.id)
        )
    )


def confirmed_count(initiative: Initiative) -> int:
    """Return the confirmed signatures of an initiative."""
    return initiative.confirmed_count()


def file_initiative(initiative: Initiative, now, actor: str) -> None:
    """File a collecting initiative that reached its threshold; start the council's clock."""
    _require(initiative, S.collecting)
    if confirmed_count(initiative) < initiative.threshold:
        raise TransitionRefused("below_threshold")
    initiative.filed_at = now
    initiative.council_deadline = rules.add_months(
        _today(now), _config("COUNCIL_DEADLINE_MONTHS")
    )
    _move(
        initiative,
        S.filed,
        now,
        actor,
        "filed",
        council_deadline=initiative.council_deadline.isoformat(),
    )


def record_verification(
    initiative: Initiative, staff: Staff, valid: int, invalid: int, now
):
    """Record the register check: verified at the threshold, insufficient below it."""
    _require(initiative, S.filed)
    if valid < 0 or invalid < 0:
        raise TransitionRefused("negative_count")
    initiative.valid_count, initiative.invalid_count = valid, invalid
    state = S.verified if valid >= initiative.threshold else S.insufficient
    _move(
        initiative,
        state,
        now,
        staff_actor(staff),
        state.value,
        valid=valid,
        invalid=invalid,
    )
    _mail_representatives(
        initiative, "verification-result", now, verified=state is S.verified
    )


def _to_council(initiative: Initiative, now, actor: str) -> None:
    if initiative.state is S.verified:
        _move(initiative, S.with_council, now, actor, "with-council")


def add_consultation(
    initiative, staff, starts_at: datetime, place: str, notes: str, now
):
    """Schedule a consultation meeting with the initiators."""
    _require(initiative, S.verified, S.with_council)
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
    _mail_representatives(
        initiative,
        "consultation-scheduled",
        now,
        starts_at=starts_at.isoformat(),
        place=place,
    )
    db.session.flush()


def set_agenda_date(initiative: Initiative, staff: Staff, day: date, now) -> None:
    """Put the initiative on the council's agenda for ``day``."""
    _require(initiative, S.verified, S.with_council)
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
    _require(initiative, S.verified, S.with_council)
    if vote_date > _today(now):
        raise TransitionRefused("vote_in_future")
    initiative.vote_date = vote_date
    initiative.outcome = outcome
    initiative.minutes_url = minutes_url
    initiative.decided_at = now
    _move(
        initiative,
        S.decided,
        now,
        staff_actor(staff),
        "decided",
        outcome=outcome.value,
        vote_date=vote_date.isoformat(),
        minutes_url=minutes_url,
    )
    _mail_representatives(initiative, "council-decided", now)


def mail_decision_to_signatories(
    initiative: Initiative, private_keys: list, now
) -> int:
    """Send the council's decision to each signatory who asked for it, once.

    Their addresses are sealed to the secretariat: this needs its private key, given
    for this one action (the CLI or the secretariat's page), never stored.
    """
    _require(initiative, S.decided)
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
            mail.enqueue(
                "council-decided",
                signature.language,
                record["email"],
                now,
                initiative_id=initiative.id,
            )
            sent += 1
    audit.record("secretariat", "decision-mailed", now, initiative, signatories=sent)
    return sent


def is_overdue(initiative: Initiative, now) -> bool:
    """Say whether the council's deadline passed without a recorded vote."""
    return (
        initiative.state in AWAITING_COUNCIL
        and initiative.council_deadline is not None
        and _today(now) > initiative.council_deadline
    )


def council_days_left(initiative: Initiative, now) -> int | None:
    """Return the legal days left for the council's vote (None when no clock runs)."""
    if initiative.state not in AWAITING_COUNCIL or initiative.council_deadline is None:
        return None
    return rules.days_left(initiative.council_deadline, now, _config("TIMEZONE"))
