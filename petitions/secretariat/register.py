"""The secretariat's actions that need a private key: the register check, the decision
mail and the certified dossier. The key file and its passphrase come with the request and
are used for that one action only, in memory (never the session, never the disk)."""

import io

from flask import (
    Response,
    abort,
    make_response,
    render_template,
    request,
    send_file,
    stream_with_context,
)
from flask_babel import gettext as _

from petitions import clock
from petitions.dossier.export import DossierRefused, export_dossier
from petitions.dossier.register_check import (
    MissingKeys,
    apply_verdicts,
    export_lines,
    problem_message,
    read_verdicts,
)
from petitions.extensions import db
from petitions.initiatives import audit
from petitions.initiatives.operations import (
    TransitionRefused,
    mail_decision_to_signatories,
    staff_actor,
)
from petitions.models import (
    Initiative,
)
from petitions.secretariat.forms import VerdictImportForm
from petitions.secretariat.pages import (
    ACTIONS,
    bp,
    done,
    initiative_or_404,
    initiative_titles,
    render_page,
    wrong_state,
)
from petitions.secretariat.sessions import current_staff, requires_role
from verification.keys import KeyFileError, WrongPassphrase, load_private_key
from verification.sealing import SealedDataError

VERDICT_FILE_ENDPOINTS = {"secretariat.register_import"}

VERDICT_FILE_BYTES = 20 * 1024 * 1024

REPORT_ROWS = 500  # problems listed on the report page; the rest are counted


@bp.url_value_preprocessor
def _allow_verdict_files(endpoint, values):
    if endpoint in VERDICT_FILE_ENDPOINTS:
        request.max_content_length = VERDICT_FILE_BYTES
        request.max_form_memory_size = VERDICT_FILE_BYTES


def _page_response(initiative: Initiative, name: str, form, status=400, problem=None):
    page, status = render_page(
        initiative, forms={name: form}, problem=problem, status=status
    )
    return make_response(page, status)


def _with_keys(slug: str, name: str):
    """Return the initiative, the action's form and the private keys it uploaded.

    The keys live in this request's memory only: never in the session, nor on disk
    (the site-wide size limit keeps uploads this small in memory). Aborts with the
    page (400, or 409 in the wrong state) when they cannot be used.
    """
    initiative = initiative_or_404(slug)
    if initiative.state not in ACTIONS[name].states:
        abort(make_response(*wrong_state(initiative)))
    form = ACTIONS[name].form(prefix=name)
    if form.validate():
        passphrase = form.passphrase.data.encode()
        try:
            keys = [load_private_key(f.read(), passphrase) for f in form.key.data]
        except WrongPassphrase:
            form.passphrase.errors.append(
                _("This passphrase does not open the private key.")
            )
        except KeyFileError:
            form.key.errors.append(
                _("This file is not a private key of the service (a .pem file).")
            )
        else:
            return initiative, form, keys
    abort(_page_response(initiative, name, form))


def _key_does_not_open(initiative: Initiative, name: str, form):
    form.key.errors.append(
        _(
            "This key does not open the signatures: give the secretariat's private sealing key (after a key rotation, the older keys too)."
        )
    )
    return _page_response(initiative, name, form)


