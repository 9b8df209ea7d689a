"""The certified dossier's format, and its check: every byte signed, every leaf counted.

A dossier is a ZIP archive of five files. ``manifest.json`` names the SHA-256 of every
other file and the Merkle root of the signatures' commitments; ``manifest.sig`` holds the
raw 64-byte Ed25519 signature (binary, not base64) over the exact bytes of
``manifest.json``. Whoever holds the City's public dossier key can therefore check the
whole archive with nothing but this module: the signature covers the manifest, the
manifest covers the files, and ``signatures.csv`` carries each row's commitment so that
the root can be recomputed from the published list itself.
"""

import csv
import hashlib
import io
import json
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import IO, BinaryIO

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from .merkle import MerkleBuilder

FORMAT_VERSION = 1
MANIFEST, SIGNATURE = "manifest.json", "manifest.sig"
SIGNATURES_CSV, PDF, OPARL = "signatures.csv", "dossier.pdf", "oparl-paper.json"
MERKLE_ALGORITHM = "RFC 6962 SHA-256, leaf = commitment"
# A signature's reference and who signed: the columns the population register checks
# (the list sent to it has these alone) and the first ones of the dossier's list.
PERSON_COLUMNS = (
    "reference",
    "surname",
    "first_names",
    "birth_date",
    "street_fr",
    "street_nl",
    "house_number",
    "box",
    "postcode",
)
CSV_COLUMNS = (
    *PERSON_COLUMNS,
    "channel",
    "confirmed_at",
    "verdict",
    "commitment",
)
# A spreadsheet reads a cell starting with one of these as a formula (or, for tab and
# carriage return, strips them and then does): CSV injection, OWASP.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_CHUNK = 1 << 16


class DossierMismatch(Exception):
    """The dossier does not check: the message names the first thing that differs."""


@dataclass(frozen=True)
class DossierSummary:
    """What a dossier that checks says: its initiative, root and signature count."""

    manifest: dict
    root: str
    leaf_count: int


def csv_cell(value) -> str:
    """Return a CSV cell that a spreadsheet shows as text, never runs as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def canonical_json(document: dict) -> bytes:
    """Return the one byte form of a JSON document that the dossier signs and hashes."""
    text = json.dumps(document, sort_keys=True, ensure_ascii=False, indent=2)
    return (text + "\n").encode()


def sha256_of(handle: IO[bytes]) -> str:
    """Return the hex SHA-256 of a stream, read in chunks."""
    digest = hashlib.sha256()
    while chunk := handle.read(_CHUNK):
        digest.update(chunk)
    return digest.hexdigest()


def verify_dossier(
    source: bytes | str | Path | BinaryIO, public_key: Ed25519PublicKey
) -> DossierSummary:
    """Check a dossier; raise DossierMismatch naming the first thing that differs."""
    if isinstance(source, bytes):
        source = io.BytesIO(source)
    try:
        archive = zipfile.ZipFile(source)
    except (zipfile.BadZipFile, OSError) as error:
        raise DossierMismatch(f"not a readable ZIP file ({error})") from None
    with archive:
        try:
            return _verify(archive, public_key)
        except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError) as error:
            # A flipped byte in compressed data may break the deflate stream or its
            # CRC before our hash sees it: still a mismatch, named by the archive.
            raise DossierMismatch(f"damaged ZIP member: {error}") from None


def _verify(archive: zipfile.ZipFile, public_key) -> DossierSummary:
    names = archive.namelist()
    if len(names) != len(set(names)):
        # zipfile opens the last of two same-named members: the check must not read
        # one copy while a spreadsheet shows the other.
        raise DossierMismatch("a file name appears twice in the ZIP")
    for required in (MANIFEST, SIGNATURE):
        if required not in names:
            raise DossierMismatch(f"{required} is missing")
    manifest_bytes = _read_member(archive, MANIFEST)
    try:
        public_key.verify(_read_member(archive, SIGNATURE), manifest_bytes)
    except InvalidSignature:
        raise DossierMismatch(f"{SIGNATURE} does not match {MANIFEST}") from None
    manifest = json.loads(manifest_bytes)
    listed = manifest.get("files", {})
    for name, expected in sorted(listed.items()):
        if name not in names:
            raise DossierMismatch(f"{name}: listed in the manifest but missing")
        if _member_sha256(archive, name) != expected:
            raise DossierMismatch(f"{name}: SHA-256 differs from the manifest")
    extra = sorted(set(names) - set(listed) - {MANIFEST, SIGNATURE})
    if extra:
        raise DossierMismatch(f"{extra[0]}: in the ZIP but not in the manifest")
    return _check_root(archive, manifest)


def _check_root(archive: zipfile.ZipFile, manifest: dict) -> DossierSummary:
    merkle = manifest.get("merkle", {})
    builder = MerkleBuilder()
    with archive.open(SIGNATURES_CSV) as raw:
        rows = csv.DictReader(io.TextIOWrapper(raw, encoding="utf-8", newline=""))
        for line, row in enumerate(rows, start=2):
            try:
                builder.add(bytes.fromhex(row.get("commitment") or ""))
            except ValueError:
                raise DossierMismatch(
                    f"{SIGNATURES_CSV}, line {line}: the commitment is not hexadecimal"
                ) from None
    if builder.size != merkle.get("leaf_count"):
        raise DossierMismatch(
            f"{SIGNATURES_CSV}: {builder.size} rows, the manifest says "
            f"{merkle.get('leaf_count')}"
        )
    root = builder.root().hex()
    if root != merkle.get("root"):
        raise DossierMismatch(
            f"{SIGNATURES_CSV}: the Merkle root of the commitments differs from the "
            "manifest"
        )
    return DossierSummary(manifest=manifest, root=root, leaf_count=builder.size)


def _read_member(archive: zipfile.ZipFile, name: str) -> bytes:
    with archive.open(name) as handle:
        return handle.read()


def _member_sha256(archive: zipfile.ZipFile, name: str) -> str:
    with archive.open(name) as handle:
        return sha256_of(handle)
