"""The processes the benchmark starts, and their certain end."""

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from . import PROJECT

GUNICORN = Path(sys.executable).parent / "gunicorn"


def free_port() -> int:
    """Return a TCP port on loopback that nothing listens on now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Processes:
    """Start processes in their own process group; stop each group, whatever happens.

    Used as a context manager: leaving it (normally, by an exception, by Ctrl+C, or by
    SIGTERM, which ``main`` turns into SystemExit) ends every group it started, first
    with SIGTERM, then with SIGKILL for what is still there.
    """

    def __init__(self):
        self.started: list[tuple[str, subprocess.Popen]] = []

    def __enter__(self) -> "Processes":
        return self

    def __exit__(self, *exc) -> None:
        self.stop_all()

    def start(
        self, name: str, command: list[str], env: dict, log: Path
    ) -> subprocess.Popen:
        with log.open("ab") as output:
            process = subprocess.Popen(
                command,
                cwd=PROJECT,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own group: its workers end with it
            )
        self.started.append((name, process))
        return process

    def gunicorn(
        self, name: str, app: str, port: int, options: list[str], env: dict, log: Path
    ) -> subprocess.Popen:
        command = [
            str(GUNICORN),
            "--bind", f"127.0.0.1:{port}",
            *options,
            "--timeout", "120",
            "--graceful-timeout", "5",
            "--log-level", "warning",
            app,
        ]  # fmt: skip
        return self.start(name, command, env, log)

    def check_alive(self) -> None:
        for name, process in self.started:
            if process.poll() is not None:
                raise RuntimeError(
                    f"{name} (pid {process.pid}) exited with {process.returncode}"
                )

    def stop_all(self) -> None:
        for _name, process in reversed(self.started):
            _signal_group(process, signal.SIGTERM)
        deadline = time.monotonic() + 10
        for _name, process in self.started:
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            # The leader may be gone while a worker of its group lingers: KILL the group.
            _signal_group(process, signal.SIGKILL)
            try:
                process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                print(f"warning: pid {process.pid} did not end", file=sys.stderr)
        self.started.clear()


def _signal_group(process: subprocess.Popen, sig: int) -> None:
    # The group id is the pid of the process we started (start_new_session=True).
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, sig)
