"""A person's browser over HTTPS through nginx, and what they do: sign, then confirm.

A request that fails as a dead node makes it fail (no answer, 502, 503, 504) is sent
again after a pause, as a person presses reload; any other unexpected answer ends that
person's attempt and is reported.
"""

import http.client
import re
import ssl
import time
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import urlencode

from bench.client import letters
from petitions.serving import redact_path

from . import INITIATIVE_PATH, SERVER_NAME
from .services import Mail, Sink

CSRF_FIELD = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
CONFIRM_LINK = re.compile(r"https://[^/\s]+(/confirm/[A-Za-z0-9_.\-]+)")
ACKNOWLEDGED = {
    "Thank you, your signature counts": "confirmed",
    "This signature already counts": "already confirmed",
}
NEWER_LINK = 409
RETRIED = {502, 503, 504}
RETRIES = 20
MAIL_SECONDS = 60


class Refused(RuntimeError):
    """An answer a person could not go on from."""


@dataclass
class Answer:
    status: int
    headers: http.client.HTTPMessage
    text: str

    def cookies(self) -> list[str]:
        return self.headers.get_all("Set-Cookie") or []


@dataclass
class Browser:
    """One visitor: a kept-alive HTTPS connection to nginx, and its cookies."""

    port: int
    context: ssl.SSLContext
    language: str = "en"
    cookies: dict[str, str] = field(default_factory=dict)
    retries: int = 0  # requests sent again after a failure a dead node explains
    # (request, X-Cache-Status) of every answer: which were served from nginx's cache.
    cache_statuses: Counter = field(default_factory=Counter)
    connection: http.client.HTTPSConnection | None = None

    @property
    def origin(self) -> str:
        return f"https://{SERVER_NAME}:{self.port}"

    def request(self, method: str, path: str, form: dict | None = None) -> Answer:
        """Send a request, again while it fails the way a killed node makes it fail."""
        for _attempt in range(RETRIES):
            try:
                answer = self.send(method, path, form)
            except (OSError, http.client.HTTPException):
                self.close()
            else:
                if answer.status not in RETRIED:
                    return answer
            self.retries += 1
            time.sleep(0.2)
        raise Refused(f"{method} {path.split('/')[1]}: no answer after {RETRIES} tries")

    def send(self, method: str, path: str, form: dict | None) -> Answer:
        if self.connection is None:
            self.connection = http.client.HTTPSConnection(
                SERVER_NAME, self.port, context=self.context, timeout=30
            )
        headers = {"Accept-Language": self.language, "Sec-Fetch-Site": "same-origin"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Origin"] = self.origin
        self.connection.request(method, path, body=body, headers=headers)
        response = self.connection.getresponse()
        answer = Answer(
            response.status,
            response.headers,
            response.read().decode("utf-8", "replace"),
        )
        if response.will_close:
            self.close()
        request = f"{method} {redact_path(path)}"
        self.cache_statuses[request, response.headers.get("X-Cache-Status", "-")] += 1
        for cookie in answer.cookies():
            name, _, value = cookie.partition(";")[0].partition("=")
            self.cookies[name.strip()] = value.strip()
        return answer

    def form_token(self, path: str) -> str:
        """GET a page and return its form's CSRF token."""
        answer = self.request("GET", path)
        token = CSRF_FIELD.search(answer.text)
        if answer.status != 200 or not token:
            raise Refused(f"GET {path.split('/')[1]}: {answer.status}, no form")
        return token.group(1)

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
            self.connection = None


def person(number: int) -> dict:
    """Return the sign form of person ``number``: letters-only names, their own mailbox."""
    name = letters(number)
    return {
        "surname": f"Topo{name}",
        "first_names": "Alex",
        "birth_date-day": "1",
        "birth_date-month": "1",
        "birth_date-year": "1980",
        "street": "Rue Haute",
        "house_number": "10",
        "box": "",
        "postcode": "1000",
        "email": f"topo.{name}@example.be",
        "language": "en",
        "consent": "y",
        "website": "",  # the honeypot: people leave it empty
    }


def confirmation_mails(mails: list[Mail], address: str) -> list[Mail]:
    """Return the mails to ``address`` that carry a confirmation link, oldest first."""
    return [m for m in mails if m.to == address and CONFIRM_LINK.search(m.text)]


def newer_than(seen: int, mails: list[Mail]) -> list[Mail] | None:
    return mails if len(mails) > seen else None


def sign_and_confirm(browser: Browser, sink: Sink, form: dict) -> tuple[str, list[str]]:
    """Sign as ``form``'s person and confirm by the mailed link, as a person does.

    Return how the answer acknowledged the signature and the links used. The newest
    link is the one that counts: a link a retried post made older is answered "a newer
    link was sent", and the person opens the newer mail.
    """
    address = form["email"]
    before = len(confirmation_mails(sink.mails_now(), address))
    token = browser.form_token(INITIATIVE_PATH)
    signed = browser.request(
        "POST", f"{INITIATIVE_PATH}/sign", {**form, "csrf_token": token}
    )
    if signed.status != 303:
        raise Refused(f"sign: {signed.status}")
    used: list[str] = []
    seen = before
    for _link in range(5):
        mails = sink.wait_for(
            lambda every, n=seen: newer_than(n, confirmation_mails(every, address)),
            MAIL_SECONDS,
        )
        if not mails:
            raise Refused("no confirmation mail")
        seen = len(mails)
        link = CONFIRM_LINK.search(mails[-1].text).group(1)
        used.append(link)
        outcome = confirm(browser, link)
        if outcome is not None:
            return outcome, used
    raise Refused("confirm: every link was older than another")


def confirm(browser: Browser, link: str) -> str | None:
    """Open a confirmation link and press its button; None if a newer link was sent."""
    page = browser.request("GET", link)
    if page.status == NEWER_LINK:
        return None
    token = CSRF_FIELD.search(page.text)
    if page.status != 200 or not token:
        raise Refused(f"confirmation page: {page.status}")
    answer = browser.request("POST", link, {"csrf_token": token.group(1)})
    if answer.status == NEWER_LINK:
        return None
    for heading, outcome in ACKNOWLEDGED.items():
        if answer.status == 200 and heading in answer.text:
            return outcome
    raise Refused(f"confirm: {answer.status}")
