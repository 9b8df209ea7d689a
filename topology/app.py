"""The app's side: production settings, keys, database, gunicorn nodes, schedulers."""

import secrets
import shlex
import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path

from bench.client import wait_until_serving
from bench.instance import run_logged, setup_database
from bench.servers import Processes, free_port

from . import DEPLOY, INITIATIVE_PATH, PROJECT, RECEIPT_LIMIT, SLUG

# The systemd units' commands are the ones started here, with the server's checkout
# (/srv/petitions) replaced by this one: what the test runs is what the units run.
UNITS = DEPLOY / "systemd"
SERVER_CHECKOUT = "/srv/petitions"


def unit_command(unit: str, key: str) -> list[str]:
    """Return the command of ``key`` (ExecStart, ExecStartPre) in a deploy unit."""
    for line in (UNITS / unit).read_text().splitlines():
        name, _, value = line.partition("=")
        if name.strip() == key:
            return [
                word.replace(SERVER_CHECKOUT, str(PROJECT), 1)
                if word.startswith(SERVER_CHECKOUT)
                else word
                for word in shlex.split(value)
            ]
    raise RuntimeError(f"deploy/systemd/{unit} has no {key}")


def production_settings(
    instance: Path, database_url: str, redis_port: int, smtp_port: int, https_port: int
) -> dict:
    """Return the app's settings: production, with room for a few hundred signatures."""
    return {
        "SECRET_KEY": secrets.token_urlsafe(48),
        "IDENTITY_KEY": secrets.token_urlsafe(48),
        "DEVELOPMENT": False,
        "DEBUG": False,
        "TESTING": False,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "KEYS_DIRECTORY": str(instance / "keys"),
        "MAIL_FILE_DIRECTORY": str(instance / "mail"),
        "MAIL_TRANSPORT": "smtp",
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": smtp_port,
        "RATELIMIT_STORAGE_URI": f"redis://127.0.0.1:{redis_port}/0",
        "TRUSTED_PROXIES": 1,
        "PUBLIC_BASE_URL": f"https://localhost:{https_port}",
        # What the City's log collector reads: a JSON object per line.
        "LOG_FORMAT": "json",
        # Mail every second; a killed scheduler's jobs are taken over within 8 s (a batch
        # takes well under a second here: never as long as the lease).
        "SCHEDULE_OVERRIDES": {"deliver-outbox": 1},
        "JOB_LEASE_SECONDS": 8,
        # Every client of the test is 127.0.0.1 behind nginx: room for the whole crowd.
        "LIMIT_SIGN": "100000 per hour",
        "LIMIT_CONFIRMATION_CODE": "100000 per hour",
        "LIMIT_SIGN_PER_IDENTITY": "50 per day",
        # ... but this one stays low: both nodes must count it together, in Redis.
        "LIMIT_RECEIPT": f"{RECEIPT_LIMIT} per minute",
    }


def make_keys(run: Path, instance: Path) -> None:
    """Create both key pairs apart; put only the public keys in the instance folder.

    As in production: the private keys belong to the secretariat and the City, the web
    nodes read the public keys only.
    """
    from petitions.sealing.keys import create_pairs, passphrase_from_file

    held_apart = run / "secretariat-keys"
    create_pairs(held_apart, passphrase_from_file(run / "keys-passphrase"))
    keys = instance / "keys"
    keys.mkdir(parents=True)
    for public in held_apart.glob("*-public.pem"):
        shutil.copy(public, keys / public.name)


class AppNodes:
    """The gunicorn nodes and the schedulers, each in its own process group."""

    def __init__(self, processes: Processes, env: dict, logs: Path):
        self.processes = processes
        self.env = env
        self.logs = logs
        self.nodes: dict[str, tuple[int, subprocess.Popen]] = {}
        self.schedulers: list[subprocess.Popen] = []

    def setup_database(self) -> None:
        """flask --app petitions setup: migrations, sample streets, demo initiative."""
        setup_database(self.env, self.logs / "setup.log")

    def start_node(self, name: str) -> int:
        """Start gunicorn with deploy/gunicorn.conf.py on a free port; return the port."""
        port = free_port()
        env = {
            **self.env,
            "PETITIONS_BIND": f"127.0.0.1:{port}",
            "PETITIONS_ACCESS_LOG": str(self.access_log(name)),
            "PETITIONS_WEB_WORKERS": "2",
        }
        self.preflight(env, name)
        command = unit_command("petitions-web.service", "ExecStart")
        process = self.processes.start(
            f"gunicorn {name}", command, env, self.logs / f"gunicorn-{name}.log"
        )
        self.nodes[name] = (port, process)
        return port

    def preflight(self, env: dict, name: str) -> None:
        """Run the web unit's ExecStartPre (flask check): the node starts only if clean."""
        command = unit_command("petitions-web.service", "ExecStartPre")
        run_logged(command, env, self.logs / f"check-{name}.log", timeout=120)

    def access_log(self, name: str) -> Path:
        return self.logs / f"gunicorn-{name}-access.log"

    def wait_for_nodes(self) -> None:
        for port, _process in self.nodes.values():
            wait_until_serving(port, INITIATIVE_PATH, seconds=60)

    def start_scheduler(self, number: int) -> subprocess.Popen:
        command = unit_command("petitions-scheduler@.service", "ExecStart")
        log = self.logs / f"scheduler-{number}.log"
        process = self.processes.start(f"scheduler {number}", command, self.env, log)
        self.schedulers.append(process)
        return process


class Database:
    """The app in this process, for what only the database can tell."""

    def __init__(self, settings: dict):
        from petitions import create_app

        self.app = create_app(settings)

    def query(self, work):
        """Run ``work()`` in an app context and return its result."""
        from petitions.extensions import db

        with self.app.app_context():
            try:
                return work()
            finally:
                db.session.remove()

    def lease_holder_pid(self, job: str) -> int | None:
        """Return the process id of the scheduler whose lease on ``job`` runs now."""
        from petitions.extensions import db
        from petitions.models import JobLease

        def holder():
            lease = db.session.get(JobLease, job)
            if lease is None or lease.expires_at <= datetime.now(UTC):
                return None
            # The holder is "host:pid:random" (scheduler/runner.py, new_holder).
            return int(lease.holder.split(":")[1])

        return self.query(holder)

    def signature_counts(self) -> dict:
        """Return the demo initiative's signatures by state, and its counted total."""
        from sqlalchemy import func, select

        from petitions.extensions import db
        from petitions.models import Initiative, Signature

        def counts():
            initiative = db.session.scalar(
                select(Initiative).where(Initiative.slug == SLUG)
            )
            rows = db.session.execute(
                select(Signature.state, func.count(Signature.id))
                .where(Signature.initiative_id == initiative.id)
                .group_by(Signature.state)
            ).all()
            found = {state.value: count for state, count in rows}
            found["counted"] = initiative.confirmed_count()
            return found

        return self.query(counts)

    def outbox(self) -> list[tuple[int, str, bool, str]]:
        """Return every outbox row: id, template, sent, and the Message-ID it must have."""
        from sqlalchemy import select

        from petitions.extensions import db
        from petitions.mail.outbox import message_id
        from petitions.models import OutboxMessage

        def rows():
            return [
                (m.id, m.template, m.sent_at is not None, message_id(m))
                for m in db.session.scalars(
                    select(OutboxMessage).order_by(OutboxMessage.id)
                )
            ]

        return self.query(rows)

    def close(self) -> None:
        from petitions.extensions import db

        with self.app.app_context():
            db.engine.dispose()
