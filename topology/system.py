"""What the machine must provide: Debian packages, PostgreSQL's binaries, OS users."""

import contextlib
import glob
import os
import pwd
import shutil
import subprocess
from pathlib import Path

APT_ENV = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
# Debian's way to keep a package's service from starting when it is installed
# (exit 101: "action forbidden"); the topology starts its own private instances.
POLICY_RC = Path("/usr/sbin/policy-rc.d")

# Program -> the Debian package that brings it.
PACKAGES = {"nginx": "nginx", "redis-server": "redis-server"}


def as_root() -> list[str]:
    """Return the prefix that runs a command as root, or raise if there is none."""
    if os.geteuid() == 0:
        return []
    if shutil.which("sudo"):
        return ["sudo", "--preserve-env=DEBIAN_FRONTEND"]
    raise SystemExit("topology: need root or sudo to install Debian packages")


def program(name: str) -> str | None:
    """Return the path of a program, also in the sbin folders a user's PATH may lack."""
    found = shutil.which(name)
    if found:
        return found
    for folder in ("/usr/sbin", "/sbin", "/usr/bin"):
        path = Path(folder) / name
        if path.exists() and os.access(path, os.X_OK):
            return str(path)
    return None


def install_missing() -> None:
    """Install nginx and redis-server from Debian when missing, their services unstarted."""
    missing = [package for name, package in PACKAGES.items() if not program(name)]
    if not missing:
        return
    if not shutil.which("apt-get"):
        raise SystemExit(f"topology: {', '.join(missing)} missing and no apt-get")
    root = as_root()
    print(f"== apt-get install {' '.join(missing)} ==", flush=True)
    with _services_kept_stopped(root):
        subprocess.run([*root, "apt-get", "update", "-q"], env=APT_ENV, check=True)
        subprocess.run(
            [*root, "apt-get", "install", "-y", "-q", "--no-install-recommends"]
            + ["-o", "Dpkg::Use-Pty=0", *missing],
            env=APT_ENV,
            check=True,
        )
    still = [name for name in PACKAGES if not program(name)]
    if still:
        raise SystemExit(f"topology: {', '.join(still)} still missing after apt-get")


@contextlib.contextmanager
def _services_kept_stopped(root: list[str]):
    # Installing nginx or redis-server starts their system services (port 80, 6379)
    # unless policy-rc.d forbids it; the file is put there for the install only.
    if POLICY_RC.exists():
        yield
        return
    script = f"printf '#!/bin/sh\\nexit 101\\n' > {POLICY_RC} && chmod 755 {POLICY_RC}"
    subprocess.run([*root, "sh", "-c", script], check=True)
    try:
        yield
    finally:
        subprocess.run([*root, "rm", "-f", str(POLICY_RC)], check=False)


def postgres_bin() -> Path:
    """Return the folder of initdb and pg_ctl (PATH first, then Debian's, newest first)."""
    initdb, pg_ctl = shutil.which("initdb"), shutil.which("pg_ctl")
    if initdb and pg_ctl and Path(initdb).parent == Path(pg_ctl).parent:
        return Path(initdb).parent
    for folder in sorted(
        glob.glob("/usr/lib/postgresql/*/bin"),
        key=lambda f: int(Path(f).parent.name),
        reverse=True,
    ):
        if (Path(folder) / "initdb").exists() and (Path(folder) / "pg_ctl").exists():
            return Path(folder)
    raise SystemExit(
        "topology: PostgreSQL's server binaries are missing "
        "(apt-get install postgresql, or run .ci/run which installs them)"
    )


def unprivileged_user() -> str | None:
    """Return the OS user for PostgreSQL when we are root (it refuses root), else None."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        with contextlib.suppress(KeyError):
            pwd.getpwnam(name)
            return name
    raise SystemExit("topology: no 'postgres' or 'nobody' user to run PostgreSQL as")


def nginx_worker_user() -> str | None:
    """Return the user of nginx's workers when its master runs as root, else None."""
    if os.geteuid() != 0:
        return None
    for name in ("www-data", "nobody"):
        with contextlib.suppress(KeyError):
            pwd.getpwnam(name)
            return name
    raise SystemExit("topology: no 'www-data' or 'nobody' user for nginx's workers")


def give_to(path: Path, user: str | None) -> None:
    """Make ``user`` (None: ourselves) the owner of ``path``."""
    if user is not None:
        entry = pwd.getpwnam(user)
        os.chown(path, entry.pw_uid, entry.pw_gid)


def as_user(user: str | None, command: list[str]) -> list[str]:
    """Return ``command`` run as ``user`` (None: as ourselves)."""
    return ["runuser", "-u", user, "--", *command] if user else command
