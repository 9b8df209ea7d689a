"""The token-free paths and the worker count the production servers share."""

import runpy
import socket
from datetime import timedelta
from pathlib import Path

import pytest
from gunicorn.config import Config
from gunicorn.http import wsgi
from gunicorn.http.parser import RequestParser

from petitions.serving import (
    REDACTED,
    TOKEN_PATH_PREFIXES,
    AccessLogger,
    redact_path,
    web_workers,
)

DEPLOY = Path(__file__).resolve().parent.parent / "deploy"


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


def served_request(raw: bytes, status: str = "303 See Other"):
    """Return gunicorn's own request, response and environ for ``raw``, answered.

    Parsed by gunicorn's request parser and answered through its WSGI response on a
    real socket pair, as a sync worker does: what ``Logger.access`` receives.
    """
    config = Config()
    near, far = socket.socketpair()
    request = next(RequestParser(config, [raw], ("127.0.0.1", 40000)))
    response, environ = wsgi.create(
        request, near, ("127.0.0.1", 40000), ("127.0.0.1", 8000), config
    )
    response.start_response(status, [("Content-Length", "0")])
    response.write(b"")
    response.close()
    near.close()
    far.close()
    return request, response, environ


def access_line(tmp_path, raw: bytes, access_format: str) -> str:
    """Log one request through AccessLogger, configured as deploy/gunicorn.conf.py is."""
    config = Config()
    log = tmp_path / "access.log"
    config.set("accesslog", str(log))
    config.set("access_log_format", access_format)
    config.set("logger_class", "petitions.serving.AccessLogger")
    logger = config.logger_class(config)
    request, response, environ = served_request(raw)
    try:
        logger.access(response, request, environ, timedelta(milliseconds=12))
    finally:
        for handler in list(logger.access_log.handlers):
            if getattr(handler, "_gunicorn", False):
                handler.close()
                logger.access_log.removeHandler(handler)
    return log.read_text()


@pytest.mark.parametrize("prefix", TOKEN_PATH_PREFIXES)
def test_gunicorn_access_lines_hold_no_token(tmp_path, prefix):
    token = "eyJzIjoxMjN9.ZmFrZS10b2tlbg"
    raw = (
        f"POST {prefix}{token}?lang=nl HTTP/1.1\r\nHost: localhost\r\n"
        f"Referer: https://localhost{prefix}{token}\r\nContent-Length: 0\r\n\r\n"
    ).encode()
    line = access_line(tmp_path, raw, '"%(r)s" %(s)s %(U)s %(q)s "%(f)s" %(M)sms')
    assert token not in line
    assert line == (
        f'"POST {prefix}{REDACTED} HTTP/1.1" 303 {prefix}{REDACTED} lang=nl '
        f'"https://localhost{prefix}{REDACTED}" 12ms\n'
    )


def test_gunicorn_access_lines_keep_other_paths(tmp_path):
    raw = b"GET /initiatives/parc/sign?x=1 HTTP/1.1\r\nHost: localhost\r\n\r\n"
    line = access_line(tmp_path, raw, '"%(r)s" %(s)s')
    assert line == '"GET /initiatives/parc/sign?x=1 HTTP/1.1" 303\n'


def test_the_deploy_settings_name_the_redacting_logger(monkeypatch):
    monkeypatch.setenv("PETITIONS_BIND", "127.0.0.1:8123")
    monkeypatch.setenv("PETITIONS_WEB_WORKERS", "3")
    settings = runpy.run_path(str(DEPLOY / "gunicorn.conf.py"))
    assert settings["logger_class"] == "petitions.serving.AccessLogger"
    assert settings["bind"] == "127.0.0.1:8123"
    assert settings["workers"] == 3
    assert settings["worker_class"] == "sync"
    config = Config()
    for name in ("logger_class", "bind", "workers", "access_log_format"):
        config.set(name, settings[name])
    assert config.logger_class is AccessLogger
