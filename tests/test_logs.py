"""The process's log: text or JSON lines on stderr, without tokens or addresses.

Each test installs the handler as a server does (configure_logging, or create_app
outside testing) and reads what it wrote to stderr.
"""

import json
import logging
from datetime import datetime

import pytest

from petitions import create_app
from petitions.extensions import db
from petitions.logs import MASKED_ADDRESS, ServiceLogHandler, configure_logging
from petitions.serving import REDACTED

from .support import confirmation_link

log = logging.getLogger("petitions.test")
STRONG = "a-strong-secret-for-the-log-tests-0123456789"


def written(capsys) -> list[str]:
    return capsys.readouterr().err.splitlines()


def readable(capsys, log_format: str) -> str:
    """Return what was written, JSON lines decoded into their values."""
    lines = written(capsys)
    if log_format == "json":
        lines = [" ".join(json.loads(line).values()) for line in lines]
    return "\n".join(lines)


def test_json_lines_carry_time_level_logger_and_message(capsys):
    configure_logging({"LOG_FORMAT": "json"})
    log.warning("outbox %s: %d mails", "run", 3)
    (line,) = written(capsys)
    entry = json.loads(line)
    assert entry["level"] == "WARNING"
    assert entry["logger"] == "petitions.test"
    assert entry["message"] == "outbox run: 3 mails"
    assert datetime.fromisoformat(entry["time"]).utcoffset().total_seconds() == 0
    assert "exception" not in entry


def test_a_json_line_carries_the_exception_text(capsys):
    configure_logging({"LOG_FORMAT": "json"})
    try:
        raise RuntimeError("the mail server hung up")
    except RuntimeError:
        log.exception("delivery failed")
    (line,) = written(capsys)
    entry = json.loads(line)
    assert entry["message"] == "delivery failed"
    assert entry["exception"].startswith("Traceback")
    assert "RuntimeError: the mail server hung up" in entry["exception"]


@pytest.mark.parametrize("log_format", ["text", "json"])
def test_token_paths_and_addresses_are_taken_out_of_every_record(capsys, log_format):
    configure_logging({"LOG_FORMAT": log_format})
    log.info("link: %s", "https://initiatives.example/confirm/eyJzIjoxfQ.aBcD-12")
    log.warning("refused for marie.janssens@example.be on /manage/tok3n/edit")
    output = readable(capsys, log_format)
    for secret in ("eyJzIjoxfQ", "aBcD-12", "marie.janssens", "example.be", "tok3n"):
        assert secret not in output
    assert f"/confirm/{REDACTED}" in output and f"/manage/{REDACTED}" in output
    assert MASKED_ADDRESS in output


@pytest.mark.parametrize("log_format", ["text", "json"])
def test_the_exception_text_is_scrubbed_too(capsys, log_format):
    configure_logging({"LOG_FORMAT": log_format})
    try:
        raise ValueError("no signature for jan@example.be at /withdraw/s3cr3t")
    except ValueError:
        log.exception("request to /representatives/t0ken failed")
    # A stack quotes the source line of the call, here with a token in it.
    log.warning("slow", stack_info=True)  # at /manage/st4ck
    output = readable(capsys, log_format)
    assert "ValueError: no signature for" in output
    assert f"/manage/{REDACTED}" in output
    for secret in ("jan@", "s3cr3t", "t0ken", "st4ck"):
        assert secret not in output


def test_the_confirmation_link_is_logged_in_development_only(
    capsys, app, make_initiative, sign, mailbox
):
    # The "file" mail transport logs the link for the developer (mail/outbox.py).
    initiative = make_initiative()
    configure_logging({**app.config, "DEVELOPMENT": True})
    sign(initiative)
    (message,) = mailbox()
    link = confirmation_link(message)
    assert link in capsys.readouterr().err
    configure_logging({**app.config, "DEVELOPMENT": False})
    sign(initiative, surname="Peeters", email="peeters@example.be")
    mailbox()
    output = capsys.readouterr().err
    assert "confirmation link" in output and f"/confirm/{REDACTED}" in output
    assert "/confirm/ey" not in output


def test_records_below_the_log_level_are_not_written(capsys):
    configure_logging({"LOG_LEVEL": "warning"})
    log.info("a sweep ran")
    log.warning("a sweep failed")
    (line,) = written(capsys)
    assert line.endswith("WARNING petitions.test a sweep failed")


@pytest.mark.parametrize(
    "settings", [{"LOG_LEVEL": "LOUD"}, {"LOG_FORMAT": "xml"}, {"LOG_LEVEL": 20}]
)
def test_unknown_log_settings_are_refused(settings):
    with pytest.raises(ValueError, match="LOG_"):
        configure_logging(settings)


def test_an_app_created_twice_writes_each_record_once(app_config, capsys):
    production = {
        **app_config,
        "TESTING": False,
        "SECRET_KEY": STRONG,
        "IDENTITY_KEY": STRONG + "i",
    }
    for _ in range(2):
        app = create_app(production)
        with app.app_context():
            db.engine.dispose()
    root = logging.getLogger()
    assert len([h for h in root.handlers if isinstance(h, ServiceLogHandler)]) == 1
    capsys.readouterr()
    log.warning("once")
    (line,) = written(capsys)
    assert line.endswith("WARNING petitions.test once")
