"""The register check: the list for the population service, and its verdicts back.

The secretariat sends the population service one row per counted signature (the
signatures of ``sealed.counted_signatures_query``, in that order), under a reference
that names the signature and nothing else. The service answers one verdict per
reference. A verdict file is applied whole or not at all: a half-applied file would
leave a count that no one could explain.
"""

import csv
import io
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from flask_babel import gettext as _
from flask_babel import ngettext
from markupsafe import Markup, escape
from sqlalchemy import func, select, update

from petitions import spreadsheets
from petitions.extensions import db
from petitions.initiatives.labels import REASONS
from petitions.initiatives.operations import TransitionRefused, record_verification
from petitions.models import Initiative, InitiativeState, Signature, Staff
from petitions.sealing.records import counted_signatures_query, open_signature
from verification.dossier import PERSON_COLUMNS, csv_cell
from verification.keys import key_id

VERDICT_COLUMNS = ("reference", "verdict", "reason")

VERDICTS = ("valid", "invalid")

REFERENCE = re.compile(r"S-([1-9][0-9]{0,17})")


def reference(signature: Signature) -> str:
    """Return the reference of a signature in the register check's files."""
    return f"S-{signature.id}"


def _require_filed(initiative: Initiative) -> None:
    # The check comes after filing: before, the list could still change.
    if initiative.state is not InitiativeState.filed:
        raise TransitionRefused("wrong_state")


def keys_missing(initiative: Initiative, private_keys: list) -> set[str]:
    """Return the ids of the keys the counted signatures were sealed to but not given."""
    needed = db.session.scalars(
        counted_signatures_query(initiative)
        .with_only_columns(Signature.sealing_key_id)
        .where(Signature.sealing_key_id.is_not(None))
        .order_by(None)
        .distinct()
    )
    return set(needed) - {key_id(key) for key in private_keys}


def counted_total(initiative: Initiative) -> int:
    """Return the number of counted signatures (the rows of the list)."""
    query = counted_signatures_query(initiative).order_by(None).subquery()
    return db.session.scalar(select(func.count()).select_from(query))


