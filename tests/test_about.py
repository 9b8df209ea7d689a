"""The accessibility statement and the feedback form that reaches the secretariat."""

import re
from html import unescape

import flask_babel
import pytest
from sqlalchemy import select

from petitions.extensions import db
from petitions.models import AuditEntry, OutboxMessage

from .support import body_text, csrf_token

STATEMENT_SECTIONS = [
    "Accessibility statement",
    "Compliance status",
    "Non-accessible content",
    "Preparation of this accessibility statement",
    "Feedback and contact information",
    "Enforcement procedure",
]


def headings(page: str) -> list[str]:
    return [
        unescape(re.sub(r"<[^>]+>", "", h)).strip()
        for h in re.findall(r"<h[12][^>]*>(.*?)</h[12]>", page, re.S)
    ]


def input_value(page: str, name: str) -> str:
    tag = re.search(rf'<input[^>]*name="{name}"[^>]*>', page).group(0)
    value = re.search(r'value="([^"]*)"', tag)
    return unescape(value.group(1)) if value else ""


def feedback(client, **fields):
    data = {"message": "The sign button is hard to find.", "language": "fr"}
    data.update(fields)
    data["csrf_token"] = csrf_token(client, "/feedback")
    return client.post("/feedback", data=data)


def feedback_audit() -> list[AuditEntry]:
    return list(
        db.session.scalars(
            select(AuditEntry).where(AuditEntry.action == "feedback-received")
        )
    )


def test_the_statement_has_the_sections_of_the_eu_model(client):
    page = client.get("/accessibility").get_data(as_text=True)
    assert headings(page) == STATEMENT_SECTIONS
    assert "partially compliant" in page
    assert "EN 301 549" in page and "WCAG" in page
    assert "not a tagged PDF" in page
    assert "November 26, 2026" in page
    assert "accessibility@example.brussels" in page
    assert "Grand-Place 1, 1000 Brussels" in page
    assert 'href="/feedback?page=/accessibility"' in page


@pytest.mark.parametrize("language", ["fr", "nl"])
def test_the_statement_is_served_in_french_and_dutch(app, language):
    client = app.test_client()
    english = client.get("/accessibility", headers={"Accept-Language": "en"})
    flask_babel.refresh()
    page = client.get("/accessibility", headers={"Accept-Language": language})
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert f'<html lang="{language}">' in text
    assert text != english.get_data(as_text=True)


@pytest.mark.parametrize(
    "path", ["/", "/privacy", "/accessibility", "/feedback", "/no-such-page"]
)
def test_every_page_footer_links_the_statement_and_the_feedback_form(client, path):
    page = client.get(path).get_data(as_text=True)
    footer = page[page.index('<footer class="site-footer">') :]
    assert 'href="/privacy"' in footer
    assert 'href="/accessibility"' in footer
    assert f'href="/feedback?page={path}"' in footer


def test_the_footer_link_names_the_page_of_an_initiative(client, make_initiative):
    initiative = make_initiative()
    page = client.get(f"/initiatives/{initiative.slug}").get_data(as_text=True)
    assert f"/feedback?page=/initiatives/{initiative.slug}" in page
    form = client.get(f"/feedback?page=/initiatives/{initiative.slug}")
    assert input_value(form.get_data(as_text=True), "page") == (
        f"/initiatives/{initiative.slug}"
    )


def test_feedback_reaches_the_secretariat_only(client, make_staff, mailbox):
    secretary = make_staff("secretariat")
    make_staff("president")
    make_staff("viewer")
    response = feedback(client, page="/privacy", email="Reader@Example.be")
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/feedback/sent")
    (message,) = mailbox()
    assert message["To"] == secretary.email
    assert message["Content-Language"] == "fr"
    text = body_text(message)
    assert "The sign button is hard to find." in text
    assert "/privacy" in text
    assert "Reader@example.be" in text


def test_feedback_without_an_address_says_no_answer_is_possible(
    client, make_staff, mailbox
):
    make_staff("secretariat")
    feedback(client)
    (message,) = mailbox()
    assert "@" not in body_text(message).split("Bonjour,")[1].split("--")[0]
    # Nothing of the visitor's stays in the outbox once the mail is delivered.
    row = db.session.scalars(select(OutboxMessage)).one()
    assert "feedback_text" not in row.context and row.recipient is None


def test_feedback_is_audited_without_the_message_or_the_address(client, make_staff):
    make_staff("secretariat")
    feedback(client, email="reader@example.be")
    (entry,) = feedback_audit()
    assert entry.public is False
    assert entry.details["recipients"] == 1
    assert "hard to find" not in str(entry.details) + entry.reason
    assert "reader@example.be" not in str(entry.details)


def test_feedback_is_kept_in_the_audit_log_when_nobody_is_in_the_secretariat(
    client, mailbox
):
    response = feedback(client)
    assert response.status_code == 303
    (entry,) = feedback_audit()
    assert entry.details["recipients"] == 0
    assert mailbox() == []
    assert "Thank you" in client.get("/feedback/sent").get_data(as_text=True)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"message": "  "}, "Please write your message."),
        ({"message": "x" * 5001}, "Please use at most 5000 characters."),
        ({"page": "/" + "x" * 500}, "Please use at most 500 characters."),
        ({"email": "not-an-address"}, "Please enter a valid e-mail address"),
        ({"language": "de"}, "Please choose a language."),
        ({"message": "bell\x07"}, "Please remove the invisible control characters."),
    ],
)
def test_bad_feedback_is_refused_with_a_message(client, make_staff, fields, message):
    make_staff("secretariat")
    response = feedback(client, **fields)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert feedback_audit() == []
    assert db.session.scalars(select(OutboxMessage)).all() == []


def test_feedback_keeps_new_lines_in_the_message(client, make_staff, mailbox):
    make_staff("secretariat")
    feedback(client, message="First line\r\nSecond line")
    (message,) = mailbox()
    assert "First line\nSecond line" in body_text(message)


@pytest.mark.parametrize(
    "target",
    ["https://evil.example/", "//evil.example/x", "javascript:alert(1)", "x"],
)
def test_a_page_that_is_not_on_this_site_is_ignored(client, target):
    page = client.get("/feedback", query_string={"page": target})
    assert page.status_code == 200
    assert input_value(page.get_data(as_text=True), "page") == ""


def test_script_in_the_feedback_is_escaped(client, make_staff, mailbox):
    make_staff("secretariat")
    script = "<script>alert(1)</script>"
    refused = feedback(client, message=script, email=script, page=script)
    assert refused.status_code == 400
    assert script not in refused.get_data(as_text=True)
    assert "&lt;script&gt;" in refused.get_data(as_text=True)
    feedback(client, message=script, page=script)
    (message,) = mailbox()
    html = message.get_body(preferencelist=("html",)).get_content()
    assert script not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
