"""The services under the app: a throwaway PostgreSQL cluster, Redis, an SMTP sink."""

import logging
import subprocess
import threading
import time
from collections import Counter
from dataclasses import dataclass
from email import message_from_bytes, policy
from pathlib import Path

import psycopg
from aiosmtpd.controller import Controller

from bench.servers import Processes, free_port

from . import system


class PostgreSQL:
    """A private cluster in ``folder``: initdb, pg_ctl start, and pg_ctl stop on exit.

    As root, the cluster belongs to an unprivileged OS user (PostgreSQL refuses to run
    as root), like .ci/run's.
    """

    def __init__(self, folder: Path, log: Path):
        self.folder = folder
        self.data = folder / "data"
        self.log = log
        self.bin = system.postgres_bin()
        self.user = system.unprivileged_user()
        self.port = free_port()
        self.started = False

    def run(self, *command: str, check: bool = True) -> subprocess.CompletedProcess:
        with self.log.open("ab") as output:
            return subprocess.run(
                system.as_user(self.user, list(command)),
                cwd=self.folder,
                stdout=output,
                stderr=subprocess.STDOUT,
                timeout=120,
                check=check,
            )

    def __enter__(self) -> "PostgreSQL":
        try:
            self.start()
        except BaseException:
            self.__exit__()
            raise
        return self

    def start(self) -> None:
        self.folder.mkdir()
        system.give_to(self.folder, self.user)
        self.run(
            str(self.bin / "initdb"), "-D", str(self.data), "-U", "postgres",
            "--encoding=UTF8", "--locale=C.UTF-8",
            "--auth-local=trust", "--auth-host=scram-sha-256",
        )  # fmt: skip
        settings = (
            f"listen_addresses = '127.0.0.1'\nport = {self.port}\n"
            f"unix_socket_directories = '{self.folder}'\n"
            "fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n"
            "max_connections = 100\n"
        )
        with (self.data / "postgresql.conf").open("a") as conf:
            conf.write("\n# throwaway topology cluster\n" + settings)
        self.started = True
        self.run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-w", "-t", "60",
                 "-l", str(self.folder / "server.log"), "start")  # fmt: skip
        # As the superuser, through the cluster's socket (trusted, like .ci/run's psql).
        with psycopg.connect(
            host=str(self.folder), port=self.port, user="postgres", dbname="postgres",
            autocommit=True,
        ) as connection:  # fmt: skip
            connection.execute("CREATE ROLE petitions LOGIN PASSWORD 'petitions'")
            connection.execute("CREATE DATABASE petitions OWNER petitions")

    @property
    def url(self) -> str:
        return (
            f"postgresql+psycopg://petitions:petitions@127.0.0.1:{self.port}/petitions"
        )

    def __exit__(self, *exc) -> None:
        if self.started:
            stopped = self.run(
                str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "fast",
                "-w", "-t", "60", "stop", check=False,
            )  # fmt: skip
            if stopped.returncode != 0:
                print("warning: pg_ctl stop failed; see", self.log, flush=True)
            self.started = False


def start_redis(processes: Processes, folder: Path, log: Path) -> int:
    """Start a private Redis (no persistence) on a free loopback port; return the port."""
    folder.mkdir()
    port = free_port()
    command = [
        system.program("redis-server") or "redis-server",
        "--bind", "127.0.0.1", "--port", str(port), "--protected-mode", "yes",
        "--save", "", "--appendonly", "no", "--dir", str(folder),
    ]  # fmt: skip
    processes.start("redis", command, {}, log)
    return port


@dataclass(frozen=True)
class Mail:
    """A message the sink received."""

    message_id: str
    to: str
    subject: str
    text: str
    at: float


class Sink:
    """An SMTP server on loopback that keeps every message it accepts, in order.

    Runs in this process (aiosmtpd's thread); the client threads wait on it for their
    mail, the checks count its Message-IDs.
    """

    def __init__(self):
        self.port = free_port()
        self.mails: list[Mail] = []
        self.changed = threading.Condition()
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)

    def __enter__(self) -> "Sink":
        # aiosmtpd logs every SMTP command at INFO ("mail.log"): a line per address.
        logging.getLogger("mail.log").setLevel(logging.WARNING)
        self.controller.start()
        return self

    def __exit__(self, *exc) -> None:
        self.controller.stop()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        message = message_from_bytes(envelope.content, policy=policy.default)
        body = message.get_body(preferencelist=("plain",))
        mail = Mail(
            message_id=str(message["Message-ID"] or ""),
            to=str(message["To"] or ""),
            subject=str(message["Subject"] or ""),
            text=body.get_content() if body is not None else "",
            at=time.monotonic(),
        )
        with self.changed:
            self.mails.append(mail)
            self.changed.notify_all()
        return "250 OK"

    def mails_now(self) -> list[Mail]:
        with self.changed:
            return list(self.mails)

    def wait_for(self, predicate, seconds: float):
        """Wait until ``predicate(mails)`` returns something true; return it (or None)."""
        deadline = time.monotonic() + seconds
        with self.changed:
            while True:
                found = predicate(self.mails)
                remaining = deadline - time.monotonic()
                if found or remaining <= 0:
                    return found
                self.changed.wait(remaining)

    def message_ids(self) -> Counter:
        with self.changed:
            return Counter(m.message_id for m in self.mails)
