"""The one schedule table: which sweep runs how often."""

# job id -> seconds between runs. Every job is an idempotent sweep, so a missed or late
# run is healed by the next one.
SCHEDULE: dict[str, int] = {
    "deliver-outbox": 5,
    "expire-pending-signatures": 3600,
}
