"""The initiators' dashboard: counts, the chart and its table, neighbourhoods, mails."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from flask_babel import refresh

from petitions.extensions import db
from petitions.initiatives.statistics import _gives_away_a_small_count
from petitions.initiators.chart import bar_chart
from petitions.models import InitiativeState, SignatureState
from petitions.web.tokens import management_token

from .support import csrf_token


@pytest.fixture
def add_signatures(make_signature):
    """Return a function adding ``count`` signatures made at ``at`` in a neighbourhood."""

    def add(initiative, at, count=1, neighbourhood="Marolles", confirmed=True):
        state = SignatureState.confirmed if confirmed else SignatureState.pending
        for _ in range(count):
            make_signature(initiative, state=state, at=at, neighbourhood=neighbourhood)

    return add


def ask_link(client, address):
    path = "/manage/request"
    client.post(path, data={"csrf_token": csrf_token(client, path), "email": address})


def dashboard(client, initiative, clock) -> str:
    token = management_token(initiative.id, initiative.representatives[0].id, clock.now)
    response = client.get(f"/manage/{token}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def table_rows(page: str, caption: str) -> dict[str, str]:
    """Return the rows of the table with this caption: header cell -> data cell."""
    table = re.search(rf"<caption>{caption}</caption>(.*?)</table>", page, re.S)
    assert table, f"no table {caption!r}"
    rows = re.findall(
        r'<th scope="row"[^>]*>([^<]*)</th><td>([^<]*)</td>', table.group(1)
    )
    return dict(rows)


def test_the_dashboard_shows_confirmed_pending_threshold_and_days_left(
    client, make_initiative, clock, add_signatures
):
    initiative = make_initiative(representatives=1, threshold=50)
    add_signatures(initiative, clock.now, 12)
    add_signatures(initiative, clock.now, 3, confirmed=False)
    page = dashboard(client, initiative, clock)
    assert "12 confirmed signatures of 50 needed" in page
    assert "3 signatures wait for their signatory" in page
    assert "Collecting signatures" in page
    # 10 March to 31 December 2027, both included.
    assert "297 days left" in page


def test_small_neighbourhood_counts_show_as_less_than_ten(
    client, make_initiative, clock, add_signatures
):
    initiative = make_initiative(representatives=1)
    add_signatures(initiative, clock.now, 12, "Marolles")
    add_signatures(initiative, clock.now, 3, "Laeken")
    add_signatures(initiative, clock.now, 2, "Sablon")
    add_signatures(initiative, clock.now, 4, "Sablon", confirmed=False)
    rows = table_rows(
        dashboard(client, initiative, clock), "Confirmed signatures per neighbourhood"
    )
    assert rows == {
        "Laeken": "&lt; 10",
        "Marolles": "12",
        "Sablon": "&lt; 10",
        "All confirmed signatures": "17",
    }


def test_neighbourhoods_are_named_in_dutch_on_dutch_pages(
    client, make_initiative, clock, add_signatures
):
    initiative = make_initiative(representatives=1)
    add_signatures(initiative, clock.now, 12, "Pentagone")
    add_signatures(initiative, clock.now, 11, "Quartier inconnu")
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "nl"
    refresh()  # the language of the requests before, kept in the test's app context
    page = dashboard(client, initiative, clock)
    assert '<th scope="row">Vijfhoek</th><td>12</td>' in page
    # A name without its Dutch form stays French, and says so.
    assert '<th scope="row" lang="fr">Quartier inconnu</th>' in page
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "fr"
    refresh()
    assert '<th scope="row">Pentagone</th>' in dashboard(client, initiative, clock)


def test_a_lone_small_count_is_not_given_away_by_the_total(
    client, make_initiative, clock, add_signatures
):
    initiative = make_initiative(representatives=1)
    add_signatures(initiative, clock.now, 12, "Marolles")
    add_signatures(initiative, clock.now, 15, "Laeken")
    add_signatures(initiative, clock.now, 3, "Sablon")
    rows = table_rows(
        dashboard(client, initiative, clock), "Confirmed signatures per neighbourhood"
    )
    assert rows["Sablon"] == "&lt; 10"
    assert rows["Marolles"] == "not shown"
    assert rows["Laeken"] == "15"
    assert rows["All confirmed signatures"] == "30"


def test_a_single_small_neighbourhood_is_not_shown_at_all(
    client, make_initiative, clock, add_signatures
):
    initiative = make_initiative(representatives=1)
    add_signatures(initiative, clock.now, 4, "Marolles")
    page = dashboard(client, initiative, clock)
    assert "Marolles" not in page
    assert "enough signatures for no signatory to be singled out" in page


@pytest.mark.parametrize(
    ("small", "hidden", "gives_away"),
    [
        ([3], [], True),
        ([1, 1], [], True),
        ([9, 9], [], True),
        ([1, 2], [], False),
        ([3], [12], False),
        ([1], [10], True),
        ([1], [11], False),
        ([], [], False),
    ],
)
def test_which_masked_tables_would_give_a_small_count_away(small, hidden, gives_away):
    assert _gives_away_a_small_count(small, hidden) is gives_away


def test_the_per_day_table_counts_confirmed_signatures_per_brussels_day(
    client, make_initiative, clock, add_signatures
):
    initiative = make_initiative(representatives=1)
    # 23:30 UTC on 8 March is 00:30 on 9 March in Brussels.
    add_signatures(initiative, datetime(2027, 3, 8, 10, 0, tzinfo=UTC), 2)
    add_signatures(initiative, datetime(2027, 3, 8, 23, 30, tzinfo=UTC), 3)
    add_signatures(initiative, datetime(2027, 3, 10, 8, 0, tzinfo=UTC), 1)
    add_signatures(initiative, clock.now, 5, confirmed=False)
    rows = table_rows(
        dashboard(client, initiative, clock),
        r"Confirmed signatures per day \(Brussels time\)",
    )
    assert rows == {"March 8, 2027": "2", "March 9, 2027": "3", "March 10, 2027": "1"}


def test_the_chart_is_an_accessible_inline_svg(
    client, make_initiative, clock, add_signatures
):
    initiative = make_initiative(representatives=1)
    add_signatures(initiative, clock.now - timedelta(days=1), 4)
    add_signatures(initiative, clock.now, 7)
    page = dashboard(client, initiative, clock)
    svg = re.search(r'<svg[^>]*class="chart"[^>]*>.*?</svg>', page, re.S).group(0)
    assert 'role="img"' in svg
    assert 'viewBox="0 0 360 220"' in svg and 'width="100%"' in svg
    assert '<title id="per-day-chart-title">Confirmed signatures per day</title>' in svg
    assert "<desc" in svg and "highest day with 7" in svg
    assert len(re.findall(r"<rect ", svg)) == 2
    assert ">Mar 9, 2027</text>" in svg and ">Mar 10, 2027</text>" in svg


def test_the_chart_escapes_its_labels():
    svg = bar_chart(
        [("<b>day</b>", 3)], title="<script>", description="a & b", chart_id="c"
    )
    assert "<script>" not in svg and "<b>" not in svg
    assert "&lt;script&gt;" in svg and "a &amp; b" in svg


def test_without_signatures_there_is_no_chart(client, make_initiative, clock):
    initiative = make_initiative(representatives=1)
    page = dashboard(client, initiative, clock)
    assert 'class="chart"' not in page
    assert "No confirmed signature yet." in page


def test_the_dashboard_lists_every_mail_sent_to_the_representatives(
    client, make_initiative, clock, mailbox
):
    mine = make_initiative(state=InitiativeState.draft, representatives=2)
    other = make_initiative(state=InitiativeState.draft, representatives=1)
    other.representatives[0].email = "other@example.be"
    db.session.commit()
    ask_link(client, "rep1@example.be")
    ask_link(client, "other@example.be")
    mailbox()
    ask_link(client, "rep2@example.be")
    rows = re.findall(
        r'<tr><th scope="row">([^<]*)</th><td>([^<]*)</td><td>([^<]*)</td></tr>',
        dashboard(client, mine, clock),
    )
    assert [(label, name) for label, name, _sent in rows] == [
        ("Management link", "Représentant 1"),
        ("Management link", "Représentant 2"),
    ]
    assert rows[0][2].startswith("March 10, 2027")
    assert rows[1][2] == "Waiting to be sent"
    assert "rep1@example.be" not in dashboard(client, mine, clock)
