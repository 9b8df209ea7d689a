"""Hostile input to every form and parameter: never a 5xx, nothing stored, and the
answer in the visitor's language.

The corpus is made here, in code. Each value goes into one field of an otherwise valid
form, so that what the form lets through reaches the operation behind it. Fields of
free text (titles, reasons, notes) may hold markup or quotes, which are text; they get
only what no field may hold (control and bidi characters, oversized values).
"""

import string
from urllib.parse import quote

import pytest
from flask import g
from flask_babel import refresh
from sqlalchemy import delete, func, select

from petitions.extensions import db
from petitions.initiatives import operations as initiative_operations
from petitions.models import InitiativeState
from petitions.models.staff import SignInFailures
from petitions.web.languages import language_cookie

from .support import ALL_YES, csrf_token, draft_form, signatory

LANGUAGES = ("en", "fr", "nl")

# What no field may hold: each is refused by every form, whatever the field.
NEVER = [
    "x" * 25_000, "\x00", "Jan\x00ssens", "\x07bell", "\x1b[31mred", "del\x7f",
    "next\x85line", "\u202egnp.exe", "\u2066isolate\u2069", "\u200fright",
    "zero\u200bwidth", "\ufeffbom", "soft\u00adhyphen",
]  # fmt: skip
# What no one-line field may hold, on top: line breaks.
ONE_LINE = [
    "a\r\nSet-Cookie: session=x", "a\rb", "a\nb", "in\tdented",
]  # fmt: skip
# What no field with a syntax (names, numbers, dates, codes, choices) accepts.
SYNTAX = [
    "", "   ", "<script>alert(1)</script>", '"><img src=x onerror=alert(1)>',
    "{{7*7}}", "${7*7}", "javascript:alert(1)", "' OR 1=1 --",
    "'; DROP TABLE signatures; --", '" OR ""="', "%", "_", "\\",
    '=HYPERLINK("http://evil.example")', "+cmd|' /C calc'!A0", "-2+3", "@SUM(1+1)",
    "=1", "1" * 30, "100000000000000000000", "-1", "1e308", "9" * 400, "0x10",
    "0001-01-01", "9999-12-31", "0000-00-00", "0001-01-01T00:00", "9999-12-31T23:59",
    "10000-01-01", "-2027-01-01", "2027-02-30", "😀", "\ufffd", "e" + "\u0301" * 200,
    "%0d%0aLocation: http://evil.example", "../../etc/passwd", "//evil.example",
    "http://[",
]  # fmt: skip
# Invalid UTF-8, sent raw and percent-encoded.
BAD_BYTES = [b"\xff\xfe", b"Jan\xc3\x28", b"\xed\xa0\x80", b"\xc0\xaf", b"\xf8\x88"]
# A "go back to" parameter.
NEXT = [
    "/\r\nSet-Cookie: x=1", "/%0d%0aSet-Cookie: x=1", "/a\u2028b",
    "http://evil.example/", "//evil.example", "/\\evil.example", "https:evil.example",
    "http://[", "/" + "a" * 600, "javascript:alert(1)", " /",
]  # fmt: skip

BOX_CHARACTERS = set(string.ascii_letters + string.digits + " ./-")
# Words a parser may take for a value; a name may well be one of them.
# (U+FDFA is one Arabic letter that NFKD turns into 18.)
WORDS = ["NaN", "inf", "null", "None", "true", "\ufdfa" * 20]

NAMES = NEVER + ONE_LINE + SYNTAX
STRICT = NAMES + WORDS
# A box is letters and digits, maybe parted: only the rest is hostile to it.
BOX = NEVER + ONE_LINE + [v for v in SYNTAX if v and not set(v) <= BOX_CHARACTERS]
STRICT_OPTIONAL = NEVER + ONE_LINE + SYNTAX[2:] + WORDS  # empty is fine
FREE_LINE = NEVER + ONE_LINE
FREE_TEXT = NEVER


def token(browser, path: str) -> str:
    """Return the form token of ``path`` for this browser (several share the app)."""
    g.pop("csrf_token", None)
    return csrf_token(browser, path)


