"""The initiators' way in: the home page and every footer lead to starting an
initiative and to a management link, through a "how it works" page whose figures and
criteria are the rules the service applies."""

import re
from html import unescape

import pytest

from petitions.secretariat.forms import checklist_questions


def links(page: str) -> set[str]:
    return set(re.findall(r'<a [^>]*href="([^"]+)"', page))


def footer(page: str) -> str:
    return re.search(r"<footer.*?</footer>", page, re.S).group(0)


def text(page: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", page)).split())


def test_the_home_page_leads_to_how_it_works_and_to_a_management_link(client):
    main = re.search(
        r"<main.*?</main>", client.get("/").get_data(as_text=True), re.S
    ).group(0)
    assert {"/how-it-works", "/manage/request"} <= links(main)


@pytest.mark.parametrize("path", ["/", "/privacy", "/how-it-works", "/manage/request"])
def test_every_footer_leads_to_starting_and_managing_an_initiative(client, path):
    assert {"/how-it-works", "/manage/request"} <= links(
        footer(client.get(path).get_data(as_text=True))
    )


def test_how_it_works_leads_to_the_draft_form_and_to_a_new_link(client):
    response = client.get("/how-it-works")
    assert response.status_code == 200
    assert {"/initiatives/new", "/manage/request"} <= links(
        re.search(r"<main.*?</main>", response.get_data(as_text=True), re.S).group(0)
    )


def test_how_it_works_takes_its_figures_from_the_configuration(app, client):
    app.config.update(
        SIGNATURE_THRESHOLD=1500,
        COLLECTION_MONTHS=9,
        COUNCIL_DEADLINE_MONTHS=6,
        MAX_REPRESENTATIVES=2,
        RETENTION_ENDED_MONTHS=2,
        RESUBMISSION_MONTHS=7,
    )
    page = text(client.get("/how-it-works").get_data(as_text=True))
    assert "needs 1,500 confirmed signatures, collected within 9 months" in page
    assert "vote on the initiative within 6 months of the filing" in page
    assert "one to 2 representatives" in page
    assert "personal data is deleted 2 months later" in page
    assert "2,000" not in page and "12 months" not in page
    home = text(client.get("/").get_data(as_text=True))
    assert "at least 1,500 residents" in home
    assert "within 6 months" in home


def test_how_it_works_lists_the_secretariats_admissibility_checklist(app, client):
    app.config["RESUBMISSION_MONTHS"] = 18
    page = text(client.get("/how-it-works").get_data(as_text=True))
    with app.test_request_context():
        questions = [str(q) for q in checklist_questions().values()]
    assert len(questions) == 6
    for question in questions:
        assert question in page
    assert "decided in the last 18 months" in page


def test_how_it_works_says_what_happens_below_the_threshold(client):
    page = text(client.get("/how-it-works").get_data(as_text=True))
    assert "If the collection ends below the threshold" in page
    assert "the initiative is closed: it does not go to the council" in page


def test_how_it_works_is_translated(client):
    page = client.get("/how-it-works", headers={"Accept-Language": "nl"})
    body = text(page.get_data(as_text=True))
    assert 'lang="nl"' in page.get_data(as_text=True)
    assert "How a citizens' initiative works" not in body
