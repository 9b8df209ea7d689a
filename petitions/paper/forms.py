"""Forms of the paper signatures: one row typed from a sheet, and a CSV of many rows.

A row of the CSV is checked by the very form the secretariat types into, so that both
ways refuse the same things with the same words.
"""

import csv
import io
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from werkzeug.datastructures import MultiDict
from wtforms.validators import InputRequired

from petitions import spreadsheets
from petitions.signing.forms import BirthDateField, SignatureForm
from petitions.web.forms import text_field

DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y", "%d.%m.%Y"]

COLUMNS = (
    "surname",
    "first_names",
    "birth_date",
    "street",
    "house_number",
    "box",
    "postcode",
    "email",
    "signed_on",
)

OPTIONAL_COLUMNS = {"box", "email"}


class PaperSignatureForm(SignatureForm):
    """The online form's fields for one row of a sheet: no consent, language or opt-in
    (the sheet carries the consent; a paper signatory gets no mail), e-mail optional."""

    # WTForms drops a parent's field set to None in a subclass.
    language = None
    consent = None
    notify_decision = None
    email = text_field(
        _l("E-mail address (optional)"), 254, autocomplete="off", type="email"
    )
    # A sheet's date of birth is one cell, typed as it is written on the paper.
    birth_date = BirthDateField(
        _l("Date of birth"),
        format=DATE_FORMATS,
        validators=[InputRequired(_l("Please enter your date of birth."))],
    )
    signed_on = BirthDateField(
        _l("Signed on"),
        format=DATE_FORMATS,
        validators=[InputRequired(_l("Please enter the date the row was signed on."))],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The staff's browser must not offer its own name and address for a signatory's.
        for bound in self:
            bound.render_kw = {**(bound.render_kw or {}), "autocomplete": "off"}


class PaperImportForm(FlaskForm):
    file = FileField(
        _l("File of paper signatures (CSV)"),
        validators=[FileRequired(_l("Please choose the file of paper signatures."))],
        render_kw={"accept": ".csv,text/csv"},
    )


class SheetFileError(Exception):
    """The file cannot be read as a whole; ``code`` says why."""

    def __init__(self, code: str, detail: str = ""):
        super().__init__(code)
        self.code, self.detail = code, detail


@dataclass
class SheetRow:
    line: int
    form: PaperSignatureForm | None  # None: the line itself could not be read
    problems: list[str] = field(default_factory=list)


def read_sheet_file(data: bytes) -> list[SheetRow]:
    """Read a CSV of paper signatures: one checked form per line, in file order.

    Raises SheetFileError when the file is not UTF-8, lacks a column or has no row.
    """
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise SheetFileError("not_utf8") from None
    reader = csv.reader(
        io.StringIO(text, newline=""),
        delimiter=spreadsheets.delimiter(text.split("\n", 1)[0]),
    )
    try:
        header = [name.strip().lower() for name in next(reader)]
    except (StopIteration, csv.Error):
        raise SheetFileError("empty") from None
    missing = [c for c in COLUMNS if c not in header and c not in OPTIONAL_COLUMNS]
    if missing:
        raise SheetFileError("missing_columns", ", ".join(missing))
    rows = []
    try:
        for cells in reader:
            if not any(cell.strip() for cell in cells):
                continue
            values = MultiDict(
                (name, cells[i] if i < len(cells) else "")
                for i, name in enumerate(header)
                if name in COLUMNS
            )
            form = PaperSignatureForm(formdata=values, meta={"csrf": False})
            form.validate()
            rows.append(SheetRow(reader.line_num, form))
    except csv.Error:
        # A broken quote: the reader cannot find where the next row starts.
        rows.append(SheetRow(reader.line_num, None))
    if not rows:
        raise SheetFileError("empty")
    return rows
