"""Commands, configuration and the scheduler."""

import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from sqlalchemy import func, select

from petitions import ConfigurationError, create_app
from petitions.extensions import db
from petitions.models import Initiative, Signature, Street

ROOT = Path(__file__).resolve().parent.parent


def test_jobs_run_takes_an_iso_now(app, make_initiative, sign):
    initiative = make_initiative()
    sign(initiative)
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=[
            "jobs",
            "run",
            "expire-pending-signatures",
            "--now",
            "2027-03-17T09:00:01Z",
        ]
    )
    assert result.exit_code == 0, result.output
    assert "{'deleted': 1}" in result.output
    assert db.session.scalar(select(func.count(Signature.id))) == 0


def test_jobs_run_refuses_a_now_without_time_zone_and_unknown_jobs(app):
    runner = app.test_cli_runner()
    assert (
        runner.invoke(
            args=["jobs", "run", "deliver-outbox", "--now", "2027-03-17T09:00"]
        ).exit_code
        == 2
    )
    assert runner.invoke(args=["jobs", "run", "no-such-job"]).exit_code == 2


def test_streets_import_replaces_the_register_from_the_documented_format(app, tmp_path):
    export = tmp_path / "streets.csv"
    export.write_text(
        "street_id,name_fr,name_nl,postcode,nis_code,municipality,number_from,number_to,neighbourhood\n"
        "X1,Rue Neuve,Nieuwstraat,1000,21004,Bruxelles,,,Pentagone\n"
        "X2,Avenue Louise,Louizalaan,1050,21009,Ixelles,1,99,\n",
        encoding="utf-8",
    )
    result = app.test_cli_runner().invoke(args=["streets", "import", str(export)])
    assert result.exit_code == 0, result.output
    assert "2 street rows imported" in result.output
    assert db.session.scalar(select(func.count()).select_from(Street)) == 2
    assert db.session.get(Street, "X1").key_nl == "nieuwstraat"


@pytest.mark.parametrize(
    "content",
    [
        "street_id,name_fr\nX1,Rue Neuve\n",
        "street_id,name_fr,name_nl,postcode,nis_code,municipality,number_from,number_to,neighbourhood\nX1,Rue Neuve,Nieuwstraat,100,21004,Bruxelles,,,\n",
        "street_id,name_fr,name_nl,postcode,nis_code,municipality,number_from,number_to,neighbourhood\nX1,Rue Neuve,Nieuwstraat,1000,21004,Bruxelles,a,b,\n",
    ],
)
def test_a_malformed_street_file_changes_nothing(app, tmp_path, content):
    before = db.session.scalar(select(func.count()).select_from(Street))
    export = tmp_path / "streets.csv"
    export.write_text(content, encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["streets", "import", str(export)])
    assert result.exit_code == 1
    assert "Error" in result.output
    assert db.session.scalar(select(func.count()).select_from(Street)) == before


def test_the_sample_register_has_city_streets_in_every_postcode_and_neighbours():
    from petitions.signing.cli import SAMPLE_STREETS
    from petitions.signing.streets import read_street_rows

    with SAMPLE_STREETS.open(encoding="utf-8") as handle:
        rows = read_street_rows(handle)
    city = [r for r in rows if r.nis_code == "21004"]
    assert len(city) >= 60
    assert {r.postcode for r in city} == {
        "1000",
        "1020",
        "1040",
        "1050",
        "1120",
        "1130",
    }
    assert {r.nis_code for r in rows} >= {"21005", "21009"}


def test_setup_prepares_an_empty_database_once(app_config, tmp_path):
    app_config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{tmp_path}/fresh.sqlite3"
    app = create_app(app_config)
    runner = app.test_cli_runner()
    assert runner.invoke(args=["setup"]).exit_code == 0
    second = runner.invoke(args=["setup"])
    assert second.exit_code == 0
    assert "demo initiative added" not in second.output
    with app.app_context():
        assert db.session.scalar(select(func.count(Initiative.id))) == 1
        assert db.session.scalar(select(func.count()).select_from(Street)) > 60
        assert db.session.execute(db.text("PRAGMA journal_mode")).scalar() == "wal"
        db.engine.dispose()


def test_the_app_refuses_to_start_in_production_with_a_default_secret(app_config):
    from petitions.config import DEFAULT_SECRET

    app_config.update(TESTING=False, SECRET_KEY=DEFAULT_SECRET)
    with pytest.raises(ConfigurationError):
        create_app(app_config)


def test_environment_variables_override_the_instance_config(app_config, monkeypatch):
    monkeypatch.setenv("PETITIONS_SIGNATURE_THRESHOLD", "1500")
    assert create_app(app_config).config["SIGNATURE_THRESHOLD"] == 1500


def test_the_instance_config_is_written_once_with_fresh_secrets(tmp_path):
    from petitions.instance_config import write_instance_config

    assert write_instance_config(str(tmp_path))
    first = (tmp_path / "config.py").read_text()
    assert not write_instance_config(str(tmp_path))
    assert (tmp_path / "config.py").read_text() == first
    assert "dev-only" not in first
    assert oct((tmp_path / "config.py").stat().st_mode)[-3:] == "600"


def test_the_scheduler_table_names_only_existing_jobs_and_runs_them(
    app, make_initiative, sign, clock
):
    from apscheduler.schedulers.background import BackgroundScheduler

    from petitions.jobs.registry import JOBS
    from petitions.jobs.schedule import SCHEDULE
    from scheduler.runner import build_scheduler, run_once

    assert set(SCHEDULE) <= set(JOBS)
    scheduler = build_scheduler(app, "test-holder", BackgroundScheduler)
    assert {job.id for job in scheduler.get_jobs()} == set(SCHEDULE)
    sign(make_initiative())
    db.session.commit()
    assert run_once(app, "deliver-outbox", "test-holder")
    assert len(list(Path(app.config["MAIL_FILE_DIRECTORY"]).glob("*.eml"))) == 1


def test_the_scheduler_process_starts_and_stops(tmp_path):
    env = {
        **os.environ,
        "PETITIONS_SECRET_KEY": json.dumps("x-secret-" + "x" * 32),
        "PETITIONS_IDENTITY_KEY": json.dumps("y-secret-" + "y" * 32),
        "PETITIONS_SQLALCHEMY_DATABASE_URI": f'"sqlite:///{tmp_path}/s.sqlite3"',
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "scheduler"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    # Wait for the line that says it runs (however slow the machine), then stop it; a
    # process that never gets there is killed after a minute and the test fails.
    watchdog = threading.Timer(60, process.kill)
    watchdog.start()
    lines = []
    try:
        for raw in process.stdout:
            lines.append(raw.decode())
            if "scheduler running:" in lines[-1]:
                break
        process.terminate()
        lines.append(process.communicate(timeout=20)[0].decode())
    finally:
        watchdog.cancel()
    output = "".join(lines)
    assert (
        "scheduler running: deliver-outbox, expire-pending-signatures, close-ended-collections"
        in output
    )
