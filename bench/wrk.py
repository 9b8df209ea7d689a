"""The wrk load generator: find or install it, run scenario.lua, read its result line."""

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

from .client import RunResult, Session, percentile

SCRIPT = Path(__file__).resolve().parent / "scenario.lua"
# wrk's own -d and --timeout: a safety net past each connection's deadline (see
# scenario.lua), longer than the app's SQLite busy_timeout (10 s).
SAFETY_SECONDS = 30


def find_wrk(install: bool = True) -> str | None:
    """Return the path of wrk; install the Debian package first if missing and root."""
    found = shutil.which("wrk")
    if found or not install:
        return found
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        return None
    print("wrk is missing: apt-get install -y wrk", flush=True)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL, "env": env}
    command = ["apt-get", "install", "-y", "--no-install-recommends", "wrk"]
    if subprocess.run(command, check=False, **quiet).returncode != 0:
        subprocess.run(["apt-get", "update"], check=False, **quiet)
        subprocess.run(command, check=False, **quiet)
    return shutil.which("wrk")


def write_sessions(path: Path, sessions: list[Session]) -> None:
    path.write_text("".join(f"{s.cookie}\t{s.csrf_token}\n" for s in sessions))


def run(
    wrk: str,
    scenario: str,
    port: int,
    sessions_file: Path,
    connections: int,
    seconds: float,
    tag: int,
    tokens_file: Path | None = None,
) -> RunResult:
    """Run one scenario (sign, confirm or hello) and return what it measured."""
    results = sessions_file.parent / f"results-{tag}"
    results.mkdir()
    wall = int(seconds + 0.999) + SAFETY_SECONDS
    command = [
        wrk,
        "--threads", str(connections),
        "--connections", str(connections),
        "--duration", f"{wall}s",
        "--timeout", f"{SAFETY_SECONDS}s",
        "--script", str(SCRIPT),
        f"http://127.0.0.1:{port}",
        "--",
        scenario,
        str(sessions_file),
        str(tokens_file or "-"),
        str(tag),
        f"{seconds:g}",
        str(connections),
        str(results),
    ]  # fmt: skip
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        # Each connection writes its result when done measuring (see scenario.lua);
        # then wrk would only sleep out -d: SIGINT cuts it short.
        while process.poll() is None and _done(results) < connections:
            time.sleep(0.02)
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
        stdout, stderr = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    if _done(results) < connections:
        sys.stderr.write(stdout + stderr)
        raise RuntimeError(
            f"wrk ended (exit {process.returncode}) before every connection of "
            f"{scenario} finished measuring"
        )
    return collect(scenario, results, stdout)


def _done(results: Path) -> int:
    return sum(1 for p in results.iterdir() if p.name.isdigit())


def collect(scenario: str, results: Path, stdout: str) -> RunResult:
    """Add up the connections' result files (see scenario.lua:write_result)."""
    result = RunResult(scenario=scenario)
    latencies: list[int] = []
    starts, stops, sent, received = [], [], 0, 0
    for path in results.iterdir():
        if not path.name.isdigit():
            continue
        head, codes, *values = path.read_text().splitlines()
        fields = {k: int(v) for k, v in (x.split("=") for x in head.split())}
        starts.append(fields["start"])
        stops.append(fields["stop"])
        sent += fields["sent"]
        received += fields["received"]
        result.ok += fields["ok"]
        result.exhausted += fields["exhausted"]
        for item in codes.split()[1:]:
            code, count = item.split("=")
            result.statuses[code] = result.statuses.get(code, 0) + int(count)
        latencies.extend(int(v) for v in values)
    line = next((x for x in stdout.splitlines() if x.startswith("BENCH-ERRORS ")), "")
    socket_errors = {k: int(v) for k, v in (x.split("=") for x in line.split()[1:])}
    unanswered = sent - received
    result.errors = (
        received - result.ok + max(unanswered, 0) + sum(socket_errors.values())
    )
    result.elapsed = (max(stops) - min(starts)) / 1e6
    latencies.sort()
    result.p50_ms = percentile(latencies, 50) / 1000
    result.p99_ms = percentile(latencies, 99) / 1000
    if any(socket_errors.values()):
        result.notes.append(f"wrk socket errors {socket_errors}")
    if unanswered:
        result.notes.append(f"{unanswered} requests sent but not answered")
    return result
