"""Bad input: a 400 with a message in the user's language, and nothing stored."""

from urllib.parse import quote

import pytest
from flask_babel import refresh
from sqlalchemy import func, select

from petitions.extensions import db
from petitions.initiatives import operations as initiative_operations
from petitions.models import OutboxMessage, Signature

from .support import act, csrf_token, signatory


def table_counts() -> dict[str, int]:
    return {
        table.name: db.session.scalar(select(func.count()).select_from(table))
        for table in db.metadata.sorted_tables
    }


def nothing_stored() -> bool:
    return (
        db.session.scalar(select(func.count(Signature.id))) == 0
        and db.session.scalar(select(func.count(OutboxMessage.id))) == 0
    )


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"surname": ""}, "Please enter your surname."),
        ({"first_names": None}, "Please enter your first names."),
        ({"birth_date": ""}, "Please enter your date of birth."),
        ({"street": "   "}, "Please enter your street."),
        ({"house_number": ""}, "Please enter your house number."),
        ({"postcode": ""}, "Please enter your postcode."),
        ({"email": ""}, "Please enter your e-mail address."),
        ({"consent": None}, "Your signature can only be counted with your consent."),
        ({"language": "de"}, "Please choose a language."),
        ({"surname": "x" * 10_000}, "Please use at most 100 characters."),
        ({"street": "Rue Haute" + "e" * 10_000}, "Please use at most 120 characters."),
        ({"email": "a" * 10_000 + "@example.be"}, "Please use at most 254 characters."),
        ({"surname": "Jans\x00sens"}, "invisible control characters"),
        ({"first_names": "Marie\nJeanne"}, "invisible control characters"),
        ({"street": "Rue\u202eHaute"}, "invisible control characters"),
        ({"birth_date": "1985-02-30"}, "Please enter a real date"),
        ({"birth_date": "yesterday"}, "Please enter a real date"),
        ({"birth_date": "1885-01-01"}, "Please check the year"),
        ({"birth_date": "2027-03-11"}, "A date of birth cannot be in the future."),
        ({"birth_date": "2011-03-11"}, "Only residents aged 16 or more"),
        ({"postcode": "10000"}, "A postcode has four digits"),
        ({"email": "not-an-address"}, "Please enter a valid e-mail address"),
        (
            {"street": "Chaussée d'Ixelles", "postcode": "1050", "house_number": "100"},
            "not in the City of Brussels",
        ),
        (
            {"street": "Place Jourdan", "postcode": "1040", "house_number": "1"},
            "not in the City of Brussels",
        ),
        (
            {"street": "Rue de Nulle Part", "postcode": "1000"},
            "We do not find this street",
        ),
        (
            {"street": "Rue Haute", "postcode": "1020"},
            "does not run through this postcode",
        ),
    ],
)
def test_bad_sign_forms_are_refused_with_a_message_and_store_nothing(
    sign, make_initiative, overrides, message
):
    response = sign(make_initiative(), **overrides)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert message in page
    assert 'aria-invalid="true"' in page or "error-summary" in page
    assert nothing_stored()


def test_sixteen_today_may_sign(sign, make_initiative):
    # The clock says 10 March 2027.
    assert sign(make_initiative(), birth_date="2011-03-10").status_code == 303


def test_a_missing_csrf_token_is_refused(client, make_initiative):
    initiative = make_initiative()
    response = client.post(f"/initiatives/{initiative.slug}/sign", data=signatory())
    assert response.status_code == 400
    assert "The form has expired" in response.get_data(as_text=True)
    assert nothing_stored()


def test_a_one_megabyte_body_is_refused(client, make_initiative):
    initiative = make_initiative()
    data = signatory(surname="x" * 1_000_000)
    data["csrf_token"] = csrf_token(client, f"/initiatives/{initiative.slug}")
    response = client.post(f"/initiatives/{initiative.slug}/sign", data=data)
    assert response.status_code == 400
    assert "too large" in response.get_data(as_text=True)
    assert nothing_stored()


def test_script_in_a_field_is_shown_as_text_never_run(sign, make_initiative):
    response = sign(make_initiative(), surname="<script>alert(1)</script>", email="bad")
    page = response.get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_error_messages_follow_the_users_language(client, make_initiative, sign):
    client.get("/language/nl")
    response = sign(make_initiative(), surname="")
    assert response.status_code == 400
    assert "Please enter your surname." not in response.get_data(as_text=True)
    assert 'lang="nl"' in response.get_data(as_text=True)


def test_an_unknown_initiative_is_a_404(sign, client):
    assert client.get("/initiatives/nope").status_code == 404


