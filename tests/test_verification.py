"""The pure library: identities, tokens and eligibility, with no app."""

from datetime import UTC, date, datetime, timedelta

import pytest

from verification.eligibility import (
    EligibilityError,
    StreetSegment,
    age_on,
    check_age,
    has_house_number,
    house_number_value,
    resolve_address,
    street_key,
)
from verification.identity import code_hash, email_hash, identity_hash, normalise_name
from verification.tokens import TokenExpired, TokenInvalid, TokenService

KEY = b"k" * 32
NOW = datetime(2027, 3, 10, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("written", "folded"),
    [
        ("Van den Bossche-Dupont", "van den bossche dupont"),
        ("  ZOË ", "zoe"),
        ("D'Hondt", "d hondt"),
        ("D’Hondt", "d hondt"),
        ("Müller-Lüdenscheidt", "muller ludenscheidt"),
        ("Straße", "strasse"),
    ],
)
def test_names_fold_accents_case_and_separators(written, folded):
    assert normalise_name(written) == folded


@pytest.mark.parametrize(
    ("surname", "first_names"),
    [
        ("vandenbossche dupont", "zoe"),
        ("VAN DEN BOSSCHE DUPONT", "Zoé"),
        ("Van-den-Bossche Dupont", "ZOË"),
        ("van den bossche-dupont", " zoe "),
    ],
)
def test_one_person_written_many_ways_has_one_identity(surname, first_names):
    reference = identity_hash(KEY, "Van den Bossche-Dupont", "Zoë", date(1990, 5, 1))
    assert identity_hash(KEY, surname, first_names, date(1990, 5, 1)) == reference


def test_another_birth_date_or_key_is_another_identity():
    reference = identity_hash(KEY, "Dupont", "Zoë", date(1990, 5, 1))
    assert identity_hash(KEY, "Dupont", "Zoë", date(1990, 5, 2)) != reference
    assert identity_hash(b"other", "Dupont", "Zoë", date(1990, 5, 1)) != reference
    assert identity_hash(KEY, "Dupont", "Zoëlle", date(1990, 5, 1)) != reference


def test_email_and_code_hashes_ignore_case_and_dashes():
    assert email_hash(KEY, " A@Example.BE") == email_hash(KEY, "a@example.be")
    assert code_hash(KEY, "k7qm3xpa") == code_hash(KEY, "K7QM-3XPA")
    assert code_hash(KEY, "K7QM-3XPB") != code_hash(KEY, "K7QM-3XPA")


@pytest.mark.parametrize(
    ("born", "day", "age"),
    [
        (date(2011, 3, 10), date(2027, 3, 10), 16),
        (date(2011, 3, 11), date(2027, 3, 10), 15),
        (date(2008, 2, 29), date(2024, 2, 28), 15),
        (date(2008, 2, 29), date(2024, 2, 29), 16),
        (date(2008, 2, 29), date(2025, 2, 28), 16),
        (date(2009, 2, 28), date(2025, 2, 28), 16),
    ],
)
def test_age_on_a_day(born, day, age):
    assert age_on(born, day) == age


def test_sixteen_exactly_may_sign_but_not_fifteen_years_364_days():
    day = date(2027, 3, 10)
    check_age(date(2011, 3, 10), day, 16)
    with pytest.raises(EligibilityError) as refused:
        check_age(date(2011, 3, 11), day, 16)
    assert refused.value.reason == "too_young"


def test_a_birth_date_in_the_future_is_refused():
    with pytest.raises(EligibilityError) as refused:
        check_age(date(2027, 3, 11), date(2027, 3, 10), 16)
    assert refused.value.reason == "born_in_future"


@pytest.mark.parametrize(
    ("typed", "value"),
    [("12", 12), ("12A", 12), ("12 bte 3", 12), ("bis", None), ("", None)],
)
def test_house_numbers_read_their_leading_number(typed, value):
    assert house_number_value(typed) == value


LOUISE = [
    StreetSegment("1050", in_city=False, number_from=24, number_to=52),
    StreetSegment(
        "1050", in_city=True, number_from=54, number_to=587, neighbourhood="Louise"
    ),
    StreetSegment("1000", in_city=True, neighbourhood="Louise"),
]


