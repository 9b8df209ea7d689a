"""The token-free paths and the worker count the production servers share."""

import pytest

from petitions.serving import REDACTED, TOKEN_PATH_PREFIXES, redact_path, web_workers


@pytest.mark.parametrize("prefix", TOKEN_PATH_PREFIXES)
def test_a_token_path_keeps_only_its_prefix(prefix):
    path = f"{prefix}eyJzIjoxfQ.aBcD-123_x?lang=nl"
    assert redact_path(path) == prefix + REDACTED


def test_every_token_path_of_a_log_line_is_redacted():
    line = (
        '127.0.0.1 "POST /confirm/abc.def HTTP/1.1" 303 '
        '"GET /manage/tok/edit HTTP/1.1" "GET /initiatives/parc/sign HTTP/1.1"'
    )
    assert redact_path(line) == (
        f'127.0.0.1 "POST /confirm/{REDACTED} HTTP/1.1" 303 '
        f'"GET /manage/{REDACTED} HTTP/1.1" "GET /initiatives/parc/sign HTTP/1.1"'
    )


def test_other_paths_are_left_alone():
    for path in ("/initiatives/confirm-x/sign", "/", "/secretariat/login?next=/x"):
        assert redact_path(path) == path


def test_workers_come_from_the_setting_or_the_cores():
    assert web_workers({"PETITIONS_WEB_WORKERS": "3"}, cores=8) == 3
    assert web_workers({"PETITIONS_WEB_WORKERS": "0"}, cores=8) == 1
    assert web_workers({}, cores=2) == 5
