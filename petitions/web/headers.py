"""Security headers: who may frame our pages.

Every page refuses to be framed (``X-Frame-Options: DENY`` and CSP ``frame-ancestors
'none'``), so that no site can lay its own buttons over our forms (clickjacking); only
the widget, made to be embedded, allows any site.
"""

from flask import Flask, request

FRAMEABLE_ENDPOINTS = frozenset({"sharing.widget"})


def init_app(app: Flask) -> None:
    """Add the framing headers to every response."""
    app.after_request(add_frame_options)


def add_frame_options(response):
    """Allow framing for the widget only; refuse it everywhere else."""
    if request.endpoint in FRAMEABLE_ENDPOINTS:
        ancestors = "frame-ancestors *"
    else:
        ancestors = "frame-ancestors 'none'"
        response.headers.setdefault("X-Frame-Options", "DENY")
    policy = response.headers.get("Content-Security-Policy")
    if policy is None:
        response.headers["Content-Security-Policy"] = ancestors
    elif "frame-ancestors" not in policy:
        response.headers["Content-Security-Policy"] = f"{policy}; {ancestors}"
    return response
