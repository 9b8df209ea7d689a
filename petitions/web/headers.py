"""Security headers: what a page may load, who may frame it, what it tells other sites.

- Content-Security-Policy: everything from this site only (``default-src 'self'``: no
  inline script or style, no plug-ins), forms post here only. Every page refuses to be
  framed (CSP ``frame-ancestors 'none'`` and ``X-Frame-Options: DENY``), so that no site
  can lay its own buttons over our forms; only the widget, made to be embedded, allows
  any site.
- ``X-Content-Type-Options: nosniff``: a file is what its type says.
- Referrer-Policy: a page whose path holds a token (a confirmation, withdrawal or
  management link) names itself to no one (``no-referrer``); every other page only to
  this site (``same-origin``).

Cross-site form posts are refused before any view runs: browsers say where a request
comes from (``Sec-Fetch-Site``), and a post from another site is never a visitor's own.
"""

from flask import Flask, abort, request

FRAMEABLE_ENDPOINTS = frozenset({"sharing.widget"})

POLICY = (
    "default-src 'self'",
    "base-uri 'self'",
    "form-action 'self'",
    "object-src 'none'",
)

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def init_app(app: Flask) -> None:
    """Refuse cross-site posts and add the security headers to every response."""
    app.before_request(refuse_cross_site_posts)
    app.after_request(add_security_headers)


def refuse_cross_site_posts():
    """Answer 400 to a state-changing request another site's page made a browser send."""
    if request.method in SAFE_METHODS:
        return
    # Older browsers send no such header; the CSRF token still protects them.
    if request.headers.get("Sec-Fetch-Site") == "cross-site":
        abort(400)


def carries_token(view_args: dict | None) -> bool:
    """Say whether the page's path holds a secret token (``/confirm/<token>``...)."""
    return bool(view_args) and "token" in view_args


def add_security_headers(response):
    """Set the content policy, framing, sniffing and referrer headers."""
    if request.endpoint in FRAMEABLE_ENDPOINTS:
        ancestors = "frame-ancestors *"
    else:
        ancestors = "frame-ancestors 'none'"
        response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault(
        "Content-Security-Policy", "; ".join((*POLICY, ancestors))
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    if carries_token(request.view_args):
        response.headers["Referrer-Policy"] = "no-referrer"
    else:
        response.headers.setdefault("Referrer-Policy", "same-origin")
    return response
