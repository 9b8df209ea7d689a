"""Every page, in French and in Dutch: no WCAG 2.1 A/AA violation, and it fits a phone.

One visit per page and language: axe-core runs at 1280 px, then the viewport shrinks to
360 px, where nothing may scroll sideways. The main pages are photographed at both
widths under test-output/screenshots/ (look at them: axe does not see everything).
"""

import pytest

from .pages import PAGES, axe_violations, screenshot

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
