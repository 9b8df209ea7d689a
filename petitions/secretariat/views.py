"""The council secretariat's pages (staff accounts, every page checks the role)."""

from datetime import date

from flask import render_template
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from petitions import clock
from petitions.dossier.register_check import counted_total
from petitions.extensions import db
from petitions.initiatives.operations import (
    TextInput,
    TransitionRefused,
    add_consultation,
    add_translation,
    record_verification,
    record_vote,
    review_admissibility,
    set_agenda_date,
)
from petitions.initiatives.queries import confirmed_counts
from petitions.initiatives.rules import council_days_left, is_overdue
from petitions.models import (
    Initiative,
    InitiativeState,
    Outcome,
)

# The key-using actions and the paper signatures live in their own modules; importing
# them registers their routes on bp.
from petitions.secretariat.pages import (
    ACTIONS,
    DASHBOARD_GROUPS,
    bp,
    done,
    initiative_or_404,
    initiative_titles,
    refusal_messages,
    render_page,
    wrong_state,
)
from petitions.secretariat.sessions import current_staff, requires_role
from petitions.secretariat.staff import ALL_ROLES
from petitions.secretariat.week import this_week

S = InitiativeState


def _dashboard_row(initiative: Initiative, count: int, now) -> dict:
    title, title_lang = initiative_titles(initiative)
    return {
        "initiative": initiative,
        "title": title,
        "title_lang": title_lang,
        "count": count,
        "days_left": council_days_left(initiative, now),
        "overdue": is_overdue(initiative, now),
    }


@bp.get("/")
@requires_role(*ALL_ROLES)
def dashboard():
    """List every initiative by state, the ones waiting on the staff first."""
    initiatives = db.session.scalars(
        select(Initiative)
        .options(selectinload(Initiative.texts))
        .order_by(Initiative.council_deadline, Initiative.submitted_at, Initiative.id)
    ).all()
    counts = confirmed_counts([i.id for i in initiatives])
    now = clock.now()
    groups = [
        {
            "key": key,
            "title": title,
            "rows": [
                _dashboard_row(i, counts[i.id], now)
                for i in initiatives
                if i.state in states
            ],
        }
        for key, title, states in DASHBOARD_GROUPS
    ]
    return render_template(
        "secretariat/dashboard.html", groups=groups, week=this_week(initiatives, now)
    )


@bp.get("/initiatives/<slug>")
@requires_role(*ALL_ROLES)
def initiative(slug: str):
    """Show an initiative with the actions the staff member's role allows."""
    return render_page(initiative_or_404(slug))


def _perform(slug: str, name: str, operation):
    """Validate an action's form, run its operation, commit once, redirect (PRG)."""
    initiative = initiative_or_404(slug)
    if initiative.state not in ACTIONS[name].states:
        return wrong_state(initiative)
    form = ACTIONS[name].form(prefix=name)
    if not form.validate():
        return render_page(initiative, forms={name: form}, status=400)
    try:
        operation(initiative, current_staff(), form, clock.now())
    except TransitionRefused as refusal:
        db.session.rollback()
        if refusal.code == "wrong_state":
            return wrong_state(initiative)
        field, message = refusal_messages()[refusal.code]
        if field is None:
            status = 409 if refusal.code == "register_number_taken" else 400
            return render_page(
                initiative, forms={name: form}, problem=message, status=status
            )
        form[field].errors = [*form[field].errors, message]
        return render_page(initiative, forms={name: form}, status=400)
    db.session.commit()
    return done(name, initiative)


@bp.post("/initiatives/<slug>/review")
@requires_role(*ACTIONS["review"].roles)
def review(slug: str):
    """Record the admissibility checklist: open collection or publish the refusal."""

    def operation(initiative, staff, form, now):
        review_admissibility(initiative, staff, form.checklist(), now)

    return _perform(slug, "review", operation)


@bp.post("/initiatives/<slug>/translation")
@requires_role(*ACTIONS["translation"].roles)
def translation(slug: str):
    """Add or correct the French or Dutch text before collection opens."""

    def operation(initiative, staff, form, now):
        text = TextInput(form.title.data, form.summary.data, form.body.data)
        add_translation(initiative, form.language.data, text, staff, now)

    return _perform(slug, "translation", operation)


@bp.post("/initiatives/<slug>/verification")
@requires_role(*ACTIONS["verification"].roles)
def verification(slug: str):
    """Record the result of the check against the population register."""

    def operation(initiative, staff, form, now):
        # Hand-typed counts: the register cannot judge more signatures than were sent.
        if form.valid.data + form.invalid.data > counted_total(initiative):
            raise TransitionRefused("more_than_received")
        record_verification(initiative, staff, form.valid.data, form.invalid.data, now)

    return _perform(slug, "verification", operation)


@bp.post("/initiatives/<slug>/meetings")
@requires_role(*ACTIONS["meeting"].roles)
def meeting(slug: str):
    """Schedule a consultation meeting with the initiators."""

    def operation(initiative, staff, form, now):
        add_consultation(
            initiative,
            staff,
            form.starts_at.to_utc(),
            form.place.data,
            form.notes.data or "",
            now,
        )

    return _perform(slug, "meeting", operation)


@bp.post("/initiatives/<slug>/agenda")
@requires_role(*ACTIONS["agenda"].roles)
def agenda(slug: str):
    """Set the date of the council meeting that will debate the initiative."""

    def operation(initiative, staff, form, now):
        set_agenda_date(initiative, staff, form.agenda_date.data, now)

    return _perform(slug, "agenda", operation)


@bp.post("/initiatives/<slug>/vote")
@requires_role(*ACTIONS["vote"].roles)
def vote(slug: str):
    """Record the council's vote, its outcome and the link to the minutes."""

    def operation(initiative, staff, form, now):
        day: date = form.vote_date.data
        record_vote(
            initiative,
            staff,
            day,
            Outcome(form.outcome.data),
            form.minutes_url.data,
            now,
        )

    return _perform(slug, "vote", operation)
