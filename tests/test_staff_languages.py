"""Staff pages in French and Dutch: states, reasons and columns are named in the page's
language; the technical names a file keeps, and words in another language, are marked
with their own language."""

import io
import re
from html import unescape

import pytest
from flask_babel import refresh

from petitions.dossier.register_check import VERDICTS
from petitions.initiatives.labels import REASONS
from petitions.models import InitiativeState
from petitions.paper.forms import COLUMNS

from .support import csrf_token

S = InitiativeState
OUTCOMES = ("accepted", "not_resident", "under_age", "unreadable")
STATES = [state.value for state in S]


def visible(page: str) -> str:
    """Return the text a reader sees in <main>, without what is marked as English."""
    main = re.search(r"<main.*?</main>", page, re.S).group(0)
    main = re.sub(r'<(\w+)[^>]*\blang="en"[^>]*>.*?</\1>', " ", main, flags=re.S)
    return unescape(re.sub(r"<[^>]+>", " ", main))


def raw_codes(text: str) -> set[str]:
    """Return the technical names that show as words of the page's text."""
    codes = {*STATES, *REASONS, *OUTCOMES, *COLUMNS, *VERDICTS} - {
        "postcode"
    }  # Dutch word too
    return {code for code in codes if re.search(rf"(?<![\w-]){code}(?![\w-])", text)}


@pytest.fixture(params=["fr", "nl"])
def staff_page(request, client, signed_in):
    """Sign a secretariat member in and return a getter of pages in one language."""
    signed_in("secretariat")
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = request.param
    refresh()
    return request.param


def test_the_dashboard_and_initiative_pages_show_no_technical_code(
    client, make_initiative, make_signature, staff_page
):
    pages = []
    for state in S:
        initiative = make_initiative(state=state, representatives=2)
        if state is S.collecting:
            make_signature(initiative)
            pages.append(f"/secretariat/initiatives/{initiative.slug}/fraud")
            pages.append(f"/secretariat/initiatives/{initiative.slug}/paper")
        pages.append(f"/secretariat/initiatives/{initiative.slug}")
    pages.append("/secretariat/")
    for path in pages:
        answer = client.get(path)
        assert answer.status_code == 200, path
        assert raw_codes(visible(answer.get_data(as_text=True))) == set()


def test_a_representatives_language_is_marked_in_its_own_language(
    client, make_initiative, staff_page
):
    initiative = make_initiative(state=S.submitted, representatives=2)
    page = client.get(f"/secretariat/initiatives/{initiative.slug}").get_data(
        as_text=True
    )
    assert '<td lang="fr">Français</td>' in page
    assert '<td lang="nl">Nederlands</td>' in page


def test_the_paper_columns_are_explained_in_the_pages_language(
    client, make_initiative, staff_page
):
    initiative = make_initiative()
    page = client.get(f"/secretariat/initiatives/{initiative.slug}/paper").get_data(
        as_text=True
    )
    birth = {"fr": "Date de naissance", "nl": "Geboortedatum"}[staff_page]
    assert f'<dt><code lang="en">birth_date</code></dt><dd>{birth}</dd>' in page
    assert f'<code lang="en">{",".join(COLUMNS)}</code>' in page
    assert raw_codes(visible(page)) == set()


def test_missing_columns_are_named_as_in_the_file_and_marked_english(
    client, make_initiative, staff_page
):
    initiative = make_initiative()
    path = f"/secretariat/initiatives/{initiative.slug}/paper"
    answer = client.post(
        f"{path}/import",
        data={
            "file": (io.BytesIO(b"name;street\nPeeters;Rue Haute\n"), "sheets.csv"),
            "csrf_token": csrf_token(client, path),
        },
        content_type="multipart/form-data",
    )
    assert answer.status_code == 400
    page = answer.get_data(as_text=True)
    assert '<code lang="en">surname</code>, <code lang="en">first_names</code>' in page
    assert raw_codes(visible(page)) == set()


def test_the_paper_report_names_outcomes_in_the_pages_language(
    client, make_initiative, staff_page
):
    initiative = make_initiative()
    path = f"/secretariat/initiatives/{initiative.slug}/paper"
    rows = (
        ",".join(COLUMNS) + "\n"
        "Jonge,Tom,2011-02-01,Rue Haute,3,,1000,,2027-01-15\n"
        ",Luc,1980-13-01,Rue Haute,3,,1000,,2027-03-01\n"
    )
    answer = client.post(
        f"{path}/import",
        data={
            "file": (io.BytesIO(rows.encode()), "sheets.csv"),
            "csrf_token": csrf_token(client, path),
        },
        content_type="multipart/form-data",
    )
    assert answer.status_code == 200
    page = answer.get_data(as_text=True)
    assert {"fr": "illisible", "nl": "onleesbaar"}[staff_page] in page
    assert raw_codes(visible(page)) == set()


def test_the_verdict_report_marks_the_files_verdict_names_as_english(
    client, make_initiative, make_signature, staff_page
):
    initiative = make_initiative(state=S.filed)
    signature = make_signature(initiative)
    page = f"/secretariat/initiatives/{initiative.slug}"
    rows = f"reference,verdict,reason\nS-{signature.id},maybe,\n"
    answer = client.post(
        f"{page}/register-import",
        data={
            "verdicts-file": (io.BytesIO(rows.encode()), "verdicts.csv"),
            "verdicts-csrf_token": csrf_token(client, page),
        },
        content_type="multipart/form-data",
    )
    assert answer.status_code == 400
    html = answer.get_data(as_text=True)
    assert '<code lang="en">valid</code>' in html
    assert '<code lang="en">invalid</code>' in html
    assert "maybe" in html
    assert raw_codes(visible(html)) == set()
