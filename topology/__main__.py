"""``python -m topology``: start the production topology on loopback, load it, check it."""

import contextlib
import json
import os
import shutil
import signal
import ssl
import sys
import tempfile
import time
from pathlib import Path

from bench.instance import app_environment
from bench.servers import Processes, free_port
from petitions.serving import redact_path

from . import SLUG, Settings, checks, load, system
from .app import AppNodes, Database, make_keys, production_settings
from .client import Browser
from .nginx import Nginx
from .probes import probe_edge, receipt_posts
from .services import PostgreSQL, Sink, start_redis


class Run:
    """One run: its folder, the services, and what the checks need at the end."""

    def __init__(self, settings: Settings, folder: Path, stack: contextlib.ExitStack):
        self.settings = settings
        self.folder = folder
        self.logs = folder / "logs"
        self.logs.mkdir()
        self.stack = stack
        self.notes: list[str] = []
        self.database: Database | None = None  # the app in this process, once started

    def start(self) -> None:
        step("PostgreSQL, Redis, the SMTP sink")
        # Left in the reverse order: the processes first (app, nginx, Redis), then the
        # sink, then the cluster.
        self.postgres = PostgreSQL(self.folder / "postgres", self.logs / "postgres.log")
        self.stack.enter_context(self.postgres)
        self.sink = self.stack.enter_context(Sink())
        self.processes = self.stack.enter_context(Processes())
        redis_port = start_redis(
            self.processes, self.folder / "redis", self.logs / "redis.log"
        )
        self.nginx = Nginx(self.folder / "nginx", self.logs, free_port(), free_port())
        instance = self.folder / "instance"
        self.settings_app = production_settings(
            instance,
            self.postgres.url,
            redis_port,
            self.sink.port,
            self.nginx.https_port,
        )
        make_keys(self.folder, instance)
        self.nodes = AppNodes(
            self.processes, app_environment(self.settings_app), self.logs
        )
        step("flask --app petitions setup (migrations, streets, demo initiative)")
        self.nodes.setup_database()
        step("two gunicorn nodes (deploy/gunicorn.conf.py), nginx, two schedulers")
        ports = [self.nodes.start_node(name) for name in ("a", "b")]
        self.nodes.wait_for_nodes()
        main = self.nginx.configure(ports)
        self.nginx.start(self.processes, main, self.logs / "nginx-run.log")
        for number in (1, 2):
            self.nodes.start_scheduler(number)
        self.database = Database(self.settings_app)
        self.context = ssl.create_default_context(cafile=str(self.nginx.certificate))
        wait_for_https(self.nginx.https_port, self.context)
        print(
            f"nginx https://localhost:{self.nginx.https_port} (http {self.nginx.http_port}) "
            f"-> nodes a :{ports[0]}, b :{ports[1]}",
            flush=True,
        )

    def kill(self) -> str:
        """SIGKILL node a's process group and the scheduler that holds the mail lease."""
        port, node = self.nodes.nodes["a"]
        os.killpg(node.pid, signal.SIGKILL)
        holder = self.database.lease_holder_pid("deliver-outbox")
        schedulers = self.nodes.schedulers
        number, victim = next(
            ((n, p) for n, p in enumerate(schedulers, 1) if p.pid == holder),
            (1, schedulers[0]),
        )
        os.killpg(victim.pid, signal.SIGKILL)
        held = (
            "the deliver-outbox lease holder"
            if victim.pid == holder
            else "no lease seen"
        )
        message = f"SIGKILL: gunicorn node a (:{port}) and scheduler {number} ({held})"
        print(f"  {message}", flush=True)
        return message

    def wait_for_outbox(self, seconds: float = 60) -> None:
        """Wait until the surviving scheduler has sent every mail of the outbox."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if all(sent for _id, _template, sent, _mid in self.database.outbox()):
                return
            time.sleep(0.5)

    def public_count(self):
        """The initiative's count as the API says it, through nginx, past the cache."""
        path = f"/api/v1/initiatives/{SLUG}?fresh={time.monotonic_ns()}"
        browser = Browser(self.nginx.https_port, self.context)
        answer = browser.request("GET", path)
        browser.close()
        return (
            json.loads(answer.text)["confirmed_count"] if answer.status == 200 else None
        )

    def logs_by_kind(self) -> dict[str, list[Path]]:
        access = [self.nodes.access_log(name) for name in self.nodes.nodes]
        nginx = [self.nginx.access_log]
        every = sorted(self.logs.glob("*.log")) + [self.postgres.folder / "server.log"]
        return {
            "nginx's access log": nginx,
            "the gunicorn access logs": access,
            "every other log of the run": [p for p in every if p not in nginx + access],
        }


