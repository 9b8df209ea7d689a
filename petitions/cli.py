"""Command line: ``flask --app petitions <group> <command>``."""

from datetime import UTC, datetime
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup, with_appcontext
from flask_migrate import upgrade
from sqlalchemy import func, select

from petitions.extensions import db
from petitions.jobs.registry import JOBS, run_job
from petitions.models import Street
from petitions.signing.streets import (
    StreetFileError,
    read_street_rows,
    replace_register,
)

SAMPLE_STREETS = Path(__file__).resolve().parent.parent / "data" / "streets-sample.csv"

jobs_cli = AppGroup("jobs", help="Run the scheduled sweeps by hand.")
streets_cli = AppGroup("streets", help="Manage the street register.")
audit_cli = AppGroup("audit", help="Check the audit log.")
# Every command that opens sealed records takes the secretariat's private key file(s).
sealing_key_option = click.option(
    "--key",
    "key_files",
    multiple=True,
    required=True,
    type=click.Path(exists=True, dir_okay=False),
    help="The secretariat's private sealing key (several after a rotation).",
)


def parse_now(value: str | None) -> datetime:
    """Return ``value`` (ISO 8601) as an aware UTC instant, or the clock's now."""
    if not value:
        return current_app.config["CLOCK"]()
    moment = datetime.fromisoformat(value)
    if moment.tzinfo is None:
        raise click.BadParameter(
            "give a time zone, e.g. 2027-03-01T09:00:00+01:00 or Z"
        )
    return moment.astimezone(UTC)


@jobs_cli.command("run")
@click.argument("name", type=click.Choice(sorted(JOBS)))
@click.option("--now", "now_text", help="ISO 8601 instant to run the sweep at.")
def jobs_run(name: str, now_text: str | None):
    """Run one sweep now (or at --now)."""
    result = run_job(name, parse_now(now_text))
    click.echo(f"{name}: {result}")


@jobs_cli.command("list")
def jobs_list():
    """List the sweeps."""
    for name in sorted(JOBS):
        click.echo(name)


def import_streets(path: Path) -> int:
    """Replace the street register with the file's rows and commit."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = read_street_rows(handle)
    count = replace_register(rows)
    db.session.commit()
    return count


@streets_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def streets_import(file: Path):
    """Replace the street register with an export in the documented format (data/README.md)."""
    try:
        count = import_streets(file)
    except StreetFileError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"{count} street rows imported")


@audit_cli.command("verify")
def audit_verify():
    """Check every link of the audit log's hash chain; name the first broken one."""
    from petitions.initiatives.audit import verify_chain

    report = verify_chain()
    if not report.ok:
        raise click.ClickException(f"audit log broken: {report.problem}")
    click.echo(f"audit log intact: {report.entries} entries")


decision_cli = AppGroup("decision", help="The council's decision, to the signatories.")


@decision_cli.command("mail")
@click.argument("slug")
@sealing_key_option
def decision_mail(slug: str, key_files: tuple[str, ...]):
    """Mail the council's decision to the signatories who asked for it (once)."""
    from petitions.initiatives.operations import (
        TransitionRefused,
        mail_decision_to_signatories,
    )

    initiative = _initiative_or_fail(slug)
    passphrase = click.prompt("Passphrase of the private key", hide_input=True)
    keys = _private_keys_or_fail(key_files, passphrase)
    try:
        sent = mail_decision_to_signatories(initiative, keys, parse_now(None))
    except TransitionRefused as refusal:
        raise click.ClickException(f"refused: {refusal.code}") from None
    db.session.commit()
    click.echo(f"{sent} decision e-mails queued")


register_check_cli = AppGroup(
    "register-check", help="Check the signatures against the population register."
)


@register_check_cli.command("export")
@click.argument("slug")
@sealing_key_option
@click.option(
    "--out",
    type=click.File("w", encoding="utf-8", lazy=True),
    default="-",
    help="The CSV file to write (default: standard output).",
)
def register_check_export(slug: str, key_files: tuple[str, ...], out):
    """Write the list of counted signatures for the population service (CSV)."""
    from petitions.dossier.register_check import (
        MissingKeys,
        counted_total,
        export_lines,
    )
    from petitions.initiatives.audit import record
    from petitions.initiatives.operations import TransitionRefused

    initiative = _initiative_or_fail(slug)
    passphrase = click.prompt("Passphrase of the private key", hide_input=True)
    keys = _private_keys_or_fail(key_files, passphrase)
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
    record("secretariat", "register-list-exported", parse_now(None), initiative)
    db.session.commit()
    out.writelines(lines)
    click.echo(f"{total} signatures written", err=True)


@register_check_cli.command("import")
@click.argument("slug")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--staff", "staff_email", required=True, help="Who records the result.")
def register_check_import(slug: str, file: Path, staff_email: str):
    """Apply the population service's verdicts (all rows, or nothing)."""
    from petitions.dossier.register_check import (
        apply_verdicts,
        problem_message,
        read_verdicts,
    )
    from petitions.initiatives.labels import REASONS
    from petitions.initiatives.operations import TransitionRefused
    from petitions.models import StaffRole
    from petitions.secretariat.staff import find_staff

    initiative = _initiative_or_fail(slug)
    staff = find_staff(staff_email)
    if staff is None or staff.role is not StaffRole.secretariat:
        raise click.ClickException(f"no secretariat account {staff_email}")
    try:
        verdicts = read_verdicts(initiative, file.read_bytes())
    except TransitionRefused:
        raise click.ClickException(
            f"{slug} is {initiative.state.value}: the register check comes after filing"
        ) from None
    for problem in verdicts.problems:
        where = f"line {problem.line}" if problem.line else "file"
        click.echo(f"{where}: {problem_message(problem)}", err=True)
    if verdicts.missing:
        shown = ", ".join(verdicts.missing[:20])
        more = len(verdicts.missing) - 20
        click.echo(
            f"no verdict for {len(verdicts.missing)} counted signatures: {shown}"
            + (f" and {more} more" if more > 0 else ""),
            err=True,
        )
    if not verdicts.ok:
        raise click.ClickException("nothing applied: correct the file and import again")
    counts = apply_verdicts(initiative, staff, verdicts, parse_now(None))
    db.session.commit()
    click.echo(f"{slug}: {initiative.state.value}")
    for code in ("valid", *REASONS):
        click.echo(f"{code}: {counts[code]}")


