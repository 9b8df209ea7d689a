"""Fixtures: a real database per test (a SQLite file, or PostgreSQL when
PETITIONS_TEST_DATABASE_URL is set), a clock the tests move, and builders."""

import os
import re
import shutil
import uuid
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from petitions import create_app
from petitions.cli import SAMPLE_STREETS, import_streets
from petitions.extensions import db
from petitions.models import (
    Initiative,
    InitiativeState,
    InitiativeText,
    Representative,
    Staff,
    StaffRole,
)

POSTGRES_URL = os.environ.get("PETITIONS_TEST_DATABASE_URL")
CSRF_FIELD = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


class Clock:
    """The app's clock in tests: fixed until a test moves it."""

    def __init__(self, now: datetime):
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def set(self, iso: str) -> datetime:
        self.now = datetime.fromisoformat(iso).astimezone(UTC)
        return self.now


KEY_PASSPHRASE = "test passphrase for the keys"


@pytest.fixture(scope="session")
def key_files(tmp_path_factory) -> Path:
    """Create the sealing and dossier key pairs once for the session."""
    from petitions.sealing.keys import create_pairs

    folder = tmp_path_factory.mktemp("keys")
    create_pairs(folder, KEY_PASSPHRASE)
    return folder


@pytest.fixture
def private_keys(key_files):
    """Return the secretariat's private sealing key(s), as the CLI would load them."""
    from petitions.sealing.keys import read_private_keys

    return read_private_keys([str(key_files / "sealing-private.pem")], KEY_PASSPHRASE)


def _base_config(tmp_path: Path, clock: Clock, database_url: str, keys: Path) -> dict:
    return {
        "KEYS_DIRECTORY": str(keys),
        "TESTING": True,
        "SECRET_KEY": "test-secret-key",
        "IDENTITY_KEY": "test-identity-key",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "MAIL_FILE_DIRECTORY": str(tmp_path / "mail"),
        "PUBLIC_BASE_URL": "http://petitions.test",
        "CLOCK": clock,
    }


def _prepare(app) -> None:
    from flask_migrate import upgrade

    with app.app_context():
        upgrade()
        import_streets(SAMPLE_STREETS)
        db.engine.dispose()


@pytest.fixture(scope="session")
def database_template(tmp_path_factory):
    """Migrate one database for the session; each test gets a fresh copy of it."""
    folder = tmp_path_factory.mktemp("template")
    if POSTGRES_URL:
        name = f"petitions_test_{uuid.uuid4().hex[:8]}"
        admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        url = admin.url.set(database=name).render_as_string(hide_password=False)
        _prepare(
            create_app(_base_config(folder, Clock(datetime.now(UTC)), url, folder))
        )
        yield {"postgres": url}
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
    else:
        path = folder / "template.sqlite3"
        _prepare(
            create_app(
                _base_config(
                    folder, Clock(datetime.now(UTC)), f"sqlite:///{path}", folder
                )
            )
        )
        yield {"sqlite": path}


@pytest.fixture
def clock():
    return Clock(datetime(2027, 3, 10, 9, 0, tzinfo=UTC))


@pytest.fixture
def database_url(database_template, tmp_path):
    if "postgres" in database_template:
        url = database_template["postgres"]
        engine = create_engine(url)
        with engine.begin() as connection:
            tables = [
                row[0]
                for row in connection.execute(
                    text(
                        "SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
                        "AND tablename <> 'alembic_version'"
                    )
                )
            ]
            if tables:
                connection.execute(
                    text(
                        "TRUNCATE "
                        + ", ".join(f'"{t}"' for t in tables)
                        + " RESTART IDENTITY CASCADE"
                    )
                )
        engine.dispose()
        return url
    path = tmp_path / "petitions.sqlite3"
    shutil.copyfile(database_template["sqlite"], path)
    return f"sqlite:///{path}"


@pytest.fixture
def app_config(tmp_path, clock, database_url, key_files):
    """The test mapping; a test may change it before asking for ``app``."""
    return _base_config(tmp_path, clock, database_url, key_files)


