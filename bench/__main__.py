"""``python -m bench``: measure signing and confirming under gunicorn (see __init__)."""

import json
import math
import os
import signal
import sys
from pathlib import Path

from . import INITIATIVE_PATH, Settings, dossier, pyload, wrk
from .client import RunResult, Session, open_sessions, wait_until_serving
from .instance import AppSide, app_environment, make_instance, run_dir, setup_database
from .servers import Processes, free_port


class Bench:
    """One benchmark run: the servers, the load generator and every run's result."""

    def __init__(self, settings: Settings, folder: Path, wrk_path: str | None):
        self.settings = settings
        self.folder = folder
        self.wrk_path = wrk_path
        self.tag = 0
        self.runs: list[tuple[str, RunResult]] = []  # (purpose, result), in order
        self.counts: dict[str, int] = {}  # signatures in the database, at the end
        self.dossier: dict | None = None  # the dossier export's figures

    def run(self, scenario: str, port: int, seconds: float, purpose: str, tokens=None):
        """Run one scenario for ``seconds``; ``purpose`` is measured, warm-up or top-up."""
        self.tag += 1
        connections = self.settings.connections
        if self.wrk_path:
            sessions = self.folder / f"sessions-{self.tag}.txt"
            if scenario == "hello":  # no forms: no session to open
                wrk.write_sessions(sessions, [Session("-", "-")] * connections)
            else:
                wrk.write_sessions(sessions, open_sessions(port, connections))
            result = wrk.run(
                self.wrk_path,
                scenario,
                port,
                sessions,
                connections,
                seconds,
                self.tag,
                tokens,
            )
        else:
            result = pyload.run(scenario, port, connections, seconds, self.tag, tokens)
        self.runs.append((purpose, result))
        print(
            f"  {scenario:<8} {purpose:<9} {result.rate:8.1f} req/s  "
            f"{result.ok} ok, {result.errors} errors  {' '.join(result.notes)}",
            flush=True,
        )
        return result

    def total_ok(self, scenario: str) -> int:
        return sum(r.ok for _, r in self.runs if r.scenario == scenario)

    def total_errors(self) -> int:
        return sum(r.errors for _, r in self.runs)

    def measured(self, scenario: str) -> RunResult:
        return next(
            r for p, r in self.runs if p == "measured" and r.scenario == scenario
        )