@pytest.mark.parametrize(
    ("postcode", "number", "reason"),
    [
        ("1050", "30", "not_in_city"),
        ("1050", "12", "not_in_city"),
        ("1060", "100", "wrong_postcode"),
        ("1050", "", "not_in_city"),
    ],
)
def test_split_streets_refuse_the_other_municipalitys_numbers(postcode, number, reason):
    with pytest.raises(EligibilityError) as refused:
        resolve_address(LOUISE, postcode, number)
    assert refused.value.reason == reason


def test_split_streets_accept_the_citys_numbers():
    assert resolve_address(LOUISE, "1050", "100 bte 2").neighbourhood == "Louise"
    assert resolve_address(LOUISE, "1000", "5").in_city


def test_an_unknown_street_is_refused():
    with pytest.raises(EligibilityError) as refused:
        resolve_address([], "1000", "1")
    assert refused.value.reason == "unknown_street"


def test_street_names_match_in_any_case_and_without_accents():
    assert street_key("RUE DE L'EVEQUE") == street_key("Rue de l’Évêque")


@pytest.mark.parametrize(
    ("typed", "registered"),
    [
        ("Av. Louise", "Avenue Louise"),
        ("Bd Anspach", "Boulevard Anspach"),
        ("Bld. Anspach", "Boulevard Anspach"),
        ("Pl. du Jeu de Balle", "Place du Jeu de Balle"),
        ("Chée de Vilvorde", "Chaussée de Vilvorde"),
        ("Hoogstr.", "Hoogstraat"),
        ("Anspachln.", "Anspachlaan"),
        ("Anspach Ln.", "Anspachlaan"),
        ("Vilvoordsestwg", "Vilvoordsesteenweg"),
        ("Vossenpl.", "Vossenplein"),
    ],
)
def test_the_usual_street_abbreviations_read_as_their_words(typed, registered):
    assert street_key(typed) == street_key(registered)


@pytest.mark.parametrize(
    ("typed", "number"),
    [
        ("Rue Haute 120", True),
        ("120, rue Haute", True),
        ("Rue Haute 12A", True),
        ("Rue Haute 12 bte 3", True),
        ("Rue du 11 Novembre", False),
        ("Rue Haute", False),
    ],
)
def test_a_number_typed_at_an_end_of_the_street_is_seen(typed, number):
    assert has_house_number(typed) is number


def service():
    return TokenService(["old-key", "new-key"], "confirm-signature")


@pytest.mark.parametrize(("age", "valid"), [(-1, True), (0, True), (1, False)])
def test_tokens_expire_after_max_age(age, valid):
    token = service().dumps({"sig": 7}, NOW)
    later = NOW + timedelta(seconds=3600 + age)
    if valid:
        assert service().loads(token, max_age=3600, now=later)["sig"] == 7
    else:
        with pytest.raises(TokenExpired) as expired:
            service().loads(token, max_age=3600, now=later)
        assert expired.value.payload["sig"] == 7


def test_tampered_tokens_are_invalid():
    token = service().dumps({"sig": 7}, NOW)
    flipped = token[:-2] + ("A" if token[-2] != "A" else "B") + token[-1]
    with pytest.raises(TokenInvalid):
        service().loads(flipped, max_age=3600, now=NOW)
    with pytest.raises(TokenInvalid):
        service().loads("not-a-token", max_age=3600, now=NOW)


def test_a_token_for_another_purpose_is_invalid():
    other = TokenService(["old-key", "new-key"], "manage-initiative")
    token = other.dumps({"sig": 7}, NOW)
    with pytest.raises(TokenInvalid):
        service().loads(token, max_age=3600, now=NOW)


def test_tokens_signed_with_a_retired_key_still_verify():
    token = TokenService(["old-key"], "confirm-signature").dumps({"sig": 7}, NOW)
    assert service().loads(token, max_age=3600, now=NOW)["sig"] == 7
    with pytest.raises(TokenInvalid):
        TokenService(["new-key"], "confirm-signature").loads(
            token, max_age=3600, now=NOW
        )
