"""The wrk load generator: find or install it, run scenario.lua, read its result line."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

from .client import RunResult, Session

SCRIPT = Path(__file__).resolve().parent / "scenario.lua"
# wrk's own -d is a safety net past each connection's deadline (see scenario.lua).
GRACE_SECONDS = 3


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
    wall = max(1, int(seconds + 0.999) + GRACE_SECONDS)
    command = [
        wrk,
        "--threads", str(connections),
        "--connections", str(connections),
        "--duration", f"{wall}s",
        "--timeout", "60s",
        "--script", str(SCRIPT),
        f"http://127.0.0.1:{port}",
        "--",
        scenario,
        str(sessions_file),
        str(tokens_file or "-"),
        str(tag),
        f"{seconds:g}",
        str(connections),
    ]  # fmt: skip
    completed = subprocess.run(
        command, capture_output=True, text=True, timeout=wall + 60, check=False
    )
    line = next(
        (x for x in completed.stdout.splitlines() if x.startswith("BENCH-RESULT ")), None
    )
    if completed.returncode != 0 or line is None:
        sys.stderr.write(completed.stdout + completed.stderr)
        raise RuntimeError(f"wrk failed on {scenario} (exit {completed.returncode})")
    return parse(scenario, line)


def parse(scenario: str, line: str) -> RunResult:
    """Turn scenario.lua's ``BENCH-RESULT key=value ...`` line into a RunResult."""
    values = dict(part.split("=", 1) for part in line.split()[1:])
    number = {k: float(v) for k, v in values.items()}
    statuses = {k[1:]: int(v) for k, v in number.items() if k.startswith("s")}
    statuses = {k: v for k, v in statuses.items() if k.isdigit()}
    socket_errors = sum(int(number[k]) for k in ("connect", "read", "write", "timeout"))
    unanswered = int(number["sent"] - number["received"])
    ok = int(number["ok"])
    result = RunResult(
        scenario=scenario,
        ok=ok,
        errors=int(number["received"]) - ok + socket_errors + max(unanswered, 0),
        elapsed=number["elapsed"],
        p50_ms=number["p50_us"] / 1000,
        p99_ms=number["p99_us"] / 1000,
        statuses=statuses,
        exhausted=int(number["exhausted"]),
    )
    if socket_errors:
        result.notes.append(
            "socket errors: "
            + ", ".join(f"{k} {int(number[k])}" for k in ("connect", "read", "write", "timeout"))
        )
    if unanswered:
        result.notes.append(f"{unanswered} requests unanswered when wrk stopped")
    if number["stopped"] < number["threads"]:
        result.notes.append("some connections did not reach their deadline")
    return result
