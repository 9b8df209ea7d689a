"""Hardening: security headers, cookies and secrets outside development, and personal
data that leaves the database files (SQLite) and the mail folder once it is done with."""

import os
import re
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from flask_migrate import upgrade
from sqlalchemy import func, select

from petitions import ConfigurationError, create_app
from petitions.extensions import db
from petitions.jobs.registry import run_job
from petitions.models import Signature
from petitions.signing.cli import SAMPLE_STREETS, import_streets

from .support import (
    POSTGRES_URL,
    STAFF_PASSWORD,
    Clock,
    base_config,
    confirmation_code,
    confirmation_link,
    csrf_token,
    receipt_code,
    signatory,
)

ROOT = Path(__file__).resolve().parent.parent
STRONG = "k" * 40


@pytest.fixture(scope="module")
def sqlite_template(tmp_path_factory, key_files):
    """A migrated SQLite file: what happens in the database files is SQLite's question,
    whichever database the rest of the suite runs on."""
    folder = tmp_path_factory.mktemp("at-rest")
    path = folder / "template.sqlite3"
    config = base_config(
        folder, Clock(datetime.now(UTC)), f"sqlite:///{path}", key_files
    )
    app = create_app(config)
    with app.app_context():
        upgrade()
        if not POSTGRES_URL:
            import_streets(SAMPLE_STREETS)
        db.engine.dispose()
    return path


@pytest.fixture
def database_url(sqlite_template, tmp_path):
    """This module's tests run on a SQLite file, copied from the module's template."""
    path = tmp_path / "petitions.sqlite3"
    shutil.copyfile(sqlite_template, path)
    os.chmod(path, 0o644)
    return f"sqlite:///{path}"


def production_app(app_config, **overrides):
    """The app as a server runs it: neither testing nor development, strong secrets."""
    config = {
        **app_config,
        "TESTING": False,
        "SECRET_KEY": STRONG,
        "IDENTITY_KEY": STRONG + "i",
        **overrides,
    }
    return create_app(config)


def https_client(app):
    """A browser that reaches the app over HTTPS, as behind the City's proxy."""
    client = app.test_client()
    client.environ_base.update(
        {"wsgi.url_scheme": "https", "HTTP_HOST": "initiatives.example"}
    )
    return client


# --- headers ---------------------------------------------------------------------


PAGES = ("/", "/privacy", "/accessibility", "/initiatives/new", "/secretariat/login")


def test_every_page_loads_from_this_site_only_and_is_not_sniffed(
    client, make_initiative
):
    initiative = make_initiative()
    for path in (*PAGES, f"/initiatives/{initiative.slug}", "/api/v1/initiatives"):
        response = client.get(path)
        policy = response.headers["Content-Security-Policy"].split("; ")
        assert "default-src 'self'" in policy, path
        assert "form-action 'self'" in policy and "object-src 'none'" in policy
        assert response.headers["X-Content-Type-Options"] == "nosniff", path


def test_pages_and_templates_hold_no_inline_script_or_style():
    # The content policy refuses inline script and style: a page with one would break
    # silently in the browser. E-mails are not pages (mail readers need inline style).
    # A script file of the site's own (<script src=...>) is allowed: it only ever adds
    # to a page that works without it.
    offenders = []
    for template in sorted((ROOT / "templates").rglob("*.html")):
        if "email" in template.relative_to(ROOT / "templates").parts:
            continue
        text = template.read_text(encoding="utf-8")
        inline = re.sub(r'<script src="[^"]+" defer></script>', "", text)
        if re.search(r"<script|<style|\sstyle=|\son[a-z]+=|javascript:", inline):
            offenders.append(str(template.relative_to(ROOT)))
    assert offenders == []


def test_pages_whose_path_holds_a_token_send_no_referrer(client):
    for path in (
        "/confirm/forged-token",
        "/withdraw/forged-token",
        "/manage/forged-token",
        "/representatives/confirm/forged-token",
    ):
        response = client.get(path)
        assert response.status_code == 400
        assert response.headers["Referrer-Policy"] == "no-referrer", path
    for path in PAGES:
        assert client.get(path).headers["Referrer-Policy"] == "same-origin", path


