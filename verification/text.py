"""Text folding shared by identities and street names."""

import re
import unicodedata

_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015'\u2018\u2019\u02bc`´.]+")


def fold(text: str) -> str:
    """Fold case and accents and turn runs of spaces, hyphens and apostrophes into one space."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    # casefold() also maps ß to ss and the like; then separators collapse to one space.
    return _SEPARATORS.sub(" ", stripped.casefold()).strip()
