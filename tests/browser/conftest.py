"""A real Chromium against the app served on loopback, with data for every page.

Debian's Chromium (``/usr/bin/chromium``) and axe-core from npm (``make browser-deps``)
must be there (``make test`` installs them); without them the browser tests fail and say
what to install: an accessibility check that did not run must not pass.
"""

import email
import threading
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from email import policy
from pathlib import Path

import pyotp
import pytest
from werkzeug.serving import make_server

from petitions import create_app
from petitions.extensions import db
from petitions.signing.cli import SAMPLE_STREETS, import_streets

from ..support import (
    CONFIRM_LINK,
    RECEIPT_CODE,
    STAFF_PASSWORD,
    Clock,
    base_config,
    csrf_token,
    signatory,
)
from .pages import AXE, CHROMIUM, ENROLLING

LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ROLES = ("secretariat", "president", "viewer")
SECOND_FACTOR_ROLES = ("secretariat", "president")

TEXTS = {
    "fr": (
        "Plus d'arbres dans nos rues",
        "Planter 1 000 arbres d'alignement dans les rues de la Ville d'ici 2030.",
        "Le conseil communal décide de planter au moins 1 000 arbres d'alignement "
        "dans les rues de la Ville de Bruxelles d'ici 2030.\n\nEn priorité dans les "
        "quartiers les moins verts, avec un état d'avancement publié chaque année.",
    ),
    "nl": (
        "Meer bomen in onze straten",
        "Tegen 2030 1.000 laanbomen planten in de straten van de Stad.",
        "De gemeenteraad beslist om tegen 2030 ten minste 1.000 laanbomen te planten "
        "in de straten van de Stad Brussel.\n\nMet voorrang voor de minst groene "
        "wijken, en jaarlijks de stand van zaken te publiceren.",
    ),
}


@dataclass
class Site:
    """The served app, its data, and helpers that act like a citizen's mailbox."""

    app: object
    base_url: str
    clock: Clock
    slugs: dict = field(default_factory=dict)
    links: dict = field(default_factory=dict)
    staff: dict = field(default_factory=dict)
    totp_secrets: dict = field(default_factory=dict)
    receipt_code: str = ""
    signatures: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self):
        # One client: a request made inside the builder's app context shares its ``g``,
        # where Flask-WTF keeps the CSRF token it gave this client's session.
        self.client = self.app.test_client()

    def url(self, path: str) -> str:
        return self.base_url + path

    def sign(self, slug: str) -> str:
        """Sign ``slug`` through the sign route with a new identity; return its e-mail."""
        with self.lock:
            self.signatures += 1
            n = self.signatures
        name = "".join(chr(ord("a") + int(d)) for d in f"{n:04d}")
        address = f"signatory{n}@example.be"
        client = self.client
        path = f"/initiatives/{slug}"
        data = signatory(surname=f"Peeters {name}", email=address)
        data["csrf_token"] = csrf_token(client, path)
        response = client.post(f"{path}/sign", data=data)
        assert response.status_code == 303, response.get_data(as_text=True)
        return address

    def mails_to(self, address: str) -> list:
        """Deliver the outbox and return the mails sent to ``address``, oldest first."""
        from petitions.jobs.registry import run_job

        with self.app.app_context():
            run_job("deliver-outbox", self.clock.now)
        folder = Path(self.app.config["MAIL_FILE_DIRECTORY"])
        raw = [path.read_bytes() for path in sorted(folder.glob("*.eml"))]
        messages = [
            email.message_from_bytes(data, policy=policy.default)
            for data in raw
            if address.encode() in data  # parse only the likely ones: it is slow
        ]
        return [m for m in messages if m["To"] == address]

    def confirmation_link(self, slug: str | None = None) -> tuple[str, str]:
        """Sign as a new person; return their address and the link in their mail."""
        address = self.sign(slug or self.slugs["collecting"])
        body = _plain(self.mails_to(address)[-1])
        return address, CONFIRM_LINK.search(body).group(0)

    def confirm(self, slug: str) -> str:
        """Sign and confirm as a new person; return the receipt code of their mail."""
        address, link = self.confirmation_link(slug)
        client = self.client
        token = csrf_token(client, link)
        response = client.post(link, data={"csrf_token": token})
        assert response.status_code == 200, response.get_data(as_text=True)
        return RECEIPT_CODE.search(_plain(self.mails_to(address)[-1])).group(1)