def table_counts(counted=frozenset()) -> dict[str, int]:
    """Return the rows of each table but ``counted`` (tables that count refusals)."""
    return {
        table.name: db.session.scalar(select(func.count()).select_from(table))
        for table in db.metadata.sorted_tables
        if table.name not in counted
    }


def encoded(pairs, raw: bool = False) -> bytes:
    """Return a urlencoded body; bytes values go raw or percent-encoded."""
    parts = []
    for key, value in pairs:
        if isinstance(value, bytes) and raw:
            parts.append(key.encode() + b"=" + value)
        else:
            parts.append(f"{key}={quote(value, safe='')}".encode())
    return b"&".join(parts)


class Corpus:
    """Send hostile requests with a client; check each answer; count them."""

    def __init__(self, client):
        self.client = client
        self.sent = 0
        self.refused = True  # False: a form whose answer to any code is a page

    def language(self) -> str:
        # Requests share the test's app context, where Flask-Babel keeps the language
        # of the first one: forget it, each request states its own.
        refresh()
        g.pop("csrf_token", None)  # and so does Flask-WTF the form token it made
        return LANGUAGES[self.sent % 3]

    def check(self, response, language: str, what: str) -> None:
        assert response.status_code < 500, what
        if response.status_code >= 400 and response.mimetype == "text/html":
            page = response.get_data(as_text=True)
            assert f'<html lang="{language}"' in page, what
            if language == "nl":
                assert "Please" not in page, what

    def post(self, path, body: bytes, content_type, what):
        language = self.language()
        response = self.client.post(
            path,
            data=body,
            content_type=content_type,
            environ_overrides={"HTTP_ACCEPT_LANGUAGE": language},
        )
        self.sent += 1
        if self.refused:
            assert response.status_code >= 400, what
        self.check(response, language, what)
        return response

    def get(self, path, query: str = "", what=""):
        language = self.language()
        response = self.client.get(
            path,
            environ_overrides={"QUERY_STRING": query, "HTTP_ACCEPT_LANGUAGE": language},
        )
        self.sent += 1
        # The language switch remembers its choice: forget it, for the next request.
        self.client.delete_cookie(language_cookie())
        self.check(response, language, what)
        for header in ("Location", "Set-Cookie"):
            assert "\n" not in response.headers.get(header, ""), what
        return response

    def form(
        self,
        path,
        base,
        fields,
        csrf_name="csrf_token",
        token="",
        optional=(),
        spread=8,
        counted=frozenset(),
    ):
        """Send each value of each field's corpus, then missing, duplicate and wrong
        content types; ``fields`` maps a field to its corpus (None: required, no
        corpus); ``counted`` names the tables that count refused attempts."""
        base = {**base, csrf_name: token}
        form_type = "application/x-www-form-urlencoded"
        for index, (field, values) in enumerate(fields.items()):
            before = table_counts(counted)
            # Each field gets every eighth value (``spread``), the next field the
            # next ones: the form as a whole gets much of the corpus, in less time.
            values = (values or [])[index % spread :: spread]
            for n, value in enumerate(values):
                body = encoded({**base, field: value}.items())
                self.post(path, body, form_type, f"{path} {field}={value[:40]!r}")
                if n % 6:
                    continue  # a duplicate of some values is enough
                duplicate = [(field, value), *base.items()]
                self.post(path, encoded(duplicate), form_type, f"{path} 2x{field}")
            if values and index == 0:
                for bad in BAD_BYTES:
                    for raw in (True, False):
                        body = encoded({**base, field: bad}.items(), raw=raw)
                        self.post(path, body, form_type, f"{path} {field}={bad!r}")
            if field in base and base[field] and field not in optional:
                missing = {k: v for k, v in base.items() if k != field}
                body = encoded(missing.items())
                self.post(path, body, form_type, f"{path} no {field}")
            assert table_counts(counted) == before, (
                f"{path} {field}: something was stored"
            )
        before = table_counts(counted)
        for content_type, body in (
            ("application/json", b'{"surname": "x"}'),
            ("text/plain", encoded(base.items())),
            ("application/xml", b"<a>&xxe;</a>"),
            ("multipart/form-data; boundary=x", b"--x\r\nbroken"),
            ("application/x-www-form-urlencoded", b"%%%&&&==="),
        ):
            self.post(path, body, content_type, f"{path} as {content_type}")
        assert table_counts(counted) == before, f"{path}: something was stored"


