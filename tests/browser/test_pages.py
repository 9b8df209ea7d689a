"""Every page, in French and in Dutch: no WCAG 2.1 A/AA violation, and it fits a phone.

One visit per page and language: axe-core runs at 1280 px, then the viewport shrinks to
360 px, where nothing may scroll sideways. The main pages are photographed at both
widths under test-output/screenshots/ (look at them: axe does not see everything).
"""

import pytest

from .pages import AXE, PAGES, SCREENSHOTS

AXE_RUN = """async () => {
  const results = await axe.run(document, {runOnly: {type: 'tag',
    values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}});
  return results.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map(n => n.target.join(' '))}));
}"""
# Elements wider than the phone's viewport, to name the culprit when a page overflows.
TOO_WIDE = """() => [...document.querySelectorAll('body *')]
  .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
  .slice(0, 5).map(e => e.tagName.toLowerCase() + (e.className ? '.' + e.className : ''))"""
SCREENSHOT_PAGES = {
    "home",
    "how-it-works",
    "initiative",
    "sign-form-errors",
    "confirmed",
    "dashboard-draft",
    "dashboard-collecting",
    "dashboard-file",
    "secretariat-initiative-filed",
}


def axe_violations(page, name: str) -> list[str]:
    """Run axe-core on the page; return one readable line per violation."""
    # Evaluated, not added as a <script>: the content policy refuses inline scripts.
    page.evaluate(AXE.read_text(encoding="utf-8"))
    return [
        f"{name}: {v['id']} ({v['impact']}) {v['help']} -> {', '.join(v['nodes'])}"
        for v in page.evaluate(AXE_RUN)
    ]


def screenshot(page, name: str, language: str, width: int) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"{name}-{language}-{width}.png", full_page=True)


@pytest.mark.parametrize("language", ["fr", "nl"])
@pytest.mark.parametrize("name", list(PAGES))
def test_page_is_accessible_and_fits_a_phone(name, language, site, open_context):
    role, visit = PAGES[name]
    context = open_context(language, role)
    page = context.new_page()
    visit(page, site)
    assert page.locator("html").get_attribute("lang") == language
    assert context.csp_violations == []
    violations = axe_violations(page, f"{name} [{language}]")
    for line in violations:
        print(line)
    assert violations == []
    if name in SCREENSHOT_PAGES:
        screenshot(page, name, language, 1280)
    page.set_viewport_size({"width": 360, "height": 740})
    if name in SCREENSHOT_PAGES:
        screenshot(page, name, language, 360)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, (
        f"{name} [{language}] is {width} px wide: {page.evaluate(TOO_WIDE)}"
    )
