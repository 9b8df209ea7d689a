"""After confirming: the new count, what comes next, and no "not valid" for a code used."""

from .support import (
    body_text,
    confirmation_code,
    confirmation_link,
    csrf_token,
    receipt_code,
)


def confirm(client, path):
    return client.post(path, data={"csrf_token": csrf_token(client, path)})


def type_code(client, initiative, code):
    path = f"/initiatives/{initiative.slug}"
    return client.post(
        f"{path}/code", data={"csrf_token": csrf_token(client, path), "code": code}
    )


def test_the_confirmed_page_shows_the_count_what_comes_next_and_how_to_share(
    client, make_initiative, sign, mailbox
):
    initiative = make_initiative()
    sign(initiative)
    page = confirm(client, confirmation_link(mailbox()[0])).get_data(as_text=True)
    assert "1 confirmed signature of 2,000 needed" in page
    assert "within 12 months" in page
    assert "file the initiative with the municipal council" in page
    assert 'id="share-title"' in page
    assert f'href="/initiatives/{initiative.slug}/qr.svg"' in page


def test_the_council_months_on_the_confirmed_page_come_from_the_configuration(
    app, client, make_initiative, sign, mailbox
):
    app.config["COUNCIL_DEADLINE_MONTHS"] = 9
    initiative = make_initiative()
    sign(initiative)
    page = confirm(client, confirmation_link(mailbox()[0])).get_data(as_text=True)
    assert "within 9 months" in page


def test_the_receipt_mail_links_to_the_receipt_page_with_the_code_in_the_fragment(
    client, make_initiative, sign, mailbox
):
    initiative = make_initiative()
    sign(initiative)
    confirm(client, confirmation_link(mailbox()[0]))
    receipt_mail = mailbox()[-1]
    code = receipt_code(receipt_mail)
    link = f"http://petitions.test/initiatives/{initiative.slug}/receipt#code={code}"
    assert link in body_text(receipt_mail)
    assert f'href="{link}"' in receipt_mail.get_body(("html",)).get_content()
    page = client.get(f"/initiatives/{initiative.slug}/receipt").get_data(as_text=True)
    assert 'src="/static/receipt.js"' in page
    script = client.get("/static/receipt.js")
    assert script.status_code == 200 and b"#code=" in script.data
    script.close()


def test_a_confirmed_signatures_link_and_code_answer_already_counts_every_time(
    client, make_initiative, sign, mailbox
):
    initiative = make_initiative()
    sign(initiative)
    (message,) = mailbox()
    link, code = confirmation_link(message), confirmation_code(message)
    assert "Thank you, your signature counts" in confirm(client, link).get_data(
        as_text=True
    )
    answers = [type_code(client, initiative, code) for _ in range(2)]
    answers += [confirm(client, link), type_code(client, initiative, code)]
    for answer in answers:
        assert answer.status_code == 200
        page = answer.get_data(as_text=True)
        assert "This signature already counts" in page
        assert "not valid" not in page
    assert initiative.confirmed_count() == 1


def test_the_confirmed_page_says_when_the_threshold_is_reached(
    client, make_initiative, sign, mailbox
):
    initiative = make_initiative(threshold=1)
    sign(initiative)
    page = confirm(client, confirmation_link(mailbox()[0])).get_data(as_text=True)
    assert "The threshold of 1 signatures is reached" in page
    assert "When 1 residents" not in page
