"""Backup and restore: a consistent copy taken while people sign, restored whole.

The key test signs and confirms through the app from several threads (with the
scheduler's mail delivery and audit entries beside them), takes a backup in the middle
and restores it into a fresh database: everything acknowledged before the backup began
is there, nothing else, and both hash chains hold.
"""

import threading
from datetime import UTC, datetime
from email import message_from_bytes, policy
from pathlib import Path

from sqlalchemy import func, select

from petitions.extensions import db
from petitions.initiatives import audit
from petitions.initiatives.count_log import verify_count_log
from petitions.jobs.registry import run_job
from petitions.models import AuditEntry, CountLogEntry, Initiative, Signature
from verification.merkle import commitment

from .support import (
    RECEIPT_CODE,
    confirmation_link,
    csrf_token,
    run_command,
    signatory,
)

# A confirmation mail that never comes means the load is broken: fail, do not hang.
PATIENCE = 60


def surname(thread: int, number: int) -> str:
    """Return a name of letters only, different for each thread and number."""
    letters = ""
    while True:
        number, rest = divmod(number, 26)
        letters += "abcdefghijklmnopqrstuvwxyz"[rest]
        if not number:
            return f"{'ABC'[thread]}harge{letters}"


class SigningLoad:
    """People signing and confirming through the app, until stopped.

    Signers (threads with a browser each) post the sign form, wait for their mail and
    post the confirmation; the scheduler's thread delivers the outbox; another appends
    to the audit log. Each acknowledgement (the answer that shows the receipt code) is
    recorded, in order, with its receipt's commitment; so is each audit entry once
    committed.
    """

    def __init__(self, app, initiative, signers: int = 3):
        self.app, self.slug, self.initiative_id = app, initiative.slug, initiative.id
        self.changed = threading.Condition()
        self.acknowledged: list[str] = []
        self.audited: list[int] = []
        self.mails: dict[str, object] = {}
        self.problems: list[BaseException] = []
        self.stopping = threading.Event()
        self.threads = [
            threading.Thread(target=self.guarded, args=(self.sign_and_confirm, n))
            for n in range(signers)
        ] + [
            threading.Thread(target=self.guarded, args=(self.deliver,)),
            threading.Thread(target=self.guarded, args=(self.write_audit,)),
        ]

    def start(self) -> None:
        for thread in self.threads:
            thread.start()

    def stop(self) -> None:
        self.stopping.set()
        with self.changed:
            self.changed.notify_all()
        for thread in self.threads:
            thread.join()
        assert not self.problems, self.problems

    def wait_for(self, acknowledgements: int) -> list[str]:
        """Wait until that many signatures were acknowledged; return them all."""
        with self.changed:
            self.changed.wait_for(
                lambda: len(self.acknowledged) >= acknowledgements or self.problems,
                timeout=PATIENCE,
            )
            assert not self.problems, self.problems
            assert len(self.acknowledged) >= acknowledgements, "the load stalled"
            return list(self.acknowledged)

    def snapshot(self) -> tuple[list[str], list[int]]:
        """Return what was acknowledged and audited up to now."""
        with self.changed:
            return list(self.acknowledged), list(self.audited)

    def guarded(self, work, *args) -> None:
        try:
            work(*args)
        except BaseException as problem:  # handed to the test's thread
            with self.changed:
                self.problems.append(problem)
                self.changed.notify_all()

    def sign_and_confirm(self, thread: int) -> None:
        client = self.app.test_client()
        client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
        page = f"/initiatives/{self.slug}"
        number = 0
        while not self.stopping.is_set():
            number += 1
            address = f"load.{thread}.{number}@example.be"
            form = signatory(surname=surname(thread, number), email=address)
            form["csrf_token"] = csrf_token(client, page)
            assert client.post(f"{page}/sign", data=form).status_code == 303
            message = self.mail_to(address)
            if message is None:
                return
            link = confirmation_link(message)
            answer = client.post(link, data={"csrf_token": csrf_token(client, link)})
            code = RECEIPT_CODE.search(answer.get_data(as_text=True))
            assert answer.status_code == 200 and code, answer.status_code
            with self.changed:
                self.acknowledged.append(
                    commitment(code.group(1), self.initiative_id).hex()
                )
                self.changed.notify_all()

    def mail_to(self, address: str):
        with self.changed:
            self.changed.wait_for(
                lambda: address in self.mails or self.stopping.is_set(),
                timeout=PATIENCE,
            )
            if self.stopping.is_set():
                return None
            assert address in self.mails, f"no mail for signer {address[:8]}…"
            return self.mails.pop(address)

    def deliver(self) -> None:
        folder = Path(self.app.config["MAIL_FILE_DIRECTORY"])
        while not self.stopping.wait(0.01):
            with self.app.app_context():
                run_job("deliver-outbox", self.app.config["CLOCK"]())
            for path in sorted(folder.glob("*.eml")) if folder.exists() else []:
                message = message_from_bytes(path.read_bytes(), policy=policy.default)
                path.unlink()
                with self.changed:
                    self.mails[str(message["To"])] = message
                    self.changed.notify_all()

    def write_audit(self) -> None:
        number = 0
        while not self.stopping.wait(0.005):
            number += 1
            with self.app.app_context():
                now = self.app.config["CLOCK"]()
                seq = audit.record("system", "load-test", now, note=number).seq
                db.session.commit()
            with self.changed:
                self.audited.append(seq)


