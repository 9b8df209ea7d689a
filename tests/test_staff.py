"""Staff accounts: hashed passwords at OWASP's cost, common passwords refused, the
`staff` commands (add, list, disable, reset-password, unlock)."""

import pytest
from sqlalchemy import func, select
from werkzeug.security import generate_password_hash

from petitions import config as defaults
from petitions.extensions import db
from petitions.models import AuditEntry, RecoveryCode, Staff, StaffRole
from petitions.secretariat.passwords import is_common
from petitions.secretariat.staff import StaffRefused, create_staff

from .support import STAFF_PASSWORD, csrf_token, sign_in

LOGIN = "/secretariat/login"
NEW_PASSWORD = "a brand new staff password"


def post_login(client, email, password=STAFF_PASSWORD):
    token = csrf_token(client, LOGIN)
    return client.post(
        LOGIN, data={"csrf_token": token, "email": email, "password": password}
    )


def test_the_default_hash_is_scrypt_at_owasps_cost(app, clock):
    assert defaults.STAFF_PASSWORD_HASH == "scrypt:131072:8:1"
    app.config["STAFF_PASSWORD_HASH"] = defaults.STAFF_PASSWORD_HASH
    staff = create_staff(
        "Greffe@Bruxelles.example", "a long enough password", "viewer", clock.now
    )
    db.session.commit()
    assert staff.email == "greffe@bruxelles.example"
    assert staff.password_hash.startswith("scrypt:131072:8:1$")
    assert "a long enough password" not in staff.password_hash


@pytest.mark.parametrize(
    ("email", "password", "code"),
    [
        ("not-an-address", "a long enough password", "invalid_email"),
        ("new@bruxelles.example", "eleven char", "short_password"),
        ("new@bruxelles.example", "password1234", "common_password"),
        ("new@bruxelles.example", "QwertyUiop123", "common_password"),
    ],
)
def test_creating_an_account_refuses_bad_input(app, clock, email, password, code):
    with pytest.raises(StaffRefused) as refused:
        create_staff(email, password, "viewer", clock.now)
    assert refused.value.code == code
    assert db.session.scalar(select(func.count(Staff.id))) == 0


def test_the_common_password_list_is_shipped_and_checked_in_any_case():
    assert is_common("123456") and is_common("Password1234")
    assert not is_common(STAFF_PASSWORD)


def test_an_old_hash_still_verifies_and_is_upgraded_at_sign_in(app, client, make_staff):
    staff = make_staff("viewer")
    staff.password_hash = generate_password_hash(STAFF_PASSWORD, "pbkdf2:sha256:1000")
    db.session.commit()
    assert post_login(client, staff.email).status_code == 303
    assert staff.password_hash.startswith(app.config["STAFF_PASSWORD_HASH"] + "$")


def test_the_staff_add_command_asks_the_password_twice(app):
    result = app.test_cli_runner().invoke(
        args=["staff", "add", "Greffier@Bruxelles.example", "--role", "president"],
        input="a long enough password\na long enough password\n",
    )
    assert result.exit_code == 0, result.output
    assert "a long enough password" not in result.output
    staff = db.session.scalar(select(Staff))
    assert (staff.email, staff.role) == (
        "greffier@bruxelles.example",
        StaffRole.president,
    )
    assert staff.password_hash.startswith("scrypt:")


def test_the_staff_add_command_refuses_bad_passwords_and_duplicates(app, make_staff):
    runner = app.test_cli_runner()
    args = ["staff", "add", "new@bruxelles.example", "--role", "viewer"]
    short = runner.invoke(args=args, input="too short\ntoo short\n")
    assert short.exit_code == 1
    assert "at least 12 characters" in short.output
    common = runner.invoke(args=args, input="password1234\npassword1234\n")
    assert common.exit_code == 1
    assert "list of common passwords" in common.output
    existing = make_staff("viewer")
    duplicate = runner.invoke(
        args=["staff", "add", existing.email.upper(), "--role", "viewer"],
        input="a long enough password\na long enough password\n",
    )
    assert duplicate.exit_code == 1
    assert "already exists" in duplicate.output
    assert db.session.scalar(select(func.count(Staff.id))) == 1


