"""The `audit` and `decision` commands: the audit log's chain and the decision mail."""

import click
from flask.cli import AppGroup

from petitions.cli_options import (
    ask_passphrase,
    initiative_or_fail,
    parse_now,
    private_keys_or_fail,
    refusal_error,
    sealing_key_option,
)
from petitions.extensions import db
from petitions.initiatives.audit import verify_chain
from petitions.initiatives.operations import (
    TransitionRefused,
    mail_decision_to_signatories,
)
from petitions.models import InitiativeState as S

audit_cli = AppGroup("audit", help="Check the audit log.")
decision_cli = AppGroup("decision", help="The council's decision, to the signatories.")


@audit_cli.command("verify")
def audit_verify():
    """Check every link of the audit log, and the heads the count log published.

    Prints every break, and the head now: keep it outside the database (or compare it
    with the published count log) to catch a shortened or rewritten log later.
    """

    report = verify_chain()
    if report.head is not None:
        click.echo(f"head: entry {report.head['seq']}, hash {report.head['hash']}")
    if not report.ok:
        for problem in report.problems:
            click.echo(f"broken: {problem}", err=True)
        found = len(report.problems)
        raise click.ClickException(
            f"audit log broken: {found} problem{'' if found == 1 else 's'} found"
        )
    click.echo(f"audit log intact: {report.entries} entries")


@decision_cli.command("mail")
@click.argument("slug")
@sealing_key_option
def decision_mail(slug: str, key_files: tuple[str, ...]):
    """Mail the council's decision to the signatories who asked for it (once)."""

    initiative = initiative_or_fail(slug)
    passphrase = ask_passphrase()
    keys = private_keys_or_fail(key_files, passphrase)
    try:
        sent = mail_decision_to_signatories(initiative, keys, parse_now(None), "cli")
    except TransitionRefused as refusal:
        raise refusal_error(initiative, refusal.code, (S.decided,)) from None
    db.session.commit()
    click.echo(f"{sent} decision e-mails queued")