def test_a_post_another_site_made_a_browser_send_is_refused(client, make_initiative):
    initiative = make_initiative()
    path = f"/initiatives/{initiative.slug}"
    data = {**signatory(), "csrf_token": csrf_token(client, path)}
    refused = client.post(
        f"{path}/sign", data=data, headers={"Sec-Fetch-Site": "cross-site"}
    )
    assert refused.status_code == 400
    assert db.session.scalar(select(func.count()).select_from(Signature)) == 0
    accepted = client.post(
        f"{path}/sign", data=data, headers={"Sec-Fetch-Site": "same-origin"}
    )
    assert accepted.status_code in (302, 303)
    assert db.session.scalar(select(func.count()).select_from(Signature)) == 1


# --- cookies and secrets outside development ---------------------------------------


def test_outside_development_cookies_are_secure_and_host_only(app_config):
    app = production_app(app_config)
    client = https_client(app)
    form = client.get("/initiatives/new")
    (session_cookie,) = form.headers.getlist("Set-Cookie")
    assert session_cookie.startswith("__Host-session=")
    assert "Secure" in session_cookie and "HttpOnly" in session_cookie
    assert "Path=/" in session_cookie and "Domain" not in session_cookie
    switched = client.get("/language/nl?next=/")
    (language_cookie,) = switched.headers.getlist("Set-Cookie")
    assert language_cookie.startswith("__Host-lang=nl")
    assert "Secure" in language_cookie and "Path=/" in language_cookie
    # The cookie chosen is the one read back.
    assert '<html lang="nl">' in client.get("/").get_data(as_text=True)


def test_outside_development_the_staff_device_cookie_is_secure_and_host_only(
    app_config, make_staff
):
    email = make_staff("viewer").email
    db.session.rollback()  # the other app below writes to the same SQLite file
    app = production_app(app_config)
    client = https_client(app)
    data = {"email": email, "password": STAFF_PASSWORD}
    data["csrf_token"] = csrf_token(client, "/secretariat/login")
    answer = client.post("/secretariat/login", data=data)
    assert answer.status_code == 303
    cookies = answer.headers.getlist("Set-Cookie")
    (device,) = [c for c in cookies if "staff_device" in c]
    assert device.startswith("__Host-staff_device=")
    assert "Secure" in device and "Path=/;" in device and "Domain" not in device
    assert all(c.startswith("__Host-") for c in cookies)
    with app.app_context():
        db.engine.dispose()


def test_outside_development_a_form_posted_over_https_works_without_a_referer(
    app_config, make_initiative
):
    # A page whose path holds a token sends no Referer: the CSRF check must not need one.
    path = f"/initiatives/{make_initiative().slug}"
    # The test's own session lets go of the database: the other app writes to it.
    db.session.rollback()
    app = production_app(app_config)
    client = https_client(app)
    data = {**signatory(), "csrf_token": csrf_token(client, path)}
    with app.app_context():
        response = client.post(f"{path}/sign", data=data)
        assert response.status_code in (302, 303), response.get_data(as_text=True)
        assert db.session.scalar(select(func.count()).select_from(Signature)) == 1


def test_in_development_cookies_stay_plain_for_http(client):
    form = client.get("/initiatives/new")
    (session_cookie,) = form.headers.getlist("Set-Cookie")
    assert session_cookie.startswith("session=") and "Secure" not in session_cookie


@pytest.mark.parametrize(
    ("secret", "problem"),
    [
        ("dev-only-not-secret", "is the development default"),
        ("change-me: a long random string", "is the sample's placeholder"),
        ("s" * 31, "is shorter than 32 bytes"),
        ("", "is the development default"),
    ],
)
def test_a_weak_secret_refuses_to_start_outside_development(
    app_config, secret, problem
):
    with pytest.raises(ConfigurationError, match=f"SECRET_KEY {problem}"):
        production_app(app_config, SECRET_KEY=secret)
    with pytest.raises(ConfigurationError, match=f"IDENTITY_KEY {problem}"):
        production_app(app_config, IDENTITY_KEY=secret)


