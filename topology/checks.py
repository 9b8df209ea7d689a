"""The checks of a run, each a row of the summary: check, expected, found, ok."""

import contextlib
import json
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from petitions.serving import REDACTED, TOKEN_PATH_PREFIXES

from . import RECEIPT_LIMIT
from .load import Crowd
from .probes import Edge

# A token path written out: a prefix followed by anything but the redaction mark.
TOKEN_PATH = re.compile(
    "(?:" + "|".join(re.escape(p) for p in TOKEN_PATH_PREFIXES) + ")"
    rf"(?!{REDACTED})[^\s\"]"
)
ONE_YEAR = 365 * 24 * 3600
PUBLIC_NOT_CACHED = ("/initiatives/", "/confirm/")


@dataclass(frozen=True)
class Row:
    check: str
    expected: str
    found: str
    ok: bool


def signature_rows(crowd: Crowd, counts: dict, public_count, people: int) -> list[Row]:
    """Every acknowledged signature counted exactly once, in the database and the API."""
    acknowledged = crowd.acknowledged
    persons = len({o.person for o in acknowledged})
    problems = Counter(o.problem for o in crowd.outcomes if o.problem)
    answers = Counter(o.answer for o in acknowledged)
    found = ", ".join(f"{n} {a}" for a, n in sorted(answers.items()))
    if problems:
        found += "; failed: " + ", ".join(f"{n}x {p}" for p, n in problems.items())
    return [
        Row(
            "attempts acknowledged (people + repeats)",
            str(len(crowd.outcomes)),
            f"{len(acknowledged)} ({found})",
            not problems and len(acknowledged) == len(crowd.outcomes),
        ),
        Row("people acknowledged", str(people), str(persons), persons == people),
        Row(
            "signatures in the database (one per person)",
            str(persons),
            str(sum(v for k, v in counts.items() if k != "counted")),
            sum(v for k, v in counts.items() if k != "counted") == persons,
        ),
        Row(
            "confirmed signatures in the database",
            str(persons),
            str(counts.get("confirmed", 0)),
            counts.get("confirmed", 0) == persons,
        ),
        Row(
            "public count (API /api/v1/initiatives/<slug>)",
            str(persons),
            str(public_count),
            public_count == persons == counts["counted"],
        ),
    ]


def kill_row(crowd: Crowd) -> Row:
    """The kill happened midway: people were acknowledged before and after it."""
    after = len(crowd.acknowledged) - crowd.killed_after
    return Row(
        "SIGKILL midway: node a, the lease-holding scheduler",
        "both, acknowledgements after",
        f"{'both' if 'lease holder' in crowd.killed else crowd.killed or 'none'}, "
        f"{crowd.killed_after} before, {after} after",
        "lease holder" in crowd.killed and crowd.killed_after > 0 and after > 0,
    )


def notes(crowd: Crowd, access_log: Path) -> list[str]:
    """What the kill cost the people, for the record (not checks)."""
    text = access_log.read_text() if access_log.exists() else ""
    return [
        crowd.killed,
        f"requests sent again by the people (502 or no answer): {crowd.retries}; "
        f"passed on to node b by nginx: {text.count('upstream_status=502, ')} "
        "(node a refused the connection)",
        f"{len(crowd.acknowledged)} attempts acknowledged in {crowd.seconds:.0f} s",
    ]


def mail_rows(outbox: list[tuple], delivered: Counter) -> list[Row]:
    """Every outbox row sent, each Message-ID in the sink once (one repeat tolerated)."""
    expected_ids = {row[3] for row in outbox}
    sent = sum(1 for row in outbox if row[2])
    lost = [row for row in outbox if delivered[row[3]] == 0]
    strangers = sum(
        n for message_id, n in delivered.items() if message_id not in expected_ids
    )
    repeated = sum(n - 1 for message_id, n in delivered.items() if n > 1)
    return [
        Row("outbox rows sent", str(len(outbox)), str(sent), sent == len(outbox) > 0),
        Row("outbox rows whose mail never arrived", "0", str(len(lost)), not lost),
        Row(
            "mails whose Message-ID is no outbox row's",
            "0",
            str(strangers),
            strangers == 0,
        ),
        Row(
            "Message-IDs delivered twice (after the scheduler's SIGKILL)",
            "<= 1",
            str(repeated),
            repeated <= 1,
        ),
    ]


def limit_rows(answers: list[tuple[str, int]]) -> list[Row]:
    """The receipt limit: the two nodes together accept exactly the limit, then 429."""
    accepted = [node for node, status in answers[:RECEIPT_LIMIT] if status != 429]
    refused = [status for _node, status in answers[RECEIPT_LIMIT:]]
    by_node = Counter(accepted)
    nodes = sorted({node for node, _status in answers})
    found = (
        f"{sum(1 for _n, s in answers if s != 429)} accepted "
        f"({', '.join(f'{n} {by_node[n]}' for n in nodes)}), "
        f"then {', '.join(map(str, refused))}"
    )
    return [
        Row(
            f"receipt posts, nodes in turn ({RECEIPT_LIMIT} per minute)",
            f"{RECEIPT_LIMIT} accepted, then 429",
            found,
            len(accepted) == RECEIPT_LIMIT
            and all(status == 429 for status in refused)
            and len(by_node) == len(nodes) > 1,
        )
    ]


