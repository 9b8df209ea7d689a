"""Keyboard only, focus always visible: from the home page to a confirmed signature,
from the home page to an initiative started, submitted and filed, and the
secretariat's sign-in, review and register check."""

import re
from datetime import timedelta

import pyotp

from ..support import CONFIRM_LINK, RECEIPT_CODE, STAFF_PASSWORD
from .pages import SCREENSHOTS, axe_violations, submit

# The focused element: is it on screen, and does it show a focus ring the unfocused
# element does not (an outline or a box shadow that :focus-visible adds; a date field,
# whose inner day or month holds the focus in Chromium, shows it on :focus-within)?
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
    focused: e.matches(':focus-visible, :is([type=date], [type=datetime-local]):focus-within'),
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


class SecretariatRun:
    """Axe at 0 on each page the run reaches; a screenshot of each step, taken with
    the focus on the control about to be pressed (look at its ring)."""

    def __init__(self, page):
        self.page, self.step = page, 0

    def arrived(self, name: str) -> None:
        assert axe_violations(self.page, f"secretariat keyboard: {name}") == []

    def photograph(self) -> None:
        self.step += 1
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"secretariat-keyboard-{self.step}.png"
        self.page.screenshot(path=path)

    def press_enter(self, url_glob: str, name: str) -> None:
        self.photograph()
        press_enter_and_wait(self.page, url_glob)
        self.arrived(name)


def answer_yes(page, field_id: str) -> None:
    """Tab into a yes/no group (its first radio, yes) and tick it with Space."""
    tab_to(page, lambda s: s["id"] == f"{field_id}-0", limit=120)
    page.keyboard.press("Space")
    assert page.is_checked(f"#{field_id}-0")


def submit_button(text: str):
    return lambda s: (
        s["tag"] == "button" and s["type"] == "submit" and text in s["text"]
    )


def test_the_secretariat_signs_in_reviews_and_reaches_the_register_check_by_keyboard(
    site, open_context, new_initiative
):
    from petitions.initiatives.rules import ADMISSIBILITY_CHECKLIST

    submitted, filed = new_initiative("submitted"), new_initiative("filed")
    context = open_context("fr")
    page = context.new_page()
    run = SecretariatRun(page)
    page.goto("/secretariat/login")
    run.arrived("login")
    fill(page, "email", site.staff["secretariat"])
    fill(page, "password", STAFF_PASSWORD)
    tab_to(page, submit_button("Se connecter"))
    run.press_enter("**/secretariat/login/code*", "second step")
    # The phone's code for the next step: the current one was used by staff_states.
    later = site.clock.now + timedelta(seconds=30)
    fill(page, "code", pyotp.TOTP(site.totp_secrets["secretariat"]).at(later))
    tab_to(page, submit_button("Se connecter"))
    run.press_enter("**/secretariat/", "dashboard")

    # "This week" comes first: the initiative waiting for review is a link in it.
    tab_to(page, lambda s: s["href"] == f"/secretariat/initiatives/{submitted}")
    run.press_enter(f"**/secretariat/initiatives/{submitted}", "waiting for review")
    answer_yes(page, "translation-language")  # the first choice: French
    for field_id, text in (
        ("translation-title", "Des arbres dans chaque rue"),
        ("translation-summary", "Planter 1 000 arbres d'ici 2030."),
        ("translation-body", "Le conseil communal décide de planter 1 000 arbres."),
    ):
        fill(page, field_id, text)
    tab_to(page, submit_button("Enregistrer le texte"))
    run.press_enter(f"**/secretariat/initiatives/{submitted}", "text saved")
    assert "Le texte est enregistré" in page.inner_text("p.notice.success")
    for item in ADMISSIBILITY_CHECKLIST:
        answer_yes(page, f"review-{item}")
    tab_to(page, submit_button("Enregistrer la décision"))
    run.press_enter(f"**/secretariat/initiatives/{submitted}", "decision recorded")
    assert "décision de recevabilité est enregistrée" in page.inner_text(
        "p.notice.success"
    )
    run.photograph()

    # Back to the dashboard, then the filed initiative and its register check.
    tab_to(page, lambda s: s["href"] == "/secretariat/", key="Shift+Tab", limit=120)
    run.press_enter("**/secretariat/", "dashboard")
    tab_to(page, lambda s: s["href"] == f"/secretariat/initiatives/{filed}")
    run.press_enter(f"**/secretariat/initiatives/{filed}", "register check")
    fill(page, "verification-valid", str(site.app.config["SIGNATURE_THRESHOLD"]))
    fill(page, "verification-invalid", "0")
    tab_to(page, submit_button("Enregistrer le résultat"))
    run.press_enter(f"**/secretariat/initiatives/{filed}", "verification recorded")
    assert "vérification est enregistré" in page.inner_text("p.notice.success")
    # The next steps' date field and the register's key file show the focus too.
    tab_to(page, lambda s: s["type"] == "date", limit=120)
    run.photograph()
    tab_to(page, lambda s: s["type"] == "file", limit=120)
    run.photograph()
    assert context.csp_violations == []
