"""Filing and the threshold tell every representative and the secretariat: the
representatives with their own management link (or the page for a new one), the
secretariat with its page, never a management link."""

import re

from sqlalchemy import select

from petitions.extensions import db
from petitions.jobs.registry import run_job
from petitions.models import OutboxMessage
from petitions.web.tokens import management_token, read_management_token

from .support import body_text, post_button

BASE = "http://petitions.test"


def links(message) -> list[str]:
    """Every path of the service linked from the mail, text and HTML parts alike."""
    html = message.get_body(preferencelist=("html",)).get_content()
    found = re.findall(rf"{re.escape(BASE)}(/[^\s\"<]*)", body_text(message) + html)
    return sorted(set(found))


def management_links(message) -> list[str]:
    return [
        link
        for link in links(message)
        if re.fullmatch(r"/manage/[^/]+", link) and link != "/manage/request"
    ]


def by_recipient(mails, template_subject: str) -> dict:
    return {m["To"]: m for m in mails if template_subject in m["Subject"]}


def file_it(client, initiative, clock):
    representative = initiative.representatives[0]
    path = f"/manage/{management_token(initiative.id, representative.id, clock.now)}"
    assert post_button(client, f"{path}/file").status_code == 303


def test_filing_mails_every_representative_and_the_secretariat(
    client, make_initiative, make_signature, make_staff, mailbox, clock
):
    secretariat = make_staff("secretariat")
    viewer = make_staff("viewer")
    initiative = make_initiative(threshold=2, representatives=2)
    for _ in range(3):
        make_signature(initiative)
    file_it(client, initiative, clock)
    queued = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.template == "initiative-filed")
    ).all()
    assert sorted(m.recipient for m in queued) == sorted(
        ["rep1@example.be", "rep2@example.be", secretariat.email]
    )
    assert viewer.email not in [m.recipient for m in queued]
    mails = {m["To"]: m for m in mailbox()}
    # rep1 reads French, rep2 Dutch, the secretariat French.
    assert mails["rep1@example.be"]["Subject"].startswith("Déposée au conseil")
    assert mails["rep2@example.be"]["Subject"].startswith("Ingediend bij de")
    assert "avec 3 signatures confirmées" in body_text(mails["rep1@example.be"])
    for number, representative in enumerate(initiative.representatives, 1):
        mail = mails[f"rep{number}@example.be"]
        (link,) = management_links(mail)
        token = link.removeprefix("/manage/")
        assert read_management_token(token, clock.now) == (
            initiative.id,
            representative.id,
        )
        assert_leads_to_management(client, mail, link, initiative)
    assert_staff_mail_without_management_link(mails[secretariat.email], initiative)


def assert_leads_to_management(client, mail, link, initiative) -> None:
    """The representative's link opens their page; the mail offers a new link, not the public page."""
    assert client.get(link).status_code == 200
    assert "/manage/request" in links(mail)
    assert f"/initiatives/{initiative.slug}" not in links(mail)


def assert_staff_mail_without_management_link(staff_mail, initiative) -> None:
    assert f"/secretariat/initiatives/{initiative.slug}" in links(staff_mail)
    assert not [link for link in links(staff_mail) if link.startswith("/manage")]


def test_the_council_deadline_is_in_the_representatives_mail(
    client, make_initiative, make_signature, mailbox, clock
):
    clock.set("2027-01-31T10:00:00+01:00")
    initiative = make_initiative(threshold=1, representatives=1)
    make_signature(initiative)
    file_it(client, initiative, clock)
    (mail,) = [m for m in mailbox() if m["To"] == "rep1@example.be"]
    assert "31 janvier 2028" in body_text(mail)


def test_the_threshold_mail_leads_representatives_to_their_management_page(
    client, make_initiative, make_signature, make_staff, mailbox, clock
):
    secretariat = make_staff("secretariat")
    initiative = make_initiative(threshold=2, representatives=2)
    for _ in range(2):
        make_signature(initiative)
    assert run_job("notify-threshold-reached", clock.now) == {"notified": 1}
    mails = {m["To"]: m for m in mailbox()}
    for address in ("rep1@example.be", "rep2@example.be"):
        mail = mails[address]
        (link,) = management_links(mail)
        assert_leads_to_management(client, mail, link, initiative)
    assert_staff_mail_without_management_link(mails[secretariat.email], initiative)


def test_the_management_link_says_how_long_it_is_valid_from_the_configuration(
    app, client, make_initiative, mailbox, clock
):
    app.config["MANAGEMENT_LINK_MAX_AGE"] = 10 * 86400
    make_initiative(representatives=1)
    post_button(client, "/manage/request", email="rep1@example.be")
    (mail,) = [m for m in mailbox() if m["To"] == "rep1@example.be"]
    assert "Le lien est valable 10 jours." in body_text(mail)
    assert "30 jours" not in body_text(mail)
    page = client.get("/representatives/confirmed").get_data(as_text=True)
    assert "The link is valid for 10 days;" in page