def test_debug_mode_does_not_skip_the_secret_check(app_config):
    with pytest.raises(ConfigurationError):
        production_app(app_config, DEBUG=True, SECRET_KEY="short")
    # A developer's machine says so, and then its secrets are its own business.
    production_app(app_config, DEVELOPMENT=True, SECRET_KEY="short")


def test_a_strong_secret_of_32_bytes_starts(app_config):
    assert production_app(app_config, SECRET_KEY="s" * 32).config["SECRET_KEY"]


# --- personal data at rest ---------------------------------------------------------


def database_files(app) -> list[Path]:
    path = Path(db.engine.url.database)
    return [p for p in (path, Path(f"{path}-wal")) if p.exists()]


def raw_bytes(app) -> bytes:
    return b"".join(p.read_bytes() for p in database_files(app))


def test_once_delivered_no_address_or_code_of_a_signatory_stays_in_the_files(
    app, client, make_initiative, mailbox
):
    initiative = make_initiative()
    path = f"/initiatives/{initiative.slug}"
    address = "zoe.peeters@example.be"
    data = {**signatory(surname="Peeters", email=address)}
    data["csrf_token"] = csrf_token(client, path)
    assert client.post(f"{path}/sign", data=data).status_code in (302, 303)
    (message,) = mailbox()
    code = confirmation_code(message)
    link = confirmation_link(message)
    client.post(link, data={"csrf_token": csrf_token(client, link)})
    receipt = receipt_code([m for m in mailbox() if m["To"] == address][-1])
    run_job("deliver-outbox", app.config["CLOCK"]())
    secrets = [address, code, code.replace("-", ""), receipt, receipt.replace("-", "")]
    stored = raw_bytes(app)
    assert stored, "the database files were not found"
    found = [secret for secret in secrets if secret.encode() in stored]
    assert found == [], "still in the database files after delivery"
    # The write-ahead log was emptied by the erasing job's checkpoint.
    wal = Path(f"{db.engine.url.database}-wal")
    assert not wal.exists() or wal.stat().st_size == 0


def test_the_database_files_and_mail_files_are_the_owners_alone(
    app, client, make_initiative, mailbox
):
    # The copy was made world-readable: the app narrows it when it opens the database.
    assert all(p.stat().st_mode & 0o777 == 0o600 for p in database_files(app))
    initiative = make_initiative()
    path = f"/initiatives/{initiative.slug}"
    data = {**signatory(), "csrf_token": csrf_token(client, path)}
    client.post(f"{path}/sign", data=data)
    assert len(mailbox()) == 1
    folder = Path(app.config["MAIL_FILE_DIRECTORY"])
    assert folder.stat().st_mode & 0o777 == 0o700
    files = list(folder.glob("*.eml"))
    assert files and all(f.stat().st_mode & 0o777 == 0o600 for f in files)
    wal = Path(f"{db.engine.url.database}-wal")
    if wal.exists():
        assert wal.stat().st_mode & 0o777 == 0o600


def test_mail_files_are_deleted_once_past_their_retention(app, clock):
    folder = Path(app.config["MAIL_FILE_DIRECTORY"])
    folder.mkdir(parents=True, exist_ok=True)
    days = app.config["MAIL_FILE_RETENTION_DAYS"]
    ages = {"old.eml": days + 1, "recent.eml": days - 1, "notes.txt": days + 30}
    for name, age in ages.items():
        target = folder / name
        target.write_text("x")
        moment = (clock.now - timedelta(days=age)).timestamp()
        os.utime(target, (moment, moment))
    assert run_job("prune-mail-files", clock.now) == {"deleted": 1}
    assert sorted(p.name for p in folder.iterdir()) == ["notes.txt", "recent.eml"]
