"""The staff's sign-in pages: password, second factor, its enrolment, and sign-out."""

from datetime import datetime

from flask import make_response, redirect, render_template, request, url_for
from flask_babel import format_time
from flask_babel import gettext as _

from petitions import clock
from petitions.extensions import db
from petitions.models import Staff
from petitions.secretariat import second_factor, signin
from petitions.secretariat.forms import CodeForm, LoginForm
from petitions.secretariat.pages import bp
from petitions.secretariat.sessions import end_session, requires_role
from petitions.secretariat.staff import ALL_ROLES
from petitions.web.urls import local_path


def _next() -> str | None:
    return request.args.get("next")


def _target() -> str:
    return local_path(_next(), under=bp.url_prefix + "/") or url_for(".dashboard")


def _wait_page(template: str, until: datetime, **context):
    """Answer 429 with the moment the next attempt may be made."""
    context["wait_until"] = format_time(until, format="medium")
    response = make_response(render_template(template, **context), 429)
    seconds = max(1, int((until - clock.now()).total_seconds()) + 1)
    response.headers["Retry-After"] = str(seconds)
    return response


def _signed_in(staff: Staff, now: datetime, page: str | None = None):
    """Open the session, commit, and go on (or show ``page``, such as the codes)."""
    signin.finish(staff, now)
    db.session.commit()
    response = redirect(_target(), code=303) if page is None else make_response(page)
    signin.remember_device(response, staff)
    return response


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Sign a staff member in with e-mail and password (then the second factor)."""
    form = LoginForm()
    failed = False
    if form.validate_on_submit():
        now = clock.now()
        attempt = signin.password_step(form.email.data, form.password.data, now)
        db.session.commit()
        if attempt.wait_until is not None:
            return _wait_page("secretariat/login.html", attempt.wait_until, form=form)
        if attempt.staff is not None:
            staff = attempt.staff
            if not signin.needs_code(staff):
                return _signed_in(staff, now)
            signin.hold_pending(staff, now)
            enrolled = second_factor.is_enrolled(staff)
            step = ".login_code" if enrolled else ".enrol"
            return redirect(url_for(step, next=_next()), code=303)
        failed = True
    status = 400 if form.is_submitted() else 200
    return render_template("secretariat/login.html", form=form, failed=failed), status


def _restart():
    return redirect(url_for(".login", next=_next()), code=303)


@bp.route("/login/code", methods=["GET", "POST"])
def login_code():
    """Ask the code of the authenticator app, or a recovery code."""
    now = clock.now()
    staff = signin.pending_staff(now)
    if staff is None or not second_factor.is_enrolled(staff):
        return _restart()
    form = CodeForm()
    if form.validate_on_submit():
        attempt = signin.code_step(staff, form.code.data, now)
        db.session.commit()
        if attempt.wait_until is not None:
            return _wait_page(
                "secretariat/second_factor.html", attempt.wait_until, form=form
            )
        if attempt.staff is not None:
            return _signed_in(staff, now)
        form.code.errors = [
            *form.code.errors,
            _("This code is not right, or was already used. Please try the new one."),
        ]
    status = 400 if form.is_submitted() else 200
    return render_template("secretariat/second_factor.html", form=form), status


@bp.route("/login/enrol", methods=["GET", "POST"])
def enrol():
    """Add the account to an authenticator app by QR code, confirmed by a first code."""
    now = clock.now()
    staff = signin.pending_staff(now)
    if staff is None or second_factor.is_enrolled(staff):
        return _restart()
    second_factor.begin_enrolment(staff)
    db.session.commit()
    form = CodeForm()
    if form.validate_on_submit():
        attempt = signin.enrolment_step(staff, form.code.data, now)
        db.session.commit()
        if attempt.wait_until is not None:
            return _wait_page(
                "secretariat/enrol.html",
                attempt.wait_until,
                form=form,
                **_enrolment_context(staff),
            )
        if attempt.staff is not None:
            page = render_template(
                "secretariat/recovery_codes.html",
                codes=attempt.recovery_codes,
                target=_target(),
            )
            return _signed_in(staff, now, page)
        form.code.errors = [
            *form.code.errors,
            _("This code is not right. Please type the code your app shows now."),
        ]
    status = 400 if form.is_submitted() else 200
    context = _enrolment_context(staff)
    return render_template("secretariat/enrol.html", form=form, **context), status


def _enrolment_context(staff: Staff) -> dict:
    title = _("QR code to add your staff account to an authenticator app")
    return {
        "qr_svg": second_factor.qr_svg(staff, title),
        "secret": second_factor.spaced_secret(staff.totp_secret or ""),
    }


@bp.post("/logout")
@requires_role(*ALL_ROLES)
def logout():
    """Sign out: end the session on the server and forget what the browser held."""
    end_session()
    db.session.commit()
    return redirect(url_for(".login"), code=303)
