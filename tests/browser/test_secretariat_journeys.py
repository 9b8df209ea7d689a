"""The secretariat's journeys on a phone: each action ends on a banner, axe stays at 0.

Screenshots under test-output/screenshots/ (look at them: axe does not see everything).
"""

import pytest

from .pages import axe_violations, screenshot, submit

PHONE = 360


@pytest.mark.parametrize("language", ["fr", "nl"])
def test_the_president_sets_the_agenda_and_sees_it_done(
    language, site, open_context, new_initiative
):
    slug = new_initiative("verified")
    page = open_context(language, "president", width=PHONE).new_page()
    page.goto(f"/secretariat/initiatives/{slug}")
    page.fill("input[name=agenda-agenda_date]", "2027-04-01")
    submit(page, "form[action$='/agenda']")
    banner = page.locator("p.notice.success[role=status]")
    assert banner.count() == 1
    assert {"fr": "séance du conseil", "nl": "raadszitting"}[language] in (
        banner.inner_text()
    )
    assert axe_violations(page, f"agenda-done [{language}]") == []
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE
    screenshot(page, "secretariat-agenda-done", language, PHONE)


@pytest.mark.parametrize("language", ["fr", "nl"])
def test_the_staff_tables_keep_whole_words_on_a_phone(language, site, open_context):
    page = open_context(language, "secretariat", width=PHONE).new_page()
    page.goto("/secretariat/")
    # Each header cell at least as wide as its longest word: never a letter per line.
    squeezed = page.evaluate(
        """() => [...document.querySelectorAll('.data-table th')]
          .filter(th => th.scrollWidth > th.clientWidth + 1)
          .map(th => th.textContent.trim())"""
    )
    assert squeezed == []
    tables = page.locator("table.data-table")
    assert tables.count() > 0
    assert page.locator(".table-scroll table.data-table").count() == tables.count()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE
    screenshot(page, "secretariat-dashboard", language, PHONE)