def step(text: str) -> None:
    print(f"== {text} ==", flush=True)


def wait_for_https(port: int, context: ssl.SSLContext, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        browser = Browser(port, context)
        with contextlib.suppress(OSError):
            if browser.send("GET", "/healthz", None).status == 200:
                browser.close()
                return
        browser.close()
        time.sleep(0.2)
    raise RuntimeError(f"nginx does not answer on https://localhost:{port}")


def exercise(run: Run) -> list[checks.Row]:
    settings = run.settings
    step("the edge and the shared limit")
    edge = probe_edge(run.nginx.https_port, run.nginx.http_port, run.context)
    node_ports = {name: port for name, (port, _p) in run.nodes.nodes.items()}
    answers = receipt_posts(sorted(node_ports.items()))
    step(
        f"{settings.people} people sign and confirm, {settings.repeats} of them twice, "
        f"{settings.threads} threads; a node and a scheduler killed after "
        f"{settings.kill_after}"
    )
    crowd = load.run(settings, run.nginx.https_port, run.context, run.sink, run.kill)
    print(
        f"  {len(crowd.acknowledged)} acknowledged in {crowd.seconds:.1f} s, "
        f"requests sent again: {crowd.retries}",
        flush=True,
    )
    run.wait_for_outbox()
    links = [link for outcome in crowd.outcomes for link in outcome.links]
    confirms = len(crowd.acknowledged)
    run.notes = checks.notes(crowd, run.nginx.access_log)
    return [
        checks.kill_row(crowd),
        *checks.signature_rows(
            crowd, run.database.signature_counts(), run.public_count(), settings.people
        ),
        *checks.mail_rows(run.database.outbox(), run.sink.message_ids()),
        *checks.limit_rows(answers),
        *checks.edge_rows(edge, crowd),
        checks.spread_row(run.nginx.access_log, node_ports),
        checks.json_log_row(sorted(run.logs.glob("scheduler-*.log"))),
        *checks.log_rows(run.logs_by_kind(), links, confirms),
    ]


def main() -> int:
    settings = Settings.from_env()

    def terminate(signum, frame):
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, terminate)
    signal.signal(signal.SIGHUP, terminate)
    started = time.monotonic()
    system.install_missing()
    folder = Path(tempfile.mkdtemp(prefix="petitions-topology-"))
    # Traversable by the unprivileged users of PostgreSQL and nginx's workers.
    folder.chmod(0o711)
    rows: list[checks.Row] = []
    notes: list[str] = []
    try:
        with contextlib.ExitStack() as stack:
            run = Run(settings, folder, stack)
            try:
                run.start()
                rows = exercise(run)
                notes = run.notes
            except Exception:
                show_logs(run.logs)
                raise
            finally:
                if run.database is not None:
                    run.database.close()
    finally:
        if settings.keep:
            print(f"kept {folder}", flush=True)
        else:
            shutil.rmtree(folder, ignore_errors=True)
    print()
    checks.print_table(rows)
    for note in notes:
        print(f"  {note}")
    failed = [row for row in rows if not row.ok]
    print(f"\nran in {time.monotonic() - started:.0f} s")
    print(f"topology: {len(rows) - len(failed)} passed, {len(failed)} failed")
    return 1 if failed else 0


def show_logs(logs: Path, lines: int = 15) -> None:
    """Print the end of each log, its link tokens redacted, to explain a failure."""
    for path in sorted(logs.glob("*.log")):
        tail = path.read_text(errors="replace").splitlines()[-lines:]
        if tail:
            print(f"--- {path.name} (last lines) ---", file=sys.stderr)
            print(redact_path("\n".join(tail)), file=sys.stderr)


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:  # everything started is stopped by then
        sys.exit(130)
