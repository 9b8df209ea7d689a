"""Build the certified dossier of a filed initiative (the format: verification.dossier).

The signatures are streamed: each counted signature is opened, written as one CSV row
into the ZIP entry, hashed and added to the Merkle tree, then forgotten, so that a
100,000-signature dossier needs no more memory than a 100-signature one. The rows
follow ``counted_signatures_query``: the order of the receipts' inclusion proofs and of
the daily public log, so that the three roots agree.
"""

import csv
import hashlib
import io
import zipfile
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import BinaryIO

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from sqlalchemy import func, select

from petitions import dates
from petitions.dossier.oparl import DossierFile, oparl_paper
from petitions.dossier.pdf import build_pdf
from petitions.dossier.register_check import reference
from petitions.extensions import db
from petitions.initiatives import audit
from petitions.models import Initiative, InitiativeState
from petitions.sealing.keys import public_key
from petitions.sealing.records import counted_signatures_query, open_signature
from petitions.web.urls import public_url
from verification import dossier as format_
from verification.keys import fingerprint
from verification.merkle import MerkleBuilder
from verification.sealing import SealedDataError

S = InitiativeState

EXPORTABLE = (S.filed, S.verified, S.insufficient, S.with_council, S.decided)

_BATCH = 1000


class DossierRefused(Exception):
    """The dossier cannot be built; ``code`` says why."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class DossierResult:
    """What an export produced: the root and count the initiative now records."""

    root: str
    leaf_count: int
    manifest: dict


def signature_count(initiative: Initiative) -> int:
    """Return how many rows the dossier's list will have."""
    query = counted_signatures_query(initiative)
    return db.session.scalar(select(func.count()).select_from(query.subquery()))


def check_keys(sealing_keys: list, signing_key) -> None:
    """Refuse keys of the wrong kind, or a signing key the service does not publish."""
    if not sealing_keys or not all(
        isinstance(k, X25519PrivateKey) for k in sealing_keys
    ):
        raise DossierRefused("not_a_sealing_key")
    if not isinstance(signing_key, Ed25519PrivateKey):
        raise DossierRefused("not_a_signing_key")
    # A dossier signed with a key other than the published one would fail everyone's
    # check: better to say so now than after it reached the council.
    if fingerprint(signing_key) != fingerprint(public_key("DOSSIER_PUBLIC_KEY_FILE")):
        raise DossierRefused("signing_key_mismatch")


def export_dossier(
    initiative: Initiative,
    sealing_keys: list,
    signing_key,
    out: BinaryIO,
    now: datetime,
    actor: str,
    progress: Callable[[int], None] | None = None,
) -> DossierResult:
    """Write the signed dossier ZIP to ``out``; record its root on the initiative."""
    if initiative.state not in EXPORTABLE:
        raise DossierRefused("wrong_state")
    check_keys(sealing_keys, signing_key)
    exported_at = now.astimezone(UTC).isoformat()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        rows = _write_signatures(archive, initiative, sealing_keys, progress)
        manifest = {
            "format_version": format_.FORMAT_VERSION,
            "initiative": initiative_facts(initiative),
            "counts": rows.counts(),
            "merkle": {
                "root": rows.merkle.root().hex(),
                "leaf_count": rows.merkle.size,
                "algorithm": format_.MERKLE_ALGORITHM,
            },
            "exported_at": exported_at,
            "signing_key_fingerprint": fingerprint(signing_key),
        }
        pdf = build_pdf(manifest)
        _write(archive, format_.PDF, pdf)
        files = {
            format_.SIGNATURES_CSV: DossierFile(
                format_.SIGNATURES_CSV,
                "Signatures / Handtekeningen",
                "text/csv",
                rows.size,
                rows.sha256.hexdigest(),
            ),
            format_.PDF: DossierFile(
                format_.PDF,
                "Dossier",
                "application/pdf",
                len(pdf),
                hashlib.sha256(pdf).hexdigest(),
            ),
        }
        page = public_url("public.initiative", slug=initiative.slug)
        paper = oparl_paper(
            page, manifest, files[format_.PDF], [files[format_.SIGNATURES_CSV]]
        )
        oparl = format_.canonical_json(paper)
        _write(archive, format_.OPARL, oparl)
        manifest["files"] = {name: item.sha256 for name, item in files.items()}
        manifest["files"][format_.OPARL] = hashlib.sha256(oparl).hexdigest()
        manifest_bytes = format_.canonical_json(manifest)
        _write(archive, format_.MANIFEST, manifest_bytes)
        _write(archive, format_.SIGNATURE, signing_key.sign(manifest_bytes))
    _record(initiative, manifest, now, actor)
    return DossierResult(
        manifest["merkle"]["root"], manifest["merkle"]["leaf_count"], manifest
    )


