"""French and Dutch complete, English as a third; the user's choice is remembered."""

import html
import re
from pathlib import Path

import flask_babel
import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po
from werkzeug.datastructures import MultiDict

from .support import body_text, confirmation_link, csrf_token

ROOT = Path(__file__).resolve().parent.parent
KEYWORDS = {
    "_": None,
    "gettext": None,
    "ngettext": (1, 2),
    "lazy_gettext": None,
    "_l": None,
}


def source_messages() -> set[str]:
    """Return every msgid marked for translation in the code and templates today."""
    with (ROOT / "babel.cfg").open() as handle:
        method_map, options_map = parse_mapping_cfg(handle)
    found = set()
    for _filename, _line, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map, options_map, keywords=KEYWORDS
    ):
        found.add(message[0] if isinstance(message, tuple) else message)
    return found


@pytest.mark.parametrize("language", ["fr", "nl", "en"])
def test_every_string_is_translated(language):
    with (ROOT / "translations" / language / "LC_MESSAGES" / "messages.po").open(
        "rb"
    ) as handle:
        catalog = read_po(handle)
    translated = {}
    for message in catalog:
        if not message.id:
            continue
        key = message.id[0] if isinstance(message.id, tuple) else message.id
        strings = (
            message.string if isinstance(message.string, tuple) else (message.string,)
        )
        translated[key] = all(strings) and not message.fuzzy
    missing = sorted(m for m in source_messages() if not translated.get(m))
    assert missing == [], f"untranslated in {language}: {missing[:10]}"


def test_the_browser_language_is_used_without_a_choice(app, make_initiative):
    make_initiative()
    client = app.test_client()
    dutch = client.get("/", headers={"Accept-Language": "nl-BE,nl;q=0.9"}).get_data(
        as_text=True
    )
    assert '<html lang="nl">' in dutch
    assert "Banken op de Grote Markt" in dutch
    # The test keeps one app context for all its requests; a real request has its own.
    flask_babel.refresh()
    french = client.get("/", headers={"Accept-Language": "de"}).get_data(as_text=True)
    assert '<html lang="fr">' in french
    assert "Des bancs sur la Grand-Place" in french


def test_the_language_switch_is_remembered_and_wins_over_the_browser(app):
    client = app.test_client()
    response = client.get(
        "/language/nl?next=/privacy", headers={"Accept-Language": "fr"}
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/privacy"
    page = client.get("/", headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert '<html lang="nl">' in page


@pytest.mark.parametrize(
    "target", ["https://evil.example/", "//evil.example/", "javascript:alert(1)"]
)
def test_the_language_switch_never_leaves_the_site(client, target):
    response = client.get("/language/fr", query_string={"next": target})
    assert response.headers["Location"] == "/"


def test_an_unknown_language_changes_nothing(client):
    response = client.get("/language/xx")
    assert "Set-Cookie" not in response.headers


def test_the_mail_goes_in_the_signatorys_chosen_language(
    client, make_initiative, sign, mailbox
):
    initiative = make_initiative()
    sign(initiative, language="nl")
    (message,) = mailbox()
    assert message["Content-Language"] == "nl"
    assert "Banken op de Grote Markt" in message["Subject"]
    assert "Bevestig" in message["Subject"]
    assert confirmation_link(message)
    assert "Stad Brussel" in body_text(message)


def test_a_french_signatory_gets_french_mail(make_initiative, sign, mailbox):
    sign(make_initiative(), language="fr")
    (message,) = mailbox()
    assert "Des bancs sur la Grand-Place" in message["Subject"]
    assert "Ville de Bruxelles" in body_text(message)


LANGUAGE_SWITCH = re.compile(
    r'<form method="post" action="([^"]+)" id="language-switch">(.*?)</form>'
)
HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)">')


def switch_after_post(client, page: str, code: str):
    """Press a language of a form's answer as a browser would: re-post its fields."""
    action, fields = LANGUAGE_SWITCH.search(page).groups()
    data = [(name, html.unescape(value)) for name, value in HIDDEN.findall(fields)]
    flask_babel.refresh()  # the test's one app context keeps the last locale
    return client.post(action, data=MultiDict([*data, ("switch_language", code)]))


def test_switching_language_after_a_sign_form_error_keeps_what_was_typed(
    client, make_initiative, sign
):
    initiative = make_initiative()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "fr"
    answer = sign(initiative, postcode="10OO", first_names="Marie-Ève")
    assert answer.status_code == 400
    switched = switch_after_post(client, answer.get_data(as_text=True), "nl")
    assert switched.status_code == 400
    page = switched.get_data(as_text=True)
    assert '<html lang="nl">' in page
    assert "Een postcode bestaat uit vier cijfers" in page
    assert 'value="10OO"' in page and 'value="Marie-Ève"' in page
    assert 'value="marie.janssens@example.be"' in page
    # The choice is remembered for the next pages.
    flask_babel.refresh()
    assert '<html lang="nl">' in client.get("/").get_data(as_text=True)


def test_switching_language_after_a_wrong_code_keeps_the_code(client, make_initiative):
    initiative = make_initiative()
    path = f"/initiatives/{initiative.slug}"
    answer = client.post(
        f"{path}/code",
        data={"csrf_token": csrf_token(client, path), "code": "K7QM-3XPA"},
    )
    assert answer.status_code == 400
    switched = switch_after_post(client, answer.get_data(as_text=True), "fr")
    assert switched.status_code == 400
    page = switched.get_data(as_text=True)
    assert '<html lang="fr">' in page and 'value="K7QM-3XPA"' in page


def test_a_page_that_can_be_fetched_again_keeps_its_language_link(client):
    page = client.get("/privacy").get_data(as_text=True)
    assert 'id="language-switch"' not in page
    assert 'href="/language/nl?next=/privacy' in page
