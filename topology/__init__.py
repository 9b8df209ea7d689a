"""The production topology on one machine, started and tested (``make topology``).

``python -m topology`` installs what is missing from Debian (nginx, redis-server), then
starts on loopback, on free ports, everything in one temporary folder: a throwaway
PostgreSQL cluster, Redis, an SMTP sink (aiosmtpd, in this process), two gunicorn
nodes of the app started with ``deploy/gunicorn.conf.py``, nginx with
``deploy/nginx/petitions.conf`` rendered by its marked values and a self-signed
certificate, and two schedulers (``python -m scheduler``). The app has production
settings (``DEVELOPMENT`` off, long secrets, SMTP, Redis limits, one trusted proxy).

Through nginx over HTTPS, a few client threads sign and confirm as people do (the
initiative page for the form, the sign post, the mail, the link), some people twice;
in the middle one gunicorn node and the scheduler holding the mail job's lease are
killed with SIGKILL, and failed requests are sent again as a person would. Then it
checks and prints (see ``checks``): every acknowledged signature counted once, every
mail delivered once, the limits shared by the nodes, the cookies and headers, the
cache, and no link token in any log. It stops and removes everything it started,
whatever happens, and exits 1 when a check fails.

Settings, optional environment variables:

=================  =======  =========================================================
TOPOLOGY_PEOPLE    300      people who sign and confirm
TOPOLOGY_REPEATS   30       of them who sign a second time (a duplicate)
TOPOLOGY_THREADS   8        client threads
TOPOLOGY_KEEP      (empty)  1: keep the temporary folder (logs, database) and say where
=================  =======  =========================================================
"""

import os
from dataclasses import dataclass
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
DEPLOY = PROJECT / "deploy"
GUNICORN_CONF = DEPLOY / "gunicorn.conf.py"
NGINX_SITE = DEPLOY / "nginx" / "petitions.conf"

SLUG = "more-trees-in-our-streets"
INITIATIVE_PATH = f"/initiatives/{SLUG}"
SERVER_NAME = "localhost"
# The limit that stays low, to show that both nodes count in the one Redis.
RECEIPT_LIMIT = 5


@dataclass(frozen=True)
class Settings:
    people: int
    repeats: int
    threads: int
    keep: bool

    @classmethod
    def from_env(cls) -> "Settings":
        def number(name: str, default: int) -> int:
            value = os.environ.get(name, "").strip()
            return int(value) if value else default

        settings = cls(
            people=number("TOPOLOGY_PEOPLE", 300),
            repeats=number("TOPOLOGY_REPEATS", 30),
            threads=number("TOPOLOGY_THREADS", 8),
            keep=os.environ.get("TOPOLOGY_KEEP", "").strip() in ("1", "yes", "true"),
        )
        if settings.people < 10 or not 0 <= settings.repeats <= settings.people:
            raise SystemExit("TOPOLOGY_PEOPLE >= 10, 0 <= TOPOLOGY_REPEATS <= people")
        if not 1 <= settings.threads <= 64:
            raise SystemExit("TOPOLOGY_THREADS must be between 1 and 64")
        return settings

    @property
    def kill_after(self) -> int:
        """Acknowledged people after which a node and a scheduler are killed."""
        return self.people // 3
