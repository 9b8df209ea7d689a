"""nginx as in production: deploy/nginx/petitions.conf rendered by its marks, TLS.

The site file lists its installation's values at the top (``#   @name  value``) and
marks each line that holds one with ``# @name``. The test replaces exactly those
values and refuses a file whose marks and list disagree with each other or with the
names it knows, so that the deploy file and the test cannot drift apart.
"""

import datetime
import ipaddress
import re
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from bench.servers import Processes

from . import NGINX_SITE, SERVER_NAME, system

MARKS = (
    "cache_path",
    "upstream",
    "http_listen",
    "https_listen",
    "server_name",
    "certificate",
    "certificate_key",
    "access_log",
    "error_log",
)
LISTED = re.compile(r"^#\s+@(?P<name>\w+)\s+(?P<value>\S+)")
MARKED = re.compile(
    r"^(?P<indent>\s*)(?P<directive>\w+)\s+(?P<value>[^\s;]+)(?P<rest>[^;#]*);"
    r"\s*#\s*@(?P<name>\w+)\s*$"
)


class DeployFileDrift(RuntimeError):
    """The site file's marks are not the ones the topology test renders."""


def render(text: str, values: dict[str, list[str]]) -> str:
    """Return the site file with each marked value replaced by ``values[name]``.

    A mark with several values is written once per value (one upstream line per node).
    """
    if set(values) != set(MARKS):
        raise DeployFileDrift(f"values given for {sorted(values)}, not {sorted(MARKS)}")
    listed = {m["name"]: m["value"] for m in map(LISTED.match, text.splitlines()) if m}
    used: set[str] = set()
    lines = []
    for number, line in enumerate(text.splitlines(), 1):
        if line.lstrip().startswith("#") or "@" not in line.partition("#")[2]:
            lines.append(line)
            continue
        match = MARKED.match(line)
        if not match:
            raise DeployFileDrift(f"line {number}: a mark on a line it cannot render")
        name = match["name"]
        if listed.get(name) != match["value"]:
            raise DeployFileDrift(
                f"line {number}: @{name} holds {match['value']!r}, "
                f"the list at the top says {listed.get(name)!r}"
            )
        used.add(name)
        for value in values[name]:
            lines.append(
                f"{match['indent']}{match['directive']} {value}{match['rest']};"
            )
    for problem, names in (
        ("listed at the top but marked on no line", set(listed) - used),
        ("marked but not known to the test", used - set(MARKS)),
        ("known to the test but missing from the file", set(MARKS) - used),
    ):
        if names:
            raise DeployFileDrift(f"{NGINX_SITE.name}: {problem}: {sorted(names)}")
    return "\n".join(lines) + "\n"


def self_signed_certificate(folder: Path) -> tuple[Path, Path]:
    """Write a certificate for localhost and 127.0.0.1 and its key; return both paths."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, SERVER_NAME)])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [
                    x509.DNSName(SERVER_NAME),
                    x509.IPAddress(ipaddress.ip_address("127.0.0.1")),
                ]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "certificate.pem", folder / "key.pem"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    key_path.chmod(0o600)
    return cert_path, key_path


class Nginx:
    """The paths and ports of the test's nginx, in ``folder``."""

    def __init__(self, folder: Path, logs: Path, http_port: int, https_port: int):
        self.folder = folder
        self.http_port = http_port
        self.https_port = https_port
        self.access_log = logs / "nginx-access.log"
        self.error_log = logs / "nginx-error.log"
        self.main_log = logs / "nginx-main.log"
        self.certificate = folder / "certificate.pem"

    def configure(self, upstreams: list[int]) -> Path:
        """Write the certificate, the rendered site file and the main config."""
        self.folder.mkdir()
        worker = system.nginx_worker_user()
        cert, key = self_signed_certificate(self.folder)
        cache = self.folder / "cache"
        site = render(
            NGINX_SITE.read_text(),
            {
                "cache_path": [str(cache)],
                "upstream": [f"127.0.0.1:{port}" for port in upstreams],
                "http_listen": [f"127.0.0.1:{self.http_port}"],
                "https_listen": [f"127.0.0.1:{self.https_port}"],
                "server_name": [SERVER_NAME],
                "certificate": [str(cert)],
                "certificate_key": [str(key)],
                "access_log": [str(self.access_log)],
                "error_log": [str(self.error_log)],
            },
        )
        (self.folder / "petitions.conf").write_text(site)
        temp = self.folder / "temp"
        temp.mkdir()
        cache.mkdir()
        for path in (temp, cache):
            system.give_to(path, worker)
        main = self.folder / "nginx.conf"
        main.write_text(
            "# The test's own main configuration; the site is deploy/nginx/petitions.conf.\n"
            + (f"user {worker};\n" if worker else "")
            + f"worker_processes 2;\npid {self.folder / 'nginx.pid'};\n"
            f"error_log {self.main_log} warn;\n"
            "events { worker_connections 512; }\n"
            "http {\n"
            f"    client_body_temp_path {temp / 'body'};\n"
            f"    proxy_temp_path {temp / 'proxy'};\n"
            f"    fastcgi_temp_path {temp / 'fastcgi'};\n"
            f"    uwsgi_temp_path {temp / 'uwsgi'};\n"
            f"    scgi_temp_path {temp / 'scgi'};\n"
            "    access_log off;\n"
            f"    include {self.folder / 'petitions.conf'};\n"
            "}\n"
        )
        return main

    def command(self, main: Path, *extra: str) -> list[str]:
        binary = system.program("nginx") or "nginx"
        return [
            binary,
            "-p",
            str(self.folder),
            "-e",
            str(self.main_log),
            "-c",
            str(main),
            *extra,
        ]

    def start(self, processes: Processes, main: Path, log: Path) -> None:
        """Check the configuration (nginx -t), then run nginx in the foreground."""
        processes.start("nginx -t", self.command(main, "-t"), {}, log).wait(timeout=30)
        if "test is successful" not in log.read_text():
            raise RuntimeError(f"nginx -t refused the configuration; see {log}")
        processes.start("nginx", self.command(main, "-g", "daemon off;"), {}, log)