@pytest.fixture
def corpus(client):
    return Corpus(client)


def test_the_public_forms_refuse_hostile_input(
    client, corpus, make_initiative, make_signature
):
    initiative = make_initiative()
    make_signature(initiative)
    page = f"/initiatives/{initiative.slug}"
    token = csrf_token(client, page)
    corpus.form(
        f"{page}/sign",
        signatory(),
        {
            "surname": NAMES,
            "first_names": NAMES,
            "birth_date-day": STRICT,
            "birth_date-month": STRICT,
            "birth_date-year": STRICT,
            "street": STRICT,
            "house_number": STRICT,
            "box": BOX,
            "postcode": STRICT,
            "email": STRICT,
            "language": STRICT,
            "consent": None,
        },
        token=token,
    )
    corpus.form(f"{page}/code", {}, {"code": STRICT}, token=token, spread=3)
    # A receipt code that is no one's gets a page, as any unknown code does.
    corpus.refused = False
    corpus.form(f"{page}/receipt", {}, {"code": STRICT}, token=token, spread=3)
    corpus.refused = True
    corpus.form(f"{page}/receipt/withdraw", {}, {"code": STRICT}, token=token)
    corpus.form("/manage/request", {}, {"email": STRICT}, token=token, spread=3)
    corpus.form(
        "/feedback",
        {"message": "Le formulaire est clair.", "language": "fr", "page": "/"},
        {
            "email": STRICT_OPTIONAL,
            "language": STRICT,
            "message": FREE_TEXT,
            "page": FREE_LINE,
        },
        token=token,
        optional=("page",),
    )
    draft = draft_form()
    corpus.form(
        "/initiatives/new",
        draft,
        {
            "rep1_email": STRICT,
            "rep1_language": STRICT,
            "rep2_email": STRICT_OPTIONAL,
            "fr_title": FREE_LINE,
            "fr_summary": FREE_TEXT,
            "fr_body": FREE_TEXT,
            "rep1_name": FREE_LINE,
        },
        token=token,
    )
    assert corpus.sent >= 250


def test_parameters_of_links_refuse_hostile_input(client, corpus, make_initiative):
    initiative = make_initiative()
    slug = initiative.slug
    for value in NEXT + STRICT[:30]:
        for name, path in (
            ("next", "/language/nl"),
            ("next", "/secretariat/login"),
            ("page", "/feedback"),
            ("lang", f"/initiatives/{slug}/widget"),
            ("page", "/api/v1/initiatives"),
            ("since", f"/api/v1/initiatives/{slug}/log"),
        ):
            query = f"{name}={quote(value, safe='')}"
            response = corpus.get(path, query, f"{path}?{query[:60]}")
            location = response.headers.get("Location", "")
            assert "evil" not in location and "\r" not in location
        corpus.get(f"/initiatives/{quote(value[:200], safe='')}", "", "slug")
        corpus.get(f"/api/v1/initiatives/{quote(value[:200], safe='')}", "", "slug")
    for bad in BAD_BYTES:
        for path in ("/language/fr", "/feedback", "/api/v1/initiatives", "/"):
            corpus.get(path, "next=/" + bad.decode("latin-1"), f"{path} {bad!r}")
            corpus.get(path, "next=/" + quote(bad), f"{path} {bad!r}")
            corpus.get(path, "a=1&a=2&next=/&next=//evil.example", "duplicates")
    assert corpus.sent >= 300