@pytest.fixture
def app(app_config):
    app = create_app(app_config)
    with app.app_context():
        if POSTGRES_URL:
            import_streets(SAMPLE_STREETS)
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app):
    """A browser that prefers English, so that assertions read in the source language."""
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture
def make_initiative(app, clock):
    """Return a builder of initiatives (collecting, with French and Dutch texts).

    ``representatives=N`` adds N confirmed representatives (rep1@example.be ...).
    """

    def build(representatives: int = 0, **overrides) -> Initiative:
        today = clock.now.date()
        values = {
            "slug": f"initiative-{uuid.uuid4().hex[:8]}",
            "register_number": None,
            "state": InitiativeState.collecting,
            "initiators": "Comité Test",
            "threshold": 2000,
            "collection_starts_on": date(today.year - 1, today.month, 1),
            "collection_ends_on": date(today.year, 12, 31),
            "created_at": clock.now,
        }
        values.update(overrides)
        initiative = Initiative(**values)
        initiative.texts = [
            InitiativeText(
                language="fr",
                title="Des bancs sur la Grand-Place",
                summary="Résumé FR",
                body="Texte FR",
            ),
            InitiativeText(
                language="nl",
                title="Banken op de Grote Markt",
                summary="Samenvatting NL",
                body="Tekst NL",
            ),
        ]
        initiative.representatives = [
            Representative(
                name=f"Représentant {n}",
                email=f"rep{n}@example.be",
                language="fr" if n % 2 else "nl",
                confirmed_at=clock.now,
            )
            for n in range(1, representatives + 1)
        ]
        db.session.add(initiative)
        db.session.commit()
        return initiative

    return build


STAFF_PASSWORD = "correct horse battery staple"


@pytest.fixture
def make_staff(app, clock):
    """Return a builder of staff accounts: make_staff("secretariat") -> Staff."""
    from werkzeug.security import generate_password_hash

    def build(role: str = "secretariat", email: str | None = None) -> Staff:
        staff = Staff(
            email=email or f"{role}-{uuid.uuid4().hex[:6]}@bruxelles.example",
            password_hash=generate_password_hash(STAFF_PASSWORD),
            role=StaffRole(role),
            created_at=clock.now,
        )
        db.session.add(staff)
        db.session.commit()
        return staff

    return build


def csrf_token(client, path: str) -> str:
    """Return the CSRF token of the form on ``path``, as a browser would have it."""
    response = client.get(path)
    match = CSRF_FIELD.search(response.get_data(as_text=True))
    assert match, f"no form on {path}"
    return match.group(1)


def signatory(**overrides) -> dict:
    """Return a valid sign form for a resident of the City."""
    values = {
        "surname": "Janssens",
        "first_names": "Marie",
        "birth_date": "1985-06-15",
        "street": "Rue Haute",
        "house_number": "120",
        "box": "",
        "postcode": "1000",
        "email": "marie.janssens@example.be",
        "language": "fr",
        "consent": "y",
    }
    values.update(overrides)
    return {k: v for k, v in values.items() if v is not None}


@pytest.fixture
def sign(client):
    """Return a function that posts the sign form of an initiative like a browser."""

    def post(initiative, form_page=None, **overrides):
        """Sign; ``form_page`` is where the form was loaded (default: the initiative)."""
        path = f"/initiatives/{initiative.slug}"
        data = signatory(**overrides)
        data["csrf_token"] = csrf_token(client, form_page or path)
        return client.post(f"{path}/sign", data=data)

    return post


@pytest.fixture
def mailbox(app, clock):
    """Return a function that delivers the outbox to files and reads the messages."""
    import email
    from email import policy

    from petitions.jobs.registry import run_job

    def deliver() -> list:
        run_job("deliver-outbox", clock.now)
        folder = Path(app.config["MAIL_FILE_DIRECTORY"])
        if not folder.exists():
            return []
        return [
            email.message_from_bytes(path.read_bytes(), policy=policy.default)
            for path in sorted(folder.glob("*.eml"))
        ]

    return deliver


def body_text(message) -> str:
    """Return the plain-text part of a mail."""
    return message.get_body(preferencelist=("plain",)).get_content()


def confirmation_link(message) -> str:
    """Return the path of the confirmation link in a confirmation mail."""
    match = re.search(
        r"http://petitions\.test(/confirm/[A-Za-z0-9_.\-]+)", body_text(message)
    )
    assert match, "no confirmation link in the mail"
    return match.group(1)


def confirmation_code(message) -> str:
    match = re.search(r"\b([A-Z2-9]{4}-[A-Z2-9]{4})\b", body_text(message))
    assert match, "no code in the mail"
    return match.group(1)


def receipt_code(message) -> str:
    """Return the receipt code in a signature-confirmed mail, whatever its language."""
    match = re.search(r"\b([A-Z2-9]{4}(?:-[A-Z2-9]{4}){4})\b", body_text(message))
    assert match, "no receipt code in the mail"
    return match.group(1)