def initiative_facts(initiative: Initiative) -> dict:
    """Return the manifest's description of the initiative (public facts only)."""
    filed = initiative.filed_at
    return {
        "slug": initiative.slug,
        "register_number": initiative.register_number,
        "state": initiative.state.value,
        "threshold": initiative.threshold,
        "filed_at": filed.astimezone(UTC).isoformat() if filed else None,
        "filed_on": dates.day_of(filed).isoformat() if filed else None,
        "council_deadline": (
            initiative.council_deadline.isoformat()
            if initiative.council_deadline
            else None
        ),
        "texts": {
            text.language: {
                "title": text.title,
                "summary": text.summary,
                "body": text.body,
            }
            for text in initiative.texts
        },
        "representatives": [r.name for r in initiative.representatives],
        "timeline": [
            {
                "at": entry.at.astimezone(UTC).isoformat(),
                "action": entry.action,
                "reason": entry.reason or "",
            }
            for entry in audit.timeline(initiative)
        ],
    }


class _Rows:
    """The signature list as it is written: its hash, size, Merkle tree and counts."""

    def __init__(self):
        self.sha256 = hashlib.sha256()
        self.size = 0
        self.merkle = MerkleBuilder()
        self.channels: Counter = Counter()
        self.verdicts: Counter = Counter()

    def counts(self) -> dict:
        invalid = {
            verdict.removeprefix("invalid:"): n
            for verdict, n in sorted(self.verdicts.items())
            if verdict.startswith("invalid:")
        }
        return {
            "collected_online": self.channels["online"],
            "collected_on_paper": self.channels["paper"],
            "confirmed": self.merkle.size,
            "valid": self.verdicts["valid"],
            "invalid": invalid,
            "unchecked": self.verdicts[""],
        }


def _verdict(signature) -> str:
    if signature.verdict == "invalid":
        return f"invalid:{signature.verdict_reason or 'other'}"
    return signature.verdict or ""


def _row(signature, record: dict) -> list[str]:
    confirmed = signature.confirmed_at
    values = {
        **record,
        "reference": reference(signature),
        "channel": signature.channel,
        "confirmed_at": confirmed.astimezone(UTC).isoformat() if confirmed else "",
        "verdict": _verdict(signature),
        "commitment": signature.commitment,
    }
    return [format_.csv_cell(values.get(column)) for column in format_.CSV_COLUMNS]


def _write_signatures(archive, initiative, sealing_keys, progress) -> _Rows:
    rows = _Rows()
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    query = counted_signatures_query(initiative).execution_options(yield_per=_BATCH)
    with archive.open(format_.SIGNATURES_CSV, "w", force_zip64=True) as entry:

        def flush():
            data = buffer.getvalue().encode()
            buffer.seek(0)
            buffer.truncate()
            entry.write(data)
            rows.sha256.update(data)
            rows.size += len(data)

        writer.writerow(format_.CSV_COLUMNS)
        pending = 0
        for signature in db.session.scalars(query):
            try:
                record = open_signature(signature, sealing_keys)
            except SealedDataError:
                raise DossierRefused("sealing_key_does_not_open") from None
            writer.writerow(_row(signature, record))
            rows.merkle.add(bytes.fromhex(signature.commitment))
            rows.channels[signature.channel] += 1
            rows.verdicts[_verdict(signature)] += 1
            pending += 1
            if pending == _BATCH:
                flush()
                if progress:
                    progress(pending)
                pending = 0
        flush()
        if progress and pending:
            progress(pending)
    return rows


def _write(archive: zipfile.ZipFile, name: str, data: bytes) -> None:
    archive.writestr(name, data, compress_type=zipfile.ZIP_DEFLATED)


def _record(initiative: Initiative, manifest: dict, now: datetime, actor: str) -> None:
    initiative.dossier_root = manifest["merkle"]["root"]
    initiative.dossier_leaf_count = manifest["merkle"]["leaf_count"]
    initiative.dossier_exported_at = now
    audit.record(
        actor,
        "dossier-exported",
        now,
        initiative,
        public=True,
        root=initiative.dossier_root,
        leaf_count=initiative.dossier_leaf_count,
    )
