"""The secretariat's paper pages: rows of signed sheets typed one by one, or a CSV.

Paper signatures are entered while the initiative collects signatures, the only time
they can count: initiators hand in their sheets before filing. Each save says how it
went without repeating whose row it was: the page is read over a shoulder too.
"""

from collections import Counter
from datetime import date

from flask import (
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from markupsafe import Markup, escape

from petitions import clock, dates
from petitions.extensions import db
from petitions.initiatives.labels import STAFF_STATE_LABELS
from petitions.models import Initiative, InitiativeState, StaffRole
from petitions.paper.forms import (
    COLUMNS,
    PaperImportForm,
    PaperSignatureForm,
    SheetFileError,
    read_sheet_file,
)
from petitions.paper.operations import (
    ACCEPTED,
    DUPLICATE,
    NOT_RESIDENT,
    OUTCOMES,
    UNDER_AGE,
    UNREADABLE,
    PaperEntry,
    enter_paper_signature,
    paper_count,
    record_entry,
)
from petitions.paper.rules import SignedOnRefused
from petitions.secretariat.pages import bp, initiative_or_404, initiative_titles
from petitions.secretariat.sessions import current_staff, requires_role
from petitions.signing.messages import eligibility_messages
from petitions.signing.operations import NotCollecting

PAPER_FILE_ENDPOINTS = {"secretariat.paper_import"}

PAPER_FILE_BYTES = 5 * 1024 * 1024

REPORT_ROWS = 500  # refused rows listed on the report page; the rest are counted

LAST_ENTRY = "paper_last_entry"

LAST_SIGNED_ON = "paper_signed_on"


@bp.url_value_preprocessor
def _allow_paper_files(endpoint, values):
    # Before CSRFProtect reads the form, as for the register's verdict files.
    if endpoint in PAPER_FILE_ENDPOINTS:
        request.max_content_length = PAPER_FILE_BYTES
        request.max_form_memory_size = PAPER_FILE_BYTES


def signed_on_message(initiative: Initiative, code: str) -> str:
    """Return the message for an impossible signing date."""
    if code == "future":
        return _("The signing date cannot be in the future.")
    if code == "before_collection":
        return _(
            "The collection had not started on this date: it started on %(day)s.",
            day=initiative.collection_starts_on.isoformat(),
        )
    return _(
        "The collection had ended on this date: it ended on %(day)s.",
        day=initiative.collection_ends_on.isoformat(),
    )


def outcome_labels() -> dict[str, str]:
    """Return the name of each outcome of a row, as the report shows it."""
    return {
        ACCEPTED: _("accepted"),
        DUPLICATE: _("duplicate"),
        NOT_RESIDENT: _("not resident"),
        UNDER_AGE: _("under age"),
        UNREADABLE: _("unreadable"),
    }


def _entry(form: PaperSignatureForm) -> PaperEntry:
    return PaperEntry(
        **{name: form[name].data for name in PaperEntry.__dataclass_fields__}
    )


def _today() -> date:
    return dates.day_of(clock.now())


def _page(
    initiative: Initiative, form=None, import_form=None, problem=None, status=200
):
    title, title_lang = initiative_titles(initiative)
    if form is None:
        signed_on = session.get(LAST_SIGNED_ON)
        form = PaperSignatureForm(
            formdata=None,
            signed_on=date.fromisoformat(signed_on) if signed_on else _today(),
        )
    last = session.pop(LAST_ENTRY, None) if request.method == "GET" else None
    if last and last.get("slug") != initiative.slug:
        last = None
    page = render_template(
        "secretariat/paper.html",
        initiative=initiative,
        title=title,
        title_lang=title_lang,
        collecting=initiative.state is InitiativeState.collecting,
        state_label=STAFF_STATE_LABELS[initiative.state],
        form=form,
        import_form=import_form or PaperImportForm(formdata=None),
        columns=COLUMNS,
        total=initiative.confirmed_count(),
        on_paper=paper_count(initiative),
        last=last,
        last_message=_last_message(last) if last else None,
        problem=problem,
    )
    return page, status


def _last_message(last: dict) -> str:
    outcome = last["outcome"]
    if outcome == ACCEPTED:
        return _("Row saved: no. %(number)s.", number=last["number"])
    if outcome == DUPLICATE:
        return _(
            "Row not saved (duplicate): this person has already signed this initiative, online or on paper."
        )
    if outcome == UNDER_AGE:
        return _(
            "Row not saved (under age): the signatory was under 16 on the day they signed."
        )
    reason = eligibility_messages()[last["reason"]][1]
    return _("Row not saved (not resident): %(reason)s", reason=reason)


def _not_collecting(initiative: Initiative):
    message = _(
        "Paper signatures can be entered only while the initiative collects signatures (its state is “%(state)s”).",
        state=STAFF_STATE_LABELS[initiative.state],
    )
    return _page(initiative, problem=message, status=409)


@bp.get("/initiatives/<slug>/paper")
@requires_role(StaffRole.secretariat)
def paper_signatures(slug: str):
    """Show the forms to enter paper signatures, and how the last row went."""
    return _page(initiative_or_404(slug))


@bp.post("/initiatives/<slug>/paper")
@requires_role(StaffRole.secretariat)
def paper_enter(slug: str):
    """Enter one row of a signed sheet: counted at once, or refused with its reason."""
    initiative = initiative_or_404(slug)
    if initiative.state is not InitiativeState.collecting:
        return _not_collecting(initiative)
    form = PaperSignatureForm()
    if not form.validate():
        return _page(initiative, form=form, status=400)
    now = clock.now()
    try:
        entered = enter_paper_signature(initiative, _entry(form), now)
    except SignedOnRefused as refusal:
        db.session.rollback()
        form.signed_on.errors.append(signed_on_message(initiative, refusal.code))
        return _page(initiative, form=form, status=400)
    except NotCollecting:  # pragma: no cover - the state was checked just above
        db.session.rollback()
        return _not_collecting(initiative)
    if entered.outcome == UNREADABLE:
        db.session.rollback()
        form.birth_date.errors.append(eligibility_messages()[entered.reason][1])
        return _page(initiative, form=form, status=400)
    last = {"slug": slug, "outcome": entered.outcome, "reason": entered.reason}
    if entered.outcome == ACCEPTED:
        record_entry(initiative, current_staff(), {ACCEPTED: 1}, now)
        last["number"] = paper_count(initiative)
    db.session.commit()
    session[LAST_ENTRY] = last
    session[LAST_SIGNED_ON] = form.signed_on.data.isoformat()
    return redirect(url_for(".paper_signatures", slug=slug), code=303)


def _row_problems(row) -> list[str]:
    if row.form is None:
        return [_("This line cannot be read (a quote opened and never closed?).")]
    return [
        f"{row.form[name].label.text}: {row.form[name].errors[0]}"
        for name in row.form.errors
    ]


def _enter_row(initiative: Initiative, row, now) -> tuple[str, list[str]]:
    """Enter one line of the file; return its outcome and what to say about it."""
    problems = _row_problems(row)
    if problems:
        return UNREADABLE, problems
    form = row.form
    try:
        entered = enter_paper_signature(initiative, _entry(form), now)
    except SignedOnRefused as refusal:
        message = signed_on_message(initiative, refusal.code)
        return UNREADABLE, [f"{form.signed_on.label.text}: {message}"]
    if entered.reason is None:
        return entered.outcome, []
    field, message = eligibility_messages()[entered.reason]
    return entered.outcome, [f"{form[field].label.text}: {message}"]


def saved_lines(lines: list[int]) -> str:
    """Return line numbers as short ranges: 2–5, 8, 10–11."""
    ranges: list[list[int]] = []
    for line in lines:
        if ranges and line == ranges[-1][1] + 1:
            ranges[-1][1] = line
        else:
            ranges.append([line, line])
    return ", ".join(str(a) if a == b else f"{a}–{b}" for a, b in ranges)


@bp.post("/initiatives/<slug>/paper/import")
@requires_role(StaffRole.secretariat)
def paper_import(slug: str):
    """Enter a CSV of paper signatures: the good rows are saved, the others reported."""
    initiative = initiative_or_404(slug)
    if initiative.state is not InitiativeState.collecting:
        return _not_collecting(initiative)
    form = PaperImportForm()
    if not form.validate():
        return _page(initiative, import_form=form, status=400)
    try:
        rows = read_sheet_file(form.file.data.read())
    except SheetFileError as problem:
        form.file.errors.append(_file_message(problem))
        return _page(initiative, import_form=form, status=400)
    now = clock.now()
    counts: Counter = Counter()
    saved, refused = [], []
    for row in rows:
        outcome, problems = _enter_row(initiative, row, now)
        counts[outcome] += 1
        if outcome == ACCEPTED:
            saved.append(row.line)
        else:
            refused.append((row.line, outcome, problems))
    if saved:
        record_entry(initiative, current_staff(), counts, now)
    db.session.commit()
    title, title_lang = initiative_titles(initiative)
    # The report is the answer itself (sending the file again saves nothing twice:
    # its rows come back as duplicates).
    return render_template(
        "secretariat/paper_report.html",
        initiative=initiative,
        title=title,
        title_lang=title_lang,
        counts=counts,
        outcomes=OUTCOMES,
        labels=outcome_labels(),
        saved=saved_lines(saved),
        refused=refused[:REPORT_ROWS],
        more_refused=max(0, len(refused) - REPORT_ROWS),
        total=initiative.confirmed_count(),
        on_paper=paper_count(initiative),
    )


def _file_message(problem: SheetFileError) -> str:
    if problem.code == "not_utf8":
        return _("The file is not in UTF-8: save it again as “CSV UTF-8”.")
    if problem.code == "missing_columns":
        # The columns keep their fixed English names, marked as such in the message.
        names = Markup(", ").join(
            Markup('<code lang="en">{}</code>').format(name.strip())
            for name in problem.detail.split(",")
        )
        message = _(
            "The first line must name the columns; these are missing: %(columns)s."
        )
        return escape(message) % {"columns": names}
    return _("The file holds no row of signatures.")
