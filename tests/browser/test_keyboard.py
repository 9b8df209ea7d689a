"""Keyboard only, focus always visible: from the home page to a confirmed signature,
and from the home page to an initiative started, submitted and filed."""

import re

from ..support import CONFIRM_LINK, RECEIPT_CODE
from .pages import SCREENSHOTS, submit

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


REPRESENTATIVE_LINK = re.compile(r"/representatives/confirm/[A-Za-z0-9_.\-]+")
MANAGEMENT_LINK = re.compile(r"/manage/(?!request)[A-Za-z0-9_.\-]+")


def photograph(page, step: str) -> None:
    """Keep the journey's screens under test-output/screenshots/ (look at them)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"initiator-journey-{step}.png", full_page=True)


def mailed_link(site, address: str, pattern) -> str:
    body = site.mails_to(address)[-1].get_body(("plain",)).get_content()
    return pattern.search(body).group(0)


def open_collection(site, title: str, signatures: int) -> None:
    """The secretariat admits the initiative; residents sign it (not the journey's part)."""
    from sqlalchemy import select

    from petitions.extensions import db
    from petitions.initiatives import operations
    from petitions.initiatives.rules import ADMISSIBILITY_CHECKLIST
    from petitions.models import Initiative, InitiativeText, Staff

    with site.app.app_context():
        initiative = db.session.scalar(
            select(Initiative).join(InitiativeText).where(InitiativeText.title == title)
        )
        staff = db.session.scalar(
            select(Staff).where(Staff.email == site.staff["secretariat"])
        )
        checklist = {item: (True, "") for item in ADMISSIBILITY_CHECKLIST}
        operations.review_admissibility(initiative, staff, checklist, site.clock.now)
        db.session.commit()
        slug = initiative.slug
        db.session.remove()
    for _ in range(signatures):
        site.confirm(slug)


def press_enter_and_wait(page, url_glob: str) -> None:
    with page.expect_navigation(url=url_glob):
        page.keyboard.press("Enter")


def test_an_initiator_starts_submits_and_files_with_the_keyboard_only(
    site, open_context
):
    title = "Des bancs au parc de Bruxelles"
    address = "clavier.initiative@example.be"
    page = open_context("fr").new_page()
    page.goto("/")
    tab_to(page, lambda s: s["href"] == "/how-it-works")
    press_enter_and_wait(page, "**/how-it-works")
    photograph(page, "1-how-it-works")
    tab_to(page, lambda s: s["href"] == "/initiatives/new")
    press_enter_and_wait(page, "**/initiatives/new")
    for field_id, text in (
        ("fr_title", title),
        ("fr_summary", "Installer des bancs dans le parc."),
        ("fr_body", "Le conseil communal décide d'installer vingt bancs au parc."),
        ("nl_title", "Banken in het Warandepark"),
        ("nl_summary", "Banken in het park plaatsen."),
        ("nl_body", "De gemeenteraad beslist twintig banken in het park te plaatsen."),
        ("rep1_name", "Clara Clavier"),
        ("rep1_email", address),
    ):
        fill(page, field_id, text)
    tab_to(page, lambda s: s["tag"] == "button")
    press_enter_and_wait(page, "**/initiatives/new/check-your-email")

    page.goto(mailed_link(site, address, REPRESENTATIVE_LINK))
    tab_to(page, lambda s: s["tag"] == "button")
    press_enter_and_wait(page, "**/representatives/confirmed")
    manage = mailed_link(site, address, MANAGEMENT_LINK)
    page.goto(manage)
    photograph(page, "2-draft")
    tab_to(page, lambda s: s["tag"] == "button")
    press_enter_and_wait(page, f"**{manage}")
    assert "Votre initiative est soumise" in page.inner_text("main")
    photograph(page, "3-submitted")

    open_collection(site, title, site.app.config["SIGNATURE_THRESHOLD"])
    page.reload()
    assert "Le seuil est atteint" in page.inner_text("main")
    tab_to(page, lambda s: s["href"] == f"{manage}/file")
    press_enter_and_wait(page, f"**{manage}/file")
    assert "Votre marge est mince" in page.inner_text("main")
    photograph(page, "4-file-confirmation")
    tab_to(page, lambda s: s["tag"] == "button")
    press_enter_and_wait(page, f"**{manage}")
    assert "Votre initiative est déposée auprès du conseil" in page.inner_text("main")
    photograph(page, "5-filed")
    assert site.mails_to(address)[-1]["Subject"].startswith("Déposée au conseil")


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
