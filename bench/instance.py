"""The throwaway instance: production settings in bench/out/run/instance/, its database.

The app finds its instance folder beside the package (``<project>/instance``), which is
the developer's; the benchmark leaves that folder alone and gives every setting that
matters through ``PETITIONS_*`` variables instead, which ``create_app`` reads after any
``instance/config.py``. The same settings are written to the throwaway
``instance/config.py`` as the record of what ran.
"""

import json
import os
import secrets
import shutil
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

from . import OUT, PROJECT, SLUG

FLASK = Path(sys.executable).parent / "flask"


def production_settings(instance: Path) -> dict:
    """Return the settings of a production install whose files live in ``instance``."""
    return {
        "SECRET_KEY": secrets.token_urlsafe(48),
        "IDENTITY_KEY": secrets.token_urlsafe(48),
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{instance / 'petitions.sqlite3'}",
        "MAIL_TRANSPORT": "file",
        "MAIL_FILE_DIRECTORY": str(instance / "mail"),
        "KEYS_DIRECTORY": str(instance / "keys"),
        "SCHEDULER_IN_PROCESS": False,
        "DEBUG": False,
        "TESTING": False,
        "DEVELOPMENT": False,
    }


def make_instance(run_dir: Path) -> dict:
    """Create ``run_dir`` afresh with ``instance/config.py``; return the settings."""
    if run_dir.exists():
        shutil.rmtree(run_dir)
    instance = run_dir / "instance"
    (instance / "mail").mkdir(parents=True)
    (run_dir / "logs").mkdir()
    settings = production_settings(instance)
    lines = [
        "# Production settings of a benchmark run (throwaway; written by bench/).",
        "# The app is given the same values as PETITIONS_* environment variables.",
        *(f"{key} = {value!r}" for key, value in settings.items()),
    ]
    config = instance / "config.py"
    config.write_text("\n".join(lines) + "\n")
    config.chmod(0o600)
    make_keys(run_dir, Path(settings["KEYS_DIRECTORY"]))
    return settings


def make_keys(run_dir: Path, keys: Path) -> None:
    """Create the sealing and dossier key pairs, their passphrase in a throwaway file."""
    from petitions.sealing.keys import create_pairs, passphrase_from_file

    create_pairs(keys, passphrase_from_file(passphrase_path(run_dir)))


def passphrase_path(run_dir: Path) -> Path:
    """Return the file of the throwaway keys' passphrase (a benchmark only does this)."""
    return run_dir / "keys-passphrase"


def app_environment(settings: dict) -> dict:
    """Return the environment of the app's processes: ours, with the settings imposed."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("PETITIONS_", "FLASK_")) and k != "PYTHONPATH"
    }
    # from_prefixed_env parses each value as JSON, so every value is given as JSON.
    env.update({f"PETITIONS_{k}": json.dumps(v) for k, v in settings.items()})
    env["PYTHONUNBUFFERED"] = "1"
    return env


def setup_database(env: dict, log: Path) -> None:
    """Run ``flask --app petitions setup``: migrations, sample streets, demo initiative."""
    run_logged([str(FLASK), "--app", "petitions", "setup"], env, log, timeout=300)


def run_logged(command: list[str], env: dict, log: Path, timeout: int) -> None:
    """Run ``command`` in the project, its output appended to ``log``; raise if it fails."""
    with log.open("ab") as output:
        completed = subprocess.run(
            command,
            cwd=PROJECT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            timeout=timeout,
            check=False,
        )
    if completed.returncode != 0:
        raise RuntimeError(
            f"{' '.join([Path(command[0]).name, *command[1:]])} failed "
            f"(exit {completed.returncode}):\n"
            f"{log.read_text().strip()[-2000:]}"
        )


class AppSide:
    """The app, in this process, for what the load generator cannot do over HTTP."""

    def __init__(self, env: dict, settings: dict):
        for key in [k for k in os.environ if k.startswith(("PETITIONS_", "FLASK_"))]:
            del os.environ[key]
        os.environ.update({k: v for k, v in env.items() if k.startswith("PETITIONS_")})
        from petitions import create_app

        self.app = create_app()
        config = self.app.config
        wrong = [k for k, v in settings.items() if config.get(k) != v]
        if wrong:
            raise RuntimeError(f"the app does not see the bench settings for {wrong}")

    def write_confirmation_tokens(self, path: Path) -> int:
        """Write a confirmation token for every pending signature; return how many.

        A token carries the signature's confirmation code, which the database keeps
        only as a hash; the bench reads it where a signatory would, in the confirmation
        mail still waiting in the outbox (no mail sweep runs during the benchmark).
        """
        from petitions.extensions import db
        from petitions.models import OutboxMessage, Signature, SignatureState
        from petitions.web.tokens import confirmation_token

        now = datetime.now(UTC)
        with self.app.app_context():
            rows = db.session.execute(
                db.select(Signature.id, OutboxMessage.context)
                .join(OutboxMessage, OutboxMessage.signature_id == Signature.id)
                .where(
                    Signature.state == SignatureState.pending,
                    OutboxMessage.template == "confirm-signature",
                )
                .order_by(Signature.id, OutboxMessage.id)
            ).all()
            codes = {signature_id: context["code"] for signature_id, context in rows}
            path.write_text(
                "".join(confirmation_token(i, c, now) + "\n" for i, c in codes.items())
            )
            db.session.remove()
            db.engine.dispose()
        return len(codes)

    def counts(self) -> dict[str, int]:
        """Return the demo initiative's signatures in the database, by state."""
        from petitions.extensions import db
        from petitions.models import Initiative, Signature

        with self.app.app_context():
            initiative_id = db.session.scalar(
                db.select(Initiative.id).where(Initiative.slug == SLUG)
            )
            rows = db.session.execute(
                db.select(Signature.state, db.func.count(Signature.id))
                .where(Signature.initiative_id == initiative_id)
                .group_by(Signature.state)
            ).all()
            db.session.remove()
            db.engine.dispose()
        counts = {state.value: count for state, count in rows}
        return {
            "pending": counts.get("pending", 0),
            "confirmed": counts.get("confirmed", 0),
            "total": sum(counts.values()),
        }


def run_dir() -> Path:
    return OUT / "run"
