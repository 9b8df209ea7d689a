"""The one schedule table: which sweep runs how often (``python -m scheduler`` runs it)."""

# job id -> seconds between runs. Every job is an idempotent sweep, so a missed or late
# run is healed by the next one. SCHEDULE_OVERRIDES in the configuration can change an
# interval for one installation.
SCHEDULE: dict[str, int] = {
    "deliver-outbox": 5,
    "expire-pending-signatures": 3600,
    "close-ended-collections": 300,
    "notify-threshold-reached": 60,
    "send-council-reminders": 3600,
    "purge-personal-data": 3600,
    # Hourly, though it publishes once a day: a missed hour (or a stopped scheduler)
    # still gets the day's entry out on the next run.
    "publish-count-log": 3600,
    # Mail files of the embedded default, deleted once MAIL_FILE_RETENTION_DAYS old.
    "prune-mail-files": 3600,
    # Deletes the mail budgets' windows that are over; its result counts the mails
    # they dropped (each run's result is kept in job_run).
    "forget-mail-budgets": 3600,
    "purge-unconfirmed-drafts": 3600,
}


def intervals(config) -> dict[str, int]:
    """Return the schedule table with this installation's overrides."""
    overrides = config.get("SCHEDULE_OVERRIDES") or {}
    return {
        name: int(overrides.get(name, seconds)) for name, seconds in SCHEDULE.items()
    }
