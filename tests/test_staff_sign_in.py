"""Staff sign-in: the throttle with growing waits (never a lock on the right password),
server-side sessions that expire and are revoked, and the second factor."""

import re
from datetime import timedelta

import pyotp
import pytest
from sqlalchemy import func, select

from petitions import create_app
from petitions.extensions import db
from petitions.models import RecoveryCode, StaffSession

from .support import STAFF_PASSWORD, csrf_token, sign_in, totp_code

LOGIN = "/secretariat/login"
CODE_PAGE = "/secretariat/login/code"
ENROL_PAGE = "/secretariat/login/enrol"
ATTACKER = "203.0.113.66"
WRONG_PASSWORD = "guess guess guess"


def post_login(client, email, password=STAFF_PASSWORD):
    token = csrf_token(client, LOGIN)
    return client.post(
        LOGIN, data={"csrf_token": token, "email": email, "password": password}
    )


def post_code(client, code, page=CODE_PAGE):
    return client.post(
        page, data={"csrf_token": csrf_token(client, page), "code": code}
    )


def sign_out(client):
    token = csrf_token(client, "/secretariat/")
    return client.post("/secretariat/logout", data={"csrf_token": token})


def attacker_client(app, address=ATTACKER):
    client = app.test_client()
    client.environ_base.update(HTTP_ACCEPT_LANGUAGE="en", REMOTE_ADDR=address)
    return client


def attack(app, email, password=WRONG_PASSWORD, address=ATTACKER):
    """One attempt by another browser, in its own app context (its own ``g``)."""
    # End this test's own transaction: SQLite here begins each one IMMEDIATE.
    db.session.commit()
    with app.app_context():
        return post_login(attacker_client(app, address), email, password).status_code


# The attacker elsewhere, or behind the same address (an office, a proxy).
@pytest.mark.parametrize("address", [ATTACKER, "127.0.0.1"])
def test_the_real_user_signs_in_while_an_attacker_keeps_failing(
    app, client, clock, make_staff, address
):
    staff = make_staff("secretariat")
    sign_in(client, staff)  # this browser signed in before: it has a device cookie
    sign_out(client)
    for _ in range(30):
        assert attack(app, staff.email, address=address) in (400, 429)
        clock.now += timedelta(seconds=30)
    assert attack(app, staff.email, STAFF_PASSWORD, address) == 429
    clock.now += timedelta(seconds=30)
    assert sign_in(client, staff) is staff
    assert client.get("/secretariat/").status_code == 200


def test_after_a_few_failures_each_attempt_waits_longer(app, client, clock, make_staff):
    staff = make_staff("viewer")
    free = app.config["STAFF_THROTTLE_FREE_FAILURES"]
    base = app.config["STAFF_THROTTLE_BASE_SECONDS"]
    for _ in range(free):
        assert post_login(client, staff.email, "wrong password here").status_code == 400
    waits = []
    for _ in range(4):
        refused = post_login(client, staff.email)
        assert refused.status_code == 429
        assert "please wait and try again after" in refused.get_data(as_text=True)
        waits.append(int(refused.headers["Retry-After"]))
        clock.now += timedelta(seconds=waits[-1])
        assert post_login(client, staff.email, "wrong again, sorry").status_code == 400
    assert waits == [base + 1, 2 * base + 1, 4 * base + 1, 8 * base + 1]
    clock.now += timedelta(seconds=16 * base)
    assert post_login(client, staff.email).status_code == 303


def test_one_address_is_throttled_across_accounts(app, clock, make_staff):
    staff = make_staff("viewer")
    for n in range(app.config["STAFF_THROTTLE_FREE_FAILURES"]):
        assert attack(app, f"guess{n}@bruxelles.example") == 400
    assert attack(app, staff.email, STAFF_PASSWORD) == 429


def test_the_failures_are_counted_in_the_database_for_every_web_node(
    app, app_config, make_staff
):
    staff = make_staff("viewer")
    email = staff.email
    for _ in range(app.config["STAFF_THROTTLE_FREE_FAILURES"]):
        assert attack(app, email) == 400
    db.session.remove()
    other = create_app(app_config)
    with other.app_context():
        node = other.test_client()
        # The same account from another address, on another node: the account waits.
        node.environ_base.update(HTTP_ACCEPT_LANGUAGE="en", REMOTE_ADDR="198.51.100.7")
        assert post_login(node, email).status_code == 429
        db.session.remove()
        db.engine.dispose()


def test_unknown_address_wrong_password_and_disabled_account_answer_alike(
    client, clock, make_staff
):
    staff = make_staff("viewer")
    gone = make_staff("viewer")
    gone.disabled_at = clock.now
    db.session.commit()
    answers = [
        post_login(client, "nobody@bruxelles.example"),
        post_login(client, staff.email, "not the password at all"),
        post_login(client, gone.email),
    ]
    for answer in answers:
        assert answer.status_code == 400
        assert "do not open a staff account" in answer.get_data(as_text=True)
    assert client.get("/secretariat/").status_code == 303


def test_the_session_is_kept_on_the_server_and_signing_out_revokes_the_cookie(
    client, signed_in
):
    signed_in("viewer")
    cookie = client.get_cookie("session").value
    assert db.session.scalar(select(func.count(StaffSession.id_hash))) == 1
    assert sign_out(client).status_code == 303
    assert db.session.scalar(select(func.count(StaffSession.id_hash))) == 0
    client.set_cookie("session", cookie)  # the old cookie, kept by an attacker
    assert client.get("/secretariat/").status_code == 303