def confirm_tokens(bench: Bench, app: AppSide, app_port: int) -> Path:
    """Warm confirming up, then make sure the measured run cannot run out of tokens."""
    settings, folder = bench.settings, bench.folder
    tokens = folder / "tokens.txt"
    pending = app.write_confirmation_tokens(tokens)
    estimate = 3 * bench.measured("sign").rate
    if settings.warmup:
        warm = folder / "tokens-warmup.txt"
        lines = tokens.read_text().splitlines(keepends=True)
        warm.write_text(
            "".join(lines[: max(len(lines) // 3, 2 * settings.connections)])
        )
        estimate = bench.run("confirm", app_port, settings.warmup, "warm-up", warm).rate
        pending = app.write_confirmation_tokens(tokens)
    needed = math.ceil(estimate * settings.seconds * 1.5) + 2 * settings.connections
    if pending < needed:
        sign_rate = max(bench.measured("sign").rate, 1.0)
        seconds = (needed - pending) / sign_rate * 1.2 + 0.5
        bench.run("sign", app_port, seconds, "top-up")
        pending = app.write_confirmation_tokens(tokens)
    print(f"  {pending} confirmation tokens ready", flush=True)
    return tokens


def measure(
    settings: Settings, folder: Path, env: dict, config: dict, wrk_path
) -> Bench:
    bench = Bench(settings, folder, wrk_path)
    logs = folder / "logs"
    with Processes() as processes:
        app_port = free_port()
        hello_port = free_port()
        while hello_port == app_port:
            hello_port = free_port()
        options = settings.gunicorn_args()
        processes.gunicorn(
            "petitions",
            "petitions:create_app()",
            app_port,
            options,
            env,
            logs / "petitions.log",
        )
        processes.gunicorn(
            "hello", "bench.hello:app", hello_port, options, env, logs / "hello.log"
        )
        wait_until_serving(app_port, INITIATIVE_PATH)
        wait_until_serving(hello_port, "/")
        print(
            f"petitions on 127.0.0.1:{app_port}, hello on 127.0.0.1:{hello_port}: "
            f"gunicorn {settings.describe_gunicorn()}",
            flush=True,
        )
        app = AppSide(env, config)
        for scenario, port in (
            ("sign", app_port),
            ("confirm", app_port),
            ("hello", hello_port),
        ):
            tokens = (
                confirm_tokens(bench, app, app_port) if scenario == "confirm" else None
            )
            if settings.warmup and scenario != "confirm":
                bench.run(scenario, port, settings.warmup, "warm-up")
            bench.run(scenario, port, settings.seconds, "measured", tokens)
            processes.check_alive()
        bench.counts = app.counts()
    return bench


def report(bench: Bench, loadgen: str) -> int:
    """Print the table and the database check; return the exit status."""
    settings = bench.settings
    sign, confirm, hello = (bench.measured(s) for s in ("sign", "confirm", "hello"))
    print()
    print(
        f"{settings.seconds:g} s per scenario after {settings.warmup:g} s of warm-up, "
        f"{settings.connections} connections, load generator {loadgen}, "
        f"gunicorn {settings.describe_gunicorn()}, {os.cpu_count()} CPUs"
    )
    print(
        f"{'scenario':<34}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'errors':>8}{'ok':>8}"
    )
    rows = (
        ("sign    POST /initiatives/…/sign", sign),
        ("confirm POST /confirm/<token>", confirm),
        ("hello   GET / (ceiling)", hello),
    )
    for label, r in rows:
        print(
            f"{label:<34}{r.rate:>9.1f}{r.p50_ms:>9.1f}{r.p99_ms:>9.1f}{r.errors:>8}{r.ok:>8}"
        )
    if confirm.exhausted:
        print(f"note: {confirm.exhausted} confirm connections ran out of tokens early")
    ratio = sign.rate / hello.rate if hello.rate else 0.0
    print(f"signing / hello-world ceiling: {ratio:.3f} ({100 * ratio:.1f} %)")
    if bench.dossier:
        d = bench.dossier
        print(
            f"dossier export {d['rows']:,} signatures: {d['seconds']:.1f} s, "
            f"{d['rows_per_second']:,.0f} rows/s, peak RSS {d['rss_peak_kib'] / 1024:.0f} MiB "
            f"({d['rss_before_kib'] / 1024:.0f} MiB before the export), "
            f"ZIP {d['zip_bytes'] / 1e6:.1f} MB; seeding took {d['seed_seconds']:.0f} s"
        )

    counts = bench.counts
    signed, confirmed = bench.total_ok("sign"), bench.total_ok("confirm")
    errors = bench.total_errors()
    print(
        f"database: {counts['total']} signatures; successful sign answers (all runs, "
        f"warm-up and top-up included): {signed}"
    )
    print(
        f"database: {counts['confirmed']} confirmed; successful confirm answers: {confirmed}"
    )
    status = 0
    if counts["total"] != signed or counts["confirmed"] != confirmed:
        print("FAIL: the database does not match the successful answers")
        status = 1
    if errors:
        statuses = [
            f"{r.scenario} {p}: {r.statuses}" for p, r in bench.runs if r.errors
        ]
        print(f"FAIL: {errors} errors ({'; '.join(statuses)})")
        status = 1
    results = {
        "settings": settings.__dict__,
        "loadgen": loadgen,
        "runs": [{"purpose": p, **r.__dict__, "rate": r.rate} for p, r in bench.runs],
        "database": counts,
        "ratio": ratio,
        "dossier": bench.dossier,
    }
    (bench.folder / "results.json").write_text(json.dumps(results, indent=2))
    print(
        f"details in {bench.folder / 'results.json'}; logs in {bench.folder / 'logs'}"
    )
    return status


def main() -> int:
    settings = Settings.from_env()

    def terminate(signum, frame):
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, terminate)
    signal.signal(signal.SIGHUP, terminate)
    wrk_path = None
    if settings.loadgen in ("auto", "wrk"):
        wrk_path = wrk.find_wrk()
        if wrk_path is None and settings.loadgen == "wrk":
            raise SystemExit("wrk is not installed and could not be installed")
        if wrk_path is None:
            print("wrk is not available: using the Python load generator", flush=True)
    loadgen = (
        f"wrk ({wrk_path})" if wrk_path else "python (http.client, multiprocessing)"
    )
    folder = run_dir()
    config = make_instance(folder)
    env = app_environment(config)
    print(f"instance in {folder / 'instance'}; flask --app petitions setup", flush=True)
    setup_database(env, folder / "logs" / "setup.log")
    bench = measure(settings, folder, env, config, wrk_path)
    signatures = int(os.environ.get("BENCH_DOSSIER_SIGNATURES", "100000") or 0)
    if signatures > 0:
        print(f"dossier: sealing {signatures} signatures, then exporting", flush=True)
        bench.dossier = dossier.run(AppSide(env, config).app, env, folder, signatures)
    return report(bench, loadgen)


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:  # the servers are already stopped by then
        sys.exit(130)
