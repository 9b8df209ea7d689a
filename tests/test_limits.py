"""Abuse limits per client address and per identity, at their real defaults.

The counters are in memory, and also in Redis when PETITIONS_TEST_REDIS_URL names a
server (.ci/run starts one): every test here then runs on both storages.
"""

import uuid
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from petitions import config as defaults
from petitions import create_app
from petitions.extensions import db
from petitions.models import Initiative, OutboxMessage

from .support import (
    LIMIT_KEYS,
    NEW_INITIATIVE,
    REDIS_URL,
    csrf_token,
    draft_form,
    post_button,
    signatory,
)

STORAGES = ["memory"] + (["redis"] if REDIS_URL else [])


@pytest.fixture(params=STORAGES)
def storage(request):
    return request.param


@pytest.fixture
def app_config(app_config, storage):
    """The limits at their defaults, in the storage of the test's parameter."""
    app_config.update({key: getattr(defaults, key) for key in LIMIT_KEYS})
    if storage == "redis":
        app_config["RATELIMIT_STORAGE_URI"] = REDIS_URL
        # A prefix of the test's own: its counters start from zero.
        prefix = f"petitions-test-{uuid.uuid4().hex}"
        app_config["RATELIMIT_STORAGE_OPTIONS"] = {"key_prefix": prefix}
    return app_config


def limit_of(key: str) -> int:
    """Return the smallest allowance of a default limit (its first, shortest window)."""
    return int(getattr(defaults, key).split(";")[0].split()[0])


def mails() -> int:
    return db.session.scalar(select(func.count(OutboxMessage.id)))


def sign_post(client, initiative, n: int):
    """Sign as the n-th person; ``initiative`` is one, or its slug."""
    slug = getattr(initiative, "slug", initiative)
    born = date(1980, 1, 1) + timedelta(days=n)
    data = signatory(birth_date=born.isoformat(), email=f"p{n}@example.be")
    data["csrf_token"] = csrf_token(client, f"/initiatives/{slug}")
    return client.post(f"/initiatives/{slug}/sign", data=data)


def assert_refused(response):
    assert response.status_code == 429
    wait = int(response.headers["Retry-After"])
    assert 0 < wait <= 24 * 3600 + 1
    page = response.get_data(as_text=True)
    assert "Too many attempts" in page and "Please try again in" in page
    assert "no-store" in response.headers["Cache-Control"]


def test_signing_is_limited_per_client_address(client, make_initiative):
    initiative = make_initiative()
    allowed = limit_of("LIMIT_SIGN")
    for n in range(allowed):
        assert sign_post(client, initiative, n).status_code == 303
    before = mails()
    assert_refused(sign_post(client, initiative, allowed))
    assert mails() == before  # the refused post recorded and sent nothing
    # Another client is counted apart.
    client.environ_base["REMOTE_ADDR"] = "192.0.2.7"
    assert sign_post(client, initiative, allowed + 1).status_code == 303


def test_a_forwarded_for_header_does_not_make_a_new_client_by_default(
    client, make_initiative
):
    initiative = make_initiative()
    for n in range(limit_of("LIMIT_SIGN")):
        client.environ_base["HTTP_X_FORWARDED_FOR"] = f"198.51.100.{n}"
        sign_post(client, initiative, n)
    client.environ_base["HTTP_X_FORWARDED_FOR"] = "198.51.100.200"
    assert sign_post(client, initiative, 99).status_code == 429


def test_behind_trusted_proxies_the_client_is_the_forwarded_address(
    app_config, make_initiative
):
    initiative = make_initiative().slug
    db.session.close()  # the other app below writes to the same SQLite file
    proxied = create_app({**app_config, "TRUSTED_PROXIES": 1})
    client = proxied.test_client()
    for n in range(limit_of("LIMIT_SIGN") + 3):
        # Clients behind the City's proxy, each in its own count.
        client.environ_base["HTTP_X_FORWARDED_FOR"] = f"203.0.113.{n}"
        assert sign_post(client, initiative, n).status_code == 303
    # What the client wrote left of the proxy's entry is not believed.
    for n in range(limit_of("LIMIT_SIGN")):
        client.environ_base["HTTP_X_FORWARDED_FOR"] = f"10.0.0.{n}, 203.0.113.250"
        assert sign_post(client, initiative, 10 + n).status_code == 303
    client.environ_base["HTTP_X_FORWARDED_FOR"] = "10.9.9.9, 203.0.113.250"
    assert sign_post(client, initiative, 30).status_code == 429
    with proxied.app_context():
        db.engine.dispose()  # this second app's connections close with the test


def test_one_ipv6_network_is_one_client(client, make_initiative):
    initiative = make_initiative()
    for n in range(limit_of("LIMIT_SIGN")):
        client.environ_base["REMOTE_ADDR"] = f"2001:db8:1:2::{n + 1:x}"
        assert sign_post(client, initiative, n).status_code == 303
    client.environ_base["REMOTE_ADDR"] = "2001:db8:1:2:ffff::1"
    assert sign_post(client, initiative, 50).status_code == 429
    client.environ_base["REMOTE_ADDR"] = "2001:db8:1:3::1"  # another network
    assert sign_post(client, initiative, 51).status_code == 303