def test_the_secretariat_forms_refuse_hostile_input(
    app, client, corpus, make_initiative, make_filed_initiative, signed_in, clock
):
    # Signing in: a fresh browser for each attempt is not needed, none succeeds.
    login_client = app.test_client()
    login = Corpus(login_client)
    login_token = token(login_client, "/secretariat/login")
    login.form(
        "/secretariat/login",
        {"email": "nobody@bruxelles.example", "password": "wrong password"},
        {"email": STRICT, "password": NEVER},
        token=login_token,
        # A wrong sign-in is counted by the throttle: that is what it is for.
        counted={"sign_in_failures"},
    )
    # Those failures throttle this address; the sign-ins below come from it too.
    db.session.execute(delete(SignInFailures))
    db.session.commit()

    g.pop("csrf_token", None)
    staff = signed_in("secretariat")
    president = app.test_client()
    g.pop("csrf_token", None)
    signed_in("president", president)
    submitted = make_initiative(state=InitiativeState.submitted, representatives=1)
    filed = make_filed_initiative()
    verified = make_filed_initiative()
    initiative_operations.record_verification(verified, staff, 1, 0, clock.now)
    db.session.commit()

    def action(initiative, name, route, base, fields, browser=corpus):
        page = f"/secretariat/initiatives/{initiative.slug}"
        browser.form(
            f"{page}/{route}",
            {f"{name}-{k}": v for k, v in base.items()},
            {f"{name}-{k}": v for k, v in fields.items()},
            csrf_name=f"{name}-csrf_token",
            token=token(browser.client, page),
            spread=12,
        )

    first, second = list(ALL_YES)[:2]  # the other items are the same field
    checklist = {first: STRICT, second: STRICT}
    reasons = {f"{first}_reason": FREE_TEXT}
    action(submitted, "review", "review", ALL_YES, checklist | reasons)
    # fmt: off
    action(submitted, "translation", "translation",
           {"language": "nl", "title": "Bomen", "summary": "Bomen.", "body": "Bomen."},
           {"language": STRICT, "title": FREE_LINE, "body": FREE_TEXT})
    action(filed, "verification", "verification", {"valid": "1", "invalid": "0"},
           {"valid": STRICT, "invalid": STRICT})
    president_corpus = Corpus(president)
    action(verified, "meeting", "meetings",
           {"starts_at": "2027-06-30T18:30", "place": "Hôtel de Ville", "notes": ""},
           {"starts_at": STRICT, "place": FREE_LINE, "notes": FREE_TEXT},
           browser=president_corpus)
    action(verified, "agenda", "agenda", {"agenda_date": "2027-06-30"},
           {"agenda_date": STRICT}, browser=president_corpus)
    action(verified, "vote", "vote",
           {"vote_date": "2027-03-10", "outcome": "adopted",
            "minutes_url": "https://www.bruxelles.be/pv.pdf"},
           {"vote_date": STRICT, "outcome": STRICT, "minutes_url": FREE_LINE})
    # fmt: on
    collecting = make_initiative()
    paper = f"/secretariat/initiatives/{collecting.slug}/paper"
    row = {
        **{
            k: v
            for k, v in signatory(birth_date=None).items()
            if k not in ("language", "consent")
        },
        "birth_date": "1985-06-15",
        "email": "",
        "signed_on": "2027-03-01",
    }
    corpus.form(
        paper,
        row,
        {
            "surname": NAMES,
            "house_number": STRICT,
            "birth_date": STRICT,
            "signed_on": STRICT,
            "postcode": STRICT,
        },
        token=token(client, paper),
    )
    assert login.sent + corpus.sent + president_corpus.sent >= 150


def test_the_paper_import_refuses_hostile_rows(client, make_initiative, signed_in):
    import io

    signed_in("secretariat")
    initiative = make_initiative()
    path = f"/secretariat/initiatives/{initiative.slug}/paper"
    header = "surname,first_names,birth_date,street,house_number,box,postcode,email,signed_on"
    good = ["Peeters", "Jan", "1970-05-04", "Rue Haute", "12", "", "1000", "",
            "2027-03-01"]  # fmt: skip
    lines = [header]
    for column in (0, 1, 2, 4, 6, 8):
        for value in NAMES if column < 2 else STRICT:
            cells = list(good)
            cells[column] = '"' + value.replace('"', '""') + '"'
            lines.append(",".join(cells))
    for body in (
        "\n".join(lines).encode(),
        b"\xff\xfe" + header.encode(),
        b"",
        b"surname\n" + b"\x00" * 100,
    ):
        before = table_counts()
        response = client.post(
            f"{path}/import",
            data={
                "file": (io.BytesIO(body), "sheets.csv"),
                "csrf_token": csrf_token(client, path),
            },
            content_type="multipart/form-data",
        )
        assert response.status_code < 500
        assert "rows saved" not in response.get_data(as_text=True)
        assert table_counts() == before
