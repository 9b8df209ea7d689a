"""Staff accounts: creation, password checks with lockout, and the `staff` commands."""

from flask.cli import AppGroup

staff_cli = AppGroup("staff", help="Manage the secretariat's staff accounts.")