def _plain(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def _lifecycle_initiative(site: Site, state: str, title_suffix: str):
    """Take an initiative through the real operations up to ``state``."""
    from petitions.initiatives import operations as initiative_operations
    from petitions.initiatives import rules as initiative_rules
    from petitions.initiators import operations as initiator_operations
    from petitions.models import Outcome
    from petitions.web.tokens import management_token, representative_token

    now = site.clock.now
    texts = {
        lang: initiative_operations.TextInput(
            f"{title} {title_suffix}".strip(), summary, body
        )
        for lang, (title, summary, body) in TEXTS.items()
    }
    representatives = [
        initiator_operations.RepresentativeInput(
            "Anne Dupont", "anne@example.be", "fr"
        ),
        initiator_operations.RepresentativeInput("Jan Peeters", "jan@example.be", "nl"),
    ]
    initiative = initiator_operations.create_draft(texts, representatives, now)
    first, second = initiative.representatives
    initiator_operations.confirm_representative(first.id, now)
    site.links[f"{state}-manage"] = (
        f"/manage/{management_token(initiative.id, first.id, now)}"
    )
    if state == "draft":
        site.links["representative-confirm"] = (
            f"/representatives/confirm/{representative_token(second.id, now)}"
        )
        db.session.commit()
        return initiative
    initiator_operations.confirm_representative(second.id, now)
    initiator_operations.submit_initiative(initiative, now, "initiators")
    if state == "submitted":
        db.session.commit()
        return initiative
    staff = site.staff_rows["secretariat"]
    president = site.staff_rows["president"]
    checklist = {item: (True, "") for item in initiative_rules.ADMISSIBILITY_CHECKLIST}
    initiative_operations.review_admissibility(initiative, staff, checklist, now)
    db.session.commit()
    if state == "collecting":
        return initiative
    for _ in range(initiative.threshold):
        site.confirm(initiative.slug)
    db.session.refresh(initiative)
    initiator_operations.file_initiative(initiative, now, "initiators")
    db.session.commit()
    if state == "filed":
        return initiative
    initiative_operations.record_verification(
        initiative, staff, initiative.threshold, 0, now
    )
    db.session.commit()
    if state == "verified":
        return initiative
    initiative_operations.set_agenda_date(initiative, president, date(2027, 3, 4), now)
    initiative_operations.record_vote(
        initiative,
        president,
        date(2027, 3, 10),
        Outcome.adopted,
        "https://www.bruxelles.be/conseil-communal",
        now,
    )
    db.session.commit()
    return initiative


def _build_data(site: Site) -> None:
    from petitions.jobs.registry import run_job
    from petitions.secretariat.staff import create_staff
    from petitions.web.tokens import withdrawal_token

    with site.app.app_context():
        import_streets(SAMPLE_STREETS)
        site.staff_rows = {}
        for role in ROLES:
            email_address = f"{role}@bruxelles.example"
            staff = create_staff(email_address, STAFF_PASSWORD, role, site.clock.now)
            if role in SECOND_FACTOR_ROLES:
                # Enrolled already, as they must be; staff_states types the code.
                staff.totp_secret = pyotp.random_base32()
                staff.totp_enabled_at = site.clock.now
                site.totp_secrets[role] = staff.totp_secret
            site.staff_rows[role] = staff
            site.staff[role] = email_address
        # A president who has not set up the second step yet: the enrolment page.
        create_staff(ENROLLING, STAFF_PASSWORD, "president", site.clock.now)
        db.session.commit()
        for state, suffix in (
            ("collecting", ""),
            ("decided", "(2026)"),
            ("verified", "(2025)"),
            ("filed", "(2024)"),
            ("submitted", "(2028)"),
            ("draft", "(2029)"),
        ):
            site.slugs[state] = _lifecycle_initiative(site, state, suffix).slug
        site.receipt_code = site.confirm(site.slugs["collecting"])
        site.confirm(site.slugs["collecting"])
        from petitions.models import Signature

        last = db.session.query(Signature).order_by(Signature.id.desc()).first()
        site.links["withdraw"] = (
            f"/withdraw/{withdrawal_token(last.id, site.clock.now)}"
        )
        run_job("publish-count-log", site.clock.now)
        db.session.remove()


@pytest.fixture(scope="session")
def site(tmp_path_factory, key_files):
    """Serve the app on 127.0.0.1 (a free port) with data for every page."""
    if not CHROMIUM.exists() or not AXE.exists():
        pytest.fail("Chromium or axe-core missing: run `make browser-deps`")
    folder = tmp_path_factory.mktemp("browser-site")
    clock = Clock(datetime(2027, 3, 10, 9, 0, tzinfo=UTC))
    config = base_config(
        folder, clock, f"sqlite:///{folder / 'site.sqlite3'}", key_files
    )
    config["SIGNATURE_THRESHOLD"] = 2
    app = create_app(config)
    with app.app_context():
        from flask_migrate import upgrade

        upgrade()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    base_url = f"http://127.0.0.1:{server.port}"
    app.config["PUBLIC_BASE_URL"] = base_url
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    site = Site(app=app, base_url=base_url, clock=clock)
    try:
        _build_data(site)
        yield site
    finally:
        server.shutdown()
        thread.join(timeout=10)
        with app.app_context():
            db.engine.dispose()


@pytest.fixture(scope="session")
def browser(site):
    """Debian's Chromium through Playwright (never a browser of Playwright's own)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=LAUNCH_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def staff_states(site, browser, tmp_path_factory):
    """Sign each role in once; return the saved cookies (a Playwright storage state)."""
    folder = tmp_path_factory.mktemp("staff-states")
    states = {}
    for role in ROLES:
        context = browser.new_context(base_url=site.base_url)
        page = context.new_page()
        page.goto("/secretariat/login")
        page.fill("input[name=email]", site.staff[role])
        page.fill("input[name=password]", STAFF_PASSWORD)
        page.locator("main form button[type=submit]").click()
        if role in SECOND_FACTOR_ROLES:
            # The second step, with the code the staff member's app would show.
            page.wait_for_url("**/secretariat/login/code*")
            code = pyotp.TOTP(site.totp_secrets[role]).at(site.clock.now)
            page.fill("input[name=code]", code)
            page.locator("main form button[type=submit]").click()
        page.wait_for_url("**/secretariat/")
        states[role] = str(folder / f"{role}.json")
        context.storage_state(path=states[role])
        context.close()
    return states


@pytest.fixture
def open_context(site, browser, staff_states):
    """Return a function opening a browser context in a language, maybe signed in."""
    contexts = []

    def open_(language="fr", role=None, width=1280, javascript=True):
        context = browser.new_context(
            base_url=site.base_url,
            viewport={"width": width, "height": 900},
            java_script_enabled=javascript,
            storage_state=staff_states[role] if role else None,
        )
        context.add_cookies([{"name": "lang", "value": language, "url": site.base_url}])
        # What the pages' content policy refused (Chromium says so on the console): a
        # page that needs inline script or style is broken for every visitor.
        context.csp_violations = []
        context.on(
            "console",
            lambda message: (
                "Content Security Policy" in message.text
                and context.csp_violations.append(message.text)
            ),
        )
        contexts.append(context)
        return context

    yield open_
    for context in contexts:
        context.close()


@pytest.fixture
def new_initiative(site):
    """Return a builder of a new initiative in ``state`` for a journey that changes it
    (the shared ones stay as every page test expects them)."""
    names = iter(range(2030, 2100))

    def build(state: str) -> str:
        with site.app.app_context():
            # The staff rows were made in a session since closed.
            site.staff_rows = {
                role: db.session.merge(row) for role, row in site.staff_rows.items()
            }
            slug = _lifecycle_initiative(site, state, f"({next(names)})").slug
            db.session.remove()
        return slug

    return build