@bp.post("/initiatives/<slug>/register-export")
@requires_role(*ACTIONS["export"].roles)
def register_export(slug: str):
    """Download the list of counted signatures for the population register (CSV)."""
    initiative, form, keys = _with_keys(slug, "export")
    try:
        lines = export_lines(initiative, keys)
    except MissingKeys:
        return _key_does_not_open(initiative, "export", form)
    # Who opened the signatories' data, and when: in the audit log (not public).
    actor = staff_actor(current_staff())
    audit.record(actor, "register-list-exported", clock.now(), initiative)
    db.session.commit()
    response = Response(stream_with_context(lines), mimetype="text/csv")
    response.headers["Content-Disposition"] = (
        f'attachment; filename="register-check-{initiative.slug}.csv"'
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/initiatives/<slug>/register-import")
@requires_role(*ACTIONS["verdicts"].roles)
def register_import(slug: str):
    """Apply the population register's verdicts: every row readable, or nothing."""
    initiative = initiative_or_404(slug)
    if initiative.state not in ACTIONS["verdicts"].states:
        return wrong_state(initiative)
    form = VerdictImportForm(prefix="verdicts")
    if not form.validate():
        return render_page(initiative, forms={"verdicts": form}, status=400)
    verdicts = read_verdicts(initiative, form.file.data.read())
    if not verdicts.ok:
        title, title_lang = initiative_titles(initiative)
        page = render_template(
            "secretariat/verdict_report.html",
            initiative=initiative,
            title=title,
            title_lang=title_lang,
            verdicts=verdicts,
            problems=[
                (p.line, problem_message(p, markup=True))
                for p in verdicts.problems[:REPORT_ROWS]
            ],
            report_rows=REPORT_ROWS,
        )
        return page, 400
    apply_verdicts(initiative, current_staff(), verdicts, clock.now())
    db.session.commit()
    return done("verdicts", initiative)


@bp.post("/initiatives/<slug>/decision-mail")
@requires_role(*ACTIONS["decision_mail"].roles)
def decision_mail(slug: str):
    """Send the council's decision to the signatories who asked for it, once."""
    initiative, form, keys = _with_keys(slug, "decision_mail")
    try:
        actor = staff_actor(current_staff())
        mail_decision_to_signatories(initiative, keys, clock.now(), actor)
    except SealedDataError:
        db.session.rollback()
        return _key_does_not_open(initiative, "decision_mail", form)
    except TransitionRefused as refusal:
        db.session.rollback()
        if refusal.code != "already_mailed":
            return wrong_state(initiative)
        message = _("The decision was already sent to the signatories: it goes once.")
        return _page_response(initiative, "decision_mail", form, 409, message)
    db.session.commit()
    return done("decision_mail", initiative)


def _dossier_refused(initiative: Initiative, form, code: str):
    if code == "wrong_state":
        return make_response(*wrong_state(initiative))
    if code == "sealing_key_does_not_open":
        return _key_does_not_open(initiative, "dossier", form)
    field, message = {
        "not_a_sealing_key": (
            form.key,
            _(
                "This is not the secretariat's private sealing key (sealing-private.pem)."
            ),
        ),
        "not_a_signing_key": (
            form.signing_key,
            _(
                "This is not the City's private dossier signing key (dossier-private.pem)."
            ),
        ),
        "signing_key_mismatch": (
            form.signing_key,
            _(
                "This signing key is not the one the service publishes: a dossier signed with it would not verify."
            ),
        ),
    }[code]
    field.errors.append(message)
    return _page_response(initiative, "dossier", form)


@bp.post("/initiatives/<slug>/dossier")
@requires_role(*ACTIONS["dossier"].roles)
def dossier_export(slug: str):
    """Build the certified dossier and send it as a download (the keys are not kept)."""
    initiative, form, sealing_keys = _with_keys(slug, "dossier")
    passphrase = form.signing_passphrase.data or form.passphrase.data
    try:
        signing_key = load_private_key(
            form.signing_key.data.read(), passphrase.encode()
        )
    except WrongPassphrase:
        form.signing_passphrase.errors.append(
            _("This passphrase does not open the signing key.")
        )
        return _page_response(initiative, "dossier", form)
    except KeyFileError:
        form.signing_key.errors.append(
            _("This file is not a private key of the service (a .pem file).")
        )
        return _page_response(initiative, "dossier", form)
    # Built in memory, like the keys: the list of signatories never touches the disk.
    archive = io.BytesIO()
    actor = staff_actor(current_staff())
    try:
        export_dossier(
            initiative, sealing_keys, signing_key, archive, clock.now(), actor
        )
    except DossierRefused as refusal:
        db.session.rollback()
        return _dossier_refused(initiative, form, refusal.code)
    db.session.commit()
    archive.seek(0)
    name = f"dossier-{initiative.register_number or initiative.slug}.zip"
    response = send_file(
        archive, mimetype="application/zip", as_attachment=True, download_name=name
    )
    response.headers["Cache-Control"] = "no-store"
    return response
