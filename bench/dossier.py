"""The dossier scenario: export a filed initiative of 100,000 sealed signatures.

The signatures are inserted in bulk with real sealed records and commitments (sealing
is most of the seeding time). The export runs in a child process,
``python -m bench.dossier SLUG OUT``, which reports its time and its peak resident
memory (``ru_maxrss``) before and during the export: the list is streamed, so the peak
should not grow with the number of signatures.
"""

import json
import subprocess
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace

from . import PROJECT
from .instance import passphrase_path

SLUG = "bench-dossier"
BATCH = 5000


def seed(app, count: int) -> None:
    """Insert a filed initiative with ``count`` confirmed, sealed signatures."""
    from sqlalchemy import func, insert, select

    from petitions.extensions import db
    from petitions.models import (
        Initiative,
        InitiativeState,
        InitiativeText,
        Signature,
        SignatureState,
    )
    from petitions.sealing.keys import sealing_public_key
    from petitions.sealing.records import associated_data
    from verification.keys import key_id
    from verification.merkle import commitment
    from verification.sealing import seal_record

    now = datetime.now(UTC)
    with app.app_context():
        initiative = Initiative(
            slug=SLUG,
            register_number="IC-BENCH-001",
            state=InitiativeState.filed,
            initiators="Bench",
            threshold=count,
            collection_starts_on=date(now.year - 1, 1, 1),
            collection_ends_on=now.date(),
            filed_at=now,
            council_deadline=now.date() + timedelta(days=365),
            created_at=now,
        )
        initiative.texts = [
            InitiativeText(language=lang, title=title, summary=title, body=title * 40)
            for lang, title in (("fr", "Des arbres à Bruxelles. "), ("nl", "Bomen. "))
        ]
        db.session.add(initiative)
        db.session.flush()
        public = sealing_public_key()
        start = (db.session.scalar(select(func.max(Signature.id))) or 0) + 1
        rows = []
        for n in range(count):
            ids = SimpleNamespace(id=start + n, initiative_id=initiative.id)
            record = _record(n)
            rows.append(
                {
                    "id": ids.id,
                    "initiative_id": initiative.id,
                    "state": SignatureState.confirmed,
                    "sealed": seal_record(public, record, associated_data(ids)),
                    "sealing_key_id": key_id(public),
                    "commitment": commitment(f"BENCH{ids.id}", initiative.id).hex(),
                    "language": "fr",
                    "channel": "online",
                    "created_at": now,
                    "confirmed_at": now,
                }
            )
            if len(rows) == BATCH:
                db.session.execute(insert(Signature), rows)
                rows = []
        if rows:
            db.session.execute(insert(Signature), rows)
        db.session.commit()
        db.session.remove()
        db.engine.dispose()


def _record(n: int) -> dict:
    return {
        "surname": f"Peeters-{n}",
        "first_names": "Anaïs Marie",
        "birth_date": "1980-05-17",
        "street_id": "bench",
        "street_fr": "Rue Haute",
        "street_nl": "Hoogstraat",
        "house_number": str(n % 300 + 1),
        "box": "",
        "postcode": "1000",
        "email": f"person{n}@example.be",
        "language": "fr",
        "channel": "online",
        "notify_decision": False,
    }


def run(app, env: dict, folder: Path, count: int) -> dict:
    """Seed, then time the export in a child process; return its figures."""
    started = time.perf_counter()
    seed(app, count)
    seeded = time.perf_counter() - started
    out = folder / "dossier.zip"
    completed = subprocess.run(
        [sys.executable, "-m", "bench.dossier", SLUG, str(out), str(folder)],
        cwd=PROJECT,
        env=env,
        capture_output=True,
        text=True,
        timeout=3600,
        check=False,
    )
    if completed.returncode != 0:
        raise RuntimeError(f"dossier export failed: {completed.stderr[-2000:]}")
    figures = json.loads(completed.stdout.strip().splitlines()[-1])
    figures.update(seed_seconds=seeded, zip_bytes=out.stat().st_size)
    out.unlink()  # personal data, even if invented: not left lying around
    return figures


def _export(slug: str, out: Path, run_dir: Path) -> dict:
    import resource

    from petitions import create_app
    from petitions.cli_options import initiative_or_fail
    from petitions.dossier.export import export_dossier
    from petitions.sealing.keys import read_private_keys

    app = create_app()
    with app.app_context():
        keys = Path(app.config["KEYS_DIRECTORY"])
        passphrase = passphrase_path(run_dir).read_text().strip()
        sealing = read_private_keys([str(keys / "sealing-private.pem")], passphrase)
        (signing,) = read_private_keys([str(keys / "dossier-private.pem")], passphrase)
        initiative = initiative_or_fail(slug)
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        started = time.perf_counter()
        with out.open("wb") as handle:
            result = export_dossier(
                initiative, sealing, signing, handle, datetime.now(UTC), "bench"
            )
        seconds = time.perf_counter() - started
        from petitions.extensions import db

        db.session.commit()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {
        "rows": result.leaf_count,
        "seconds": seconds,
        "rows_per_second": result.leaf_count / seconds,
        "rss_before_kib": before,
        "rss_peak_kib": peak,
    }


if __name__ == "__main__":
    print(json.dumps(_export(sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3]))))
