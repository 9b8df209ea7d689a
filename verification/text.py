"""Text folding shared by identities and street names."""

import functools
import unicodedata

from confusable_homoglyphs import categories, confusables

MIDDLE_DOT = "\u00b7"

# Scripts that are no alphabet of their own: digits, punctuation, combining marks.
_SCRIPTLESS = {"LATIN", "COMMON", "INHERITED"}


def fold(text: str) -> str:
    """Fold case, accents, look-alike letters and punctuation.

    Letters of another script that look like Latin ones (the Greek capital Rho for P,
    the Cyrillic a) become those Latin letters; punctuation, symbols, spaces, hyphens
    and apostrophes all become one space between words. Text made only of Latin
    letters, spaces, hyphens, apostrophes and full stops folds as it always has, so
    that the keyed identities stored before keep matching.
    """
    decomposed = unicodedata.normalize("NFKD", text)
    skeleton = "".join(latin_look_alike(c) for c in decomposed)
    stripped = "".join(c for c in skeleton if not unicodedata.combining(c))
    # casefold() also maps ß to ss and the like; then separators collapse to one space.
    spaced = "".join(" " if is_separator(c) else c for c in stripped.casefold())
    return " ".join(spaced.split())


def is_separator(char: str) -> bool:
    """Say whether ``char`` separates words: a space, punctuation, a symbol, a control.

    As the fold always has, it reads the modifier letter apostrophe (ʼ, a letter to
    Unicode) as an apostrophe, and keeps the Catalan middle dot of "Ŀ" and "l·l".
    """
    if char in ("\u02bc", MIDDLE_DOT):
        return char == "\u02bc"
    return unicodedata.category(char)[0] in "PSZC"


def script_of(char: str) -> str:
    """Return the Unicode script of ``char`` (LATIN, GREEK, CYRILLIC, HAN, COMMON...)."""
    return categories.alias(char)


@functools.lru_cache(maxsize=4096)
def latin_look_alike(char: str) -> str:
    """Return the small Latin letter(s) that ``char`` of another script looks like, or
    ``char`` itself.

    Unicode's confusables data (through confusable_homoglyphs) decides what looks
    alike. A letter and its capital get one answer, so that case never makes two
    people: the capital's Latin look-alike first (the Greek Ρ and ρ are P), else the
    small letter's (the Cyrillic І and і are i, since the data's prototype of the
    capital I is a small l).
    """
    if not char.isalpha() or script_of(char) in _SCRIPTLESS:
        return char
    small = char.casefold()
    capital = small.upper()
    if len(small) != 1 or len(capital) != 1:
        return char
    capitals = [glyph for glyph in _latin_homoglyphs(capital) if glyph.isupper()]
    found = capitals or _latin_homoglyphs(small)
    return found[0].casefold() if found else char


def _latin_homoglyphs(char: str) -> list[str]:
    found = confusables.is_confusable(char, preferred_aliases=["latin"])
    if not found:
        return []
    return [
        glyph["c"]
        for glyph in found[0]["homoglyphs"]
        if any(script_of(c) == "LATIN" for c in glyph["c"])
        and all(script_of(c) in ("LATIN", "INHERITED") for c in glyph["c"])
    ]