def test_typed_confirmation_codes_are_limited_per_client(client, make_initiative):
    initiative = make_initiative()
    path = f"/initiatives/{initiative.slug}/code"
    for _ in range(limit_of("LIMIT_CONFIRMATION_CODE")):
        token = csrf_token(client, f"/initiatives/{initiative.slug}")
        response = client.post(path, data={"csrf_token": token, "code": "ABCD-EFGH"})
        assert response.status_code == 400
    token = csrf_token(client, f"/initiatives/{initiative.slug}")
    assert_refused(client.post(path, data={"csrf_token": token, "code": "ABCD-EFGH"}))


def test_receipt_checks_and_withdrawal_requests_share_one_limit(
    client, make_initiative
):
    initiative = make_initiative()
    page = f"/initiatives/{initiative.slug}/receipt"
    code = "ABCD-EFGH-JKLM-NPQR-STUV"
    for n in range(limit_of("LIMIT_RECEIPT")):
        path = page if n % 2 else f"{page}/withdraw"
        response = client.post(
            path, data={"csrf_token": csrf_token(client, page), "code": code}
        )
        assert response.status_code in (200, 400)
    assert_refused(
        client.post(page, data={"csrf_token": csrf_token(client, page), "code": code})
    )
    assert client.get(page).status_code == 200  # reading the form is not limited


def post_draft_from(client, **overrides):
    data = draft_form(**overrides)
    data["csrf_token"] = csrf_token(client, NEW_INITIATIVE)
    return client.post(NEW_INITIATIVE, data=data)


def test_drafts_are_limited_per_client_and_day_counting_only_accepted_ones(client):
    for _ in range(3):  # mistakes being corrected do not count
        assert post_draft_from(client, fr_title="").status_code == 400
    for _ in range(limit_of("LIMIT_DRAFT")):
        assert post_draft_from(client).status_code == 303
    assert_refused(post_draft_from(client))
    assert db.session.scalar(select(func.count(Initiative.id))) == limit_of(
        "LIMIT_DRAFT"
    )


def test_management_link_requests_are_limited_per_client(client):
    for _ in range(limit_of("LIMIT_MANAGEMENT_LINK")):
        response = post_button(client, "/manage/request", email="anne@example.be")
        assert response.status_code == 303
    assert_refused(post_button(client, "/manage/request", email="anne@example.be"))


def test_feedback_is_limited_per_client(client):
    def send():
        token = csrf_token(client, "/feedback")
        return client.post(
            "/feedback",
            data={"csrf_token": token, "message": "Bonjour", "language": "fr"},
        )

    for _ in range(limit_of("LIMIT_FEEDBACK")):
        assert send().status_code == 303
    assert_refused(send())


@pytest.mark.parametrize(
    "language, words",
    [
        ("fr", "Veuillez réessayer dans"),
        ("nl", "Probeer het opnieuw over"),
        ("en", "Please try again in"),
    ],
)
def test_the_refusal_is_in_the_visitors_language(client, language, words):
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = language
    for _ in range(limit_of("LIMIT_MANAGEMENT_LINK") + 1):
        response = post_button(client, "/manage/request", email="anne@example.be")
    assert response.status_code == 429
    assert words in response.get_data(as_text=True)


def test_attempts_in_one_persons_name_are_limited_per_day_whatever_the_client(
    app, client, make_initiative
):
    app.config["CONFIRMATION_MAX_RESENDS"] = 100  # only the identity limit applies
    initiative = make_initiative()
    allowed = limit_of("LIMIT_SIGN_PER_IDENTITY")

    def attempt(n: int, **person):
        client.environ_base["REMOTE_ADDR"] = f"192.0.2.{n}"
        data = signatory(**person)
        data["csrf_token"] = csrf_token(client, f"/initiatives/{initiative.slug}")
        return client.post(f"/initiatives/{initiative.slug}/sign", data=data)

    for n in range(allowed):
        assert attempt(n).status_code == 303
    assert mails() == allowed  # the first confirmation, then each sent again
    # Beyond the limit: the same answer, and nothing is sent.
    for n in range(allowed, allowed + 3):
        assert attempt(n).status_code == 303
    assert mails() == allowed
    # Another person is not affected.
    assert attempt(99, first_names="Anne").status_code == 303
    assert mails() == allowed + 1


if REDIS_URL:  # only where a Redis server is given (.ci/run starts one)

    @pytest.mark.parametrize("storage", ["redis"])
    def test_in_production_storage_the_counters_are_in_redis(app, client, storage):
        import redis

        post_button(client, "/manage/request", email="anne@example.be")
        prefix = app.config["RATELIMIT_STORAGE_OPTIONS"]["key_prefix"]
        server = redis.Redis.from_url(REDIS_URL)
        try:
            assert list(server.scan_iter(f"{prefix}:*"))
        finally:
            server.close()
