"""The Python load generator, when wrk cannot be had: one process per connection.

Each process keeps one ``http.client`` connection (kept alive when the server allows
it), opens its own session with a GET of the initiative page, then sends requests one
after the other until its deadline; the request in flight at the deadline is finished,
so every request sent is answered.
"""

import http.client
import multiprocessing
import time
from pathlib import Path

from .client import RunResult, open_session, percentile, sign_body

FORM = {"Content-Type": "application/x-www-form-urlencoded"}


def _connection_main(job: tuple) -> dict:
    scenario, port, connection_id, connections, seconds, tag, tokens_file = job
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    tokens = []
    if scenario == "confirm":
        lines = Path(tokens_file).read_text().split()
        tokens = lines[connection_id::connections]
    session = open_session(connection) if scenario != "hello" else None
    headers = {**FORM, "Cookie": session.cookie} if session else {}
    expected = 200 if scenario == "hello" else 303
    latencies, statuses, ok, errors, exhausted = [], {}, 0, 0, 0
    start = time.monotonic()
    deadline = start + seconds
    serial = 0
    while True:
        if scenario == "sign":
            body = sign_body(session.csrf_token, tag, connection_id, serial)
            method, path = "POST", "/initiatives/more-trees-in-our-streets/sign"
        elif scenario == "confirm":
            if serial >= len(tokens):
                exhausted = 1
                break
            body = f"csrf_token={session.csrf_token}"
            method, path = "POST", f"/confirm/{tokens[serial]}"
        else:
            body, method, path = None, "GET", "/"
        serial += 1
        sent = time.monotonic()
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            response.read()
            status = str(response.status)
        except (OSError, http.client.HTTPException) as error:
            status = type(error).__name__
            connection.close()
        now = time.monotonic()
        latencies.append(now - sent)
        statuses[status] = statuses.get(status, 0) + 1
        if status == str(expected):
            ok += 1
        else:
            errors += 1
        if now >= deadline:
            break
    connection.close()
    return {
        "ok": ok,
        "errors": errors,
        "latencies": latencies,
        "statuses": statuses,
        "start": start,
        "stop": time.monotonic(),
        "exhausted": exhausted,
    }


def run(
    scenario: str,
    port: int,
    connections: int,
    seconds: float,
    tag: int,
    tokens_file: Path | None = None,
) -> RunResult:
    """Run one scenario (sign, confirm or hello) and return what it measured."""
    jobs = [
        (scenario, port, i, connections, seconds, tag, str(tokens_file or ""))
        for i in range(connections)
    ]
    context = multiprocessing.get_context("fork")
    with context.Pool(connections) as pool:
        parts = pool.map(_connection_main, jobs)
    latencies = sorted(x for part in parts for x in part["latencies"])
    statuses: dict[str, int] = {}
    for part in parts:
        for status, count in part["statuses"].items():
            statuses[status] = statuses.get(status, 0) + count

    return RunResult(
        scenario=scenario,
        ok=sum(p["ok"] for p in parts),
        errors=sum(p["errors"] for p in parts),
        elapsed=max(p["stop"] for p in parts) - min(p["start"] for p in parts),
        p50_ms=percentile(latencies, 50) * 1000,
        p99_ms=percentile(latencies, 99) * 1000,
        statuses=statuses,
        exhausted=sum(p["exhausted"] for p in parts),
    )
