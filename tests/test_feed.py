"""The Atom feeds of the initiatives' public steps."""

import xml.etree.ElementTree as ET

from petitions.extensions import db
from petitions.initiatives import audit
from petitions.initiators import operations as lifecycle
from petitions.models import InitiativeState

from .support import review

A = "{http://www.w3.org/2005/Atom}"


def read_feed(client, path="/feed.atom", **headers):
    response = client.get(path, headers=headers)
    assert response.status_code == 200
    assert response.mimetype == "application/atom+xml"
    return response, ET.fromstring(response.data)  # noqa: S314 - our own feed


def entries(feed) -> list[dict]:
    return [
        {
            "id": e.findtext(f"{A}id"),
            "title": e.findtext(f"{A}title"),
            "updated": e.findtext(f"{A}updated"),
            "link": e.find(f"{A}link").get("href"),
            "summary": e.findtext(f"{A}summary"),
        }
        for e in feed.findall(f"{A}entry")
    ]


def test_the_feed_is_atom_with_its_id_title_updated_and_self_link(
    client, make_filed_initiative
):
    make_filed_initiative()
    response, feed = read_feed(client)
    assert feed.tag == f"{A}feed"
    assert feed.findtext(f"{A}id").startswith("urn:uuid:")
    assert feed.findtext(f"{A}title") == "Citizens' initiatives – City of Brussels"
    assert feed.findtext(f"{A}updated") == "2027-03-10T09:00:00Z"
    links = {link.get("rel"): link.get("href") for link in feed.findall(f"{A}link")}
    assert links["self"] == "http://petitions.test/feed.atom"
    assert feed.find(f"{A}author").findtext(f"{A}name") == "City of Brussels"


def test_the_feed_lists_the_state_changes_newest_first(
    client, make_initiative, make_staff, clock
):
    initiative = make_initiative(state=InitiativeState.draft, representatives=1)
    lifecycle.submit_initiative(initiative, clock.now, "representative:1")
    clock.set("2027-03-20T10:00:00+01:00")
    review(initiative, make_staff(), clock, {"general_interest": "About one person."})
    (decision, submission) = entries(read_feed(client)[1])
    title = "Des bancs sur la Grand-Place"
    assert decision["title"] == f"{title}: Declared inadmissible"
    assert decision["updated"] == "2027-03-20T09:00:00Z"
    assert decision["summary"] == "Reason: About one person."
    assert decision["link"] == f"http://petitions.test/initiatives/{initiative.slug}"
    assert submission["title"] == f"{title}: Submitted to the council secretariat"
    assert decision["id"] != submission["id"]


def test_entry_ids_are_stable_from_one_request_to_the_next(
    client, clock, make_filed_initiative
):
    make_filed_initiative()
    first = [e["id"] for e in entries(read_feed(client)[1])]
    clock.set("2027-05-01T10:00:00+02:00")
    assert [e["id"] for e in entries(read_feed(client)[1])] == first
    assert all(i.startswith("urn:uuid:") for i in first)


def test_the_feed_escapes_titles_with_markup_and_ampersands(
    client, make_filed_initiative
):
    initiative = make_filed_initiative()
    initiative.text("en").title = "<script>alert(1)</script> & Co"
    db.session.commit()
    response, feed = read_feed(client)
    assert b"<script>" not in response.data
    assert b"&lt;script&gt;alert(1)&lt;/script&gt; &amp; Co" in response.data
    (entry,) = entries(feed)
    assert entry["title"] == (
        "<script>alert(1)</script> & Co: Filed with the municipal council"
    )


def test_the_feed_speaks_the_reader_s_language(client, make_filed_initiative):
    make_filed_initiative()
    _, feed = read_feed(client, **{"Accept-Language": "nl"})
    assert feed.get("{http://www.w3.org/XML/1998/namespace}lang") == "nl"
    (entry,) = entries(feed)
    assert entry["title"].startswith("Banken op de Grote Markt: ")


def test_the_feed_holds_at_most_the_100_newest_entries(client, make_initiative, clock):
    initiative = make_initiative()
    for _ in range(105):
        audit.record("system", "threshold-reached", clock.now, initiative, public=True)
    audit.record("system", "personal-data-purged", clock.now, initiative)
    db.session.commit()
    assert len(entries(read_feed(client)[1])) == 100


def test_one_initiative_has_its_own_feed(client, make_filed_initiative):
    mine = make_filed_initiative()
    make_filed_initiative()
    _, feed = read_feed(client, f"/initiatives/{mine.slug}/feed.atom")
    (entry,) = entries(feed)
    assert entry["link"].endswith(f"/initiatives/{mine.slug}")
    assert feed.findtext(f"{A}title") == "Des bancs sur la Grand-Place"
    assert client.get("/initiatives/nope/feed.atom").status_code == 404


def test_an_overdue_initiative_gets_an_entry_dated_when_its_deadline_passed(
    client, clock, make_filed_initiative
):
    initiative = make_filed_initiative()
    clock.set("2028-03-11T08:00:00+01:00")
    _, feed = read_feed(client, f"/initiatives/{initiative.slug}/feed.atom")
    overdue, filing = entries(feed)
    assert overdue["title"] == "Des bancs sur la Grand-Place: Overdue"
    # The end of 10 March 2028 in Brussels (UTC+1).
    assert overdue["updated"] == "2028-03-10T23:00:00Z"
    assert "has passed without a vote" in overdue["summary"]
