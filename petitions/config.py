"""Default configuration: the rules of DESIGN.md §2 and safe development settings.

Order of precedence (later wins): these defaults, ``instance/config.py``, environment
variables prefixed ``PETITIONS_`` and, in tests, the mapping given to ``create_app``.
"""

from datetime import timedelta

DEFAULT_SECRET = "dev-only-not-secret"

SECRET_KEY = DEFAULT_SECRET
# Key of the identity and e-mail hashes; kept apart from SECRET_KEY so that rotating the
# session key does not make every signatory a new person.
IDENTITY_KEY = DEFAULT_SECRET
SQLALCHEMY_DATABASE_URI = None  # set by create_app to a SQLite file in instance/
SQLALCHEMY_ENGINE_OPTIONS: dict = {}

SIGNATURE_THRESHOLD = 2000
# Filing with fewer confirmed signatures than this percentage above the threshold asks
# the initiators to think twice: the register check removes some, and a failed check is final.
FILING_MARGIN_PERCENT = 10
COUNCIL_DEADLINE_MONTHS = 12
COLLECTION_MONTHS = 12
MIN_SIGNATORY_AGE = 16
PENDING_SIGNATURE_DAYS = 7
CONFIRMATION_MAX_AGE = int(timedelta(days=7).total_seconds())
MAX_SIGNATURES_PER_EMAIL = 2
MAX_REPRESENTATIVES = 3
TIMEZONE = "Europe/Brussels"

LANGUAGES = ("fr", "nl", "en")
BABEL_DEFAULT_LOCALE = "fr"
BABEL_DEFAULT_TIMEZONE = "Europe/Brussels"
BABEL_TRANSLATION_DIRECTORIES = "../translations"

# Mail: "file" writes each message to MAIL_FILE_DIRECTORY (the embedded default), "smtp"
# sends it to MAIL_SERVER:MAIL_PORT.
MAIL_TRANSPORT = "file"
MAIL_FILE_DIRECTORY = None  # instance/mail by default
# Mail files (the "file" transport) hold addresses and links: deleted after these days.
MAIL_FILE_RETENTION_DAYS = 7
MAIL_SERVER = "localhost"
MAIL_PORT = 25
MAIL_USE_STARTTLS = False
MAIL_USERNAME = None
MAIL_PASSWORD = None
MAIL_SENDER = (
    "Ville de Bruxelles - Initiatives citoyennes <initiatives@example.brussels>"
)
MAIL_TIMEOUT = 10
OUTBOX_BATCH_SIZE = 200
# Public address used in e-mail links when no request is at hand (jobs).
PUBLIC_BASE_URL = "http://127.0.0.1:5000"

# A signing form is a few hundred bytes; anything near this is not a citizen.
MAX_CONTENT_LENGTH = 64 * 1024
MAX_FORM_MEMORY_SIZE = 64 * 1024
WTF_CSRF_TIME_LIMIT = 4 * 3600
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_HTTPONLY = True
# Flask-WTF's HTTPS check wants a Referer naming this site on every form post; the pages
# whose path holds a token send none (Referrer-Policy: no-referrer). Cross-site posts are
# refused by the CSRF token, the __Host- session cookie and the Sec-Fetch-Site check
# instead (petitions/web/headers.py).
WTF_CSRF_SSL_STRICT = False

# The log: records from LOG_LEVEL up go to stderr as "text" lines or "json" objects (one
# a line: time, level, logger, message, exception); outside DEVELOPMENT without token
# paths or e-mail addresses (petitions/logs.py).
LOG_LEVEL = "INFO"
LOG_FORMAT = "text"

# Outside DEVELOPMENT (a developer's machine: `make run` sets it in the instance config)
# cookies are Secure and __Host- prefixed, and weak secrets refuse to start.
DEVELOPMENT = False
MIN_SECRET_BYTES = 32
SAMPLE_SECRET_PREFIX = "change-me"

