"""The citizen's path: sign, receive the mail, confirm, be counted once."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from petitions.extensions import db
from petitions.models import OutboxMessage, Signature, SignatureState

from .support import confirmation_code, confirmation_link, csrf_token


def count(state=None) -> int:
    query = select(func.count(Signature.id))
    if state is not None:
        query = query.where(Signature.state == state)
    return db.session.scalar(query)


def confirm(client, path):
    token = csrf_token(client, path)
    return client.post(path, data={"csrf_token": token})


def test_signing_then_confirming_by_link_counts_once(
    client, make_initiative, sign, mailbox
):
    initiative = make_initiative()
    response = sign(initiative)
    assert response.status_code == 303
    assert response.headers["Location"].endswith(
        f"/initiatives/{initiative.slug}/check-your-email"
    )
    assert initiative.confirmed_count() == 0

    (message,) = mailbox()
    assert message["To"] == "marie.janssens@example.be"
    link = confirmation_link(message)
    html = message.get_body(preferencelist=("html",)).get_content()
    assert f'href="http://petitions.test{link}"' in html
    answer = confirm(client, link)
    assert answer.status_code == 200
    assert "Thank you, your signature counts" in answer.get_data(as_text=True)
    assert initiative.confirmed_count() == 1


def test_opening_the_link_alone_confirms_nothing(
    client, make_initiative, sign, mailbox
):
    initiative = make_initiative()
    sign(initiative)
    (message,) = mailbox()
    page = client.get(confirmation_link(message))
    assert page.status_code == 200
    assert 'method="post"' in page.get_data(as_text=True)
    assert initiative.confirmed_count() == 0


def test_confirming_twice_counts_once(client, make_initiative, sign, mailbox):
    initiative = make_initiative()
    sign(initiative)
    link = confirmation_link(mailbox()[0])
    confirm(client, link)
    again = confirm(client, link)
    assert again.status_code == 200
    assert "This signature already counts" in again.get_data(as_text=True)
    assert initiative.confirmed_count() == 1


def test_the_typed_code_confirms_on_the_initiative_page(
    client, make_initiative, sign, mailbox
):
    initiative = make_initiative()
    sign(initiative)
    code = confirmation_code(mailbox()[0])
    path = f"/initiatives/{initiative.slug}"
    response = client.post(
        f"{path}/code",
        data={
            "csrf_token": csrf_token(client, path),
            "code": code.lower().replace("-", ""),
        },
    )
    assert response.status_code == 200
    assert initiative.confirmed_count() == 1


def test_a_wrong_code_is_refused_with_a_message(client, make_initiative, sign, mailbox):
    initiative = make_initiative()
    sign(initiative)
    mailbox()
    path = f"/initiatives/{initiative.slug}"
    response = client.post(
        f"{path}/code",
        data={"csrf_token": csrf_token(client, path), "code": "AAAA-AAAA"},
    )
    assert response.status_code == 400
    assert "This code is not valid" in response.get_data(as_text=True)
    assert initiative.confirmed_count() == 0


def test_a_repeat_while_pending_sends_a_new_link_to_the_address_typed_each_time(
    make_initiative, sign, mailbox
):
    initiative = make_initiative()
    for n in range(6):
        sign(initiative, email=f"attempt.{n}@example.be")
    messages = mailbox()
    # Every attempt is answered alike, to its own address: no resend limit that a
    # stranger could count mails against.
    assert [m["To"] for m in messages] == [f"attempt.{n}@example.be" for n in range(6)]
    assert count() == 1


def test_a_typo_in_the_address_is_fixed_by_signing_again_with_the_right_one(
    client, make_initiative, sign, mailbox
):
    """The e-mail typo: the newest attempt wins, the page shows where it wrote."""
    initiative = make_initiative()
    sign(initiative, email="marie.janssens@exmaple.be")
    answer = sign(initiative, email="marie.janssens@example.be")
    page = client.get(answer.headers["Location"]).get_data(as_text=True)
    assert "m***@e***.be" in page
    typo, right = mailbox()
    assert (typo["To"], right["To"]) == (
        "marie.janssens@exmaple.be",
        "marie.janssens@example.be",
    )
    older = client.get(confirmation_link(typo))
    assert older.status_code == 409
    assert "A newer confirmation link was sent" in older.get_data(as_text=True)
    confirmed = confirm(client, confirmation_link(right))
    assert "Thank you, your signature counts" in confirmed.get_data(as_text=True)
    assert initiative.confirmed_count() == 1
    assert mailbox()[-1]["To"] == "marie.janssens@example.be"


def test_the_email_limit_counts_different_people_per_address(
    make_initiative, sign, mailbox
):
    initiative = make_initiative()
    sign(initiative, surname="Janssens", email="Household@Example.be")
    sign(initiative, surname="Peeters", email="household@example.be")
    sign(initiative, surname="Dubois", email=" HOUSEHOLD@example.be ")
    assert count() == 2
    templates = [
        row.template
        for row in db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))
    ]
    assert templates == ["confirm-signature", "confirm-signature", "email-limit"]


def test_names_differing_only_in_accents_case_and_separators_are_one_person(
    make_initiative, sign
):
    initiative = make_initiative()
    sign(
        initiative,
        surname="Van den Bossche-Dupont",
        first_names="Zoë",
        email="a@example.be",
    )
    sign(
        initiative,
        surname="vandenbossche dupont",
        first_names="ZOE",
        email="b@example.be",
    )
    sign(
        initiative,
        surname="Van Den Bossche Dupont",
        first_names="zoé",
        email="c@example.be",
    )
    assert count() == 1


def test_signing_a_closed_initiative_is_refused_and_stores_nothing(
    make_initiative, sign
):
    from petitions.models import InitiativeState

    initiative = make_initiative(state=InitiativeState.closed)
    # The form was loaded while another initiative was open; the post comes after.
    response = sign(initiative, form_page=f"/initiatives/{make_initiative().slug}")
    assert response.status_code == 409
    assert "not collecting" in response.get_data(as_text=True)
    assert count() == 0
    assert db.session.scalar(select(func.count(OutboxMessage.id))) == 0


def test_signing_after_the_last_day_is_refused(make_initiative, sign, clock):
    initiative = make_initiative(
        collection_ends_on=clock.now.date() - timedelta(days=1)
    )
    assert (
        sign(initiative, form_page=f"/initiatives/{make_initiative().slug}").status_code
        == 409
    )
    assert count() == 0


def test_unconfirmed_signatures_expire_after_seven_days_with_their_mail(
    make_initiative, sign, clock, app
):
    from petitions.jobs.registry import run_job

    initiative = make_initiative()
    sign(initiative)
    run_job("expire-pending-signatures", clock.now + timedelta(days=7))
    assert count() == 1
    run_job("expire-pending-signatures", clock.now + timedelta(days=7, seconds=1))
    assert count() == 0
    assert db.session.scalar(select(func.count(OutboxMessage.id))) == 0


def test_confirmed_signatures_do_not_expire(
    client, make_initiative, sign, mailbox, clock
):
    from petitions.jobs.registry import run_job

    initiative = make_initiative()
    sign(initiative)
    confirm(client, confirmation_link(mailbox()[0]))
    run_job("expire-pending-signatures", clock.now + timedelta(days=30))
    assert count(SignatureState.confirmed) == 1


def test_a_pending_signature_cannot_be_confirmed_once_collection_ended(
    client, make_initiative, sign, mailbox, clock
):
    initiative = make_initiative(collection_ends_on=clock.now.date())
    sign(initiative)
    link = confirmation_link(mailbox()[0])
    token = csrf_token(client, link)
    clock.now += timedelta(days=1)
    response = client.post(link, data={"csrf_token": token})
    assert response.status_code == 409
    assert initiative.confirmed_count() == 0
    assert count(SignatureState.pending) == 1


def test_the_privacy_notice_says_what_why_how_long_and_the_rights(client):
    page = client.get("/privacy").get_data(as_text=True)
    for heading in (
        "What we keep",
        "Why",
        "How long",
        "Your rights",
        "Who is responsible",
    ):
        assert heading in page


def test_the_initiative_page_shows_the_text_counts_and_the_privacy_notice_before_the_form(
    client, make_initiative
):
    initiative = make_initiative(
        register_number="2027-004", initiators="Anne Dupont, Jan Peeters"
    )
    page = client.get(f"/initiatives/{initiative.slug}").get_data(as_text=True)
    for expected in (
        "2027-004",
        "Anne Dupont, Jan Peeters",
        "Texte FR",
        "Résumé FR",
        "0 confirmed signatures of 2,000 needed",
    ):
        assert expected in page
    assert page.index("Your data and your rights") < page.index('name="surname"')


@pytest.mark.parametrize(
    ("street", "number", "postcode"),
    [
        ("Bisschopsstraat", "3", "1000"),
        ("RUE DE L'EVEQUE", "3", "1000"),
        ("rue de l’évêque", "3", "1000"),
        ("  wetstraat ", "200", "1040"),
        ("Avenue Louise", "250", "1050"),
        ("Louizalaan", "54A", "1050"),
        ("Avenue Franklin Roosevelt", "50", "1050"),
        ("Av. Louise", "250", "1050"),
        ("Bd Anspach", "10", "1000"),
        ("Chée de Vilvorde", "10", "1020"),
        ("Hoogstr.", "120", "1000"),
    ],
)
def test_city_addresses_are_accepted_in_either_language_case_and_accents(
    make_initiative, sign, street, number, postcode
):
    response = sign(
        make_initiative(), street=street, house_number=number, postcode=postcode
    )
    assert response.status_code == 303
    assert count() == 1


def test_the_ixelles_stretch_of_a_split_street_is_refused(make_initiative, sign):
    response = sign(
        make_initiative(), street="Avenue Louise", house_number="30", postcode="1050"
    )
    assert response.status_code == 400
    assert "not in the City of Brussels" in response.get_data(as_text=True)
    assert count() == 0


def test_the_signature_keeps_the_neighbourhood_of_its_street(make_initiative, sign):
    sign(make_initiative(), street="Avenue Louise", house_number="250", postcode="1050")
    assert db.session.scalar(select(Signature.neighbourhood)) == "Louise"


def test_the_count_has_a_sign_button_and_the_privacy_summary_three_lines(
    client, make_initiative
):
    """On a phone the form comes after the whole text: one step to it from the count."""
    initiative = make_initiative()
    page = client.get(f"/initiatives/{initiative.slug}").get_data(as_text=True)
    button = page.index('href="#sign-panel"')
    assert page.index("confirmed signatures of") < button < page.index("Texte FR")
    assert 'id="sign-panel"' in page
    start = page.index('class="privacy-summary"')
    summary = page[start : page.index("</section>", start)]
    assert summary.count("<li>") == 3
    assert 'href="/privacy"' in summary
    assert "deleted after 7 days" in summary


def test_the_error_summary_takes_focus_and_says_the_message_only(
    client, make_initiative, sign
):
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "fr"
    page = sign(make_initiative(), surname="").get_data(as_text=True)
    start = page.index('class="error-summary"')
    summary = page[start : page.index("</ul>", start)]
    assert "autofocus" in summary.split(">")[0]
    assert '<a href="#surname">Veuillez indiquer votre nom.</a>' in summary
    # French typography: a space before the colon.
    assert "<title>Erreur\u00a0: " in page
