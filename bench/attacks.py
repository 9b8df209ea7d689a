"""``python -m bench.attacks``: replay the attacks of the security review, print figures.

One client (one address) against the app at its default limits (their counters reset
between the attacks: each is measured on its own, as the review did), on a fresh SQLite
instance in a temporary folder, through Flask's test client: how many invented
signatures it gets counted, how many mails it makes the City send to one victim, what a
stranger's mailbox tells about a person, what wrong passwords do to a staff account,
and what the inputs that once answered 500 answer now. The tests hold each rule; this
prints the figures of the whole, for the README and the issue tracker.
"""

import re
import secrets
import tempfile
from collections import Counter
from datetime import UTC, datetime
from email import message_from_bytes, policy
from pathlib import Path

from flask_migrate import upgrade
from sqlalchemy import func, select

from petitions import create_app
from petitions.extensions import db, limiter
from petitions.initiatives.demo import DEMO_SLUG, add_demo_initiative
from petitions.jobs.registry import run_job
from petitions.models import Initiative, Signature, SignatureState
from petitions.models.records import MailBudget
from petitions.sealing.keys import create_pairs
from petitions.secretariat.staff import create_staff
from petitions.signing.cli import SAMPLE_STREETS, import_streets

CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
LINK = re.compile(r"https?://[^/\s]+(/confirm/[A-Za-z0-9_.\-]+)")
VICTIM = "victim@example.be"
STAFF_EMAIL = "secretariat@example.brussels"
STAFF_PASSWORD = "a long and unusual staff password"
VIEWER_EMAIL = "viewer@example.brussels"


def person(n: int, **overrides) -> dict:
    letters = "".join(chr(ord("a") + int(d)) for d in f"{n:04d}")
    return {
        "surname": "Invented" + letters,
        "first_names": "Person",
        "birth_date-day": "1",
        "birth_date-month": "1",
        "birth_date-year": "1980",
        "street": "Rue Haute",
        "house_number": "120",
        "box": "",
        "postcode": "1000",
        "email": f"p{n}@attacker.example",
        "language": "fr",
        "consent": "y",
        **overrides,
    }


class Attacker:
    """One browser at one address."""

    def __init__(self, app):
        self.app = app
        self.client = app.test_client()
        self.client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"

    def token(self, path: str) -> str:
        match = CSRF.search(self.client.get(path).get_data(as_text=True))
        return match.group(1) if match else ""

    def post(self, path: str, data: dict, form_path: str | None = None):
        data = {**data, "csrf_token": self.token(form_path or path)}
        return self.client.post(path, data=data)


def mails(app) -> list:
    with app.app_context():
        run_job("deliver-outbox", app.config["CLOCK"]())
    folder = Path(app.config["MAIL_FILE_DIRECTORY"])
    return [
        message_from_bytes(p.read_bytes(), policy=policy.default)
        for p in sorted(folder.glob("*.eml"))
    ]


def scalar(app, query):
    """Run one query in its own app context (requests must not share one: Flask-WTF
    and Flask-Babel keep a request's form token and language in it)."""
    with app.app_context():
        return db.session.scalar(query)


def confirmed(app, slug: str) -> int:
    return scalar(
        app,
        select(func.count())
        .select_from(Signature)
        .join(Initiative)
        .where(Initiative.slug == slug, Signature.state == SignatureState.confirmed),
    )


def signatures(app) -> int:
    return scalar(app, select(func.count()).select_from(Signature))


