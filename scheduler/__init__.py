"""The job schedule and its runner (APScheduler 3.x), run as ``python -m scheduler``."""
