"""Keyboard only: from the home page to a confirmed signature, focus always visible."""

import re

from ..support import CONFIRM_LINK, RECEIPT_CODE
from .pages import submit

# The focused element: is it on screen, and does it show a focus ring the unfocused
# element does not (an outline or a box shadow that :focus-visible adds)?
FOCUS_STATE = """() => {
  const e = document.activeElement;
  if (!e || e === document.body) return null;
  const rect = e.getBoundingClientRect();
  const style = getComputedStyle(e);
  return {
    id: e.id, tag: e.tagName.toLowerCase(), href: e.getAttribute('href') || '',
    type: e.getAttribute('type') || '', text: (e.textContent || '').trim().slice(0, 40),
    visible: rect.width > 0 && rect.height > 0 && rect.bottom > 0 &&
      rect.top < innerHeight && style.visibility !== 'hidden',
    focused: e.matches(':focus-visible'),
    outline: parseFloat(style.outlineWidth) > 0 && style.outlineStyle !== 'none',
    shadow: style.boxShadow !== 'none',
  };
}"""


def press(page, key: str) -> dict:
    """Press a key; return the newly focused element after checking its focus shows."""
    page.keyboard.press(key)
    state = page.evaluate(FOCUS_STATE)
    assert state is not None, f"{key}: focus lost"
    assert state["visible"], f"{key}: focused element off screen: {state}"
    assert state["focused"] and (state["outline"] or state["shadow"]), (
        f"{key}: no visible focus indicator on {state}"
    )
    return state


def tab_to(page, matches, key: str = "Tab", limit: int = 60) -> dict:
    """Press Tab (or Shift+Tab) until the focused element satisfies ``matches``."""
    for _ in range(limit):
        state = press(page, key)
        if matches(state):
            return state
    raise AssertionError(f"never reached the element with {key}")


def fill(page, field_id: str, text: str) -> None:
    tab_to(page, lambda s: s["id"] == field_id)
    page.keyboard.type(text)


def test_a_resident_signs_and_confirms_with_the_keyboard_only(site, open_context):
    slug = site.slugs["collecting"]
    page = open_context("fr").new_page()
    page.goto("/")
    tab_to(page, lambda s: s["href"] == f"/initiatives/{slug}")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/initiatives/{slug}")
    for field_id, text in (
        ("surname", "Clavier"),
        ("first_names", "Karel"),
        # The date of birth: day, month and year, each in its own field.
        ("birth_date", "2"),
        ("birth_date-month", "3"),
        ("birth_date-year", "1979"),
        ("street", "Hoogstraat"),
        ("house_number", "12"),
        ("postcode", "1000"),
        ("email", "karel.clavier@example.be"),
    ):
        fill(page, field_id, text)
    tab_to(page, lambda s: s["type"] == "radio")
    assert tab_to(page, lambda s: s["id"] == "email", key="Shift+Tab")
    tab_to(page, lambda s: s["type"] == "radio")
    page.keyboard.press("Space")
    tab_to(page, lambda s: s["id"] == "consent")
    page.keyboard.press("Space")
    assert page.is_checked("#consent")
    tab_to(page, lambda s: s["tag"] == "button")
    page.keyboard.press("Enter")
    page.wait_for_url("**/check-your-email")
    body = site.mails_to("karel.clavier@example.be")[-1].get_body(("plain",))
    page.goto(CONFIRM_LINK.search(body.get_content()).group(0))
    tab_to(page, lambda s: s["tag"] == "button")
    page.keyboard.press("Enter")
    page.wait_for_selector("main .receipt-code")
    assert RECEIPT_CODE.search(page.inner_text("main"))


def test_form_errors_are_announced_and_linked_to_their_fields(site, open_context):
    page = open_context("nl").new_page()
    page.goto(f"/initiatives/{site.slugs['collecting']}")
    submit(page, "form[action$='/sign']", 400)
    summary = page.locator("main .error-summary")
    assert summary.get_attribute("role") == "alert"
    assert page.evaluate(
        "document.querySelector('main').firstElementChild.matches('.error-summary')"
    )
    targets = [link.get_attribute("href") for link in summary.locator("a").all()]
    assert "#surname" in targets and "#consent" in targets
    for target in targets:
        assert re.fullmatch(r"#[\w-]+", target)
        field = page.locator(target)
        assert field.get_attribute("aria-invalid") == "true", target
        described = field.get_attribute("aria-describedby").split()
        messages = [page.locator(f"#{i}") for i in described]
        assert any("error-message" in m.get_attribute("class") for m in messages)


def test_on_a_phone_the_keyboard_jumps_from_the_count_to_the_form(site, open_context):
    page = open_context("fr", width=390).new_page()
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"/initiatives/{site.slugs['collecting']}")
    tab_to(page, lambda s: s["id"] == "go-to-sign")
    page.keyboard.press("Enter")
    page.wait_for_url("**#sign-panel")
    # Next: the privacy notice's link, then the form's first field.
    state = tab_to(page, lambda s: s["id"] == "surname", limit=3)
    assert state["visible"]


def test_with_the_keyboard_an_error_is_fixed_from_the_summary_and_the_language_switched(
    site, open_context
):
    page = open_context("nl").new_page()
    page.goto(f"/initiatives/{site.slugs['collecting']}")
    fill(page, "surname", "Toetsenbord")
    tab_to(page, lambda s: s["tag"] == "button" and s["type"] == "submit")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    # The summary has the focus on load; the next Tab is its first link.
    assert page.evaluate("document.activeElement.matches('.error-summary')")
    link = press(page, "Tab")
    assert link["href"] == "#first_names"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "first_names"
    page.keyboard.type("Karel")
    # The language switch, by keyboard, keeps what was sent and what was typed since.
    tab_to(
        page, lambda s: s["tag"] == "button" and "Fran" in s["text"], key="Shift+Tab"
    )
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator("html").get_attribute("lang") == "fr"
    assert page.input_value("#surname") == "Toetsenbord"
    assert page.input_value("#first_names") == "Karel"