def test_signing_in_starts_a_new_session(client, make_staff):
    staff = make_staff("viewer")
    with client.session_transaction() as session:
        session["planted"] = "by an attacker"
    sign_in(client, staff)
    with client.session_transaction() as session:
        assert "planted" not in session


def test_a_session_ends_after_30_minutes_idle(client, clock, signed_in):
    signed_in("viewer")
    for _ in range(3):
        clock.now += timedelta(minutes=29)
        assert client.get("/secretariat/").status_code == 200
    clock.now += timedelta(minutes=30)
    assert client.get("/secretariat/").status_code == 303


def test_a_session_ends_12_hours_after_sign_in_even_when_busy(client, clock, signed_in):
    start = clock.now
    signed_in("viewer")
    while clock.now < start + timedelta(hours=12) - timedelta(minutes=20):
        clock.now += timedelta(minutes=20)
        assert client.get("/secretariat/").status_code == 200
    clock.now = start + timedelta(hours=12)
    assert client.get("/secretariat/").status_code == 303


def test_the_secretariat_and_the_president_must_give_a_code(client, make_staff):
    for role in ("secretariat", "president"):
        staff = make_staff(role)
        answer = post_login(client, staff.email)
        assert answer.headers["Location"].startswith(CODE_PAGE)
        assert client.get("/secretariat/").status_code == 303
        assert post_code(client, "000000").status_code == 400
        assert client.get("/secretariat/").status_code == 303
    viewer = make_staff("viewer")
    assert post_login(client, viewer.email).headers["Location"] == "/secretariat/"


def test_without_a_second_factor_they_enrol_by_qr_code_at_first_sign_in(
    client, clock, make_staff
):
    staff = make_staff("president", second_factor=False)
    answer = post_login(client, staff.email)
    assert answer.headers["Location"].startswith(ENROL_PAGE)
    page = client.get(ENROL_PAGE).get_data(as_text=True)
    assert "<svg" in page and "<title>" in page
    spaced = " ".join(re.findall(".{1,4}", staff.totp_secret))
    assert spaced in page
    assert post_code(client, "123456", ENROL_PAGE).status_code == 400
    assert staff.totp_enabled_at is None
    code = pyotp.TOTP(staff.totp_secret).at(clock.now)
    shown = post_code(client, code, ENROL_PAGE)
    assert shown.status_code == 200
    assert shown.headers["Cache-Control"] == "private, no-store"
    codes = re.findall(r"<code>([A-Z2-9-]{19})</code>", shown.get_data(as_text=True))
    assert len(codes) == 10
    assert staff.totp_enabled_at == clock.now
    stored = db.session.scalars(select(RecoveryCode.code_hash)).all()
    assert len(stored) == 10 and not set(codes) & set(stored)
    assert client.get("/secretariat/").status_code == 200


def test_a_pending_sign_in_lasts_five_minutes(client, clock, make_staff):
    staff = make_staff("secretariat")
    post_login(client, staff.email)
    token = csrf_token(client, CODE_PAGE)
    clock.now += timedelta(minutes=5)
    expired = client.post(
        CODE_PAGE, data={"csrf_token": token, "code": totp_code(staff, clock.now)}
    )
    assert expired.headers["Location"].startswith(LOGIN)
    assert client.get("/secretariat/").status_code == 303


def test_a_code_is_good_once_even_within_its_window(client, clock, make_staff):
    staff = make_staff("secretariat")
    code = pyotp.TOTP(staff.totp_secret).at(clock.now)
    post_login(client, staff.email)
    assert post_code(client, code).status_code == 303
    sign_out(client)
    clock.now += timedelta(seconds=10)
    post_login(client, staff.email)
    assert post_code(client, code).status_code == 400
    earlier = pyotp.TOTP(staff.totp_secret).at(clock.now - timedelta(seconds=30))
    assert post_code(client, earlier).status_code == 400
    later = pyotp.TOTP(staff.totp_secret).at(clock.now + timedelta(seconds=30))
    assert post_code(client, later).status_code == 303


def test_a_recovery_code_signs_in_once(client, clock, make_staff):
    staff = make_staff("secretariat", second_factor=False)
    post_login(client, staff.email)
    client.get(ENROL_PAGE)
    shown = post_code(client, pyotp.TOTP(staff.totp_secret).at(clock.now), ENROL_PAGE)
    first = re.findall(r"<code>([A-Z2-9-]{19})</code>", shown.get_data(as_text=True))[0]
    sign_out(client)
    post_login(client, staff.email)
    assert post_code(client, first.lower().replace("-", " ")).status_code == 303
    sign_out(client)
    post_login(client, staff.email)
    assert post_code(client, first).status_code == 400
    assert client.get("/secretariat/").status_code == 303


def test_wrong_codes_are_throttled_too(app, client, make_staff):
    staff = make_staff("secretariat")
    post_login(client, staff.email)
    for _ in range(app.config["STAFF_THROTTLE_FREE_FAILURES"] - 1):
        assert post_code(client, "000000").status_code == 400
    # The password's own success does not reset the count: the next wrong code is
    # the last free failure, then the right one has to wait.
    assert post_code(client, "000001").status_code == 400
    assert post_code(client, "000002").status_code == 429
