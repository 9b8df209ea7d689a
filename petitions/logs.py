"""The process's log: one handler on stderr, text or JSON lines, no personal data.

Web workers and the scheduler write their records to stderr, where the service manager
(systemd's journal) or the container runtime collects them: ``LOG_FORMAT = "json"`` for
a log collector, one object a line. Outside development every record passes a filter
that takes out what must never reach a log file: a link's token and e-mail addresses,
wherever they hide (the message, its arguments, an exception's text).
"""

import json
import logging
import re
import sys
from datetime import UTC, datetime

from petitions.serving import REDACTED, redact_path

LOG_FORMATS = ("text", "json")
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s %(message)s"

# Loose on purpose: masking a word that only looked like an address costs nothing.
_ADDRESS = re.compile(r"[\w.+%'-]+@[\w-]+(?:\.[\w-]+)+")
MASKED_ADDRESS = f"{REDACTED}@{REDACTED}"


def scrub(text: str) -> str:
    """Return ``text`` without token paths and e-mail addresses."""
    return _ADDRESS.sub(MASKED_ADDRESS, redact_path(text))


class PersonalDataFilter(logging.Filter):
    """Scrub a record's final message, exception text and stack before it is written.

    The record is changed in place (its arguments merged into its message), so that no
    handler after this one sees the personal data either.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = scrub(record.getMessage())
        record.args = None
        if record.exc_info and not record.exc_text:
            # The formatters use this text as it is once it is set.
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = scrub(record.exc_text)
        if record.stack_info:
            record.stack_info = scrub(record.stack_info)
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object a line: time (UTC), level, logger, message and any exception."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            entry["exception"] = record.exc_text
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry)


class ServiceLogHandler(logging.StreamHandler):
    """The one handler configure_logging installs (and replaces on a second call)."""


def log_settings_problems(config) -> list[str]:
    """Say what is wrong with ``LOG_LEVEL`` and ``LOG_FORMAT``, one sentence each."""
    problems = []
    level = config.get("LOG_LEVEL", "INFO")
    if not isinstance(logging.getLevelName(str(level).upper()), int):
        problems.append(
            f"LOG_LEVEL {level!r} is no log level: use DEBUG, INFO, WARNING or ERROR"
        )
    if config.get("LOG_FORMAT", "text") not in LOG_FORMATS:
        problems.append(
            f"LOG_FORMAT {config.get('LOG_FORMAT')!r} is unknown: use "
            + " or ".join(repr(name) for name in LOG_FORMATS)
        )
    return problems


def configure_logging(config) -> ServiceLogHandler:
    """Send every record to stderr as ``LOG_FORMAT`` says, from ``LOG_LEVEL`` up.

    Calling it again (a second app in one process) replaces the handler, so that no
    line is written twice. Outside ``DEVELOPMENT`` the handler scrubs personal data; a
    developer's machine keeps the confirmation links that the "file" mail transport logs
    for them (petitions/mail/outbox.py).
    """
    problems = log_settings_problems(config)
    if problems:
        raise ValueError("; ".join(problems))
    root = logging.getLogger()
    for handler in [h for h in root.handlers if isinstance(h, ServiceLogHandler)]:
        root.removeHandler(handler)
    handler = ServiceLogHandler(sys.stderr)
    if config.get("LOG_FORMAT", "text") == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter(TEXT_FORMAT))
    if not config.get("DEVELOPMENT"):
        handler.addFilter(PersonalDataFilter())
    root.addHandler(handler)
    root.setLevel(str(config.get("LOG_LEVEL", "INFO")).upper())
    return handler
