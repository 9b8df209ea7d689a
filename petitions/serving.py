"""What the production servers share with the app: worker count and token-free paths.

``deploy/gunicorn.conf.py`` and ``flask --app petitions check`` both read the number of
web workers here, and every log that writes a request path (gunicorn's access log, the
app's own log records) writes it through :func:`redact_path`, so that no link's token
reaches a log file. ``deploy/nginx/petitions.conf`` keeps the same prefixes out of
nginx's access log.
"""

import logging
import os
import re

from gunicorn.glogging import Logger

# Paths whose next segment is a signed link's token (a signature's confirmation, a
# withdrawal, an initiator's management page, a representative's confirmation).
TOKEN_PATH_PREFIXES = ("/confirm/", "/withdraw/", "/manage/", "/representatives/")

_TOKEN_PATH = re.compile(
    "(" + "|".join(re.escape(prefix) for prefix in TOKEN_PATH_PREFIXES) + r")[^\s\"]*"
)

REDACTED = "…"


def redact_path(text: str) -> str:
    """Return ``text`` with everything after a token path's prefix replaced by "…".

    ``text`` may be a bare path, a path with its query, or a whole log line holding
    one or more of them.
    """
    return _TOKEN_PATH.sub(lambda match: match.group(1) + REDACTED, text)


def web_workers(environ=os.environ, cores: int | None = None) -> int:
    """Return the number of gunicorn workers: ``PETITIONS_WEB_WORKERS``, else 2 per core + 1.

    The signing path waits on the database more than it computes, so a worker per core is
    too few; gunicorn's documentation suggests (2 x cores) + 1.
    """
    configured = environ.get("PETITIONS_WEB_WORKERS")
    if configured:
        return max(1, int(configured))
    return 2 * (cores or os.cpu_count() or 1) + 1


class RedactedLine(logging.Filter):
    """Write a log record's whole line through :func:`redact_path`."""

    def filter(self, record: logging.LogRecord) -> bool:
        # The line as gunicorn formatted it (its access_log_format with the request's
        # atoms), whatever atoms the format names: the request line, the path, the
        # query, the Referer, a header.
        record.msg = redact_path(record.getMessage())
        record.args = None
        return True


class AccessLogger(Logger):
    """Gunicorn's logger, whose access log holds no link's token.

    ``deploy/gunicorn.conf.py`` names it as ``logger_class``. Every access line passes
    :func:`redact_path` before any handler writes it (stdout, a file or syslog): a
    confirmation or management link in a log would let whoever reads the log act as
    the person it was mailed to.
    """

    def setup(self, cfg) -> None:
        super().setup(cfg)
        # setup() runs again when gunicorn reloads (SIGHUP): one filter is enough.
        if not any(isinstance(f, RedactedLine) for f in self.access_log.filters):
            self.access_log.addFilter(RedactedLine())
