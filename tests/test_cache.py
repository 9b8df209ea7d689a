"""Cache and framing headers: public pages for the CDN, everything else private."""

import pytest
from flask import session

from petitions.web import caching as cache
from petitions.web.tokens import management_token

from .support import csrf_token, signatory

PUBLIC = "public, max-age=30, stale-while-revalidate=120"
SLUG = "benches"


@pytest.fixture
def initiative(make_initiative):
    return make_initiative(slug=SLUG, register_number="2027-004", representatives=1)


def is_private(response) -> bool:
    value = response.headers["Cache-Control"]
    return "public" not in value and ("no-store" in value or "no-cache" in value)


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/privacy",
        "/accessibility",
        "/feed.atom",
        f"/initiatives/{SLUG}/feed.atom",
        f"/initiatives/{SLUG}/log",
        f"/initiatives/{SLUG}/widget",
        f"/initiatives/{SLUG}/qr.svg",
    ],
)
def test_public_pages_are_cached_briefly_per_language(client, initiative, path):
    response = client.get(path)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == PUBLIC
    assert set(response.vary) >= {"Accept-Language", "Cookie"}
    assert "Set-Cookie" not in response.headers


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/initiatives",
        f"/api/v1/initiatives/{SLUG}",
        f"/api/v1/initiatives/{SLUG}/log",
        "/api/v1/openapi.json",
        f"/initiatives/{SLUG}/qr.png",
        "/i/2027004",
    ],
)
def test_the_api_and_images_are_cached_alike_in_every_language(
    client, initiative, path
):
    response = client.get(path)
    assert response.status_code in (200, 302)
    assert response.headers["Cache-Control"] == PUBLIC
    assert "Accept-Language" not in response.vary
    assert "Cookie" not in response.vary


def test_a_widget_with_its_language_in_the_address_does_not_vary(client, initiative):
    response = client.get(f"/initiatives/{SLUG}/widget?lang=nl")
    assert response.headers["Cache-Control"] == PUBLIC
    assert "Accept-Language" not in response.vary


def test_the_cache_times_are_configurable(app_config, make_initiative):
    from petitions import create_app

    app_config.update(CACHE_MAX_AGE=5, CACHE_STALE_WHILE_REVALIDATE=60)
    response = create_app(app_config).test_client().get("/api/v1/openapi.json")
    assert response.headers["Cache-Control"] == (
        "public, max-age=5, stale-while-revalidate=60"
    )


def test_the_initiative_page_with_its_sign_form_is_private(client, initiative):
    response = client.get(f"/initiatives/{SLUG}")
    assert response.status_code == 200
    assert "session=" in response.headers["Set-Cookie"]  # the form's CSRF token
    assert response.headers["Cache-Control"] == "private, no-store"


def test_a_public_page_that_sets_the_session_cookie_is_never_public(app, client):
    @cache.public_page
    def remembers():
        session["seen"] = True
        return "seen"

    app.add_url_rule("/test-remembers", "remembers", remembers)
    response = client.get("/test-remembers")
    assert "session=" in response.headers["Set-Cookie"]
    assert response.headers["Cache-Control"] == "private, no-store"


@pytest.mark.parametrize(
    "path",
    [
        "/secretariat/login",
        "/initiatives/new",
        "/manage/request",
        f"/initiatives/{SLUG}/receipt",
        "/confirm/not-a-token",
        "/withdraw/not-a-token",
        "/healthz",
    ],
)
def test_forms_tokens_and_health_are_private(client, initiative, path):
    assert is_private(client.get(path))


def test_secretariat_pages_of_a_signed_in_staff_member_are_private(
    client, initiative, signed_in
):
    signed_in("secretariat")
    for path in ("/secretariat/", f"/secretariat/initiatives/{SLUG}"):
        response = client.get(path)
        assert response.status_code == 200
        assert is_private(response)


def test_a_management_page_keeps_its_own_no_store(client, initiative, clock):
    token = management_token(initiative.id, initiative.representatives[0].id, clock.now)
    response = client.get(f"/manage/{token}")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"


def test_post_answers_are_private(client, initiative):
    data = signatory(surname="")
    data["csrf_token"] = csrf_token(client, f"/initiatives/{SLUG}")
    response = client.post(f"/initiatives/{SLUG}/sign", data=data)
    assert response.status_code == 400
    assert is_private(response)


@pytest.mark.parametrize(
    "path",
    [
        "/initiatives/nothing-here/widget",
        "/api/v1/initiatives/nothing-here",
        "/i/2099001",
        "/no-such-page",
    ],
)
def test_error_answers_are_never_public(client, initiative, path):
    response = client.get(path)
    assert response.status_code == 404
    assert is_private(response)


def test_no_page_but_the_widget_may_be_framed(client, initiative):
    for path in ("/", f"/initiatives/{SLUG}", "/secretariat/login", "/feed.atom"):
        response = client.get(path)
        assert response.headers["X-Frame-Options"] == "DENY"
        assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
