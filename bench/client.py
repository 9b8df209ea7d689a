"""What both load generators share: sessions, signatories and the result of a run.

The wrk script (``scenario.lua``) builds the same signatories as ``sign_body`` here;
keep the two in step.
"""

import http.client
import math
import re
import time
from dataclasses import dataclass, field
from urllib.parse import urlencode

from . import INITIATIVE_PATH

CSRF_FIELD = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
# The session cookie as "name=value" (__Host-session in production settings).
SESSION_COOKIE = re.compile(r"(?:^|,\s*)((?:__Host-)?session=[^;]+)")
ALPHABET = "abcdefghijklmnopqrstuvwxyz"


def letters(number: int) -> str:
    """Return ``number`` written in base 26 with the letters a-z (0 is ``a``)."""
    text = ALPHABET[number % 26]
    number //= 26
    while number:
        text = ALPHABET[number % 26] + text
        number //= 26
    return text


def sign_body(csrf_token: str, tag: int, connection: int, serial: int) -> str:
    """Return the sign form of a new signatory: one person per (tag, connection, serial).

    ``tag`` tells the runs apart, ``connection`` the connections of a run and ``serial``
    the requests of a connection; names are letters only, so that folding them (case,
    accents, spaces) cannot make two of them the same person. Each e-mail is used once.
    """
    family = letters(tag * 1000 + connection)
    given = letters(serial)
    return urlencode(
        {
            "csrf_token": csrf_token,
            "surname": f"Banc{family}",
            "first_names": f"Marie {given}",
            "birth_date-day": "1",
            "birth_date-month": "1",
            "birth_date-year": "1980",
            "street": "Rue Haute",
            "house_number": "10",
            "box": "",
            "postcode": "1000",
            "email": f"s{family}.{given}@example.be",
            "language": "fr",
            "consent": "y",
        }
    )


@dataclass(frozen=True)
class Session:
    """A browser session: its cookie and the CSRF token of its forms."""

    cookie: str
    csrf_token: str


def open_session(connection: http.client.HTTPConnection) -> Session:
    """GET the initiative page on ``connection`` as a browser; return cookie and token."""
    connection.request("GET", INITIATIVE_PATH, headers={"Accept-Language": "fr"})
    response = connection.getresponse()
    body = response.read().decode("utf-8", "replace")
    if response.status != 200:
        raise RuntimeError(f"GET {INITIATIVE_PATH} answered {response.status}")
    cookie = SESSION_COOKIE.search(response.getheader("Set-Cookie") or "")
    token = CSRF_FIELD.search(body)
    if not cookie or not token:
        raise RuntimeError(
            f"GET {INITIATIVE_PATH} gave no session cookie or CSRF token"
        )
    return Session(cookie=cookie.group(1), csrf_token=token.group(1))


def open_sessions(port: int, count: int) -> list[Session]:
    """Return ``count`` fresh sessions, one per load-generator connection."""
    sessions = []
    for _ in range(count):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        try:
            sessions.append(open_session(connection))
        finally:
            connection.close()
    return sessions


def wait_until_serving(port: int, path: str, seconds: float = 30) -> None:
    """Wait until ``GET path`` answers 200 on ``port``; raise if it never does."""
    deadline = time.monotonic() + seconds
    last = "no answer"
    while time.monotonic() < deadline:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        try:
            connection.request("GET", path)
            response = connection.getresponse()
            response.read()
            if response.status == 200:
                return
            last = f"status {response.status}"
        except OSError as error:
            last = str(error)
        finally:
            connection.close()
        time.sleep(0.1)
    raise RuntimeError(
        f"port {port} did not serve {path} within {seconds:.0f} s: {last}"
    )


def percentile(ordered: list, q: float) -> float:
    """Return the q-th percentile of an ascending list (nearest rank)."""
    if not ordered:
        return 0.0
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return float(ordered[rank - 1])


@dataclass
class RunResult:
    """What one load-generator run measured."""

    scenario: str
    ok: int = 0
    errors: int = 0
    elapsed: float = 0.0
    p50_ms: float = 0.0
    p99_ms: float = 0.0
    statuses: dict[str, int] = field(default_factory=dict)
    exhausted: int = 0  # connections that ran out of confirmation tokens early
    notes: list[str] = field(default_factory=list)

    @property
    def rate(self) -> float:
        return (self.ok + self.errors) / self.elapsed if self.elapsed else 0.0

    @property
    def ok_rate(self) -> float:
        return self.ok / self.elapsed if self.elapsed else 0.0
