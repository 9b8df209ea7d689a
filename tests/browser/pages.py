"""Every page a person can see, per role, as functions that take a browser there.

A page is (role or None, visit); ``visit(page, site)`` leaves the browser on it.
"""

from pathlib import Path

from ..support import STAFF_PASSWORD

# A president who has not set up the second step yet (the site's data has one).
ENROLLING = "new-president@bruxelles.example"

# Debian's Chromium, axe-core from npm (``make browser-deps``), and where screenshots go.
CHROMIUM = Path("/usr/bin/chromium")
AXE = Path(__file__).parent / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-output" / "screenshots"

STAFF_STATES = ("draft", "submitted", "collecting", "filed", "verified", "decided")


def goto(page, site, path: str, status: int = 200):
    response = page.goto(path)
    assert response.status == status, f"{path}: {response.status}"


def submit(page, form_selector: str, status: int = 200):
    """Press the form's first submit button and wait for the answer."""
    with page.expect_navigation() as navigation:
        page.locator(f"{form_selector} [type=submit]").first.click()
    response = navigation.value
    assert response is not None and response.status == status, response


def slug_page(state: str, suffix: str = "", status: int = 200):
    return lambda page, site: goto(
        page, site, f"/initiatives/{site.slugs[state]}{suffix}", status
    )


def link_page(name: str, suffix: str = "", status: int = 200):
    return lambda page, site: goto(page, site, site.links[name] + suffix, status)


def sign_with_errors(page, site):
    slug_page("collecting")(page, site)
    submit(page, "form[action$='/sign']", 400)


def confirm_page(page, site):
    _address, link = site.confirmation_link()
    goto(page, site, link)


def confirmed_page(page, site):
    confirm_page(page, site)
    submit(page, "main form")
    # The answer to the confirming POST itself shows the receipt code (no redirect).
    assert page.locator("main .receipt-code").count() == 1


def already_counts_page(page, site):
    _address, link = site.confirmation_link()
    for _ in range(2):  # the second press answers that the signature already counts
        goto(page, site, link)
        submit(page, "main form")
    assert page.locator("main .receipt-code").count() == 0


def receipt_answer(page, site):
    slug_page("collecting", "/receipt")(page, site)
    page.fill("input[name=code]", site.receipt_code)
    submit(page, "main form")


def draft_with_errors(page, site):
    goto(page, site, "/initiatives/new")
    submit(page, "main form", 400)


def request_link_with_errors(page, site):
    goto(page, site, "/manage/request")
    submit(page, "main form", 400)


def feedback_with_errors(page, site):
    goto(page, site, "/feedback")
    submit(page, "main form", 400)


def login_with_error(page, site):
    goto(page, site, "/secretariat/login")
    page.fill("input[name=email]", site.staff["viewer"])
    page.fill("input[name=password]", STAFF_PASSWORD + "!")
    submit(page, "main form", 400)


def password_step(email: str):
    """Sign in with the password only: the second step's page (code or enrolment)."""

    def visit(page, site):
        goto(page, site, "/secretariat/login")
        page.fill("input[name=email]", email)
        page.fill("input[name=password]", STAFF_PASSWORD)
        submit(page, "main form")

    return visit


def forbidden_page(page, site):
    """A viewer sends the secretariat's review form: the 403 page."""
    goto(page, site, f"/secretariat/initiatives/{site.slugs['submitted']}")
    with page.expect_navigation() as navigation:
        page.evaluate(
            """() => {
              const form = document.createElement('form');
              form.method = 'post';
              form.action = location.pathname + '/review';
              form.append(document.querySelector('input[name=csrf_token]').cloneNode());
              document.body.append(form);
              form.submit();
            }"""
        )
    assert navigation.value.status == 403


def staff_page(state: str, suffix: str = ""):
    return lambda page, site: goto(
        page, site, f"/secretariat/initiatives/{site.slugs[state]}{suffix}"
    )


