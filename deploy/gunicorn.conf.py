"""Gunicorn settings of a production web node: ``gunicorn -c deploy/gunicorn.conf.py``.

The service unit runs, as the system user ``petitions`` in the checkout:

    /srv/petitions/.venv/bin/gunicorn -c /srv/petitions/deploy/gunicorn.conf.py

Everything an installation may change comes from the environment (the unit's
``Environment=`` lines), so this file stays as it is in the checkout:

==========================  ==================  ============================================
PETITIONS_BIND              127.0.0.1:8000      the address nginx's upstream names
PETITIONS_WEB_WORKERS       2 per core + 1      petitions.serving.web_workers()
PETITIONS_ACCESS_LOG        ``-`` (stdout)      ``-`` goes to journald through the unit; or a file
PETITIONS_FORWARDED_ALLOW   127.0.0.1,::1       the proxy's address (nginx on this machine)
==========================  ==================  ============================================

The app reads its own settings from /srv/petitions/instance/config.py and PETITIONS_*
variables (README, Configuration). ``make topology`` starts two nodes with this file.
"""

import os

from petitions.serving import web_workers

# --- this installation -------------------------------------------------------------
bind = os.environ.get("PETITIONS_BIND", "127.0.0.1:8000")
accesslog = os.environ.get("PETITIONS_ACCESS_LOG", "-")
# Only the proxy may say which scheme the visitor used (X-Forwarded-Proto: https makes
# url_for and the cookies' checks see https). Anyone else's forwarded headers are
# ignored. The client address itself is the app's business (TRUSTED_PROXIES = 1).
forwarded_allow_ips = os.environ.get("PETITIONS_FORWARDED_ALLOW", "127.0.0.1,::1")

# --- the application ----------------------------------------------------------------
wsgi_app = "petitions:create_app()"
proc_name = "petitions"
# No preload_app: each worker creates the app, and with it its own database pool and
# Redis connection, after the fork (a connection shared across fork breaks both).

# --- workers ------------------------------------------------------------------------
# Sync workers: a request holds one process from start to end. Signing waits on the
# database and seals with the public key; nothing streams or long-polls, and nginx
# buffers slow clients, so a worker is never held by a slow connection.
worker_class = "sync"
workers = web_workers()
# A worker that has not reported for `timeout` seconds is killed and replaced. The
# longest legitimate request is the secretariat's dossier export (seconds for 100,000
# signatures, see the README's benchmark) or a 20 MiB register import: 60 s leaves room
# and stays within nginx's proxy_read_timeout (60 s), so nginx never waits on a dead
# worker longer than gunicorn does.
timeout = 60
# On SIGTERM (systemctl stop/restart) workers finish the request in hand for up to 30 s
# before they are killed; the unit's TimeoutStopSec must be longer.
graceful_timeout = 30
# Sync workers close the connection after each response (nginx opens one per request
# on loopback, which costs microseconds), so keep-alive only matters to a client that
# reaches gunicorn without nginx: gunicorn's default, kept short.
keepalive = 2
# Recycle each worker after about 1,000 requests: memory a library keeps (caches,
# fragmentation) cannot grow without bound. The jitter spreads the restarts so that the
# workers of a node are not all replaced in the same second.
max_requests = 1000
max_requests_jitter = 100
# The heartbeat file on tmpfs: a slow disk must not make gunicorn think a worker hung.
worker_tmp_dir = "/dev/shm"  # noqa: S108 - gunicorn's own files, not shared data

# --- logs ---------------------------------------------------------------------------
# The error log (gunicorn's own messages and the app's log records) to stderr: journald.
errorlog = "-"
loglevel = "info"
# Every access line goes through petitions.serving.redact_path: no link's token
# (/confirm/, /withdraw/, /manage/, /representatives/) reaches the log.
logger_class = "petitions.serving.AccessLogger"
# Time, request line, status, bytes, duration, worker. No client address (behind nginx
# it is nginx's; nginx logs the visitor's network), no Referer, no User-Agent: what an
# operator needs to see errors and slow pages, nothing about who made the request.
access_log_format = '%(t)s "%(r)s" %(s)s %(b)s %(M)sms %(p)s'
