"""Without JavaScript, a resident can still sign and confirm."""

from ..support import CONFIRM_LINK, RECEIPT_CODE
from .pages import submit


def test_signing_and_confirming_work_without_javascript(site, open_context):
    page = open_context("nl", javascript=False).new_page()
    page.goto(f"/initiatives/{site.slugs['collecting']}")
    for field_id, text in (
        ("surname", "Zonder"),
        ("first_names", "Script"),
        ("birth_date", "2"),  # the day
        ("birth_date-month", "1"),
        ("birth_date-year", "1990"),
        ("street", "Rue Haute"),
        ("house_number", "5"),
        ("postcode", "1000"),
        ("email", "zonder.script@example.be"),
    ):
        page.fill(f"#{field_id}", text)
    page.check("#consent")
    submit(page, "form[action$='/sign']")
    assert page.url.endswith("/check-your-email")
    body = site.mails_to("zonder.script@example.be")[-1].get_body(("plain",))
    page.goto(CONFIRM_LINK.search(body.get_content()).group(0))
    submit(page, "main form")
    assert "/confirm/" in page.url
    assert RECEIPT_CODE.search(page.inner_text("main"))