def _csv_line(cells: Iterable[str]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerow(cells)
    return buffer.getvalue()


def _export_row(signature: Signature, private_keys: list) -> list[str]:
    # A signature whose record was purged has nothing to check: its row says so by
    # being empty, and the population service answers "unreadable".
    record = open_signature(signature, private_keys) if signature.sealed else {}
    cells = [str(record.get(column) or "") for column in PERSON_COLUMNS[1:]]
    return [reference(signature), *(csv_cell(cell) for cell in cells)]


def export_lines(initiative: Initiative, private_keys: list) -> Iterator[str]:
    """Return the CSV lines of the list for the population register, streamed.

    Refuses (``TransitionRefused``) before filing and raises ``MissingKeys`` when the
    keys given cannot open every counted signature, before the first line is made.
    """
    _require_filed(initiative)
    missing = keys_missing(initiative, private_keys)
    if missing:
        raise MissingKeys(missing)

    def lines() -> Iterator[str]:
        yield _csv_line(PERSON_COLUMNS)
        query = counted_signatures_query(initiative).execution_options(yield_per=1000)
        for signature in db.session.scalars(query):
            yield _csv_line(_export_row(signature, private_keys))

    return lines()


class MissingKeys(Exception):
    """Some counted signatures are sealed to keys that were not given."""

    def __init__(self, key_ids: set[str]):
        super().__init__(", ".join(sorted(key_ids)))
        self.key_ids = key_ids


@dataclass(frozen=True)
class RowProblem:
    """A row of a verdict file that could not be read (line None: the whole file)."""

    line: int | None
    code: str
    value: str = ""


@dataclass
class VerdictFile:
    """A verdict file as read: the verdicts, the problems and what it leaves out."""

    verdicts: dict[int, tuple[str, str | None]] = field(default_factory=dict)
    problems: list[RowProblem] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """Say whether the file can be applied: every row read, every signature judged."""
        return not self.problems and not self.missing


def _is_header(row: list[str]) -> bool:
    return tuple(cell.strip().lower() for cell in row) == VERDICT_COLUMNS


def _read_row(row: list[str], line: int, counted: set[int], result: VerdictFile):
    if len(row) != len(VERDICT_COLUMNS):
        return RowProblem(line, "column_count", str(len(row)))
    ref, verdict, reason = (cell.strip() for cell in row)
    match = REFERENCE.fullmatch(ref)
    if match is None or int(match.group(1)) not in counted:
        return RowProblem(line, "unknown_reference", ref)
    verdict, reason = verdict.lower(), reason.lower()
    if verdict not in VERDICTS:
        return RowProblem(line, "bad_verdict", verdict)
    if verdict == "valid" and reason:
        return RowProblem(line, "reason_on_valid", reason)
    if verdict == "invalid" and not reason:
        return RowProblem(line, "missing_reason")
    if verdict == "invalid" and reason not in REASONS:
        return RowProblem(line, "bad_reason", reason)
    signature_id = int(match.group(1))
    if signature_id in result.verdicts:
        return RowProblem(line, "duplicate_reference", ref)
    result.verdicts[signature_id] = (verdict, reason or None)
    return None


def read_verdicts(initiative: Initiative, data: bytes) -> VerdictFile:
    """Read a verdict file (CSV, UTF-8): every problem row, and what it leaves out."""
    _require_filed(initiative)
    result = VerdictFile()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        result.problems.append(RowProblem(None, "not_utf8"))
        return result
    counted = set(
        db.session.scalars(
            counted_signatures_query(initiative).with_only_columns(Signature.id)
        )
    )
    reader = csv.reader(
        io.StringIO(text, newline=""),
        delimiter=spreadsheets.delimiter(text.split("\n", 1)[0]),
    )
    try:
        for row in reader:
            if not row or (reader.line_num == 1 and _is_header(row)):
                continue
            problem = _read_row(row, reader.line_num, counted, result)
            if problem is not None:
                result.problems.append(problem)
    except csv.Error:
        # A broken quote or an oversized cell: the reader cannot find the next row.
        result.problems.append(RowProblem(reader.line_num, "unreadable_line"))
    if not result.problems and not result.verdicts:
        result.problems.append(RowProblem(None, "empty"))
    result.missing = [f"S-{i}" for i in sorted(counted - result.verdicts.keys())]
    return result


def apply_verdicts(
    initiative: Initiative, staff: Staff, verdicts: VerdictFile, now
) -> Counter:
    """Store every signature's verdict and record the check's result; return the counts.

    The counts are keyed "valid" and by reason code for the invalid ones.
    """
    _require_filed(initiative)
    if not verdicts.ok:
        raise TransitionRefused("verdicts_incomplete")
    db.session.execute(
        update(Signature),
        [
            {"id": signature_id, "verdict": verdict, "verdict_reason": reason}
            for signature_id, (verdict, reason) in verdicts.verdicts.items()
        ],
    )
    # The fraud view's groupings have served their purpose once the register has
    # judged every signature: they go now, not at the end of the retention period.
    db.session.execute(
        update(Signature)
        .where(Signature.initiative_id == initiative.id)
        .values(client_network=None, mail_domain=None)
    )
    counts = Counter(
        reason or verdict for verdict, reason in verdicts.verdicts.values()
    )
    valid = counts["valid"]
    record_verification(initiative, staff, valid, len(verdicts.verdicts) - valid, now)
    return counts


def _verdict_names(markup: bool) -> dict:
    # The file's verdicts keep their English names: a page marks them as English.
    if not markup:
        return dict(zip(VERDICTS, VERDICTS, strict=True))
    code = Markup('<code lang="en">{}</code>')
    return {name: code.format(name) for name in VERDICTS}


def problem_message(problem: RowProblem, markup: bool = False) -> str:
    """Return what is wrong with a row of a verdict file, in the page's language.

    With ``markup``, an HTML fragment in which the file's own technical names are
    marked as English; without, plain text (the command line)."""
    if problem.code == "bad_verdict":
        template = _("The verdict “%(value)s” is neither %(valid)s nor %(invalid)s.")
        values = {"value": problem.value, **_verdict_names(markup)}
        return (escape(template) if markup else template) % values
    if problem.code == "column_count":
        return ngettext(
            "%(num)s column instead of 3 (reference, verdict, reason).",
            "%(num)s columns instead of 3 (reference, verdict, reason).",
            int(problem.value),
        )
    messages = {
        "unknown_reference": _(
            "The reference “%(value)s” is not one of the counted signatures.",
            value=problem.value,
        ),
        "duplicate_reference": _(
            "The reference “%(value)s” already has a verdict on an earlier line.",
            value=problem.value,
        ),
        "reason_on_valid": _(
            "A valid signature has no reason, but this row gives “%(value)s”.",
            value=problem.value,
        ),
        "missing_reason": _("An invalid signature needs a reason code."),
        "bad_reason": _(
            "The reason “%(value)s” is not one of the reason codes.",
            value=problem.value,
        ),
        "unreadable_line": _(
            "This line cannot be read as CSV (a quote not closed?); reading stopped here."
        ),
        "not_utf8": _("The file is not UTF-8 text."),
        "empty": _("The file holds no verdict."),
    }
    return messages[problem.code]