def build_history(initiative, make_signature) -> None:
    """Give the initiative two days of count log and the audit log some entries."""
    for day in ("2027-03-08T10:00:00+01:00", "2027-03-09T10:00:00+01:00"):
        at = datetime.fromisoformat(day).astimezone(UTC)
        make_signature(initiative, at=at)
        audit.record("system", "history", at, initiative)
        db.session.commit()
        run_job("publish-count-log", at)


def test_a_backup_taken_while_people_sign_restores_all_acknowledged_before_it(
    app, tmp_path, make_initiative, make_signature, app_on, fresh_database
):
    initiative = make_initiative()
    build_history(initiative, make_signature)
    earlier = set(db.session.scalars(select(Signature.commitment)))
    initiative_id = initiative.id
    # The test's own session must not hold a transaction (SQLite: the write lock).
    db.session.close()
    load = SigningLoad(app, initiative)
    load.start()
    try:
        load.wait_for(acknowledgements=10)
        acknowledged_before, audited_before = load.snapshot()
        backup = run_command(app, "backup", tmp_path / "during-load.backup")
        assert backup.exit_code == 0, backup.output
        # Signing goes on after the backup, then stops.
        load.wait_for(len(load.snapshot()[0]) + 5)
    finally:
        load.stop()
    everything = set(load.snapshot()[0])

    restored_app = app_on(fresh_database())
    restore = run_command(restored_app, "restore", tmp_path / "during-load.backup")

    assert restore.exit_code == 0, restore.output
    # The backup counted its snapshot; the restore counts the same rows.
    described = backup.output.splitlines()[1:3]
    assert restore.output.splitlines()[1:3] == described
    assert "the database is at the code's newest migration" in restore.output
    live = set(db.session.execute(select(Signature.id, Signature.identity_hash)))
    with restored_app.app_context():
        confirmed = set(
            db.session.scalars(
                select(Signature.commitment).where(Signature.confirmed_at.is_not(None))
            )
        )
        rows = set(db.session.execute(select(Signature.id, Signature.identity_hash)))
        counted = db.session.get(Initiative, initiative_id).confirmed_count()
        chain = audit.verify_chain()
        audit_seqs = set(db.session.scalars(select(AuditEntry.seq)))
        count_log = verify_count_log(db.session.get(Initiative, initiative_id))
        count_log_entries = db.session.scalar(select(func.count(CountLogEntry.id)))
    assert set(acknowledged_before) <= confirmed
    assert confirmed <= everything | earlier
    assert rows <= live
    assert counted == len(confirmed) and f"{counted:,} confirmed" in described[1]
    assert chain.ok and set(audited_before) <= audit_seqs
    assert count_log is None and count_log_entries == 2
