"""The secretariat's commands: staff accounts (`staff`) and the check of the signatures
against the population register (`register-check`)."""

from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup
from flask_babel import force_locale
from sqlalchemy import select

from petitions.cli_options import (
    ask_passphrase,
    initiative_or_fail,
    parse_now,
    private_keys_or_fail,
    sealing_key_option,
)
from petitions.dossier.register_check import (
    MissingKeys,
    apply_verdicts,
    counted_total,
    export_lines,
    problem_message,
    read_verdicts,
)
from petitions.extensions import db
from petitions.initiatives import audit
from petitions.initiatives.audit import record
from petitions.initiatives.labels import REASONS
from petitions.initiatives.operations import TransitionRefused
from petitions.models import Staff, StaffRole
from petitions.private_files import open_private
from petitions.secretariat import second_factor, throttle
from petitions.secretariat.passwords import MIN_PASSWORD_LENGTH
from petitions.secretariat.staff import (
    StaffRefused,
    create_staff,
    disable_staff,
    find_staff,
    reset_password,
)

staff_cli = AppGroup("staff", help="Manage the secretariat's staff accounts.")
register_check_cli = AppGroup(
    "register-check", help="Check the signatures against the population register."
)

REFUSALS = {
    "invalid_email": "this is not a valid e-mail address",
    "short_password": f"the password must have at least {MIN_PASSWORD_LENGTH} characters",
    "common_password": "this password is on the list of common passwords; "
    "please choose one that is harder to guess",
    "duplicate": "a staff account with this e-mail address already exists",
}


@staff_cli.command("add")
@click.argument("email")
@click.option(
    "--role",
    required=True,
    type=click.Choice([role.value for role in StaffRole]),
    help="secretariat (reviews, verifies, exports), president (consultation, "
    "agenda) or viewer (reads only).",
)
def staff_add(email: str, role: str):
    """Create a staff account; the password is asked twice, never shown."""
    if find_staff(email) is not None:
        raise click.ClickException(REFUSALS["duplicate"])
    password = click.prompt(
        f"Password (at least {MIN_PASSWORD_LENGTH} characters)",
        hide_input=True,
        confirmation_prompt=True,
    )
    try:
        staff = create_staff(email, password, role, current_app.config["CLOCK"]())
    except StaffRefused as refusal:
        raise click.ClickException(REFUSALS[refusal.code]) from None
    db.session.commit()
    click.echo(f"staff account {staff.id} created ({staff.role.value})")


@staff_cli.command("list")
def staff_list():
    """List the staff accounts with their role, second factor and whether disabled."""
    for staff in db.session.scalars(select(Staff).order_by(Staff.id)):
        notes = []
        if staff.disabled_at is not None:
            notes.append("disabled")
        if not second_factor.is_enrolled(staff):
            notes.append("no second factor")
        shown = f" ({', '.join(notes)})" if notes else ""
        click.echo(f"{staff.id}\t{staff.role.value}\t{staff.email}{shown}")


def _staff_or_fail(email: str) -> Staff:
    staff = find_staff(email)
    if staff is None:
        raise click.ClickException("no staff account with this e-mail address")
    return staff


@staff_cli.command("unlock")
@click.argument("email")
def staff_unlock(email: str):
    """Forget an account's failed sign-ins (its waits end; addresses keep theirs)."""
    staff = _staff_or_fail(email)
    throttle.clear([throttle.account_key(staff.email)])
    audit.record(
        "cli", "staff-unlocked", current_app.config["CLOCK"](), staff_id=staff.id
    )
    db.session.commit()
    click.echo(f"staff account {staff.id}: failed sign-ins forgotten")


@staff_cli.command("disable")
@click.argument("email")
def staff_disable(email: str):
    """Disable an account and end its open sessions at once."""
    staff = _staff_or_fail(email)
    ended = disable_staff(staff, current_app.config["CLOCK"]())
    db.session.commit()
    click.echo(f"staff account {staff.id} disabled; {ended} session(s) ended")


