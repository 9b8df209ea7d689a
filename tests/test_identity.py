"""One person, one identity: spellings that look alike fold to one, people stay apart.

The fold of names that were plain before (Latin letters, spaces, hyphens, apostrophes,
full stops) is pinned: the keyed identities stored with signatures must keep matching.
"""

import re
import string
import unicodedata
from datetime import date

import pytest
from confusable_homoglyphs import categories
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from petitions.extensions import db
from petitions.models import Signature
from verification.eligibility import is_house_number
from verification.identity import identity_hash, identity_secret, name_problem
from verification.text import fold

from .support import csrf_token

BORN = date(1990, 1, 2)

# The fold as it was before look-alike letters and punctuation were folded: the
# reference that plain names must keep giving.
_SEPARATORS_BEFORE = re.compile(r"[\s\-\u2010-\u2015'\u2018\u2019\u02bc`´.]+")


def fold_before(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _SEPARATORS_BEFORE.sub(" ", stripped.casefold()).strip()


@pytest.mark.parametrize(
    ("name", "folded"),
    [
        ("Dupont", "dupont"),
        ("Van den Bossche", "van den bossche"),
        ("Lefèvre", "lefevre"),
        ("D'Hondt", "d hondt"),
        ("D’Hondt", "d hondt"),
        ("Müller-Lüdenscheidt", "muller ludenscheidt"),
        ("St. Pierre", "st pierre"),
        ("Straße", "strasse"),
        ("Nguyễn", "nguyen"),
        ("Łukasz", "łukasz"),
        ("Col·lell", "col·lell"),
        ("Coŀlell", "col·lell"),
        ("Jean-Pierre  Marie", "jean pierre marie"),
        ("王秀英", "王秀英"),
    ],
)
def test_the_fold_of_plain_names_is_the_one_stored_identities_were_made_with(
    name, folded
):
    assert fold(name) == folded == fold_before(name)


def test_a_plain_identity_keeps_its_stored_hash():
    assert identity_secret("Van den Bossche", "Zoë", BORN) == (
        "vandenbossche\x1fzoe\x1f1990-01-02"
    )
    assert identity_hash(b"test-identity-key", "Van den Bossche", "Zoë", BORN) == (
        "bec0a891d7f6f3f474cb9bcffe0c28be481ff7615f3c366d36381babfff0392a"
    )


LATIN_LETTERS = [
    chr(n)
    for n in range(0x41, 0x30000)
    if chr(n).isalpha() and categories.alias(chr(n)) == "LATIN"
]


@settings(max_examples=300)
@given(st.text(alphabet=st.sampled_from([*LATIN_LETTERS, " ", "-", "'", "’", "."])))
def test_every_plain_latin_name_folds_as_before(name):
    assert fold(name) == fold_before(name)


@pytest.mark.parametrize(
    ("spelling", "plain"),
    [
        ("Ρaul", "Paul"),  # a Greek capital Rho
        ("Рое", "Poe"),  # all Cyrillic
        ("ΡΟΕ", "poe"),  # all Greek capitals
        ("Іvan", "Ivan"),  # a Cyrillic capital І
        ("Dupont,", "Dupont"),
        ("Du_pont", "Dupont"),
        ("(Dupont)", "Dupont"),
        ("Ｄｕｐｏｎｔ", "Dupont"),  # full-width letters
    ],
)
def test_look_alike_letters_and_punctuation_make_no_new_person(spelling, plain):
    assert identity_secret(spelling, "Marie", BORN) == identity_secret(
        plain, "Marie", BORN
    )


def test_a_greek_name_folds_alike_in_capitals_and_small_letters():
    assert fold("ΑΛΈΞΑΝΔΡΟΣ") == fold("Αλέξανδρος")
    assert fold("ДМИТРИЙ") == fold("Дмитрий")


# Letters of other scripts that everyone reads as these Latin ones (a test's own table:
# the fold takes Unicode's data through confusable_homoglyphs).
LOOK_ALIKES = {
    "a": "аАΑα",
    "b": "ВΒ",
    "c": "сС",
    "e": "еЕΕ",
    "h": "һНΗ",
    "i": "іІΙ",
    "j": "јЈ",
    "k": "КΚ",
    "m": "МΜ",
    "n": "Ν",
    "o": "оОΟο",
    "p": "рРΡρ",
    "s": "ѕЅ",
    "t": "ТΤ",
    "x": "хХΧ",
    "y": "уΥ",
    "z": "Ζ",
}

words = st.lists(
    st.text(alphabet=string.ascii_lowercase, min_size=1, max_size=10),
    min_size=1,
    max_size=3,
)


@st.composite
def another_spelling(draw, name_words: list[str]) -> str:
    """Return the words spelt another way: case, accents, separators, look-alikes."""
    spelt = []
    for word in name_words:
        letters = []
        for letter in word:
            choice = draw(st.sampled_from(["same", "upper", "accent", "look-alike"]))
            if choice == "upper":
                letter = letter.upper()
            elif choice == "accent":
                letter = unicodedata.normalize("NFC", letter + "\u0301")
            elif choice == "look-alike" and letter in LOOK_ALIKES:
                letter = draw(st.sampled_from(LOOK_ALIKES[letter]))
            letters.append(letter)
        spelt.append("".join(letters))
    separators = st.sampled_from([" ", "-", "'", "’", ". ", "", ",", "_", " / "])
    text = spelt[0]
    for word in spelt[1:]:
        text += draw(separators) + word
    return text + draw(st.sampled_from(["", ",", ".", "_", " ;"]))


@settings(max_examples=300)
@given(st.data(), words, words)
def test_equivalent_spellings_give_one_identity(data, surname, first_names):
    plain = identity_secret(" ".join(surname), " ".join(first_names), BORN)
    other_surname = data.draw(another_spelling(surname))
    other_first_names = data.draw(another_spelling(first_names))
    assert identity_secret(other_surname, other_first_names, BORN) == plain


@settings(max_examples=300)
@given(words, words, words)
def test_different_people_stay_different(surname, first_names, other_surname):
    if "".join(surname) == "".join(other_surname):
        return
    one = identity_secret(" ".join(surname), " ".join(first_names), BORN)
    other = identity_secret(" ".join(other_surname), " ".join(first_names), BORN)
    assert one != other
    assert one != identity_secret(
        " ".join(surname), " ".join(first_names), date(1990, 1, 3)
    )


@pytest.mark.parametrize(
    "name",
    ["Dupont", "Van den Bossche", "D'Hondt", "O’Brien", "St. Pierre", "Zoë", "Nguyễn",
     "Zoe\u0301", "Col·lell", "Дмитрий", "Αλέξανδρος", "王秀英", "やまだ 花子", "Jean–Marie"],
)  # fmt: skip
def test_names_of_letters_and_name_separators_are_names(name):
    assert name_problem(name) is None


@pytest.mark.parametrize(
    ("name", "problem"),
    [
        ("Dupont,", "characters"),
        ("Du_pont", "characters"),
        ("Dupont2", "characters"),
        ("Dupont (Marie)", "characters"),
        ("<b>Dupont</b>", "characters"),
        ("Dupont😀", "characters"),
        ("- .", "characters"),
        ("Ρaul", "mixed_scripts"),
        ("Van den Воssche", "mixed_scripts"),
    ],
)
def test_anything_else_in_a_name_is_refused(name, problem):
    assert name_problem(name) == problem


@pytest.mark.parametrize(
    ("number", "valid"),
    [
        ("12", True), ("12A", True), ("12 b", True), ("12bis", True), ("12 ter", True),
        ("43-45", True), ("61/2", True), ("1", True),
        ("", False), ("12,", False), ("١٢", False), ("１２", False), ("12-", False),
        ("12 bte 3", False), ("A12", False), ("12 quater", False), ("1e5", False),
    ],
)  # fmt: skip
def test_house_numbers_take_the_brussels_forms_in_ascii_digits(number, valid):
    assert is_house_number(number) is valid


NAME_MESSAGE = {
    "en": "A name is made of letters",
    "fr": "Un nom est fait de lettres",
    "nl": "Een naam bestaat uit letters",
}
MIXED_MESSAGE = {
    "en": "in one alphabet",
    "fr": "dans un seul alphabet",
    "nl": "in één alfabet",
}
NUMBER_MESSAGE = {
    "en": "A house number is written in digits",
    "fr": "Un numéro de maison",
    "nl": "Een huisnummer bestaat uit cijfers",
}


def signatures() -> int:
    return db.session.scalar(select(func.count(Signature.id)))


@pytest.mark.parametrize("language", ["en", "fr", "nl"])
@pytest.mark.parametrize(
    ("field", "value", "messages"),
    [
        ("surname", "Janssens,", NAME_MESSAGE),
        ("first_names", "Ma_rie", NAME_MESSAGE),
        ("surname", "Jаnssens", MIXED_MESSAGE),  # a Cyrillic а
        ("house_number", "١٢٠", NUMBER_MESSAGE),
        ("house_number", "120 bte 3", NUMBER_MESSAGE),
    ],
)
def test_the_sign_form_refuses_other_names_and_numbers_in_the_visitors_language(
    client, sign, make_initiative, language, field, value, messages
):
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = language
    response = sign(make_initiative(), **{field: value})
    assert response.status_code == 400
    assert messages[language] in response.get_data(as_text=True)
    assert signatures() == 0


@pytest.mark.parametrize("number", ["43-45", "61/2", "12 bis", "120A"])
def test_the_sign_form_takes_every_brussels_house_number(sign, make_initiative, number):
    assert sign(make_initiative(), house_number=number).status_code == 303


def test_a_whole_word_in_look_alike_letters_signs_as_the_same_person(
    sign, make_initiative
):
    initiative = make_initiative()
    assert sign(initiative, surname="Рое").status_code == 303  # Cyrillic
    assert sign(initiative, surname="Poe", email="other@example.be").status_code == 303
    assert signatures() == 1  # the newest attempt replaced the pending one


def test_paper_entry_refuses_other_names_with_the_same_message(
    client, make_initiative, signed_in
):
    initiative = make_initiative()
    signed_in("secretariat")
    path = f"/secretariat/initiatives/{initiative.slug}/paper"
    row = {
        "surname": "Peeters_", "first_names": "Jan", "birth_date": "1970-05-04",
        "street": "Rue Haute", "house_number": "12", "box": "", "postcode": "1000",
        "email": "", "signed_on": "2027-03-01", "csrf_token": csrf_token(client, path),
    }  # fmt: skip
    response = client.post(path, data=row)
    assert response.status_code == 400
    assert NAME_MESSAGE["en"] in response.get_data(as_text=True)
    assert signatures() == 0


def test_the_paper_import_refuses_rows_with_other_names_or_numbers(
    client, make_initiative, signed_in
):
    import io

    initiative = make_initiative()
    signed_in("secretariat")
    path = f"/secretariat/initiatives/{initiative.slug}/paper"
    text = (
        "surname,first_names,birth_date,street,house_number,box,postcode,email,signed_on\n"
        "Peeters,Jan,1970-05-04,Rue Haute,12,,1000,,2027-03-01\n"
        "Ρeeters,Jan,1970-05-04,Rue Haute,12,,1000,,2027-03-01\n"
        "Maes,Els,1960-02-01,Rue Haute,١٢,,1000,,2027-03-01\n"
    )
    data = {
        "file": (io.BytesIO(text.encode()), "sheets.csv"),
        "csrf_token": csrf_token(client, path),
    }
    response = client.post(
        f"{path}/import", data=data, content_type="multipart/form-data"
    )
    page = response.get_data(as_text=True)
    assert "1 rows saved" in page or "1 row saved" in page
    assert '<th scope="row">3</th><td>unreadable</td>' in page
    assert '<th scope="row">4</th><td>unreadable</td>' in page
    assert MIXED_MESSAGE["en"] in page
    assert NUMBER_MESSAGE["en"] in page
    assert signatures() == 1