dossier_cli = AppGroup("dossier", help="The certified dossier for the council.")


@dossier_cli.command("export")
@click.argument("slug")
@click.option(
    "--out",
    "out_file",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="The ZIP file to write.",
)
@sealing_key_option
@click.option(
    "--signing-key",
    "signing_key_file",
    required=True,
    type=click.Path(exists=True, dir_okay=False),
    help="The City's private dossier signing key (dossier-private.pem).",
)
def dossier_export(
    slug: str, out_file: Path, key_files: tuple[str, ...], signing_key_file: str
):
    """Build the signed dossier ZIP of a filed initiative."""
    from petitions.dossier.export import DossierRefused, export_dossier, signature_count

    initiative = _initiative_or_fail(slug)
    sealing = _private_keys_or_fail(
        key_files, click.prompt("Passphrase of the sealing key", hide_input=True)
    )
    (signing,) = _private_keys_or_fail(
        (signing_key_file,),
        click.prompt("Passphrase of the dossier signing key", hide_input=True),
    )
    # Written beside the target, renamed on success: never a half dossier under its
    # name. Owner-only: the list holds personal data.
    partial = out_file.with_name(out_file.name + ".partial")
    try:
        with (
            partial.open("wb") as handle,
            click.progressbar(
                length=signature_count(initiative), label="signatures"
            ) as bar,
        ):
            partial.chmod(0o600)
            result = export_dossier(
                initiative, sealing, signing, handle, parse_now(None), "cli", bar.update
            )
    except DossierRefused as refusal:
        db.session.rollback()
        partial.unlink(missing_ok=True)
        raise click.ClickException(f"refused: {refusal.code}") from None
    partial.replace(out_file)
    db.session.commit()
    click.echo(f"{out_file}: {result.leaf_count} signatures, Merkle root {result.root}")


@dossier_cli.command("verify")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--public-key",
    "public_key_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="The City's public dossier key (default: DOSSIER_PUBLIC_KEY_FILE).",
)
def dossier_verify(file: Path, public_key_file: Path | None):
    """Check a dossier's signature, hashes and Merkle root; name the first mismatch."""
    from verification.dossier import DossierMismatch, verify_dossier
    from verification.keys import KeyFileError, load_public_key

    path = public_key_file or Path(current_app.config["DOSSIER_PUBLIC_KEY_FILE"])
    try:
        key = load_public_key(path.read_bytes())
    except (OSError, KeyFileError):
        raise click.ClickException(f"{path} is not a readable public key") from None
    try:
        summary = verify_dossier(file, key)
    except DossierMismatch as mismatch:
        raise click.ClickException(f"dossier does not check: {mismatch}") from None
    number = summary.manifest["initiative"].get("register_number") or "-"
    click.echo(
        f"dossier intact: initiative {number}, {summary.leaf_count} signatures, "
        f"Merkle root {summary.root}, exported {summary.manifest['exported_at']}"
    )


def _initiative_or_fail(slug: str):
    from petitions.models import Initiative

    initiative = db.session.scalar(select(Initiative).where(Initiative.slug == slug))
    if initiative is None:
        raise click.ClickException(f"no initiative {slug}")
    return initiative


def _private_keys_or_fail(key_files, passphrase: str) -> list:
    from petitions.sealing.keys import read_private_keys
    from verification.keys import KeyFileError, WrongPassphrase

    try:
        return read_private_keys(list(key_files), passphrase)
    except WrongPassphrase:
        raise click.ClickException("wrong passphrase for the private key") from None
    except KeyFileError:
        raise click.ClickException(
            "this file is not a private key of the service"
        ) from None


@click.command("setup")
@with_appcontext
@click.option(
    "--demo/--no-demo", default=True, help="Add a demo initiative in collection."
)
def setup(demo: bool):
    """Prepare the database: migrations, sample streets if empty, a demo initiative."""
    upgrade()
    if not db.session.scalar(select(func.count()).select_from(Street)):
        click.echo(f"{import_streets(SAMPLE_STREETS)} sample street rows imported")
    if demo:
        from petitions.initiatives.demo import add_demo_initiative

        if add_demo_initiative(current_app.config["CLOCK"]()):
            click.echo("demo initiative added")
        db.session.commit()
    click.echo("ready")


def register_cli(app) -> None:
    """Attach the command groups to the app."""
    from petitions.sealing.keys import keys_cli
    from petitions.secretariat.staff import staff_cli

    app.cli.add_command(keys_cli)
    app.cli.add_command(decision_cli)
    app.cli.add_command(dossier_cli)
    app.cli.add_command(register_check_cli)
    app.cli.add_command(staff_cli)
    app.cli.add_command(audit_cli)
    app.cli.add_command(jobs_cli)
    app.cli.add_command(streets_cli)
    app.cli.add_command(setup)
