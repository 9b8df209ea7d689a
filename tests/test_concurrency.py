"""Simultaneous requests: the database, not luck, keeps one signature per person."""

import threading

from sqlalchemy import func, select

from petitions.extensions import db
from petitions.models import Initiative, OutboxMessage, Signature

from .support import confirmation_link, csrf_token, signatory

SURNAMES = [
    "Janssens",
    "Peeters",
    "Maes",
    "Jacobs",
    "Mertens",
    "Willems",
    "Claes",
    "Goossens",
    "Wouters",
    "De Smet",
]


def test_twenty_simultaneous_signings_with_duplicates_end_with_exact_counts(
    app, make_initiative
):
    initiative = make_initiative()
    path = f"/initiatives/{initiative.slug}"
    # 20 requests: 10 people, each signing twice at the same moment, each with an own address.
    forms = []
    for index in range(20):
        person = SURNAMES[index % 10]
        forms.append(
            signatory(
                surname=person, email=f"{person.replace(' ', '').lower()}@example.be"
            )
        )
    clients = [app.test_client() for _ in forms]
    for client in clients:
        client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    barrier = threading.Barrier(len(forms))
    statuses = []
    # The test's own session must not hold a transaction while the requests run.
    db.session.close()

    def post(client, form):
        # Each thread is its own browser: it loads the form, then all post at once.
        form["csrf_token"] = csrf_token(client, path)
        barrier.wait()
        statuses.append(client.post(f"{path}/sign", data=form).status_code)

    threads = [
        threading.Thread(target=post, args=pair)
        for pair in zip(clients, forms, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert statuses == [303] * 20
    db.session.expire_all()
    assert db.session.scalar(select(func.count(Signature.id))) == 10
    identities = db.session.scalars(select(Signature.identity_hash)).all()
    assert len(set(identities)) == 10
    # Every attempt got its own mail: a repeat is answered exactly as a first attempt.
    assert db.session.scalar(select(func.count(OutboxMessage.id))) == 20


def test_confirmations_racing_repeats_count_one_person_once(
    app, make_initiative, sign, mailbox
):
    initiative = make_initiative()
    path = f"/initiatives/{initiative.slug}"
    sign(initiative)
    link = confirmation_link(mailbox()[0])
    # Five browsers press the link while five others sign again in the same name.
    clients = [app.test_client() for _ in range(10)]
    for client in clients:
        client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    barrier = threading.Barrier(len(clients))
    statuses = []
    initiative_id = initiative.id
    db.session.close()

    def press(client):
        token = csrf_token(client, link)
        barrier.wait()
        statuses.append(client.post(link, data={"csrf_token": token}).status_code)

    def sign_again(client):
        form = signatory(email="again@example.be")
        form["csrf_token"] = csrf_token(client, path)
        barrier.wait()
        statuses.append(client.post(f"{path}/sign", data=form).status_code)

    threads = [
        threading.Thread(target=press if n < 5 else sign_again, args=(client,))
        for n, client in enumerate(clients)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(statuses) == 10 and set(statuses) <= {200, 303, 409}
    db.session.expire_all()
    assert db.session.scalar(select(func.count(Signature.id))) == 1
    receipts = db.session.scalar(
        select(func.count(OutboxMessage.id)).where(
            OutboxMessage.template == "signature-confirmed"
        )
    )
    counted = db.session.get(Initiative, initiative_id).confirmed_count()
    assert counted == receipts <= 1
