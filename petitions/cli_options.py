"""What the command groups share: ``--now``, ``--key`` and the lookups that fail clearly."""

from datetime import UTC, datetime

import click
from flask import current_app
from sqlalchemy import select

from petitions.extensions import db
from petitions.models import Initiative
from petitions.sealing.keys import read_private_keys
from verification.keys import KeyFileError, WrongPassphrase

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


def initiative_or_fail(slug: str) -> Initiative:
    """Return the initiative with this slug, or stop the command with a clear message."""
    initiative = db.session.scalar(select(Initiative).where(Initiative.slug == slug))
    if initiative is None:
        raise click.ClickException(f"no initiative {slug}")
    return initiative


def private_keys_or_fail(key_files, passphrase: str) -> list:
    """Return the private keys of the files, or stop the command with a clear message."""
    try:
        return read_private_keys(list(key_files), passphrase)
    except WrongPassphrase:
        raise click.ClickException("wrong passphrase for the private key") from None
    except KeyFileError:
        raise click.ClickException(
            "this file is not a private key of the service"
        ) from None


def ask_passphrase(what: str = "the private key") -> str:
    """Ask for a key's passphrase without echoing it."""
    return click.prompt(f"Passphrase of {what}", hide_input=True)


# The refusals of the operations, in the words an operator needs: what is wrong and
# what to do. "wrong_state" is worded with the initiative's state (see refusal).
REFUSALS = {
    "not_a_sealing_key": "the --key file is not the secretariat's private sealing key "
    "(sealing-private.pem)",
    "not_a_signing_key": "the --signing-key file is not the City's private dossier "
    "signing key (dossier-private.pem)",
    "signing_key_mismatch": "this signing key is not the one the service publishes "
    "(DOSSIER_PUBLIC_KEY_FILE): a dossier signed with it would not verify",
    "sealing_key_does_not_open": "the sealing key given does not open the signatures: "
    "give every private sealing key they were sealed to (several after a rotation)",
    "already_mailed": "the decision was already mailed to the signatories: it goes "
    "once",
}


def refusal_error(initiative: Initiative, code: str, needed) -> click.ClickException:
    """Return the error that stops a command an operation refused, in words.

    ``needed`` are the states the command needs, to say what it waits for.
    """
    if code == "wrong_state":
        states = " or ".join(state.value for state in needed)
        return click.ClickException(
            f"{initiative.slug} is {initiative.state.value}: this needs an initiative "
            f"that is {states}"
        )
    return click.ClickException(REFUSALS.get(code, f"refused ({code})"))
