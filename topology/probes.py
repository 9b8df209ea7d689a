"""Looks at the edge as a browser sees it (TLS, headers, cookies, cache), and the limits."""

import http.client
import re
import ssl
from dataclasses import dataclass, field
from urllib.parse import urlencode

from . import INITIATIVE_PATH, RECEIPT_LIMIT, SERVER_NAME
from .client import CSRF_FIELD, Answer, Browser

HTML_LANGUAGE = re.compile(r'<html lang="([a-z]+)"')
# A visitor's address as nginx would forward it (a documentation range, RFC 5737).
VISITOR = "198.51.100.23"
# A receipt code of the right shape that belongs to no signature.
UNKNOWN_RECEIPT = "ABCD-EFGH-JKMN-PQRS-TUVW"


@dataclass
class Edge:
    """What the probes saw."""

    session_cookie: str = ""
    hsts: str = ""
    server: str = ""
    redirect: tuple[int, str] = (0, "")
    home: list[str] = field(default_factory=list)  # X-Cache-Status of GET / (en), twice
    dutch_home: tuple[str, str] = (
        "",
        "",
    )  # X-Cache-Status and <html lang> of GET / (nl)
    initiative: list[str] = field(default_factory=list)  # X-Cache-Status, twice


def cache_status(answer: Answer) -> str:
    return answer.headers.get("X-Cache-Status", "-")


def probe_edge(https_port: int, http_port: int, context: ssl.SSLContext) -> Edge:
    """GET the home page twice and in Dutch, the initiative page twice, and plain HTTP."""
    edge = Edge()
    visitor = Browser(https_port, context)
    home = [visitor.request("GET", "/") for _ in range(2)]
    edge.home = [cache_status(a) for a in home]
    edge.hsts = home[0].headers.get("Strict-Transport-Security", "")
    edge.server = home[0].headers.get("Server", "")
    visitor.language = "nl"
    dutch = visitor.request("GET", "/")
    language = HTML_LANGUAGE.search(dutch.text)
    edge.dutch_home = (cache_status(dutch), language.group(1) if language else "-")
    visitor.language = "en"
    pages = [visitor.request("GET", INITIATIVE_PATH) for _ in range(2)]
    edge.initiative = [cache_status(a) for a in pages]
    edge.session_cookie = next(
        (c for c in pages[0].cookies() if "session=" in c.split(";")[0]), ""
    )
    visitor.close()
    plain = http.client.HTTPConnection(SERVER_NAME, http_port, timeout=10)
    try:
        plain.request("GET", INITIATIVE_PATH)
        response = plain.getresponse()
        response.read()
        edge.redirect = (response.status, response.headers.get("Location", ""))
    finally:
        plain.close()
    return edge


def node_request(port: int, method: str, path: str, headers: dict, body=None):
    """Send one request straight to a gunicorn node, as nginx does; return the answer."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        text = response.read().decode("utf-8", "replace")
        return response.status, response.headers, text
    finally:
        connection.close()


def receipt_posts(nodes: list[tuple[str, int]]) -> list[tuple[str, int]]:
    """Post receipt checks of one visitor to the nodes in turn; return (node, status).

    Each node is told the visitor's address as nginx tells it (X-Forwarded-For from
    the proxy's address, which the app trusts once). ``RECEIPT_LIMIT + 3`` posts: the
    limit is one count in Redis only if the nodes together accept exactly the limit.
    """
    path = f"{INITIATIVE_PATH}/receipt"
    headers = {
        "X-Forwarded-For": VISITOR,
        "X-Forwarded-Proto": "https",
        "Accept-Language": "en",
        "Sec-Fetch-Site": "same-origin",
    }
    status, answer_headers, text = node_request(nodes[0][1], "GET", path, headers)
    token = CSRF_FIELD.search(text)
    cookie = (answer_headers.get("Set-Cookie") or "").split(";")[0]
    if status != 200 or not token or not cookie:
        raise RuntimeError(f"GET receipt page from node {nodes[0][0]}: {status}")
    form_headers = {
        **headers,
        "Cookie": cookie,
        "Content-Type": "application/x-www-form-urlencoded",
        "Origin": f"https://{SERVER_NAME}",
    }
    body = urlencode({"csrf_token": token.group(1), "code": UNKNOWN_RECEIPT})
    answers = []
    for number in range(RECEIPT_LIMIT + 3):
        name, port = nodes[number % len(nodes)]
        answers.append((name, node_request(port, "POST", path, form_headers, body)[0]))
    return answers
