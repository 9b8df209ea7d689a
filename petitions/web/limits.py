"""Abuse limits: per client address, per identity, and the answer when one is spent.

The counters live in the limiter's storage (``RATELIMIT_STORAGE_URI``): in memory for
the embedded default, in Redis in production, where every web node shares them. Each
limit is a configuration key (``LIMIT_*``) in the limits library's notation, read on
every request, so that an installation (or a test) can change it.
"""

import logging
import math
import time
from datetime import timedelta

from flask import current_app, make_response, render_template
from flask_babel import format_timedelta
from flask_babel import gettext as _
from flask_limiter import RateLimitExceeded
from limits import parse_many

from petitions.extensions import limiter


def init_app(app) -> None:
    """Start the limiter and answer refusals with 429.

    The client's address it counts by is the one petitions/web/proxies.py believes.
    """
    limiter.init_app(app)
    # Flask-Limiter logs each refusal with its key, which is the client's address.
    logging.getLogger("flask-limiter").setLevel(logging.WARNING)
    app.register_error_handler(RateLimitExceeded, _too_many_requests)


def per_client(config_key: str, accepted_only: bool = False):
    """Return the decorator that limits a view's POSTs per client by ``config_key``.

    The scope is the key, so views that share one (checking a receipt and asking to
    withdraw with it) share one count. ``accepted_only`` counts only the posts that were
    accepted (a redirect): fixing a long form's mistakes must not use up the day's drafts.
    """
    return limiter.shared_limit(
        lambda: current_app.config[config_key],
        scope=config_key.lower(),
        methods=["POST"],
        deduct_when=_accepted if accepted_only else None,
    )


def _accepted(response) -> bool:
    return response.status_code == 303


def allow_attempt(config_key: str, *identifiers: str) -> bool:
    """Count one attempt for ``identifiers``; return False once the limit is spent."""
    prefix = current_app.config["RATELIMIT_KEY_PREFIX"]
    allowed = True
    for item in parse_many(current_app.config[config_key]):
        # Every window counts the attempt, spent or not, like the per-client limits.
        if not limiter.limiter.hit(item, prefix, config_key.lower(), *identifiers):
            allowed = False
    return allowed


def _too_many_requests(error: RateLimitExceeded):
    """Say, in the visitor's language, that the limit is spent and when to try again."""
    current = limiter.current_limit
    reset_at = current.reset_at if current is not None else time.time() + 60
    wait = max(1, math.ceil(reset_at - time.time()))
    when = format_timedelta(
        timedelta(seconds=wait), threshold=1, add_direction=True, granularity="second"
    )
    page = render_template(
        "errors/error.html",
        title=_("Too many attempts"),
        message=_(
            "Too many forms were sent from your connection. Nothing was saved or sent. Please try again %(when)s.",
            when=when,
        ),
    )
    response = make_response(page, 429)
    response.headers["Retry-After"] = str(wait)
    return response
