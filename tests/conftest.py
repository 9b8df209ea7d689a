"""Fixtures: a real database per test (a SQLite file, or PostgreSQL when
PETITIONS_TEST_DATABASE_URL is set), a clock the tests move, and builders.

The plain helpers and constants that tests import are in support.py: no test module
imports this one."""

import functools
import itertools
import logging
import shutil
import uuid
from datetime import UTC, date, datetime
from pathlib import Path

import pyotp
import pytest
from sqlalchemy import create_engine, select, text

from petitions import create_app
from petitions.extensions import db
from petitions.initiators import operations as initiator_operations
from petitions.logs import ServiceLogHandler
from petitions.models import (
    Initiative,
    InitiativeState,
    InitiativeText,
    Representative,
    Signature,
    SignatureState,
    Staff,
    StaffRole,
    Street,
)
from petitions.sealing import envelopes
from petitions.sealing.records import seal_signature
from petitions.signing.cli import SAMPLE_STREETS, import_streets
from verification.codes import new_code, normalise_code
from verification.identity import (
    code_hash,
    email_hash,
    identity_hash,
    identity_secret,
    network_hash,
)
from verification.merkle import commitment, new_receipt_code

from .support import (
    KEY_PASSPHRASE,
    POSTGRES_URL,
    STAFF_PASSWORD,
    TEST_PASSWORD_HASH,
    Clock,
    base_config,
    confirmation_link,
    csrf_token,
    receipt_code,
    sign_in,
    signatory,
)


