"""Benchmark of signing and confirming under gunicorn (``make bench``).

``python -m bench`` builds a throwaway instance in ``bench/out/run/`` (fresh secrets, a
SQLite file, mail to files), serves it with gunicorn beside a plain Flask hello-world
app (the ceiling of this machine and these gunicorn settings), drives both with ``wrk``
(or a Python load generator when wrk cannot be had), prints a table and checks the
database against the successful answers. Every process it starts is stopped on exit.

Settings, all optional environment variables:

========================  =========  ====================================================
BENCH_SECONDS             10         measured seconds per scenario
BENCH_WARMUP              3          warm-up seconds before each scenario (not counted)
BENCH_CONNECTIONS         16         concurrent keep-alive connections (one session each)
BENCH_WORKERS             2          gunicorn worker processes
BENCH_THREADS             1          threads per worker (> 1 selects the gthread worker)
BENCH_LOADGEN             auto       ``wrk``, ``python`` or ``auto`` (wrk when available)
BENCH_DOSSIER_SIGNATURES  100000     signatures of the dossier export scenario (0: skip)
========================  =========  ====================================================

Why ``gunicorn -w 2`` sync workers on 2 cores: signing is CPU-bound Python serialised
on SQLite's single write lock (every POST begins ``BEGIN IMMEDIATE``), so one process
per core is the most that can help; more workers (-w 3..5) or gthread workers
(-w 2..4 --threads 2..8) measured no more signatures per second, only more lock
waiters, whose busy-timeout polling pushed p99 from about 0.1 s to 0.4-1.3 s.
"""

import os
from dataclasses import dataclass
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
OUT = PROJECT / "bench" / "out"
SLUG = "more-trees-in-our-streets"
INITIATIVE_PATH = f"/initiatives/{SLUG}"
SIGN_PATH = f"{INITIATIVE_PATH}/sign"


def _number(name: str, default: float) -> float:
    value = os.environ.get(name, "").strip()
    return float(value) if value else default


@dataclass(frozen=True)
class Settings:
    seconds: float
    warmup: float
    connections: int
    workers: int
    threads: int
    loadgen: str

    @classmethod
    def from_env(cls) -> "Settings":
        loadgen = os.environ.get("BENCH_LOADGEN", "auto").strip() or "auto"
        if loadgen not in ("auto", "wrk", "python"):
            raise SystemExit("BENCH_LOADGEN must be wrk, python or auto")
        settings = cls(
            seconds=_number("BENCH_SECONDS", 10),
            warmup=_number("BENCH_WARMUP", 3),
            connections=int(_number("BENCH_CONNECTIONS", 16)),
            workers=int(_number("BENCH_WORKERS", 2)),
            threads=int(_number("BENCH_THREADS", 1)),
            loadgen=loadgen,
        )
        if settings.seconds <= 0 or settings.warmup < 0:
            raise SystemExit("BENCH_SECONDS must be > 0 and BENCH_WARMUP >= 0")
        if not 1 <= settings.connections <= 256:
            raise SystemExit("BENCH_CONNECTIONS must be between 1 and 256")
        if settings.workers < 1 or settings.threads < 1:
            raise SystemExit("BENCH_WORKERS and BENCH_THREADS must be >= 1")
        return settings

    @property
    def worker_class(self) -> str:
        return "gthread" if self.threads > 1 else "sync"

    def gunicorn_args(self) -> list[str]:
        args = ["--workers", str(self.workers), "--worker-class", self.worker_class]
        if self.threads > 1:
            args += ["--threads", str(self.threads)]
        return args

    def describe_gunicorn(self) -> str:
        text = f"-w {self.workers} --worker-class {self.worker_class}"
        return text + (f" --threads {self.threads}" if self.threads > 1 else "")