def edge_rows(edge: Edge, crowd: Crowd) -> list[Row]:
    """Cookies, HSTS, the redirect, the Server header and the cache, as browsers see them."""
    cookie = [part.strip() for part in edge.session_cookie.split(";")]
    attributes = {part.split("=")[0].lower() for part in cookie[1:]}
    cookie_ok = (
        cookie[0].startswith("__Host-")
        and "secure" in attributes
        and "path=/" in {part.lower() for part in cookie[1:]}
        and "domain" not in attributes
    )
    hsts_age = re.search(r"max-age=(\d+)", edge.hsts)
    status, location = edge.redirect
    private_hits = sum(
        n
        for (request, cache), n in crowd.cache_statuses.items()
        if cache == "HIT" and any(p in request for p in PUBLIC_NOT_CACHED)
    )
    private_total = sum(
        n
        for (request, _cache), n in crowd.cache_statuses.items()
        if any(p in request for p in PUBLIC_NOT_CACHED)
    )
    return [
        Row(
            "session cookie through nginx",
            "__Host-, Secure, Path=/, no Domain",
            f"{cookie[0].split('=')[0]}; {'; '.join(sorted(attributes))}",
            cookie_ok,
        ),
        Row(
            "Strict-Transport-Security",
            f"max-age >= {ONE_YEAR}",
            edge.hsts or "(none)",
            bool(hsts_age) and int(hsts_age.group(1)) >= ONE_YEAR,
        ),
        Row(
            "plain HTTP",
            "301 to https://",
            f"{status} to {location.split(':')[0]}://",
            status == 301 and location.startswith("https://"),
        ),
        Row("Server header", "nginx (no version)", edge.server, edge.server == "nginx"),
        Row(
            "GET / twice: X-Cache-Status",
            "MISS, HIT",
            ", ".join(edge.home),
            edge.home[-1:] == ["HIT"],
        ),
        Row(
            "GET / in Dutch next (Vary: Accept-Language)",
            "not HIT, <html lang=nl>",
            f"{edge.dutch_home[0]}, lang={edge.dutch_home[1]}",
            edge.dutch_home[0] != "HIT" and edge.dutch_home[1] == "nl",
        ),
        Row(
            "initiative page twice: X-Cache-Status",
            "never HIT",
            ", ".join(edge.initiative),
            "HIT" not in edge.initiative and len(edge.initiative) == 2,
        ),
        Row(
            "sign and confirm answers from the cache",
            "0",
            f"{private_hits} of {private_total}",
            private_hits == 0 and private_total > 0,
        ),
    ]


def token_leaks(paths: list[Path], tokens: list[str]) -> int:
    """Count the lines of ``paths`` that hold a used token or a token path in full."""
    leaks = 0
    for path in paths:
        if not path.exists():
            continue
        for line in path.read_text(errors="replace").splitlines():
            if TOKEN_PATH.search(line) or any(token in line for token in tokens):
                leaks += 1
    return leaks


def log_rows(logs: dict[str, list[Path]], links: list[str], confirms: int) -> list[Row]:
    """No link token in any log; the token paths that were requested logged redacted."""
    tokens = [link.rsplit("/", 1)[1] for link in links]
    rows = [
        Row(f"link tokens in {label}", "0", str(leaks), leaks == 0)
        for label, paths in logs.items()
        for leaks in [token_leaks(paths, tokens)]
    ]
    for label in ("nginx's access log", "the gunicorn access logs"):
        redacted = sum(
            path.read_text().count(f"POST /confirm/{REDACTED}")
            for path in logs[label]
            if path.exists()
        )
        rows.append(
            Row(
                f"confirm posts logged redacted in {label}",
                f">= {confirms}",
                str(redacted),
                redacted >= confirms > 0,
            )
        )
    return rows


def json_log_row(paths: list[Path]) -> Row:
    """The app's own log records (the schedulers' logs) are JSON lines (LOG_FORMAT)."""
    lines = [
        line
        for path in paths
        if path.exists()
        for line in path.read_text().splitlines()
        if line.strip()
    ]
    parsed = 0
    for line in lines:
        with contextlib.suppress(ValueError):
            parsed += isinstance(json.loads(line), dict)
    return Row(
        "scheduler log lines that are JSON objects",
        "all, > 0",
        f"{parsed} of {len(lines)}",
        parsed == len(lines) > 0,
    )


def spread_row(access_log: Path, node_ports: dict[str, int]) -> Row:
    """nginx sent requests to every node (its access log names the upstream)."""
    text = access_log.read_text() if access_log.exists() else ""
    served = {n: text.count(f"upstream=127.0.0.1:{p}") for n, p in node_ports.items()}
    return Row(
        "requests nginx passed to each node",
        "> 0 each",
        ", ".join(f"{n} {c}" for n, c in served.items()),
        all(served.values()),
    )


def print_table(rows: list[Row]) -> None:
    headers = ("check", "expected", "found", "ok")
    table = [headers] + [
        (r.check, r.expected, r.found, "ok" if r.ok else "FAIL") for r in rows
    ]
    widths = [max(len(row[i]) for row in table) for i in range(4)]
    for number, row in enumerate(table):
        print(
            "  ".join(
                cell.ljust(width) for cell, width in zip(row, widths, strict=True)
            )
        )
        if number == 0:
            print("  ".join("-" * width for width in widths))