def test_the_staff_add_command_refuses_unknown_roles(app):
    result = app.test_cli_runner().invoke(
        args=["staff", "add", "new@bruxelles.example", "--role", "mayor"]
    )
    assert result.exit_code == 2
    assert db.session.scalar(select(func.count(Staff.id))) == 0


def test_staff_disable_ends_the_sessions_and_refuses_the_password(
    app, client, signed_in
):
    staff = signed_in("secretariat")
    assert client.get("/secretariat/").status_code == 200
    result = app.test_cli_runner().invoke(args=["staff", "disable", staff.email])
    assert result.exit_code == 0, result.output
    assert "1 session(s) ended" in result.output
    assert client.get("/secretariat/").status_code == 303
    assert post_login(client, staff.email).status_code == 400
    listing = app.test_cli_runner().invoke(args=["staff", "list"]).output
    assert f"{staff.email} (disabled)" in listing
    entry = db.session.scalar(
        select(AuditEntry).where(AuditEntry.action == "staff-disabled")
    )
    assert entry.details["staff_id"] == staff.id


def test_reset_password_asks_twice_ends_sessions_and_keeps_the_second_factor(
    app, client, signed_in
):
    staff = signed_in("president")
    secret = staff.totp_secret
    result = app.test_cli_runner().invoke(
        args=["staff", "reset-password", staff.email],
        input=f"{NEW_PASSWORD}\n{NEW_PASSWORD}\n",
    )
    assert result.exit_code == 0, result.output
    assert NEW_PASSWORD not in result.output
    assert client.get("/secretariat/").status_code == 303
    assert post_login(client, staff.email).status_code == 400
    answer = post_login(client, staff.email, NEW_PASSWORD)
    assert answer.headers["Location"].startswith("/secretariat/login/code")
    assert staff.totp_secret == secret


def test_reset_password_resets_the_second_factor_only_when_asked(
    app, client, make_staff
):
    staff = make_staff("secretariat")
    db.session.add(RecoveryCode(staff_id=staff.id, code_hash="0" * 64))
    db.session.commit()
    result = app.test_cli_runner().invoke(
        args=["staff", "reset-password", staff.email, "--reset-second-factor"],
        input=f"{NEW_PASSWORD}\n{NEW_PASSWORD}\n",
    )
    assert result.exit_code == 0, result.output
    assert staff.totp_secret is None and staff.totp_enabled_at is None
    assert db.session.scalar(select(func.count(RecoveryCode.id))) == 0
    answer = post_login(client, staff.email, NEW_PASSWORD)
    assert answer.headers["Location"].startswith("/secretariat/login/enrol")


def test_reset_password_refuses_a_common_password_and_changes_nothing(app, make_staff):
    staff = make_staff("viewer")
    before = staff.password_hash
    result = app.test_cli_runner().invoke(
        args=["staff", "reset-password", staff.email],
        input="password1234\npassword1234\n",
    )
    assert result.exit_code == 1
    assert "list of common passwords" in result.output
    assert staff.password_hash == before


def test_the_commands_refuse_an_unknown_account(app):
    runner = app.test_cli_runner()
    for command in ("disable", "reset-password", "unlock"):
        result = runner.invoke(args=["staff", command, "nobody@bruxelles.example"])
        assert result.exit_code == 1
        assert "no staff account" in result.output


def test_staff_unlock_forgets_an_accounts_failures(app, client, clock, make_staff):
    staff = make_staff("viewer")
    for _ in range(app.config["STAFF_THROTTLE_FREE_FAILURES"]):
        post_login(client, staff.email, "wrong password here")
    assert post_login(client, staff.email).status_code == 429
    # The address's own count stays: the staff member signs in from elsewhere.
    client.environ_base["REMOTE_ADDR"] = "192.0.2.40"
    assert post_login(client, staff.email).status_code == 429
    result = app.test_cli_runner().invoke(args=["staff", "unlock", staff.email])
    assert result.exit_code == 0, result.output
    assert sign_in(client, staff) is staff
