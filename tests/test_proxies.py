"""What the app believes of the X-Forwarded-* headers: those of TRUSTED_PROXIES proxies.

A probe page shows what Flask makes of a request: its scheme, the client's address and
an external URL, as a view sees them.
"""

from flask import request, url_for

from petitions import create_app
from petitions.extensions import db

FORGED = {
    "HTTP_X_FORWARDED_FOR": "198.51.100.7, 203.0.113.9",
    "HTTP_X_FORWARDED_PROTO": "https",
    "HTTP_X_FORWARDED_HOST": "initiatives.example",
    "HTTP_X_FORWARDED_PORT": "8443",
}


def probed(app_config, proxies: int, headers: dict) -> dict:
    """Return what a view of an app behind ``proxies`` proxies sees of a request."""
    app = create_app({**app_config, "TRUSTED_PROXIES": proxies})

    def probe():
        return {
            "secure": request.is_secure,
            "client": request.remote_addr,
            "home": url_for("public.index", _external=True),
        }

    app.add_url_rule("/probe", "probe", probe)
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = "10.0.0.1"
    seen = client.get(
        "/probe", base_url="http://app.local", environ_base=headers
    ).get_json()
    with app.app_context():
        db.engine.dispose()
    return seen


def test_behind_one_proxy_the_forwarded_scheme_host_and_client_are_believed(
    app_config,
):
    seen = probed(app_config, 1, FORGED)
    assert seen["secure"] is True
    assert seen["home"] == "https://initiatives.example:8443/"
    # The proxy appends the address it saw; what the client wrote left of it is not it.
    assert seen["client"] == "203.0.113.9"


def test_behind_one_proxy_a_request_without_forwarded_headers_is_as_it_came(
    app_config,
):
    seen = probed(app_config, 1, {})
    assert seen == {"secure": False, "client": "10.0.0.1", "home": "http://app.local/"}


def test_behind_two_proxies_the_client_is_the_entry_the_outer_proxy_wrote(app_config):
    headers = {**FORGED, "HTTP_X_FORWARDED_FOR": "192.0.2.1, 198.51.100.7, 10.0.0.9"}
    headers["HTTP_X_FORWARDED_PROTO"] = "https, http"
    seen = probed(app_config, 2, headers)
    assert seen["client"] == "198.51.100.7"
    assert seen["secure"] is True


def test_without_trusted_proxies_forged_headers_change_nothing(app_config):
    seen = probed(app_config, 0, FORGED)
    assert seen == {"secure": False, "client": "10.0.0.1", "home": "http://app.local/"}
