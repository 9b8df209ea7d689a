"""Every word a template shows goes through the translation catalog, and is translated.

The first test reads every template under ``templates/`` as Jinja's lexer sees it: text
outside ``{{ }}``, ``{% %}`` and ``{# #}`` is what the template writes as is. Of that text,
what a reader sees or hears (the text between HTML tags and the ``title``, ``alt``,
``aria-label`` and ``placeholder`` attributes) must hold no word: words belong in
``{{ _("...") }}``. The second test catches a translation that only copies the English.
"""

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from jinja2 import Environment

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "templates"
TRANSLATABLE_ATTRIBUTES = {"title", "alt", "aria-label", "placeholder"}
HIDDEN_ELEMENTS = {"script", "style"}
BUTTON_TYPES = {"submit", "button", "reset"}
# A Jinja expression or tag in the text: not a letter, and it keeps neighbours apart.
PLACEHOLDER = "\ue000"

# Words a template may show untranslated.
ALLOWED_WORDS = {
    # Each language's name is written in that language, whatever the page's language.
    "Français",
    "Nederlands",
    "English",
}
# Addresses are not words: e-mail addresses and host names (example.brussels ...).
ADDRESS = re.compile(r"\S+@\S+|\b[\w-]+(?:\.[\w-]+)+\b|https?://\S+")
WORD = re.compile(r"[^\W\d_]+")
# Only lexed, never rendered: autoescape changes nothing here (and keeps linters calm).
LEXER = Environment(autoescape=True)


class VisibleText(HTMLParser):
    """Collect the text a reader meets in an HTML template, with its line."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[int, str]] = []
        self.hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in HIDDEN_ELEMENTS:
            self.hidden += 1
        self._attributes(tag, attrs)

    def handle_startendtag(self, tag, attrs):
        self._attributes(tag, attrs)

    def _attributes(self, tag, attrs):
        shown = set(TRANSLATABLE_ATTRIBUTES)
        # A button written as <input type="submit" value="..."> shows its value.
        if tag == "input" and dict(attrs).get("type") in BUTTON_TYPES:
            shown.add("value")
        for name, value in attrs:
            if name in shown and value:
                self.found.append((self.getpos()[0], value))

    def handle_endtag(self, tag):
        if tag in HIDDEN_ELEMENTS and self.hidden:
            self.hidden -= 1

    def handle_data(self, data):
        if not self.hidden:
            self.found.append((self.getpos()[0], data))


def literal_text(source: str) -> str:
    """Return the template's own text, every Jinja construct replaced by a placeholder."""
    parts = []
    for _line, token, value in LEXER.lex(source):
        if token == "data":
            parts.append(value)
            continue
        if token in ("variable_begin", "block_begin"):
            parts.append(PLACEHOLDER)
        # Keep line numbers true: a construct may span lines.
        parts.append("\n" * value.count("\n"))
    return "".join(parts)


def words_outside_jinja(path: Path) -> list[tuple[int, str]]:
    """Return (line, text) of every piece of visible text that holds a word."""
    text = literal_text(path.read_text(encoding="utf-8"))
    if path.suffix == ".html":
        parser = VisibleText()
        parser.feed(text)
        parser.close()
        pieces = parser.found
    else:
        pieces = [(n, line) for n, line in enumerate(text.splitlines(), start=1)]
    found = []
    for line, piece in pieces:
        words = set(WORD.findall(ADDRESS.sub(" ", piece))) - ALLOWED_WORDS
        if words:
            found.append((line, " ".join(piece.replace(PLACEHOLDER, "…").split())))
    return found


TRANSLATION_CALLS = {"_", "gettext", "ngettext"}
# A phrase in a string literal: two words with a space between them.
PHRASE = re.compile(r"[^\W\d_]{2,}\s+[^\W\d_]{2,}")


def unmarked_phrases(path: Path) -> list[tuple[int, str]]:
    """Return (line, text) of phrases in Jinja string literals outside _() and its kin.

    ``{{ field(f, hint="Type here") }}`` writes words too: a string literal that reads as
    a phrase must be the message (or ngettext's plural) of a translation call.
    """
    tokens = [
        t for t in LEXER.lex(path.read_text(encoding="utf-8")) if t[1] != "whitespace"
    ]
    found, marked = [], set()
    for i, (line, token, value) in enumerate(tokens):
        if token != "string":
            continue
        before = [t[2] for t in tokens[max(0, i - 2) : i]]
        is_message = before[-1:] == ["("] and before[0] in TRANSLATION_CALLS
        is_plural = before[-1:] == [","] and i - 2 in marked
        if is_message or is_plural:
            marked.add(i)
        elif PHRASE.search(ADDRESS.sub(" ", value[1:-1])):
            found.append((line, value[1:-1]))
    return found


def template_paths() -> list[Path]:
    return sorted(p for p in TEMPLATES.rglob("*") if p.suffix in (".html", ".txt"))


def test_the_checker_finds_a_word_outside_the_translation_calls(tmp_path):
    template = tmp_path / "page.html"
    template.write_text(
        '{% block x %}<p title="Hello">{{ _("Fine") }} Oops</p>'
        '<img alt="{{ _("Fine") }}"><span lang="nl">Nederlands</span>'
        '<input type="submit" value="Send"><input type="hidden" value="abc">'
        "<script>var words;</script>{# a comment #} – 12 example.brussels{% endblock %}"
    )
    assert words_outside_jinja(template) == [
        (1, "Hello"),
        (1, "… Oops"),
        (1, "Send"),
    ]


@pytest.mark.parametrize(
    "path", template_paths(), ids=lambda p: str(p.relative_to(TEMPLATES))
)
def test_no_template_shows_words_not_marked_for_translation(path):
    assert words_outside_jinja(path) == []


def test_the_checker_finds_a_phrase_passed_as_a_plain_string(tmp_path):
    template = tmp_path / "page.html"
    template.write_text(
        '{{ field(f, hint="Type your name") }}{{ _("Fine words") }}'
        '{{ ngettext("%(num)s day", "%(num)s days", n) }}'
        "{{ url_for('public.index') }}{% if a == 'two words' %}{% endif %}"
    )
    assert unmarked_phrases(template) == [(1, "Type your name"), (1, "two words")]


@pytest.mark.parametrize(
    "path", template_paths(), ids=lambda p: str(p.relative_to(TEMPLATES))
)
def test_no_template_passes_a_phrase_not_marked_for_translation(path):
    assert unmarked_phrases(path) == []


# Translations that may equal their English source: words that all three languages share.
SAME_IN_EVERY_LANGUAGE: set[str] = set()


@pytest.mark.parametrize("language", ["fr", "nl"])
def test_no_translation_is_a_copy_of_the_english(language):
    path = ROOT / "translations" / language / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as handle:
        catalog = read_po(handle)
    copies = []
    for message in catalog:
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = (
            message.string if isinstance(message.string, tuple) else (message.string,)
        )
        if not ids[0] or ids[0] in SAME_IN_EVERY_LANGUAGE:
            continue
        if len(ids[0].split()) > 3 and any(s == ids[0] for s in strings):
            copies.append(ids[0])
    assert copies == [], f"copied from English in {language}: {copies[:10]}"
