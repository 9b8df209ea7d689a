"""The `check` command, a Flask plugin command (setup.cfg, group ``flask.commands``).

Flask offers plugin commands even when the app fails to load: the very configuration
that makes create_app refuse to start is the one this command must report on. So it
builds no app and needs no app context; it reads the configuration the way create_app
does and checks it.
"""

import click
from flask import Flask

from petitions import configured_app, secret_problems
from petitions.logs import log_settings_problems
from petitions.preflight.services import database_problems, limiter_problems
from petitions.preflight.settings import (
    catalog_problems,
    key_problems,
    setting_problems,
)
from petitions.serving import web_workers


def find_problems(app: Flask, workers: int) -> list[str]:
    """Return every problem of a production configuration, one sentence each.

    ``app`` is a configured app (``configured_app``); ``workers`` the number of web
    workers that will share the limits' counters.
    """
    config = app.config
    return [
        *secret_problems(config),
        *setting_problems(config),
        *log_settings_problems(config),
        *key_problems(config),
        *catalog_problems(app),
        *database_problems(app),
        *limiter_problems(config, workers),
    ]


@click.command("check")
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    help="Web workers the servers run (default: as deploy/gunicorn.conf.py counts them, "
    "PETITIONS_WEB_WORKERS or 2 per core + 1).",
)
def check_command(workers: int | None) -> None:
    """Report every problem of this installation's production configuration.

    Reads instance/config.py and the PETITIONS_* variables as the app does, whatever
    --app names. Exits 1 when there is a problem.
    """
    problems = find_problems(configured_app(), workers or web_workers())
    for problem in problems:
        click.echo(f"problem: {problem}")
    if problems:
        click.echo(f"{len(problems)} problem(s) found", err=True)
        raise SystemExit(1)
    click.echo("no problem found")
