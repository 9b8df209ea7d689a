"""Plain helpers and constants that several test modules share.

Fixtures live in conftest.py; what a test imports comes from here. No test module imports
another, nor conftest.py (tests/test_layout.py checks it).
"""

import os
import re
from datetime import UTC, datetime
from pathlib import Path

import pyotp

from petitions import dates
from petitions.extensions import db
from petitions.initiatives import operations as initiative_operations
from petitions.initiatives.rules import ADMISSIBILITY_CHECKLIST
from petitions.models import Outcome

# The database: a SQLite file per test, or this PostgreSQL server when it is set.
POSTGRES_URL = os.environ.get("PETITIONS_TEST_DATABASE_URL")
# The Redis server of the limits' tests in production storage (.ci/run starts one).
REDIS_URL = os.environ.get("PETITIONS_TEST_REDIS_URL")
LIMIT_KEYS = (
    "LIMIT_SIGN",
    "LIMIT_CONFIRMATION_CODE",
    "LIMIT_RECEIPT",
    "LIMIT_DRAFT",
    "LIMIT_MANAGEMENT_LINK",
    "LIMIT_FEEDBACK",
    "LIMIT_SIGN_PER_IDENTITY",
)
RAISED_LIMITS = {key: "100000 per day" for key in LIMIT_KEYS} | {
    "MAIL_PER_RECIPIENT_HOUR": 100000,
    "MAIL_PER_RECIPIENT_DAY": 100000,
    "RATELIMIT_STORAGE_URI": "memory://",
}
KEY_PASSPHRASE = "test passphrase for the keys"
STAFF_PASSWORD = "correct horse battery staple"
# Tests hash staff passwords at a lower scrypt cost than petitions/config.py (which
# test_staff checks): the full cost takes most of a second per sign-in.
TEST_PASSWORD_HASH = "scrypt:16384:8:1"
CSRF_FIELD = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
CONFIRM_LINK = re.compile(r"/confirm/[A-Za-z0-9_.\-]+")
RECEIPT_CODE = re.compile(r"\b([A-Z2-9]{4}(?:-[A-Z2-9]{4}){4})\b")
MINUTES = "https://www.bruxelles.be/conseil/pv-2027-12.pdf"


class Clock:
    """The app's clock in tests: fixed until a test moves it."""

    def __init__(self, now: datetime):
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def set(self, iso: str) -> datetime:
        self.now = datetime.fromisoformat(iso).astimezone(UTC)
        return self.now


def base_config(tmp_path: Path, clock: Clock, database_url: str, keys: Path) -> dict:
    """Return the app's configuration in tests."""
    return {
        "KEYS_DIRECTORY": str(keys),
        "TESTING": True,
        "SECRET_KEY": "test-secret-key",
        "IDENTITY_KEY": "test-identity-key",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "MAIL_FILE_DIRECTORY": str(tmp_path / "mail"),
        "PUBLIC_BASE_URL": "http://petitions.test",
        "CLOCK": clock,
        # The abuse limits at their defaults have their own tests (test_limits.py);
        # elsewhere a test may post a form many times from one address.
        **RAISED_LIMITS,
        "STAFF_PASSWORD_HASH": TEST_PASSWORD_HASH,
    }


# Forms, as a browser fills and posts them.


def csrf_token(client, path: str) -> str:
    """Return the CSRF token of the form on ``path``, as a browser would have it."""
    response = client.get(path)
    match = CSRF_FIELD.search(response.get_data(as_text=True))
    assert match, f"no form on {path}"
    return match.group(1)


SIGNATORY_BIRTH_DATE = "1985-06-15"


def date_parts(text: str) -> dict:
    """Return the sign form's day, month and year inputs of a date written YYYY-MM-DD.

    Anything else goes into the day as typed, the month and year left empty.
    """
    pieces = text.split("-")
    year, month, day = pieces if len(pieces) == 3 else ("", "", text)
    return {"birth_date-day": day, "birth_date-month": month, "birth_date-year": year}


