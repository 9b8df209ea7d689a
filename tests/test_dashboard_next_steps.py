"""The dashboard says at each stage what happens next and when; submitting waits, by
name, for every representative; filing asks first and warns of a thin margin."""

import re
from datetime import UTC, date, datetime
from html import unescape

import pytest
from sqlalchemy import select

from petitions.extensions import db
from petitions.initiatives.rules import is_margin_thin, signatures_needed
from petitions.models import Initiative, InitiativeState
from petitions.web.tokens import management_token, representative_token

from .support import post_button, post_draft

S = InitiativeState


def manage_path(initiative, clock) -> str:
    representative = next(r for r in initiative.representatives if r.confirmed_at)
    return f"/manage/{management_token(initiative.id, representative.id, clock.now)}"


def page_text(client, path: str, status: int = 200) -> str:
    response = client.get(path)
    assert response.status_code == status
    return " ".join(
        unescape(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))).split()
    )


def submit_button(client, path: str) -> str:
    page = client.get(path).get_data(as_text=True)
    form = re.search(r'<form [^>]*action="[^"]*/submit".*?</form>', page, re.S).group(0)
    return re.search(r"<button[^>]*>", form).group(0)


def test_submit_stays_disabled_naming_who_is_pending_until_all_confirmed(client, clock):
    post_draft(client)
    (initiative,) = db.session.scalars(select(Initiative)).all()
    anne, jan = initiative.representatives
    post_button(
        client, f"/representatives/confirm/{representative_token(anne.id, clock.now)}"
    )
    path = manage_path(initiative, clock)
    assert "disabled" in submit_button(client, path)
    text = page_text(client, path)
    assert "Still waiting for: Jan Peeters." in text
    assert "Anne Dupont." not in text.split("Still waiting for:")[1][:40]
    # The draft was started at the clock's now; the links last 7 days.
    assert "valid until March 17, 2027" in text
    post_button(
        client, f"/representatives/confirm/{representative_token(jan.id, clock.now)}"
    )
    assert "disabled" not in submit_button(client, path)
    assert "Still waiting for" not in page_text(client, path)


def test_collecting_says_how_many_signatures_are_needed_in_how_many_days(
    client, make_initiative, make_signature, clock
):
    initiative = make_initiative(threshold=50, representatives=1)
    for _ in range(12):
        make_signature(initiative)
    text = page_text(client, manage_path(initiative, clock))
    # 10 March to 31 December 2027, both included.
    assert "38 more confirmed signatures needed in 297 days." in text
    assert "If the collection ends on December 31, 2027 below the threshold" in text


def test_the_last_signature_and_the_last_day_are_said_in_the_singular(
    client, make_initiative, make_signature, clock
):
    initiative = make_initiative(
        threshold=2, representatives=1, collection_ends_on=date(2027, 3, 10)
    )
    make_signature(initiative)
    text = page_text(client, manage_path(initiative, clock))
    assert "1 more confirmed signature needed in 1 day." in text


def test_at_the_threshold_the_dashboard_leads_to_a_confirmation_not_a_filing(
    client, make_initiative, make_signature, clock
):
    initiative = make_initiative(threshold=3, representatives=1)
    for _ in range(3):
        make_signature(initiative)
    path = manage_path(initiative, clock)
    page = client.get(path).get_data(as_text=True)
    assert f'href="{path}/file"' in page
    assert 'action="' + path + '/file"' not in page
    text = page_text(client, f"{path}/file")
    assert "Filing is final" in text
    assert "We write to every representative and to the secretariat" in text
    assert initiative.state is S.collecting
    assert post_button(client, f"{path}/file").status_code == 303
    assert initiative.state is S.filed


@pytest.mark.parametrize(
    ("confirmed", "percent", "thin"),
    [(10, 10, True), (11, 10, False), (11, 20, True), (12, 20, False), (10, 0, False)],
)
def test_filing_warns_when_the_margin_above_the_threshold_is_thin(
    app, client, make_initiative, make_signature, clock, confirmed, percent, thin
):
    app.config["FILING_MARGIN_PERCENT"] = percent
    initiative = make_initiative(threshold=10, representatives=1)
    for _ in range(confirmed):
        make_signature(initiative)
    assert is_margin_thin(initiative, confirmed) is thin
    text = page_text(client, f"{manage_path(initiative, clock)}/file")
    assert ("Your margin is thin" in text) is thin
    assert f"Margin above the threshold {confirmed - 10}" in text
    if thin:
        assert "cannot be filed again" in text
        assert "keep collecting until December 31, 2027 (297 days left)" in text


def test_the_filing_page_is_refused_below_the_threshold_and_after_filing(
    client, make_initiative, make_signature, clock
):
    initiative = make_initiative(threshold=3, representatives=1)
    make_signature(initiative)
    path = manage_path(initiative, clock)
    assert "reached the number of confirmed signatures" in page_text(
        client, f"{path}/file", 409
    )
    for _ in range(2):
        make_signature(initiative)
    assert post_button(client, f"{path}/file").status_code == 303
    assert "not possible at this stage" in page_text(client, f"{path}/file", 409)


def test_signatures_needed_stops_at_zero(app, make_initiative):
    initiative = make_initiative(threshold=5)
    assert [signatures_needed(initiative, n) for n in (0, 4, 5, 9)] == [5, 1, 0, 0]


FILED_AT = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        (
            {"state": S.submitted, "submitted_at": FILED_AT},
            "Submitted on March 1, 2027",
        ),
        (
            {
                "state": S.closed,
                "collection_ends_on": date(2027, 3, 1),
                "state_changed_at": datetime(2027, 3, 2, 1, 0, tzinfo=UTC),
            },
            "The collection ended on March 1, 2027 below the threshold: the "
            "initiative does not go to the council. The signatories' personal data is "
            "deleted on April 2, 2027.",
        ),
        (
            {
                "state": S.filed,
                "filed_at": FILED_AT,
                "council_deadline": date(2028, 3, 1),
            },
            "If at least 2,000 are valid, the initiative goes to the council. The "
            "council must vote by March 1, 2028 (358 days left).",
        ),
        (
            {
                "state": S.insufficient,
                "filed_at": FILED_AT,
                "state_changed_at": FILED_AT,
            },
            "Fewer than 2,000 signatures were valid: the initiative ends here.",
        ),
        ({"state": S.withdrawn}, "You withdrew the initiative; this is final."),
    ],
)
def test_each_stage_says_what_happens_next_and_when(
    client, make_initiative, clock, fields, expected
):
    initiative = make_initiative(representatives=1, **fields)
    text = page_text(client, manage_path(initiative, clock))
    assert "What happens next" in text
    assert expected in text
