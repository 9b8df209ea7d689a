"""The hidden field of the public forms: a robot that fills it is answered as a person
would be, and nothing is stored or sent."""

import re

import pytest
from sqlalchemy import func, select

from petitions.extensions import db
from petitions.models import AuditEntry, Initiative, OutboxMessage, Signature

from .support import NEW_INITIATIVE, csrf_token, draft_form, post_button, signatory

TRAP = "https://cheap-pills.example"


def rows(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def nothing_happened() -> bool:
    return not any(
        rows(model) for model in (OutboxMessage, Signature, AuditEntry, Initiative)
    )


@pytest.mark.parametrize(
    "path", ["/initiatives/{slug}", NEW_INITIATIVE, "/manage/request", "/feedback"]
)
def test_the_hidden_field_is_out_of_sight_and_out_of_reach(
    client, make_initiative, path
):
    page = client.get(path.format(slug=make_initiative().slug)).get_data(as_text=True)
    trap = re.search(r'<div class="trap" aria-hidden="true">.*?</div>', page, re.S)
    assert trap, "no hidden field on the form"
    assert 'name="website"' in trap.group(0)
    assert 'tabindex="-1"' in trap.group(0) and 'autocomplete="off"' in trap.group(0)


def test_a_filled_trap_on_the_sign_form_signs_nothing(client, make_initiative):
    initiative = make_initiative()
    path = f"/initiatives/{initiative.slug}"
    data = signatory(website=TRAP, csrf_token=csrf_token(client, path))
    response = client.post(f"{path}/sign", data=data)
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"{path}/check-your-email")
    assert rows(Signature) == rows(OutboxMessage) == 0


def test_a_filled_trap_on_the_draft_form_starts_no_draft(client):
    data = draft_form(website=TRAP, csrf_token=csrf_token(client, NEW_INITIATIVE))
    response = client.post(NEW_INITIATIVE, data=data)
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/initiatives/new/check-your-email")
    assert nothing_happened()


def test_a_filled_trap_on_the_link_request_sends_no_link(client, make_initiative):
    make_initiative(representatives=1)
    response = post_button(
        client, "/manage/request", email="rep1@example.be", website=TRAP
    )
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/manage/request/sent")
    assert rows(OutboxMessage) == 0
    # The same request without the trap does send it.
    post_button(client, "/manage/request", email="rep1@example.be")
    assert rows(OutboxMessage) == 1


def test_a_filled_trap_on_the_feedback_form_sends_nothing(client, make_staff):
    make_staff("secretariat")
    data = {
        "csrf_token": csrf_token(client, "/feedback"),
        "message": "Buy now",
        "language": "fr",
        "website": TRAP,
    }
    response = client.post("/feedback", data=data)
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/feedback/sent")
    assert nothing_happened()
