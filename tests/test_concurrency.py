"""Simultaneous requests: the database, not luck, keeps one signature per person."""

import threading

from sqlalchemy import func, select

from petitions.extensions import db
from petitions.models import OutboxMessage, Signature

from .support import csrf_token, signatory

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
    # Every person got the first mail; the repeats resent it (within the limit).
    assert db.session.scalar(select(func.count(OutboxMessage.id))) == 20
