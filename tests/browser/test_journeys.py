"""A new resident's journeys, on a phone and a desktop, in French and Dutch: no dead end.

Each journey is photographed under test-output/screenshots/journeys/ (look at them).
"""

import re

import pytest

from ..support import CONFIRM_LINK, RECEIPT_CODE
from .pages import SCREENSHOTS, submit

PHONE = {"width": 390, "height": 844}
FOLDER = SCREENSHOTS / "journeys"
CONFIRM_CODE = re.compile(r"\b([A-Z2-9]{4}-[A-Z2-9]{4})\b")
RECEIPT_LINK = re.compile(r"http://\S+/receipt#code=\S+")


def photograph(page, name: str) -> None:
    FOLDER.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=FOLDER / f"{name}.png")


def in_view(page, selector: str) -> bool:
    """Say whether the element is wholly inside the viewport."""
    return page.evaluate(
        """s => { const r = document.querySelector(s).getBoundingClientRect();
                  return r.top >= 0 && r.bottom <= innerHeight; }""",
        selector,
    )


def fill_sign_form(page, email: str, surname: str = "Lemaire") -> None:
    page.fill("#surname", surname)
    page.fill("#first_names", "Sophie")
    page.fill("#birth_date", "15")
    page.fill("#birth_date-month", "6")
    page.fill("#birth_date-year", "1985")
    page.fill("#street", "Rue Haute")
    page.fill("#house_number", "120")
    page.fill("#postcode", "1000")
    page.fill("#email", email)
    page.check("#consent")


def test_an_email_typo_is_fixed_by_signing_again(site, open_context):
    slug = site.slugs["collecting"]
    page = open_context("fr", width=PHONE["width"]).new_page()
    for n, address in enumerate(
        ("sophie.lemaire@exmaple.be", "sophie.lemaire@example.be")
    ):
        page.goto(f"/initiatives/{slug}")
        fill_sign_form(page, address)
        submit(page, "form[action$='/sign']")
        assert "s***@e***.be" in page.inner_text("main")
        photograph(page, f"typo-check-email-{n}")
    (typo,) = site.mails_to("sophie.lemaire@exmaple.be")
    (right,) = site.mails_to("sophie.lemaire@example.be")
    old_link = CONFIRM_LINK.search(typo.get_body(("plain",)).get_content()).group(0)
    assert page.goto(old_link).status == 409
    photograph(page, "typo-old-link")
    page.goto(CONFIRM_LINK.search(right.get_body(("plain",)).get_content()).group(0))
    submit(page, "main form")
    assert page.locator("main .receipt-code").count() == 1


@pytest.mark.parametrize(
    ("start", "other", "name"), [("fr", "nl", "Nederlands"), ("nl", "fr", "Français")]
)
def test_switching_language_after_an_error_keeps_what_was_typed(
    site, open_context, start, other, name
):
    page = open_context(start).new_page()
    page.goto(f"/initiatives/{site.slugs['collecting']}")
    page.fill("#surname", "Lemaire")
    page.fill("#postcode", "10OO")
    submit(page, "form[action$='/sign']", 400)
    with page.expect_navigation() as navigation:
        page.get_by_role("button", name=name).click()
    assert navigation.value.status == 400
    assert page.locator("html").get_attribute("lang") == other
    assert page.input_value("#surname") == "Lemaire"
    assert page.input_value("#postcode") == "10OO"
    photograph(page, f"language-switch-sign-{start}-{other}")
    # The code form too: the code typed stays.
    page.fill("#code", "K7QM-3XPA")
    submit(page, "form[action$='/code']", 400)
    with page.expect_navigation():
        page.get_by_role(
            "button", name={"fr": "Français", "nl": "Nederlands"}[start]
        ).click()
    assert page.locator("html").get_attribute("lang") == start
    assert page.input_value("#code") == "K7QM-3XPA"


@pytest.mark.parametrize("language", ["fr", "nl"])
def test_on_a_phone_the_sign_button_near_the_count_jumps_to_the_form(
    site, open_context, language
):
    context = open_context(language, width=PHONE["width"])
    page = context.new_page()
    page.set_viewport_size(PHONE)
    page.goto(f"/initiatives/{site.slugs['collecting']}")
    assert in_view(page, "#go-to-sign")
    photograph(page, f"sign-button-{language}")
    page.locator(".privacy-summary").screenshot(path=FOLDER / f"privacy-{language}.png")
    # Three short lines and the link to the full notice (it was 900 px before).
    assert page.locator(".privacy-summary").bounding_box()["height"] < 330
    page.click("#go-to-sign")
    page.wait_for_url("**#sign-panel")
    assert in_view(page, "#sign-title") and in_view(page, "#surname")
    photograph(page, f"sign-button-jumped-{language}")


