"""Backup and restore of the database: one consistent copy, taken while the service runs.

``flask --app petitions backup OUT`` writes it (SQLite: the online backup API;
PostgreSQL: ``pg_dump``), ``flask --app petitions restore IN`` puts it into an empty
database. The file holds every signature's sealed personal data: it is the owner's alone.
"""