PUBLIC = {
    "home": lambda page, site: goto(page, site, "/"),
    "initiative": slug_page("collecting"),
    "initiative-filed": slug_page("filed"),
    "initiative-decided": slug_page("decided"),
    "sign-form-errors": sign_with_errors,
    "check-your-email": slug_page("collecting", "/check-your-email"),
    "confirm": confirm_page,
    "confirm-bad-link": lambda page, site: goto(page, site, "/confirm/nonsense", 400),
    "confirmed": confirmed_page,
    "already-counts": already_counts_page,
    "receipt-form": slug_page("collecting", "/receipt"),
    "receipt-answer": receipt_answer,
    "withdraw-signature": link_page("withdraw"),
    "withdrawal-requested": slug_page("collecting", "/receipt/withdrawal-requested"),
    "withdrawn": slug_page("collecting", "/withdrawn"),
    "count-log": slug_page("collecting", "/log"),
    "how-it-works": lambda page, site: goto(page, site, "/how-it-works"),
    "draft-form": lambda page, site: goto(page, site, "/initiatives/new"),
    "draft-form-errors": draft_with_errors,
    "draft-started": lambda page, site: goto(
        page, site, "/initiatives/new/check-your-email"
    ),
    "dashboard-draft": link_page("draft-manage"),
    "dashboard-edit": link_page("draft-manage", "/edit"),
    "dashboard-collecting": link_page("collecting-manage"),
    "dashboard-withdraw": link_page("collecting-manage", "/withdraw"),
    "dashboard-file": link_page("collecting-manage", "/file"),
    "dashboard-submitted": link_page("submitted-manage"),
    "dashboard-filed": link_page("filed-manage"),
    "dashboard-decided": link_page("decided-manage"),
    "representative-confirm": link_page("representative-confirm"),
    "representative-confirmed": lambda page, site: goto(
        page, site, "/representatives/confirmed"
    ),
    "manage-request": lambda page, site: goto(page, site, "/manage/request"),
    "manage-request-errors": request_link_with_errors,
    "manage-request-sent": lambda page, site: goto(page, site, "/manage/request/sent"),
    "privacy": lambda page, site: goto(page, site, "/privacy"),
    "accessibility": lambda page, site: goto(page, site, "/accessibility"),
    "feedback": lambda page, site: goto(page, site, "/feedback"),
    "feedback-errors": feedback_with_errors,
    "feedback-sent": lambda page, site: goto(page, site, "/feedback/sent"),
    "widget": slug_page("collecting", "/widget"),
    "not-found": lambda page, site: goto(page, site, "/no-such-page", 404),
    "login": lambda page, site: goto(page, site, "/secretariat/login"),
    "login-error": login_with_error,
    "second-factor": password_step("secretariat@bruxelles.example"),
    "enrol": password_step(ENROLLING),
}

PAGES = {name: (None, visit) for name, visit in PUBLIC.items()}
for role in ("secretariat", "president", "viewer"):
    PAGES[f"{role}-dashboard"] = (
        role,
        lambda page, site: goto(page, site, "/secretariat/"),
    )
    for state in STAFF_STATES:
        PAGES[f"{role}-initiative-{state}"] = (role, staff_page(state))
PAGES["secretariat-paper-signatures"] = (
    "secretariat",
    staff_page("collecting", "/paper"),
)
PAGES["secretariat-fraud"] = ("secretariat", staff_page("collecting", "/fraud"))


def fraud_with_errors(page, site):
    """The fraud view's form sent empty: the batch and the reason are missing."""
    staff_page("collecting", "/fraud")(page, site)
    submit(page, "form[action$='/fraud']", 400)


PAGES["secretariat-fraud-errors"] = ("secretariat", fraud_with_errors)
PAGES["viewer-forbidden"] = ("viewer", forbidden_page)


AXE_RUN = """async () => {
  const results = await axe.run(document, {runOnly: {type: 'tag',
    values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}});
  return results.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map(n => n.target.join(' '))}));
}"""


def axe_violations(page, name: str) -> list[str]:
    """Run axe-core on the page; return one readable line per violation."""
    # Evaluated, not added as a <script>: the content policy refuses inline scripts.
    page.evaluate(AXE.read_text(encoding="utf-8"))
    return [
        f"{name}: {v['id']} ({v['impact']}) {v['help']} -> {', '.join(v['nodes'])}"
        for v in page.evaluate(AXE_RUN)
    ]


def screenshot(page, name: str, language: str, width: int) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"{name}-{language}-{width}.png", full_page=True)
