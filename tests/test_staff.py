"""Staff accounts: hashed passwords, sign-in, lockout, sign-out and the `staff` command."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from petitions.extensions import db
from petitions.models import AuditEntry, Staff, StaffRole
from petitions.secretariat.staff import StaffRefused, authenticate, create_staff

from .support import STAFF_PASSWORD, csrf_token

LOGIN = "/secretariat/login"
REFUSED = "This e-mail address and password do not open a staff account."


def sign_in(client, email, password=STAFF_PASSWORD, path=LOGIN):
    token = csrf_token(client, LOGIN)
    return client.post(
        path, data={"csrf_token": token, "email": email, "password": password}
    )


def test_a_new_account_stores_a_scrypt_hash_never_the_password(app, clock):
    staff = create_staff(
        "Greffe@Bruxelles.example", "a long enough password", "viewer", clock.now
    )
    db.session.commit()
    assert staff.email == "greffe@bruxelles.example"
    assert staff.password_hash.startswith("scrypt:")
    assert "a long enough password" not in staff.password_hash
    assert (
        authenticate("GREFFE@bruxelles.example", "a long enough password", clock.now)
        == staff
    )


@pytest.mark.parametrize(
    ("email", "password", "code"),
    [
        ("not-an-address", "a long enough password", "invalid_email"),
        ("new@bruxelles.example", "eleven char", "short_password"),
    ],
)
def test_creating_an_account_refuses_bad_input(app, clock, email, password, code):
    with pytest.raises(StaffRefused) as refused:
        create_staff(email, password, "viewer", clock.now)
    assert refused.value.code == code
    assert db.session.scalar(select(func.count(Staff.id))) == 0


def test_signing_in_opens_the_dashboard(client, make_staff):
    staff = make_staff("secretariat")
    response = sign_in(client, staff.email)
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/secretariat/")
    page = client.get("/secretariat/")
    assert page.status_code == 200
    assert "Signed in as council secretariat." in page.get_data(as_text=True)


def test_unknown_address_wrong_password_and_locked_account_get_the_same_answer(
    app, client, make_staff
):
    staff = make_staff("viewer")
    unknown = sign_in(client, "nobody@bruxelles.example")
    wrong = sign_in(client, staff.email, "not the password at all")
    for _ in range(app.config["STAFF_LOCKOUT_ATTEMPTS"]):
        sign_in(client, staff.email, "still not the password")
    locked = sign_in(client, staff.email)
    for response in (unknown, wrong, locked):
        assert response.status_code == 400
        assert REFUSED in response.get_data(as_text=True)
    assert client.get("/secretariat/").status_code == 303


def test_an_account_locks_after_repeated_failures_and_opens_when_the_lock_ends(
    app, client, clock, make_staff
):
    staff = make_staff("president")
    for _ in range(app.config["STAFF_LOCKOUT_ATTEMPTS"]):
        assert sign_in(client, staff.email, "wrong password here").status_code == 400
    minutes = app.config["STAFF_LOCKOUT_MINUTES"]
    clock.now += timedelta(minutes=minutes) - timedelta(seconds=1)
    assert sign_in(client, staff.email).status_code == 400
    clock.now += timedelta(seconds=1)
    assert sign_in(client, staff.email).status_code == 303
    assert db.session.get(Staff, staff.id).failed_logins == 0


def test_failures_below_the_limit_do_not_lock(app, client, make_staff):
    staff = make_staff("viewer")
    for _ in range(app.config["STAFF_LOCKOUT_ATTEMPTS"] - 1):
        sign_in(client, staff.email, "wrong password here")
    assert sign_in(client, staff.email).status_code == 303
    actions = db.session.scalars(select(AuditEntry.action)).all()
    assert "staff-locked" not in actions


def test_a_lockout_is_in_the_audit_log(app, client, make_staff):
    staff = make_staff("viewer")
    for _ in range(app.config["STAFF_LOCKOUT_ATTEMPTS"]):
        sign_in(client, staff.email, "wrong password here")
    entry = db.session.scalar(
        select(AuditEntry).where(AuditEntry.action == "staff-locked")
    )
    assert entry.actor == f"staff:{staff.id}:viewer"
    assert staff.email not in str(entry.details)


def test_signing_in_starts_a_new_session(client, make_staff):
    staff = make_staff("viewer")
    with client.session_transaction() as session:
        session["planted"] = "by an attacker"
    sign_in(client, staff.email)
    with client.session_transaction() as session:
        assert "planted" not in session
        assert session["staff_id"] == staff.id


def test_signing_out_clears_the_session(client, make_staff):
    staff = make_staff("secretariat")
    sign_in(client, staff.email)
    token = csrf_token(client, "/secretariat/")
    response = client.post("/secretariat/logout", data={"csrf_token": token})
    assert response.status_code == 303
    with client.session_transaction() as session:
        assert dict(session) == {}
    assert client.get("/secretariat/").status_code == 303


def test_after_signing_in_the_staff_member_returns_to_the_page_asked_for(
    client, make_staff, make_initiative
):
    initiative = make_initiative()
    page = f"/secretariat/initiatives/{initiative.slug}"
    redirect = client.get(page)
    assert redirect.headers["Location"].endswith(
        f"/secretariat/login?next=/secretariat/initiatives/{initiative.slug}"
    )
    staff = make_staff("viewer")
    response = sign_in(client, staff.email, path=redirect.headers["Location"])
    assert response.headers["Location"] == page


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "/"])
def test_signing_in_never_redirects_off_the_secretariat(client, make_staff, target):
    staff = make_staff("viewer")
    response = sign_in(client, staff.email, path=f"{LOGIN}?next={target}")
    assert response.headers["Location"] == "/secretariat/"


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


def test_the_staff_add_command_refuses_short_passwords_and_duplicates(app, make_staff):
    runner = app.test_cli_runner()
    short = runner.invoke(
        args=["staff", "add", "new@bruxelles.example", "--role", "viewer"],
        input="too short\ntoo short\n",
    )
    assert short.exit_code == 1
    assert "at least 12 characters" in short.output
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


def test_staff_list_and_unlock(app, client, make_staff):
    staff = make_staff("viewer")
    for _ in range(app.config["STAFF_LOCKOUT_ATTEMPTS"]):
        sign_in(client, staff.email, "wrong password here")
    runner = app.test_cli_runner()
    assert f"{staff.email} (locked)" in runner.invoke(args=["staff", "list"]).output
    result = runner.invoke(args=["staff", "unlock", staff.email])
    assert result.exit_code == 0, result.output
    assert sign_in(client, staff.email).status_code == 303