@pytest.fixture(autouse=True)
def service_log_handler_removed():
    """Take the app's log handler off the root logger after each test.

    An app created outside testing installs it there (petitions/logs.py); left behind,
    it would write later tests' records to a closed capture.
    """
    root = logging.getLogger()
    level = root.level
    yield
    for handler in [h for h in root.handlers if isinstance(h, ServiceLogHandler)]:
        root.removeHandler(handler)
    root.setLevel(level)


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
        _prepare(create_app(base_config(folder, Clock(datetime.now(UTC)), url, folder)))
        yield {"postgres": url}
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
    else:
        path = folder / "template.sqlite3"
        _prepare(
            create_app(
                base_config(
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
    return base_config(tmp_path, clock, database_url, key_files)


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
def fresh_database(tmp_path):
    """Return a builder of new, empty databases (no table at all): each call makes one.

    A SQLite file not yet created, or a PostgreSQL database created like the session's
    template (and dropped after the test).
    """
    admin = None
    if POSTGRES_URL:
        admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    names = []

    def build() -> str:
        name = f"petitions_fresh_{uuid.uuid4().hex[:8]}"
        names.append(name)
        if admin is None:
            return f"sqlite:///{tmp_path / name}.sqlite3"
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        return admin.url.set(database=name).render_as_string(hide_password=False)

    yield build
    if admin is not None:
        with admin.connect() as connection:
            for name in names:
                connection.execute(
                    text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                )
        admin.dispose()


@pytest.fixture
def app_on(fresh_database, tmp_path, clock, key_files):
    """Return a builder of second apps, each on the database of its URL.

    They share the test's clock and keys, and their engines are disposed at the end.
    """
    apps = []

    def build(url: str):
        folder = tmp_path / f"app-{len(apps) + 1}"
        folder.mkdir()
        other = create_app(base_config(folder, clock, url, key_files))
        apps.append(other)
        return other

    yield build
    for other in apps:
        with other.app_context():
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


@functools.cache
def _staff_password_hash() -> str:
    from werkzeug.security import generate_password_hash

    return generate_password_hash(STAFF_PASSWORD, method=TEST_PASSWORD_HASH)


@pytest.fixture
def make_staff(app, clock):
    """Return a builder of staff accounts: make_staff("secretariat") -> Staff.

    The secretariat and the president get a second factor (a TOTP secret, enrolled),
    as they must; ``second_factor`` says otherwise. support.sign_in types its code.
    """

    def build(
        role: str = "secretariat",
        email: str | None = None,
        second_factor: bool | None = None,
    ) -> Staff:
        if second_factor is None:
            second_factor = role in ("secretariat", "president")
        staff = Staff(
            email=email or f"{role}-{uuid.uuid4().hex[:6]}@bruxelles.example",
            password_hash=_staff_password_hash(),
            role=StaffRole(role),
            created_at=clock.now,
            totp_secret=pyotp.random_base32() if second_factor else None,
            totp_enabled_at=clock.now if second_factor else None,
        )
        db.session.add(staff)
        db.session.commit()
        return staff

    return build


@pytest.fixture
def signed_in(client, make_staff):
    """Return a function that signs a browser in with a new staff account of a role.

    ``signed_in("president")`` signs the test's ``client`` in through the login form and
    returns the Staff row; ``signed_in(role, other_client)`` signs another one in.
    """
    test_client = client

    def sign_in_as(role: str, client=None) -> Staff:
        return sign_in(test_client if client is None else client, make_staff(role))

    return sign_in_as


@pytest.fixture
def make_signature(app, clock):
    """Return a builder of signature rows as the signing paths leave them.

    ``make_signature(initiative, state=..., channel="online", at=None, **overrides)``
    adds one new signatory living rue Haute: keyed identity and e-mail hashes, the
    record sealed to the test key, the envelopes and receipt commitment of its state
    (pending, confirmed, or withdrawn with its personal data erased). ``at`` is when it
    was made and, unless pending, confirmed (default: the clock's now); ``overrides``
    set any column last (e.g. ``neighbourhood``, ``language``, ``notify_decision``).
    """
    numbers = itertools.count(1)
    street = db.session.scalar(
        select(Street)
        .where(Street.name_fr == "Rue Haute", Street.postcode == "1000")
        .order_by(Street.id)
        .limit(1)
    )
    key = app.config["IDENTITY_KEY"].encode()

    def build(
        initiative,
        state: SignatureState = SignatureState.confirmed,
        channel: str = "online",
        at: datetime | None = None,
        **overrides,
    ) -> Signature:
        n = next(numbers)
        at = at or clock.now
        surname, first_names, born = f"Signataire {n}", "Marie", date(1985, 6, 15)
        online = channel == "online"
        # Paper rows carry no address here: it is optional on the sheet.
        address = f"signataire.{n}@example.be" if online else ""
        pending = state is SignatureState.pending
        # The receipt code the signatory got by mail: its commitment is the leaf.
        receipt = None if pending else new_receipt_code()
        values = {
            "initiative_id": initiative.id,
            "state": state,
            "identity_hash": identity_hash(key, surname, first_names, born),
            "email_hash": email_hash(key, address) if address else None,
            "language": "fr",
            "neighbourhood": street.neighbourhood,
            "channel": channel,
            "mails_sent": 1 if online else 0,
            "notify_decision": False,
            "created_at": at,
            "confirmed_at": None if pending else at,
            "commitment": receipt and commitment(receipt, initiative.id).hex(),
            # Online: the keyed hash of the client's network and the mail domain.
            "client_network": network_hash(key, "192.0.2.1") if online else None,
            "mail_domain": "example.be" if online else None,
        }
        signature = Signature(**(values | overrides))
        db.session.add(signature)
        db.session.flush()
        record = {
            "surname": surname,
            "first_names": first_names,
            "birth_date": born.isoformat(),
            "street_id": street.id,
            "street_fr": street.name_fr,
            "street_nl": street.name_nl,
            "house_number": "120",
            "box": "",
            "postcode": street.postcode,
            "email": address,
            "language": signature.language,
            "channel": channel,
            "notify_decision": signature.notify_decision,
        }
        seal_signature(signature, record)
        if online:
            # The identity's envelope: kept while pending and once counted (repeats).
            secret = identity_secret(surname, first_names, born)
            signature.envelope_identity = envelopes.close(
                signature, envelopes.IDENTITY, secret, address
            )
        if pending:
            code = new_code()
            signature.code_hash = code_hash(key, code)
            signature.envelope_code = envelopes.close(
                signature, envelopes.CODE, normalise_code(code), address
            )
        elif online:
            signature.envelope_receipt = envelopes.close(
                signature, envelopes.RECEIPT, normalise_code(receipt), address
            )
            # The code that confirmed keeps its hash: typed again, it says "counts".
            if state is SignatureState.confirmed:
                signature.code_hash = code_hash(key, new_code())
        if state is SignatureState.withdrawn:
            signature.withdrawn_at = at
            for column in (
                "sealed",
                "sealing_key_id",
                "envelope_receipt",
                "envelope_identity",
                "identity_hash",
                "email_hash",
                "client_network",
                "mail_domain",
            ):
                setattr(signature, column, None)
        for column, value in overrides.items():  # over what was sealed or closed too
            setattr(signature, column, value)
        db.session.commit()
        return signature

    return build


@pytest.fixture
def make_filed_initiative(make_initiative, make_signature, clock):
    """Return a builder of initiatives filed with the council at the clock's instant.

    One representative, a threshold of one and one confirmed signature; ``fields`` go
    to ``make_initiative``.
    """

    def build(**fields) -> Initiative:
        initiative = make_initiative(threshold=1, representatives=1, **fields)
        make_signature(initiative)
        initiator_operations.file_initiative(initiative, clock.now, "representative:1")
        db.session.commit()
        return initiative

    return build


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


SURNAMES = ["Janssens", "Peeters", "Dubois", "Lambert", "Maes"]


@pytest.fixture
def signed(client, sign, mailbox):
    """Return a function that signs and confirms for N people; their receipt codes.

    ``signed(initiative, people=2)`` goes through the sign form, the mail and the
    confirmation link; ``first`` skips the first people of the list (they signed in an
    earlier call).
    """

    def build(initiative, people: int = 1, first: int = 0) -> list[str]:
        codes = []
        for surname in SURNAMES[first : first + people]:
            address = f"{surname.lower()}@example.be"
            sign(initiative, surname=surname, email=address)
            (message,) = [m for m in mailbox() if m["To"] == address]
            link = confirmation_link(message)
            client.post(link, data={"csrf_token": csrf_token(client, link)})
            receipt_mail = [m for m in mailbox() if m["To"] == address][-1]
            codes.append(receipt_code(receipt_mail))
        return codes

    return build
