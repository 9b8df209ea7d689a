"""The street register: import of the official address export and address lookup."""

import csv
from collections.abc import Iterable

from sqlalchemy import delete, or_, select

from petitions.extensions import db
from petitions.models import Street
from verification.eligibility import StreetSegment, street_key

CITY_NIS_CODE = "21004"

COLUMNS = (
    "street_id",
    "name_fr",
    "name_nl",
    "postcode",
    "nis_code",
    "municipality",
    "number_from",
    "number_to",
    "neighbourhood",
)


class StreetFileError(ValueError):
    """The street file is not in the documented format."""


def _number(value: str, line: int) -> int | None:
    value = (value or "").strip()
    if not value:
        return None
    if not value.isdigit():
        raise StreetFileError(f"line {line}: house number range must be whole numbers")
    return int(value)


def read_street_rows(lines: Iterable[str]) -> list[Street]:
    """Parse the register's CSV export into Street rows, or raise StreetFileError."""
    reader = csv.DictReader(lines)
    missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise StreetFileError("missing columns: " + ", ".join(missing))
    streets = []
    for line, row in enumerate(reader, start=2):
        postcode = (row["postcode"] or "").strip()
        if len(postcode) != 4 or not postcode.isdigit():
            raise StreetFileError(f"line {line}: postcode must have four digits")
        if not row["street_id"].strip() or not row["name_fr"].strip():
            raise StreetFileError(f"line {line}: street_id and name_fr are required")
        name_nl = row["name_nl"].strip() or row["name_fr"].strip()
        streets.append(
            Street(
                id=row["street_id"].strip(),
                name_fr=row["name_fr"].strip(),
                name_nl=name_nl,
                key_fr=street_key(row["name_fr"]),
                key_nl=street_key(name_nl),
                postcode=postcode,
                nis_code=row["nis_code"].strip(),
                number_from=_number(row["number_from"], line),
                number_to=_number(row["number_to"], line),
                neighbourhood=(row["neighbourhood"] or "").strip() or None,
            )
        )
    return streets


def replace_register(streets: list[Street]) -> int:
    """Replace the whole street register with ``streets``; return how many rows."""
    db.session.execute(delete(Street))
    db.session.add_all(streets)
    db.session.flush()
    return len(streets)


def segments_for(name: str) -> list[tuple[Street, StreetSegment]]:
    """Return the register's rows for a street name typed in either language."""
    key = street_key(name)
    rows = db.session.scalars(
        select(Street).where(or_(Street.key_fr == key, Street.key_nl == key))
    ).all()
    return [
        (
            row,
            StreetSegment(
                postcode=row.postcode,
                in_city=row.nis_code == CITY_NIS_CODE,
                number_from=row.number_from,
                number_to=row.number_to,
                neighbourhood=row.neighbourhood,
            ),
        )
        for row in rows
    ]