def signatory(**overrides) -> dict:
    """Return a valid sign form for a resident of the City.

    ``birth_date`` is given as YYYY-MM-DD; the form has its day, month and year.
    """
    values = {
        "surname": "Janssens",
        "first_names": "Marie",
        "birth_date": SIGNATORY_BIRTH_DATE,
        "street": "Rue Haute",
        "house_number": "120",
        "box": "",
        "postcode": "1000",
        "email": "marie.janssens@example.be",
        "language": "fr",
        "consent": "y",
    }
    values.update(overrides)
    born = values.pop("birth_date")
    # A day, month or year given itself wins over the one of ``birth_date``.
    values = {**(date_parts(born) if born is not None else {}), **values}
    return {k: v for k, v in values.items() if v is not None}


def sign_directly(initiative, now, **overrides) -> None:
    """Sign through the operation behind the sign form, without the form's checks: a
    signature stored before today's rules (a name such as "=HYPERLINK(...)")."""
    from datetime import date

    from petitions.signing.operations import SignatoryDetails, submit_signature

    values = signatory(**overrides)
    details = SignatoryDetails(
        **{k: values.get(k, "") for k in SignatoryDetails.__dataclass_fields__}
    )
    details.birth_date = date.fromisoformat(
        overrides.get("birth_date") or SIGNATORY_BIRTH_DATE
    )
    details.notify_decision = bool(values.get("notify_decision"))
    submit_signature(initiative, details, now)
    db.session.commit()


NEW_INITIATIVE = "/initiatives/new"


def draft_form(**overrides) -> dict:
    """Return a valid draft form: a French text and two representatives."""
    values = {
        "fr_title": "Des arbres rue Haute",
        "fr_summary": "Planter vingt arbres dans la rue Haute.",
        "fr_body": "Le conseil communal décide de planter vingt arbres rue Haute.",
        "nl_title": "",
        "nl_summary": "",
        "nl_body": "",
        "rep1_name": "Anne Dupont",
        "rep1_email": "anne@example.be",
        "rep1_language": "fr",
        "rep2_name": "Jan Peeters",
        "rep2_email": "jan@example.be",
        "rep2_language": "nl",
        "rep3_name": "",
        "rep3_email": "",
        "rep3_language": "fr",
    }
    values.update(overrides)
    return values


def post_draft(client, **overrides):
    """Post the new-initiative form (``draft_form`` with ``overrides``)."""
    data = draft_form(**overrides)
    data["csrf_token"] = csrf_token(client, NEW_INITIATIVE)
    return client.post(NEW_INITIATIVE, data=data)


def post_button(client, path, **data):
    """Post a form as a browser would, with the session's CSRF token."""
    data["csrf_token"] = csrf_token(client, "/manage/request")
    return client.post(path, data=data)


# The secretariat's pages.

ALL_YES = {item: "yes" for item in ADMISSIBILITY_CHECKLIST}
# The route of each action's form on the secretariat's initiative page.
ACTION_ROUTES = {
    "review": "review",
    "translation": "translation",
    "verification": "verification",
    "meeting": "meetings",
    "agenda": "agenda",
    "vote": "vote",
}


def totp_code(staff, now: datetime) -> str:
    """Return the code the staff member's authenticator app shows at ``now``.

    A code is good once: when this step's code was used already, the app's next code
    (accepted within the drift window) is the one a person would type.
    """
    totp = pyotp.TOTP(staff.totp_secret)
    step = totp.timecode(now)
    if staff.totp_last_step is not None and step <= staff.totp_last_step:
        step = staff.totp_last_step + 1
    return totp.generate_otp(step)


