"""Sharing: the short link, the QR codes for flyers and the embeddable widget."""

import io
import struct
import xml.etree.ElementTree as ET

import pytest
import segno

from petitions.models import InitiativeState
from petitions.public.sharing import QR_BORDER, QR_ERROR

SVG = "{http://www.w3.org/2000/svg}"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def test_the_short_link_leads_to_the_initiative_page(client, make_initiative):
    initiative = make_initiative(register_number="2027-004")
    response = client.get("/i/2027004")
    assert response.status_code == 302
    assert response.location == f"/initiatives/{initiative.slug}"


@pytest.mark.parametrize("code", ["2027005", "2027-004", "abc", "2027"])
def test_an_unknown_short_code_is_not_found(client, make_initiative, code):
    make_initiative(register_number="2027-004")
    assert client.get(f"/i/{code}").status_code == 404


@pytest.mark.parametrize("state", [InitiativeState.draft, InitiativeState.submitted])
def test_the_short_link_of_an_unpublished_initiative_is_not_found(
    client, make_initiative, state
):
    make_initiative(register_number="2027-004", state=state)
    assert client.get("/i/2027004").status_code == 404


def test_the_initiative_page_offers_its_short_link_and_qr_codes(
    client, make_initiative
):
    initiative = make_initiative(register_number="2027-004")
    page = client.get(f"/initiatives/{initiative.slug}").get_data(as_text=True)
    assert '<h2 id="share-title">Share</h2>' in page
    assert '<a href="http://petitions.test/i/2027004">' in page
    assert f"/initiatives/{initiative.slug}/qr.png" in page
    assert f"/initiatives/{initiative.slug}/qr.svg" in page
    assert f"/initiatives/{initiative.slug}/widget?lang=en" in page


def test_without_a_register_number_the_page_itself_is_shared(client, make_initiative):
    initiative = make_initiative(state=InitiativeState.inadmissible)
    page = client.get(f"/initiatives/{initiative.slug}").get_data(as_text=True)
    link = f"http://petitions.test/initiatives/{initiative.slug}"
    assert f'<a href="{link}">{link}</a>' in page


def test_the_png_qr_code_encodes_the_short_link_at_flyer_size(client, make_initiative):
    initiative = make_initiative(register_number="2027-004")
    response = client.get(f"/initiatives/{initiative.slug}/qr.png")
    assert response.status_code == 200
    assert response.mimetype == "image/png"
    assert response.data.startswith(PNG_SIGNATURE)
    width, height = struct.unpack(">II", response.data[16:24])
    assert width == height >= 600
    expected = io.BytesIO()
    qr = segno.make("http://petitions.test/i/2027004", error=QR_ERROR, micro=False)
    qr.save(expected, kind="png", scale=width // qr.symbol_size(1, QR_BORDER)[0])
    assert response.data == expected.getvalue()


def test_the_svg_qr_code_is_titled_xml_encoding_the_short_link(client, make_initiative):
    initiative = make_initiative(register_number="2027-004")
    response = client.get(f"/initiatives/{initiative.slug}/qr.svg")
    assert response.status_code == 200
    assert response.mimetype == "image/svg+xml"
    svg = ET.fromstring(response.data)  # noqa: S314 - our own image
    assert svg.tag == f"{SVG}svg"
    title = "QR code of the initiative: Des bancs sur la Grand-Place"
    assert svg.findtext(f"{SVG}title") == title
    expected = io.BytesIO()
    url = "http://petitions.test/i/2027004"
    segno.make(url, error=QR_ERROR, micro=False).save(
        expected, kind="svg", scale=10, border=QR_BORDER, title=title, desc=url
    )
    assert response.data == expected.getvalue()


def test_the_qr_code_of_a_draft_is_not_found(client, make_initiative):
    initiative = make_initiative(state=InitiativeState.draft)
    assert client.get(f"/initiatives/{initiative.slug}/qr.png").status_code == 404
    assert client.get(f"/initiatives/{initiative.slug}/qr.svg").status_code == 404


def test_the_widget_shows_title_count_progress_days_left_and_sign_link(
    client, make_initiative, make_signature
):
    initiative = make_initiative(threshold=10)
    for _ in range(4):
        make_signature(initiative)
    page = client.get(f"/initiatives/{initiative.slug}/widget?lang=nl")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert text.startswith('<!doctype html>\n<html lang="nl">')
    assert "<h1>Banken op de Grote Markt</h1>" in text
    assert '<svg class="progress-bar" aria-hidden="true"' in text
    assert '<rect width="40" height="1"/>' in text
    assert "site-header" not in text and "<script" not in text
    link = f'href="http://petitions.test/initiatives/{initiative.slug}"'
    assert f'{link} target="_blank" rel="noopener"' in text


def test_the_widget_says_its_link_opens_a_new_tab_and_counts_days(
    client, make_initiative, clock, make_signature
):
    initiative = make_initiative(threshold=10)
    make_signature(initiative)
    text = client.get(f"/initiatives/{initiative.slug}/widget?lang=en").get_data(
        as_text=True
    )
    assert "1 confirmed signature of 10 needed" in text
    assert "297 days left to sign" in text  # 10 March to 31 December, both counted
    assert (
        'Sign this initiative<span class="visually-hidden"> (opens in a new tab)'
        in (text)
    )


def test_the_widget_follows_the_browser_language_without_lang(client, make_initiative):
    initiative = make_initiative()
    response = client.get(
        f"/initiatives/{initiative.slug}/widget", headers={"Accept-Language": "fr"}
    )
    assert '<html lang="fr">' in response.get_data(as_text=True)
    assert "<h1>Des bancs sur la Grand-Place</h1>" in response.get_data(as_text=True)


def test_the_widget_of_a_closed_initiative_links_to_read_it(client, make_initiative):
    initiative = make_initiative(state=InitiativeState.closed)
    text = client.get(f"/initiatives/{initiative.slug}/widget?lang=en").get_data(
        as_text=True
    )
    assert "Closed: not enough signatures" in text
    assert "Read the initiative" in text and "Sign this initiative" not in text


def test_the_widget_may_be_framed_by_other_sites_and_other_pages_may_not(
    client, make_initiative
):
    initiative = make_initiative()
    widget = client.get(f"/initiatives/{initiative.slug}/widget")
    policy = widget.headers["Content-Security-Policy"].split("; ")
    assert "frame-ancestors *" in policy and "default-src 'self'" in policy
    assert "X-Frame-Options" not in widget.headers
    page = client.get(f"/initiatives/{initiative.slug}")
    policy = page.headers["Content-Security-Policy"].split("; ")
    assert "frame-ancestors 'none'" in policy and "default-src 'self'" in policy
    assert page.headers["X-Frame-Options"] == "DENY"
