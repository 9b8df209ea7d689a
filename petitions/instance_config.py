"""Write instance/config.py with fresh secrets, once (``python -m petitions.instance_config``)."""

import os
import secrets
import sys

TEMPLATE = """\
# Configuration of this installation; generated once by `make run`. Keep it secret.
# Every key can also be set as an environment variable prefixed PETITIONS_.
SECRET_KEY = {secret_key!r}
IDENTITY_KEY = {identity_key!r}
MAIL_TRANSPORT = "file"
# A developer's machine: plain cookies over http://127.0.0.1. Never in production.
DEVELOPMENT = True
"""


def write_instance_config(instance_path: str) -> bool:
    """Create instance/config.py with generated secrets unless it exists; say if it did."""
    os.makedirs(instance_path, exist_ok=True)
    path = os.path.join(instance_path, "config.py")
    if os.path.exists(path):
        return False
    content = TEMPLATE.format(
        secret_key=secrets.token_urlsafe(48), identity_key=secrets.token_urlsafe(48)
    )
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w") as handle:
        handle.write(content)
    return True


if __name__ == "__main__":
    target = sys.argv[1] if len(sys.argv) > 1 else "instance"
    created = write_instance_config(target)
    print(
        f"{target}/config.py " + ("written with fresh secrets" if created else "kept")
    )
