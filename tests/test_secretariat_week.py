"""The secretariat's "this week": overdue first with its total, the staff's own work
apart from what waits for the council."""

from datetime import UTC, date, datetime

from petitions.extensions import db
from petitions.models import InitiativeState

S = InitiativeState


def week_section(client) -> str:
    html = client.get("/secretariat/").get_data(as_text=True)
    start = html.index('<section aria-labelledby="week-title"')
    return html[start : html.index("</section>", start)]


def test_the_week_lists_what_is_late_or_due_and_who_must_act(
    client, signed_in, make_initiative
):
    # The clock: 10 March 2027.
    make_initiative(
        slug="late", state=S.with_council, council_deadline=date(2027, 3, 1)
    )
    make_initiative(slug="soon", state=S.verified, council_deadline=date(2027, 3, 20))
    make_initiative(slug="later", state=S.verified, council_deadline=date(2027, 4, 5))
    make_initiative(slug="far", state=S.verified, council_deadline=date(2027, 9, 1))
    waiting = make_initiative(
        slug="waiting",
        state=S.submitted,
        submitted_at=datetime(2027, 3, 3, 10, 0, tzinfo=UTC),
    )
    db.session.delete(waiting.text("nl"))
    make_initiative(
        slug="filed",
        state=S.filed,
        filed_at=datetime(2027, 3, 8, 10, 0, tzinfo=UTC),
        council_deadline=date(2027, 9, 8),
    )
    make_initiative(slug="ending", collection_ends_on=date(2027, 3, 15))
    db.session.commit()
    signed_in("viewer")
    week = week_section(client)
    overdue, rest = week.split('id="yours-title"')
    assert '<span class="badge badge-late">1</span>' in overdue
    assert 'initiatives/late"' in overdue and "passed 9 days ago" in overdue
    yours, council = rest.split('id="council-title"')
    assert '<span class="badge">3</span>' in yours
    assert "waiting for review for 7 days" in yours
    assert "translation missing: Dutch" in yours
    assert "filed 2 days ago, waiting for the register check" in yours
    council, ending = council.split('id="ending-title"')
    assert "deadline in 11 days (within 14 days)" in council
    assert "deadline in 27 days (within 30 days)" in council
    assert 'initiatives/far"' not in council and 'initiatives/late"' not in council
    assert 'initiatives/ending"' in ending and "6 days of collection left" in ending
