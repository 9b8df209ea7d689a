"""The systemd units of deploy/: valid, pointing at files that exist, and hardened.

Each unit is checked as systemd would read it on the server, with the server's checkout
(/srv/petitions) replaced by this one: ``systemd-analyze verify`` reports unknown keys,
bad values and commands that are not there; ``systemd-analyze security`` rates the
exposure the hardening options leave.
"""

import configparser
import re
import shutil
import subprocess
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parent.parent

UNITS = PROJECT / "deploy" / "systemd"
SERVER_CHECKOUT = "/srv/petitions"
SERVICES = ("petitions-web.service", "petitions-scheduler@.service")


def systemd_analyze() -> str:
    path = shutil.which("systemd-analyze")
    assert path, "systemd-analyze is missing: apt-get install systemd (make test does)"
    return path


def rendered(tmp_path: Path, name: str) -> Path:
    """Return the unit as it reads in this checkout (a template gets instance 1)."""
    text = (UNITS / name).read_text().replace(SERVER_CHECKOUT, str(PROJECT))
    target = tmp_path / name.replace("@.", "@1.")
    target.write_text(text)
    return target


def unit_files() -> list[str]:
    return sorted(path.name for path in UNITS.iterdir())


def service_section(name: str) -> configparser.SectionProxy:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str
    parser.read(UNITS / name)
    return parser["Service"]


@pytest.mark.parametrize("name", unit_files())
def test_systemd_reads_every_unit_without_a_complaint(tmp_path, name):
    result = subprocess.run(
        [systemd_analyze(), "verify", "--man=no", str(rendered(tmp_path, name))],
        capture_output=True,
        text=True,
        check=False,
    )
    assert (result.returncode, result.stderr + result.stdout) == (0, "")


@pytest.mark.parametrize("name", SERVICES)
def test_the_app_writes_only_in_its_instance_folder(name):
    service = service_section(name)
    assert service["User"] == "petitions" and service["NoNewPrivileges"] == "yes"
    assert service["ProtectSystem"] == "strict"
    assert service["ReadWritePaths"] == f"{SERVER_CHECKOUT}/instance"
    assert service["CapabilityBoundingSet"] == ""


def test_the_web_unit_starts_gunicorn_with_the_deploy_configuration():
    command = service_section("petitions-web.service")["ExecStart"]
    config = re.search(r"--config (\S+)", command).group(1)
    assert config == f"{SERVER_CHECKOUT}/deploy/gunicorn.conf.py"
    assert (PROJECT / "deploy" / "gunicorn.conf.py").is_file()


@pytest.mark.parametrize("name", [*SERVICES, "petitions-backup.service"])
def test_the_services_expose_little(tmp_path, name):
    result = subprocess.run(
        [
            systemd_analyze(),
            "security",
            "--offline=true",
            str(rendered(tmp_path, name)),
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    level = float(
        re.search(r"Overall exposure level for \S+: ([\d.]+)", result.stdout)[1]
    )
    # systemd's scale: 0 (confined) to 10 (unprotected); "OK" ends at 2.9.
    assert level <= 2.0