# The initiative's life (issue: initiators, secretariat and the council's clock).
MANAGEMENT_LINK_MAX_AGE = int(timedelta(days=30).total_seconds())
REPRESENTATIVE_LINK_MAX_AGE = int(timedelta(days=7).total_seconds())
# An item decided within this many months cannot come back as an initiative.
RESUBMISSION_MONTHS = 12
# No submission in the BLACKOUT_MONTHS before ELECTION_DATE ("YYYY-MM-DD"; None: none).
ELECTION_DATE = None
BLACKOUT_MONTHS = 3
# Reminders to the secretariat and the president before the council deadline
# ("6m" months, "2w" weeks, "1d" days), then weekly once overdue.
COUNCIL_REMINDER_OFFSETS = ("6m", "3m", "1m", "2w", "1d")
# Months personal data of signatures are kept after the council's decision, and after an
# initiative ends without one (closed, withdrawn, inadmissible, insufficient).
RETENTION_DECIDED_MONTHS = 3
RETENTION_ENDED_MONTHS = 1
# How long a scheduler process holds a job's lease without renewing it.
JOB_LEASE_SECONDS = 120
SCHEDULE_OVERRIDES: dict = {}
# Staff sign-in (secretariat/rules.py). After STAFF_THROTTLE_FREE_FAILURES failed
# attempts from one client address, or on one account, each next attempt waits
# STAFF_THROTTLE_BASE_SECONDS, then twice as long after every further failure, up to
# STAFF_THROTTLE_MAX_SECONDS; failures older than STAFF_THROTTLE_FORGET_SECONDS are
# forgotten. The right password is never refused once the wait is over.
STAFF_THROTTLE_FREE_FAILURES = 3
STAFF_THROTTLE_BASE_SECONDS = 5
STAFF_THROTTLE_MAX_SECONDS = 900
STAFF_THROTTLE_FORGET_SECONDS = 86400
# A browser that completed a sign-in keeps a signed device cookie this many days: its
# attempts on that account are counted apart from an attacker's (OWASP device cookies).
STAFF_DEVICE_COOKIE_DAYS = 180
# Server-side staff sessions: closed after this long without a request, and at most
# this long after sign-in.
STAFF_SESSION_IDLE_MINUTES = 30
STAFF_SESSION_MAX_HOURS = 12
# werkzeug's method string: scrypt at OWASP's cost (N=2^17, r=8, p=1). Older hashes still
# verify and are upgraded at the next sign-in.
STAFF_PASSWORD_HASH = "scrypt:131072:8:1"

# Abuse limits (Flask-Limiter). The counters live in RATELIMIT_STORAGE_URI: memory:// in
# the embedded default (one process), redis://host:6379/0 in production, shared by every
# web node. Limits read "N per minute;M per hour" (the limits library's notation).
RATELIMIT_STORAGE_URI = "memory://"
RATELIMIT_KEY_PREFIX = "petitions"
# Behind the City's proxy: how many proxies in front of the app set X-Forwarded-For
# (0: the client is the address of the connection).
TRUSTED_PROXIES = 0
# Per client address (an IPv6 client counts by its /64 network).
LIMIT_SIGN = "10 per minute;60 per hour;200 per day"
# A typed confirmation code has about 40 bits: a few guesses an hour are all it needs.
LIMIT_CONFIRMATION_CODE = "5 per minute;20 per hour;50 per day"
LIMIT_RECEIPT = "5 per minute;20 per hour;50 per day"
LIMIT_DRAFT = "5 per day"
LIMIT_MANAGEMENT_LINK = "3 per hour;10 per day"
LIMIT_FEEDBACK = "3 per hour;10 per day"
# Attempts to sign one initiative as one person (identity hash), whoever makes them.
LIMIT_SIGN_PER_IDENTITY = "5 per day"
# Mails to one address, whatever sends them; once spent, further mails are dropped
# (and counted in the mail_budget table), never sent.
MAIL_PER_RECIPIENT_HOUR = 10
MAIL_PER_RECIPIENT_DAY = 30
# The secretariat's fraud view flags an hour, a mail domain or a network holding at
# least FRAUD_BURST_MINIMUM signatures and more than FRAUD_BURST_FACTOR times the
# average of the others (petitions/secretariat/rules.py, flagged_batches).
FRAUD_BURST_MINIMUM = 20
FRAUD_BURST_FACTOR = 5

# Keys (flask --app petitions keys create). The web server reads only the two public keys;
# the private keys, encrypted with a passphrase, belong to the secretariat and the City.
KEYS_DIRECTORY = None  # instance/keys by default
SEALING_PUBLIC_KEY_FILE = None  # KEYS_DIRECTORY/sealing-public.pem
DOSSIER_PUBLIC_KEY_FILE = None  # KEYS_DIRECTORY/dossier-public.pem