def sign_in(client, staff):
    """Sign ``staff`` in through the login form, and the second step; return them."""
    token = csrf_token(client, "/secretariat/login")
    response = client.post(
        "/secretariat/login",
        data={"csrf_token": token, "email": staff.email, "password": STAFF_PASSWORD},
    )
    assert response.status_code == 303
    if response.headers["Location"].startswith("/secretariat/login/code"):
        page = response.headers["Location"]
        now = client.application.config["CLOCK"]()
        code = totp_code(staff, now)
        data = {"csrf_token": csrf_token(client, page), "code": code}
        response = client.post(page, data=data)
        assert response.status_code == 303, response.get_data(as_text=True)
    return staff


def act(client, initiative, action, **fields):
    """Post an action's form from the initiative page, as a browser would."""
    page = f"/secretariat/initiatives/{initiative.slug}"
    data = {f"{action}-{name}": value for name, value in fields.items()}
    data[f"{action}-csrf_token"] = csrf_token(client, page)
    return client.post(f"{page}/{ACTION_ROUTES[action]}", data=data)


# The lifecycle through the operations, for tests about what follows from it.


def review(initiative, staff, clock, failed=None):
    """Record the admissibility checklist; ``failed`` maps items to their reasons."""
    failed = failed or {}
    checklist = {
        item: (item not in failed, failed.get(item, ""))
        for item in ADMISSIBILITY_CHECKLIST
    }
    initiative_operations.review_admissibility(initiative, staff, checklist, clock.now)
    db.session.commit()


def decide(initiative, staff, clock, outcome=Outcome.adopted):
    """Verify the signatures and record the council's vote today."""
    initiative_operations.record_verification(
        initiative, staff, initiative.threshold, 0, clock.now
    )
    today = dates.legal_day(clock.now, "Europe/Brussels")
    initiative_operations.record_vote(
        initiative, staff, today, outcome, MINUTES, clock.now
    )
    db.session.commit()


def run_command(app, *args):
    """Run ``flask --app petitions ARGS`` on ``app`` as an operator would.

    In ``app``'s own context: a command runs on the current app, which is otherwise the
    test's own (a second app's command would act on the test's database).
    """
    with app.app_context():
        return app.test_cli_runner().invoke(args=[str(arg) for arg in args])


def export_dossier(app, key_files, initiative, out, passphrase=KEY_PASSPHRASE):
    """Export an initiative's certified dossier to ``out`` with the CLI."""
    return app.test_cli_runner().invoke(
        args=[
            "dossier", "export", initiative.slug, "--out", str(out),
            "--key", str(key_files / "sealing-private.pem"),
            "--signing-key", str(key_files / "dossier-private.pem"),
        ],
        input=f"{passphrase}\n{passphrase}\n",
    )  # fmt: skip


# Mails.


def body_text(message) -> str:
    """Return the plain-text part of a mail."""
    return message.get_body(preferencelist=("plain",)).get_content()


def link_in(message, prefix: str) -> str:
    """Return the path of the service's link starting with ``prefix`` in a mail."""
    match = re.search(
        rf"http://petitions\.test({prefix}/[A-Za-z0-9_.\-]+)", body_text(message)
    )
    assert match, f"no {prefix} link in the mail"
    return match.group(1)


def confirmation_link(message) -> str:
    """Return the path of the confirmation link in a confirmation mail."""
    match = re.search(
        r"http://petitions\.test(/confirm/[A-Za-z0-9_.\-]+)", body_text(message)
    )
    assert match, "no confirmation link in the mail"
    return match.group(1)


def confirmation_code(message) -> str:
    """Return the confirmation code in a confirmation mail."""
    match = re.search(r"\b([A-Z2-9]{4}-[A-Z2-9]{4})\b", body_text(message))
    assert match, "no code in the mail"
    return match.group(1)


def receipt_code(message) -> str:
    """Return the receipt code in a signature-confirmed mail, whatever its language."""
    match = RECEIPT_CODE.search(body_text(message))
    assert match, "no receipt code in the mail"
    return match.group(1)