def main() -> None:
    folder = Path(tempfile.mkdtemp(prefix="attacks-"))
    create_pairs(folder / "keys", secrets.token_urlsafe(16))
    app = create_app(
        {
            "SECRET_KEY": secrets.token_urlsafe(48),
            "IDENTITY_KEY": secrets.token_urlsafe(48),
            "DEVELOPMENT": True,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'petitions.sqlite3'}",
            "MAIL_TRANSPORT": "file",
            "MAIL_FILE_DIRECTORY": str(folder / "mail"),
            "KEYS_DIRECTORY": str(folder / "keys"),
            "PUBLIC_BASE_URL": "http://petitions.test",
        }
    )
    figures: list[tuple[str, object]] = []
    with app.app_context():
        upgrade()
        import_streets(SAMPLE_STREETS)
        add_demo_initiative(datetime.now(UTC))
        create_staff(STAFF_EMAIL, STAFF_PASSWORD, "secretariat", datetime.now(UTC))
        # The throttle is the same for every role; a viewer needs no second factor here.
        create_staff(VIEWER_EMAIL, STAFF_PASSWORD, "viewer", datetime.now(UTC))
        db.session.commit()
    sign = f"/initiatives/{DEMO_SLUG}/sign"
    page = f"/initiatives/{DEMO_SLUG}"

    # 1. One client signs 150 times as 150 invented people.
    attacker = Attacker(app)
    answers = Counter(
        attacker.post(sign, person(n), page).status_code for n in range(150)
    )
    figures.append(("150 sign posts from one client: answers", dict(answers)))
    pending = signatures(app)
    figures.append(("  signatures recorded (pending)", pending))

    # 2. Confirm every invented person whose mail came (the attacker's mailboxes).
    links = [LINK.search(m.get_body(("plain",)).get_content()) for m in mails(app)]
    for match in filter(None, links):
        path = match.group(1)
        attacker.post(path, {}, path)
    figures.append(
        ("  invented people counted after confirming", confirmed(app, DEMO_SLUG))
    )

    # 3. One person, four spellings.
    spellings = ["Peeters", "Peeters,", "Pee_ters", "\u03a1eeters"]  # Greek Rho
    other = Attacker(app)
    before = signatures(app)
    for n, surname in enumerate(spellings):
        limiter.reset()
        other.post(sign, person(900 + n, surname=surname, email=f"pp{n}@x.be"), page)
    after = signatures(app)
    figures.append(("one person in 4 spellings: signatures recorded", after - before))

    # 4. Mails to one victim, every path, from one client.
    limiter.reset()
    victim_paths = Counter()
    for n in range(60):
        answer = attacker.post(sign, person(1000 + n, email=VICTIM), page)
        victim_paths["sign"] += answer.status_code < 400
    for _ in range(30):
        attacker.post("/manage/request", {"email": VICTIM})
    draft = {
        "fr_title": "Un texte",
        "fr_summary": "Un résumé.",
        "fr_body": "Le conseil décide.",
        "rep1_name": "Victime",
        "rep1_email": VICTIM,
        "rep1_language": "fr",
    }
    for _ in range(20):
        attacker.post("/initiatives/new", draft)
    feedback = {"message": "Bonjour", "page": "/", "email": "", "language": "fr"}
    for _ in range(20):
        attacker.post("/feedback", feedback)
    delivered = mails(app)
    to_victim = sum(1 for m in delivered if m["To"] == VICTIM)
    to_staff = sum(1 for m in delivered if m["To"] == STAFF_EMAIL)
    dropped = scalar(
        app,
        select(func.sum(MailBudget.dropped)).where(MailBudget.period == "hour"),
    )
    figures.append(("130 posts naming one victim: mails sent to the victim", to_victim))
    figures.append(("20 feedback posts: mails sent to the staff member", to_staff))
    figures.append(("  mails dropped by spent budgets (hourly windows)", dropped))

    # 5. The stranger's mailbox: a person who signed, and one who never did.
    limiter.reset()
    stranger = Attacker(app)
    signed = person(1, email="stranger@attacker.example")
    never = person(7777, email="stranger@attacker.example")
    stranger.post(sign, signed, page)
    stranger.post(sign, never, page)
    subjects = [
        m["Subject"] for m in mails(app) if m["To"] == "stranger@attacker.example"
    ]
    figures.append(
        ("signed vs never signed: same mail subject", len(set(subjects)) == 1)
    )

    # 6. Wrong passwords against a staff account from one address, then its owner: in
    #    the browser they signed in with before, and in a new one at another address.
    limiter.reset()
    owner = Attacker(app)
    owner.client.environ_base["REMOTE_ADDR"] = "192.0.2.7"
    login = {"email": VIEWER_EMAIL, "password": STAFF_PASSWORD}
    owner.post("/secretariat/login", login)
    owner.post("/secretariat/logout", {}, "/secretariat/")
    burglar = Attacker(app)
    answers = Counter(
        burglar.post(
            "/secretariat/login", {"email": VIEWER_EMAIL, "password": f"wrong {n}"}
        ).status_code
        for n in range(52)
    )
    figures.append(("52 wrong passwords from one address: answers", dict(answers)))
    answer = owner.post("/secretariat/login", login)
    figures.append(("  the owner, in their usual browser", answer.status_code))
    stranger_browser = Attacker(app)
    stranger_browser.client.environ_base["REMOTE_ADDR"] = "198.51.100.9"
    answer = stranger_browser.post("/secretariat/login", login)
    figures.append(("  the owner, in a new browser elsewhere", answer.status_code))

    # 7. The inputs that once answered 500.
    crlf = attacker.client.get("/language/nl?next=/%0d%0aSet-Cookie:x=1")
    figures.append(("language switch with CRLF in next=", crlf.status_code))

    width = max(len(label) for label, _ in figures)
    for label, value in figures:
        print(f"{label:<{width}}  {value}")


if __name__ == "__main__":
    main()
