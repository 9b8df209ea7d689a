"""The production files in deploy/: nginx's site in step with the app and the test.

``make topology`` runs the whole topology with these files; here, what can drift
without running it: the marks the test renders the site by, the token prefixes the
access log redacts, and the body sizes of the upload paths.
"""

import re
from pathlib import Path

import pytest
from flask import url_for

from petitions.initiators.views import LARGE_FORM_BYTES
from petitions.secretariat.paper import PAPER_FILE_BYTES
from petitions.secretariat.register import VERDICT_FILE_BYTES
from petitions.serving import TOKEN_PATH_PREFIXES
from topology.nginx import MARKS, DeployFileDrift, render

SITE = Path(__file__).resolve().parent.parent / "deploy" / "nginx" / "petitions.conf"
SIZE = re.compile(r"^(\d+)([km]?)$")
UNITS = {"": 1, "k": 1024, "m": 1024 * 1024}


def rendered_values() -> dict[str, list[str]]:
    values = {name: [f"/test/{name}"] for name in MARKS}
    values["upstream"] = ["127.0.0.1:8101", "127.0.0.1:8102"]
    return values


def body_limits(text: str) -> dict[str, int]:
    """Return client_max_body_size by location ("" for the server's own), in bytes."""
    limits, location = {}, ""
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("location "):
            location = line.removeprefix("location ").rstrip(" {")
        elif line == "}":
            location = ""
        elif line.startswith("client_max_body_size "):
            number, unit = SIZE.match(line.split()[1].rstrip(";")).groups()
            limits[location] = int(number) * UNITS[unit]
    return limits


def test_the_site_renders_each_marked_value_and_one_upstream_per_node():
    site = render(SITE.read_text(), rendered_values())
    assert "    server 127.0.0.1:8101 max_fails=3 fail_timeout=10s;" in site
    assert "    server 127.0.0.1:8102 max_fails=3 fail_timeout=10s;" in site
    assert "    ssl_certificate /test/certificate;" in site
    assert "    listen /test/https_listen ssl http2;" in site
    for production in ("127.0.0.1:8000", "/etc/ssl/", "/var/log/", "/var/cache/"):
        assert all(
            production not in line for line in site.splitlines() if line[:1] != "#"
        )


def test_a_missing_mark_stops_the_render():
    text = SITE.read_text().replace("  # @certificate_key", "")
    with pytest.raises(DeployFileDrift, match="certificate_key"):
        render(text, rendered_values())


def test_a_marked_value_unlike_the_list_at_the_top_stops_the_render():
    text = SITE.read_text().replace("listen 443 ssl http2;", "listen 8443 ssl http2;")
    with pytest.raises(DeployFileDrift, match="https_listen"):
        render(text, rendered_values())


def test_the_access_log_redacts_the_apps_token_prefixes():
    groups = re.findall(r"\(\?:((?:[a-z]+\|)+[a-z]+)\)/\)", SITE.read_text())
    assert len(groups) == 2  # the raw request, then the decoded path
    for group in groups:
        assert {f"/{word}/" for word in group.split("|")} == set(TOKEN_PATH_PREFIXES)


def test_only_the_upload_paths_take_more_than_the_apps_limit(app):
    limits = body_limits(SITE.read_text())
    assert limits.pop("") == app.config["MAX_CONTENT_LENGTH"]
    with app.test_request_context():
        paths = {
            url_for("secretariat.paper_import", slug="parc"): PAPER_FILE_BYTES,
            url_for("secretariat.register_import", slug="parc"): VERDICT_FILE_BYTES,
            url_for("initiators.new_draft"): LARGE_FORM_BYTES,
            url_for("initiators.edit", token="abc.def"): LARGE_FORM_BYTES,
        }
    for path, size in paths.items():
        matching = [
            limit
            for location, limit in limits.items()
            if (location.startswith("= ") and location[2:] == path)
            or (location.startswith("~ ") and re.search(location[2:], path))
        ]
        assert matching == [size], path
    assert len(limits) == len(paths)
