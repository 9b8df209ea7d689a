"""Cache headers: what a CDN may keep.

Crowds watching a counter must not reach the signing path: the pages they reload
(home, widget, API, feeds, count log) are public and anonymous, so a CDN may serve them
for ``CACHE_MAX_AGE`` seconds and a while longer while it fetches a fresh copy. Every
other answer is private and never stored: it carries a form whose CSRF token belongs to
the visitor's session, a staff session, or a person's own signature.
"""

from flask import Flask, current_app, g, request, session
from flask.globals import request_ctx

# GET pages that carry no form and no personal state; their endpoints, or any view
# marked with ``public_page``.
PUBLIC_ENDPOINTS = frozenset(
    {
        "public.index",
        "public.privacy",
        "about.accessibility",
        "api.initiatives",
        "api.initiative",
        "api.count_log_entries",
        "api.openapi",
        "feed.feed",
        "feed.initiative_feed",
        "receipts.count_log",
        "sharing.short_link",
        "sharing.qr_png",
        "sharing.qr_svg",
        "sharing.widget",
    }
)

# Public answers whose language does not come from the visitor's headers or cookies.
LANGUAGE_NEUTRAL_ENDPOINTS = frozenset(
    {
        "api.initiatives",
        "api.initiative",
        "api.count_log_entries",
        "api.openapi",
        "sharing.short_link",
        "sharing.qr_png",
    }
)

PRIVATE = "private, no-store"


def public_page(view):
    """Mark a view as a public, anonymous GET page that a CDN may cache."""
    view.public_cache = True
    return view


def init_app(app: Flask) -> None:
    """Set the cache settings' defaults and add the cache headers to every response."""
    app.config.setdefault("CACHE_MAX_AGE", 30)
    app.config.setdefault("CACHE_STALE_WHILE_REVALIDATE", 120)
    app.after_request(add_cache_control)


def is_public(response) -> bool:
    """Say whether a shared cache may keep this answer."""
    if request.method not in ("GET", "HEAD") or response.status_code >= 400:
        return False
    if not _is_public_endpoint(request.endpoint):
        return False
    # A page that sets a cookie hands out personal state (a session, a CSRF token):
    # a shared cache would give it to the next visitor. Flask writes the session
    # cookie after this hook, so ask the session interface whether it will.
    return "Set-Cookie" not in response.headers and not _will_set_session_cookie()


def _will_set_session_cookie() -> bool:
    # Flask's own question, asked of the session without marking it as read: reading
    # it through ``flask.session`` makes Flask add "Vary: Cookie" to every answer,
    # which would split the API's cache entries per visitor.
    opened = getattr(request_ctx, "_session", None)
    return current_app.session_interface.should_set_cookie(
        current_app, opened if opened is not None else session
    )


def _is_public_endpoint(endpoint: str | None) -> bool:
    if endpoint is None:
        return False
    if endpoint in PUBLIC_ENDPOINTS:
        return True
    view = current_app.view_functions.get(endpoint)
    return bool(getattr(view, "public_cache", False))


def add_cache_control(response):
    """Add the Cache-Control (and Vary) header that fits this request's answer."""
    if "Cache-Control" in response.headers:
        return response  # the view decided (several answers about one person: no-store)
    if not is_public(response):
        response.headers["Cache-Control"] = PRIVATE
        return response
    config = current_app.config
    response.headers["Cache-Control"] = (
        f"public, max-age={int(config['CACHE_MAX_AGE'])}, "
        f"stale-while-revalidate={int(config['CACHE_STALE_WHILE_REVALIDATE'])}"
    )
    if request.endpoint not in LANGUAGE_NEUTRAL_ENDPOINTS and not g.get(
        "language_from_url"
    ):
        # The language comes from the browser's preference or the remembered switch.
        response.vary.add("Accept-Language")
        response.vary.add("Cookie")
    return response
