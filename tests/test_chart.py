"""The dashboard's SVG chart escapes every text it is given, drawn by its template."""

from xml.etree import ElementTree

from petitions.initiators.chart import bar_chart

SVG = "{http://www.w3.org/2000/svg}"
SCRIPT = "<script>alert('day')</script>"


def parsed(svg: str) -> ElementTree.Element:
    """Return the chart as an XML tree: text that was not escaped breaks the parse."""
    # Our own output, not outside input: no entity expansion to fear.
    return ElementTree.fromstring(svg)  # noqa: S314


def test_a_script_tag_or_an_ampersand_in_a_label_or_the_title_is_escaped():
    svg = bar_chart(
        [(SCRIPT, 3), ("Fish & chips", 5)],
        title=f"{SCRIPT} & more",
        description="Figures for <b>A & B</b>",
        number=lambda n: f"{n} <i>&</i>",
        chart_id="per-day",
    )
    assert "<script" not in svg and "<b>" not in svg and "<i>" not in svg
    assert "&lt;script&gt;alert(&#39;day&#39;)&lt;/script&gt; &amp; more" in svg
    assert "Fish &amp; chips" in svg
    root = parsed(svg)
    # Escaped, not dropped: a screen reader reads the texts as they were given.
    assert root.find(f"{SVG}title").text == f"{SCRIPT} & more"
    assert root.find(f"{SVG}desc").text == "Figures for <b>A & B</b>"
    assert [t.text for t in root.iter(f"{SVG}title")][1:] == [
        f"{SCRIPT}: 3 <i>&</i>",
        "Fish & chips: 5 <i>&</i>",
    ]
    assert [t.text for t in root.findall(f"{SVG}text")][-2:] == [
        SCRIPT,
        "Fish & chips",
    ]


def test_a_quote_in_the_chart_id_cannot_add_an_attribute():
    svg = bar_chart(
        [("Mar 9", 1)], title="t", description="d", chart_id='x" onload="alert(1)'
    )
    root = parsed(svg)
    assert "onload" not in root.attrib
    assert (
        root.get("aria-labelledby")
        == 'x" onload="alert(1)-title x" onload="alert(1)-desc'
    )
    assert root.find(f"{SVG}title").get("id") == 'x" onload="alert(1)-title'


def test_the_chart_is_one_svg_image_titled_and_described_for_screen_readers():
    root = parsed(
        bar_chart(
            [("Mar 8", 2), ("Mar 9", 0), ("Mar 10", 7)],
            title="Confirmed signatures per day",
            description="Bar chart from March 8 to March 10.",
            chart_id="per-day-chart",
        )
    )
    assert root.tag == f"{SVG}svg" and root.get("role") == "img"
    assert root.get("aria-labelledby") == "per-day-chart-title per-day-chart-desc"
    assert root.find(f"{SVG}title").get("id") == "per-day-chart-title"
    assert root.find(f"{SVG}desc").get("id") == "per-day-chart-desc"
    assert root.get("viewBox") == "0 0 360 220"
    bars = root.findall(f"{SVG}rect")
    assert [b.find(f"{SVG}title").text for b in bars] == [
        "Mar 8: 2",
        "Mar 9: 0",
        "Mar 10: 7",
    ]
    # 7 is drawn against a scale of 8: the tallest bar fills 7/8 of the 166-unit plot.
    assert [b.get("height") for b in bars] == ["41.50", "0.00", "145.25"]
    assert [t.text for t in root.findall(f"{SVG}text")] == [
        "0",
        "4",
        "8",
        "Mar 8",
        "Mar 10",
    ]