@pytest.mark.parametrize(
    "next_value",
    ["/\r\nSet-Cookie: x=1", "/%0d%0aSet-Cookie: x=1", "http://[", "/\u2028"],
)
def test_a_line_break_or_broken_address_in_next_goes_home(client, next_value):
    query = "next=" + quote(next_value, safe="%")
    response = client.get("/language/nl", environ_overrides={"QUERY_STRING": query})
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert "x=1" not in response.headers.get("Set-Cookie", "")


def test_a_query_string_that_is_not_utf8_is_a_bad_request_in_the_visitors_language(
    client,
):
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "nl"
    response = client.get("/feedback", environ_overrides={"QUERY_STRING": "page=/\xff"})
    assert response.status_code == 400
    assert '<html lang="nl"' in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "path",
    [
        "/initiatives/%00",
        "/initiatives/%00/widget",
        "/api/v1/initiatives/%00",
        "/api/v1/initiatives/%00/log",
        "/i/%00",
        "/feedback?page=%00",
        "/language/nl?next=/%00",
    ],
)
def test_a_nul_character_in_an_address_is_a_bad_request_on_every_database(client, path):
    # PostgreSQL refuses NUL in any text it compares: asked for it, it raised (a 500).
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "nl"
    response = client.get(path)
    assert response.status_code == 400
    assert '<html lang="nl"' in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("action", "fields", "message"),
    [
        ("meeting", {"starts_at": "0001-01-01T00:00", "place": "Stadhuis"}, "jaar"),
        ("meeting", {"starts_at": "9999-12-31T23:59", "place": "Stadhuis"}, "jaar"),
        ("agenda", {"agenda_date": "0001-01-01"}, "jaar"),
        ("vote", {"vote_date": "9999-12-31", "outcome": "adopted",
                  "minutes_url": "https://www.bruxelles.be/pv.pdf"}, "jaar"),
    ],
)  # fmt: skip
def test_council_dates_in_year_1_or_9999_are_refused_in_the_visitors_language(
    client, signed_in, make_filed_initiative, clock, action, fields, message
):

    initiative = make_filed_initiative()
    staff = signed_in("president")
    initiative_operations.record_verification(initiative, staff, 1, 0, clock.now)
    db.session.commit()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "nl"
    refresh()  # the language of the requests before, kept in the test's app context
    before = table_counts()
    response = act(client, initiative, action, **fields)
    assert response.status_code == 400
    assert "Controleer het jaar: het moet tussen 2000 en 2199 liggen." in (
        response.get_data(as_text=True)
    )
    assert table_counts() == before


@pytest.mark.parametrize("count", [str(10**20), "9" * 400, "1000001"])
def test_a_count_beyond_the_citys_population_is_refused(
    client, signed_in, make_filed_initiative, count
):

    initiative = make_filed_initiative()
    signed_in("secretariat")
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "fr"
    refresh()  # the language of the requests before, kept in the test's app context
    before = table_counts()
    response = act(client, initiative, "verification", valid=count, invalid="0")
    assert response.status_code == 400
    assert "Un nombre ne peut pas dépasser 1000000" in response.get_data(as_text=True)
    assert table_counts() == before


def test_the_date_of_birth_is_three_labelled_fields_not_a_calendar(
    client, make_initiative
):
    """A phone's date picker opens on today's month and swallows typing."""
    page = client.get(f"/initiatives/{make_initiative().slug}").get_data(as_text=True)
    assert 'type="date"' not in page
    group = page[page.index('class="field date-input') : page.index("</fieldset>")]
    assert "<legend>Date of birth</legend>" in group
    for part, label in (("day", "Day"), ("month", "Month"), ("year", "Year")):
        assert f'name="birth_date-{part}"' in group
        assert f">{label}</label>" in group
    assert group.count('inputmode="numeric"') == 3


@pytest.mark.parametrize(
    ("parts", "message"),
    [
        ({"birth_date-month": ""}, "Please enter a real date of birth"),
        ({"birth_date-day": "31", "birth_date-month": "2"}, "a real date of birth"),
        ({"birth_date-day": "١٥"}, "a real date of birth"),  # Arabic-Indic digits
        ({"birth_date-year": "85"}, "Please check the year"),
    ],
)
def test_a_date_of_birth_missing_a_part_or_unreal_is_refused_and_kept(
    sign, make_initiative, parts, message
):
    response = sign(make_initiative(), **parts)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert message in page
    for name, value in parts.items():
        assert f'name="{name}" value="{value}"' in page
    assert nothing_stored()


def test_a_date_of_birth_in_single_digits_signs(sign, make_initiative):
    assert sign(make_initiative(), birth_date="1985-6-5").status_code == 303


def test_a_number_typed_into_the_street_is_asked_for_in_its_own_field(
    sign, make_initiative
):
    response = sign(make_initiative(), street="Rue Haute 120", house_number="")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Please put the house number in its own field." in page
    assert 'value="Rue Haute 120"' in page
    assert nothing_stored()
