"""The crowd: client threads that sign and confirm, and the kill in the middle."""

import queue
import ssl
import threading
import time
from collections import Counter
from dataclasses import dataclass, field

from . import Settings
from .client import Browser, Refused, person, sign_and_confirm
from .services import Sink


@dataclass
class Outcome:
    """What one attempt of one person ended with."""

    person: int
    repeat: bool
    answer: str | None = None  # "confirmed" or "already confirmed": acknowledged
    problem: str | None = None
    links: list[str] = field(default_factory=list)


@dataclass
class Crowd:
    """Every attempt's outcome, and what the browsers saw on the way."""

    outcomes: list[Outcome] = field(default_factory=list)
    retries: int = 0
    cache_statuses: Counter = field(default_factory=Counter)  # (request, status)
    seconds: float = 0.0
    killed: str = ""  # what kill() killed, once it ran
    killed_after: int = 0  # people acknowledged then

    @property
    def acknowledged(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.answer]


def attempts(settings: Settings) -> list[tuple[int, bool]]:
    """Return (person, repeat) in the order they are made.

    The repeats are people of the first few dozen signing again, spread over the second
    half of the run, long after their first signature was confirmed.
    """
    order = [(number, False) for number in range(settings.people)]
    half = settings.people // 2
    for number in reversed(range(settings.repeats)):
        position = half + number * half // max(settings.repeats, 1)
        order.insert(position, (number, True))
    return order


def run(
    settings: Settings, port: int, context: ssl.SSLContext, sink: Sink, kill
) -> Crowd:
    """Sign and confirm with ``settings.threads`` browsers; call ``kill()`` midway.

    ``kill`` runs once, when ``settings.kill_after`` people were acknowledged, while the
    other threads keep signing; it returns a description of what it killed.
    """
    crowd = Crowd()
    jobs: queue.Queue = queue.Queue()
    for job in attempts(settings):
        jobs.put(job)
    lock = threading.Lock()

    def worker() -> None:
        browser = Browser(port, context)
        while True:
            try:
                number, repeat = jobs.get_nowait()
            except queue.Empty:
                break
            outcome = Outcome(number, repeat)
            try:
                outcome.answer, outcome.links = sign_and_confirm(
                    browser, sink, person(number)
                )
            except Refused as refusal:
                outcome.problem = str(refusal)
            # A new visitor for the next person: no cookie carries over.
            browser.cookies.clear()
            with lock:
                crowd.outcomes.append(outcome)
        browser.close()
        with lock:
            crowd.retries += browser.retries
            crowd.cache_statuses.update(browser.cache_statuses)

    threads = [
        threading.Thread(target=worker, daemon=True) for _ in range(settings.threads)
    ]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    while any(thread.is_alive() for thread in threads):
        with lock:
            due = not crowd.killed and len(crowd.acknowledged) >= settings.kill_after
        if due:
            crowd.killed_after = len(crowd.acknowledged)
            crowd.killed = kill()
        time.sleep(0.05)
    for thread in threads:
        thread.join()
    crowd.seconds = time.monotonic() - started
    return crowd