@staff_cli.command("reset-password")
@click.argument("email")
@click.option(
    "--reset-second-factor",
    is_flag=True,
    help="Also remove the authenticator app and recovery codes: the staff member "
    "sets up a new second step at the next sign-in.",
)
def staff_reset_password(email: str, reset_second_factor: bool):
    """Set a new password (asked twice, never shown) and end the account's sessions."""
    staff = _staff_or_fail(email)
    password = click.prompt(
        f"New password (at least {MIN_PASSWORD_LENGTH} characters)",
        hide_input=True,
        confirmation_prompt=True,
    )
    now = current_app.config["CLOCK"]()
    try:
        ended = reset_password(staff, password, now)
    except StaffRefused as refusal:
        raise click.ClickException(REFUSALS[refusal.code]) from None
    if reset_second_factor:
        second_factor.reset_second_factor(staff)
        audit.record("cli", "staff-second-factor-reset", now, staff_id=staff.id)
    db.session.commit()
    also = "; second factor removed" if reset_second_factor else ""
    click.echo(
        f"staff account {staff.id}: password reset, {ended} session(s) ended{also}"
    )


@register_check_cli.command("export")
@click.argument("slug")
@sealing_key_option
@click.option(
    "--out",
    type=click.Path(dir_okay=False, allow_dash=True, path_type=Path),
    default="-",
    help="The CSV file to write, owner-readable only (default: standard output).",
)
def register_check_export(slug: str, key_files: tuple[str, ...], out: Path):
    """Write the list of counted signatures for the population service (CSV)."""

    initiative = initiative_or_fail(slug)
    passphrase = ask_passphrase()
    keys = private_keys_or_fail(key_files, passphrase)
    try:
        lines = export_lines(initiative, keys)
    except TransitionRefused:
        raise click.ClickException(
            f"{slug} is {initiative.state.value}: the register check comes after filing"
        ) from None
    except MissingKeys as error:
        raise click.ClickException(
            f"signatures sealed to keys not given: {error}"
        ) from None
    total = counted_total(initiative)
    # Who opened the signatories' data, and when: in the audit log (not public).
    record("cli", "register-list-exported", parse_now(None), initiative)
    db.session.commit()
    if str(out) == "-":
        click.get_text_stream("stdout").writelines(lines)
    else:
        # The list holds personal data: no other user may read it.
        with open_private(out, "w", encoding="utf-8", newline="") as handle:
            handle.writelines(lines)
    click.echo(f"{total} signatures written", err=True)


def _count(num: int, singular: str, plural: str) -> str:
    return f"{num} {singular if num == 1 else plural}"


def verdict_report(verdicts) -> list[str]:
    """Return the web page's report of a verdict file that cannot be applied, as lines."""
    lines = []
    if verdicts.problems:
        lines.append(
            _count(len(verdicts.problems), "problem", "problems") + " in the file:"
        )
        # In English, as the rest of the command line (and outside any request).
        with force_locale("en"):
            lines += [
                f"  {f'line {p.line}' if p.line else 'the whole file'}: "
                + problem_message(p)
                for p in verdicts.problems
            ]
    if verdicts.missing:
        lines.append(
            _count(
                len(verdicts.missing),
                "counted signature has",
                "counted signatures have",
            )
            + " no verdict in the file:"
        )
        lines += [f"  {reference}" for reference in verdicts.missing]
    return lines


@register_check_cli.command("import")
@click.argument("slug")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--staff", "staff_email", required=True, help="Who records the result.")
def register_check_import(slug: str, file: Path, staff_email: str):
    """Apply the population service's verdicts (all rows, or nothing)."""

    initiative = initiative_or_fail(slug)
    staff = find_staff(staff_email)
    if staff is None or staff.role is not StaffRole.secretariat:
        raise click.ClickException(f"no secretariat account {staff_email}")
    try:
        verdicts = read_verdicts(initiative, file.read_bytes())
    except TransitionRefused:
        raise click.ClickException(
            f"{slug} is {initiative.state.value}: the register check comes after filing"
        ) from None
    if not verdicts.ok:
        for line in verdict_report(verdicts):
            click.echo(line, err=True)
        raise click.ClickException("nothing applied: correct the file and import again")
    counts = apply_verdicts(initiative, staff, verdicts, parse_now(None))
    db.session.commit()
    click.echo(f"{slug}: {initiative.state.value}")
    for code in ("valid", *REASONS):
        click.echo(f"{code}: {counts[code]}")
