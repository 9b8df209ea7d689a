"""Who may sign: age on the signing day and an address in the City."""

import re
from dataclasses import dataclass
from datetime import date

from .text import fold


class EligibilityError(Exception):
    """A signatory may not sign; ``reason`` says why in a stable code."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def age_on(birth_date: date, day: date) -> int:
    """Return a person's age in whole years on ``day`` (born 29 February: 1 March)."""
    years = day.year - birth_date.year
    if (day.month, day.day) < (birth_date.month, birth_date.day):
        years -= 1
    return years


def check_age(birth_date: date, day: date, minimum: int) -> None:
    """Raise EligibilityError unless the person is at least ``minimum`` years old on ``day``."""
    if birth_date > day:
        raise EligibilityError("born_in_future")
    if age_on(birth_date, day) < minimum:
        raise EligibilityError("too_young")


# The usual abbreviations, folded (no full stop, no accent): a French street's first
# word, the end of a Dutch street's last word.
_FRENCH_WORDS = {
    "av": "avenue",
    "ave": "avenue",
    "bd": "boulevard",
    "bld": "boulevard",
    "boul": "boulevard",
    "pl": "place",
    "chee": "chaussee",
    "ch": "chaussee",
    "sq": "square",
    "r": "rue",
}
_DUTCH_ENDINGS = (
    ("str", "straat"),
    ("ln", "laan"),
    ("stwg", "steenweg"),
    ("pl", "plein"),
)
# A number at the start or the end of what was typed as the street.
_NUMBER_AT_AN_END = re.compile(r"^\W*\d|\d\w{0,3}\W*$|\d+\W*(bte|bus|boite|box)\b")


def street_key(name: str) -> str:
    """Return the comparable form of a street name in either language.

    The usual abbreviations read as their words: "Av. Louise" is "Avenue Louise",
    "Chée d'Ixelles" is "Chaussée d'Ixelles", "Hoogstr." is "Hoogstraat".
    """
    words = fold(name).split(" ")
    if len(words) > 1 and words[0] in _FRENCH_WORDS:
        words[0] = _FRENCH_WORDS[words[0]]
    if len(words) > 1 and words[-1] in dict(_DUTCH_ENDINGS):
        words[-2:] = [words[-2] + words[-1]]  # "Louiza ln." is "Louizalaan"
    last = words[-1]
    for short, full in _DUTCH_ENDINGS:
        if last.endswith(short) and len(last) > len(short) + 2:
            words[-1] = last[: -len(short)] + full
            break
    return " ".join(words)


def has_house_number(street: str) -> bool:
    """Say whether a number was typed at an end of the street (it has its own field)."""
    return bool(_NUMBER_AT_AN_END.search(fold(street)))


@dataclass(frozen=True)
class StreetSegment:
    """A stretch of a street in one postcode, as the street register knows it."""

    postcode: str
    in_city: bool
    number_from: int | None = None
    number_to: int | None = None
    neighbourhood: str | None = None

    def covers(self, number: int | None) -> bool:
        """Say whether a house number lies in this stretch (unsplit stretches cover all)."""
        if self.number_from is None or self.number_to is None:
            return True
        return number is not None and self.number_from <= number <= self.number_to


# The house numbers Brussels gives: digits, maybe a letter or bis/ter ("12", "12A",
# "12 bis"), a range of numbers ("43-45") or a number after a slash ("61/2"). ASCII
# digits only: other scripts' digits would count as other houses.
_NUMBER = r"[0-9]{1,4}(?: ?(?:[A-Za-z]|[Bb][Ii][Ss]|[Tt][Ee][Rr]))?"
_HOUSE_NUMBER = re.compile(rf"{_NUMBER}(?: ?- ?{_NUMBER}|/[0-9]{{1,4}})?")


# A box: ASCII letters and digits, maybe parted by a space, full stop, slash or hyphen
# ("3", "12B", "bte 3", "RC"); never a leading sign that a spreadsheet reads as a formula.
_BOX = re.compile(r"[0-9A-Za-z]+(?:[ ./-]?[0-9A-Za-z]+)*")


def is_box(text: str) -> bool:
    """Say whether ``text`` is written as a box (letters and digits) is."""
    return _BOX.fullmatch(text) is not None


def is_house_number(text: str) -> bool:
    """Say whether ``text`` is written as Brussels writes house numbers."""
    return _HOUSE_NUMBER.fullmatch(text) is not None


def house_number_value(house_number: str) -> int | None:
    """Return the leading integer of a house number such as "12", "12A" or "12 bte 3"."""
    digits = ""
    for char in house_number.strip():
        if not char.isdigit():
            break
        digits += char
    return int(digits) if digits else None


def resolve_address(segments: list[StreetSegment], postcode: str, house_number: str):
    """Return the City segment that holds the address, or raise EligibilityError.

    ``segments`` are the register's rows for the street name (any postcode). A street
    the register does not know, a postcode it does not run through, or a stretch that
    belongs to another municipality are each refused with their own reason.
    """
    if not segments:
        raise EligibilityError("unknown_street")
    in_postcode = [s for s in segments if s.postcode == postcode]
    if not in_postcode:
        raise EligibilityError("wrong_postcode")
    number = house_number_value(house_number)
    for segment in in_postcode:
        if segment.covers(number):
            if segment.in_city:
                return segment
            raise EligibilityError("not_in_city")
    raise EligibilityError("not_in_city")