@pytest.mark.parametrize(("language", "width"), [("fr", 390), ("nl", 1280)])
def test_the_error_summary_is_focused_and_its_links_keep_the_label_in_view(
    site, open_context, language, width
):
    page = open_context(language, width=width).new_page()
    if width == PHONE["width"]:
        page.set_viewport_size(PHONE)
    page.goto(f"/initiatives/{site.slugs['collecting']}")
    page.fill("#surname", "Lemaire")
    submit(page, "form[action$='/sign']", 400)
    assert page.evaluate("document.activeElement.matches('.error-summary')")
    photograph(page, f"error-summary-{language}-{width}")
    links = page.locator(".error-summary a")
    first = links.first
    target = first.get_attribute("href")
    # The link says the message only: the field's own error, word for word.
    assert first.inner_text() == page.inner_text(f"{target}-error").strip()
    first.click()
    assert page.evaluate("document.activeElement.id") == target[1:]
    assert in_view(page, f"label[for={target[1:]}]") and in_view(
        page, f"{target}-error"
    )
    photograph(page, f"error-summary-jumped-{language}-{width}")
    if language == "fr":
        assert page.title().startswith("Erreur\u00a0: ")


@pytest.mark.parametrize("language", ["fr", "nl"])
def test_on_a_phone_the_date_of_birth_is_typed_in_three_fields(
    site, open_context, language
):
    page = open_context(language, width=PHONE["width"]).new_page()
    page.set_viewport_size(PHONE)
    page.goto(f"/initiatives/{site.slugs['collecting']}")
    assert page.locator("input[type=date]").count() == 0
    for selector, typed in (
        ("#birth_date", "15"),
        ("#birth_date-month", "6"),
        ("#birth_date-year", "1985"),
    ):
        page.click(selector)
        page.keyboard.type(typed)
        assert page.input_value(selector) == typed
    names = page.locator(".date-input label").all_inner_texts()
    assert len(names) == 3 and all(names)
    page.locator(".date-input").screenshot(
        path=FOLDER / f"date-of-birth-{language}.png"
    )


def test_a_number_in_the_street_is_asked_for_and_an_abbreviation_signs(
    site, open_context
):
    page = open_context("nl", width=PHONE["width"]).new_page()
    page.set_viewport_size(PHONE)
    page.goto(f"/initiatives/{site.slugs['collecting']}")
    fill_sign_form(page, "adres.afkorting@example.be", surname="Afkorting")
    page.fill("#street", "Hoogstraat 120")
    page.fill("#house_number", "")
    submit(page, "form[action$='/sign']", 400)
    assert "Vul het huisnummer in zijn eigen veld in." in page.inner_text(
        "#street-error"
    )
    photograph(page, "street-number-nl")
    page.fill("#street", "Hoogstr.")
    page.fill("#house_number", "120")
    page.check("#consent")
    submit(page, "form[action$='/sign']")
    assert page.url.endswith("/check-your-email")


@pytest.mark.parametrize("language", ["fr", "nl"])
def test_after_confirming_the_count_the_next_steps_and_the_receipt_link(
    site, open_context, language
):
    from urllib.parse import urlsplit

    page = open_context(language, width=PHONE["width"]).new_page()
    page.set_viewport_size(PHONE)
    address, link = site.confirmation_link()
    mail = site.mails_to(address)[-1].get_body(("plain",)).get_content()
    code = CONFIRM_CODE.search(mail).group(1)
    page.goto(link)
    submit(page, "main form")
    assert page.locator("#next-title").count() == 1
    assert page.locator(".progress-label").count() == 1
    assert page.locator("#share-title").count() == 1
    page.screenshot(path=FOLDER / f"confirmed-{language}.png", full_page=True)
    # The code of the confirming mail, typed again: it already counts, never "not valid".
    page.goto(f"/initiatives/{site.slugs['collecting']}")
    page.fill("#code", code)
    submit(page, "form[action$='/code']")
    assert page.locator("main .receipt-code").count() == 0
    photograph(page, f"code-again-{language}")
    # The receipt mail's link opens the receipt page with the code filled in.
    receipt_mail = site.mails_to(address)[-1].get_body(("plain",)).get_content()
    url = RECEIPT_LINK.search(receipt_mail).group(0)
    page.goto(url.replace(site.base_url, ""))
    receipt = RECEIPT_CODE.search(receipt_mail).group(1)
    assert page.input_value("#code") == receipt
    assert urlsplit(page.url).fragment == ""
    submit(page, "main form")
    photograph(page, f"receipt-from-mail-{language}")


def test_a_signature_found_not_valid_shows_one_message_on_its_receipt(
    site, open_context
):
    from petitions.extensions import db
    from petitions.models import Signature

    receipt = site.confirm(site.slugs["collecting"])
    with site.app.app_context():
        signature = db.session.query(Signature).order_by(Signature.id.desc()).first()
        signature.verdict, signature.verdict_reason = "invalid", "not_resident"
        db.session.commit()
    page = open_context("nl").new_page()
    page.goto(f"/initiatives/{site.slugs['collecting']}/receipt")
    page.fill("#code", receipt)
    submit(page, "main form")
    answer = page.inner_text("#answer-title + p")
    assert "Deze handtekening telt niet mee." in answer
    assert "niet geldig" in answer
    assert "telt één keer" not in page.inner_text("main")
    photograph(page, "receipt-not-valid-nl")
