"""The printable A4 sheet (PDF) on which initiators collect signatures on paper."""

import segno
from flask import current_app

from petitions.dossier.pdf import Document
from petitions.models import Initiative
from petitions.web.urls import public_url

ROWS = 10

ROW_HEIGHT = 10.0

PRIVACY = {
    "fr": (
        "Vos données et vos droits",
        [
            "Données conservées : les informations de cette feuille. Signer révèle une opinion politique ; ces données font donc l'objet d'une protection particulière.",
            "Pourquoi : uniquement pour vérifier que vous habitez la Ville et avez au moins 16 ans au jour de la signature, et pour ne compter votre signature qu'une seule fois (en ligne ou sur papier). Vous ne recevez aucun e-mail.",
            "Qui y a accès : uniquement le secrétariat du conseil de la Ville, qui saisit la feuille ; jamais le public, qui ne voit que le nombre de signatures.",
            "Durée de conservation : {decided} mois après la décision du conseil communal ou, si l'initiative prend fin sans décision, {ended} mois après sa fin.",
            "Vos droits : accès, rectification, retrait de votre signature tant que la collecte est ouverte, et plainte auprès de l'Autorité de protection des données.",
            "Contact : le délégué à la protection des données de la Ville, privacy@example.brussels.",
        ],
    ),
    "nl": (
        "Uw gegevens en uw rechten",
        [
            "Wat we bewaren: de gegevens van dit blad. Uit een ondertekening blijkt een politieke opvatting, daarom zijn deze gegevens bijzonder beschermd.",
            "Waarom: enkel om na te gaan of u in de Stad woont en op de dag van ondertekening minstens 16 jaar oud bent, en om uw handtekening maar één keer te tellen (online of op papier). U ontvangt geen e-mail.",
            "Wie ze ziet: enkel het gemeenteraadssecretariaat van de Stad, dat het blad invoert; nooit het publiek, dat enkel het aantal handtekeningen ziet.",
            "Bewaartermijn: {decided} na de beslissing van de gemeenteraad, of {ended} nadat het initiatief zonder beslissing is afgelopen.",
            "Uw rechten: inzage, verbetering, intrekking van uw handtekening zolang de inzameling loopt, en een klacht bij de Gegevensbeschermingsautoriteit.",
            "Contact: de functionaris voor gegevensbescherming van de Stad, privacy@example.brussels.",
        ],
    ),
}

CONSENT = (
    "En signant, je consens à ce que la Ville traite ces données, qui révèlent une opinion politique, uniquement pour vérifier et comptabiliser ma signature, comme l'indique la déclaration de confidentialité (page 1). Je n'ai signé cette initiative qu'une seule fois.",
    "Door te ondertekenen stem ik ermee in dat de Stad deze gegevens, waaruit een politieke opvatting blijkt, uitsluitend verwerkt om mijn handtekening te controleren en te tellen, zoals beschreven in de privacyverklaring (blad 1). Ik heb dit initiatief maar één keer ondertekend.",
)

# The online form's fields, and the date and signature a sheet adds (width in mm).
COLUMNS = (
    ("N°\nNr", 9),
    ("Nom\nNaam", 30),
    ("Prénoms\nVoornamen", 30),
    ("Date de naissance\nGeboortedatum", 22),
    ("Rue\nStraat", 38),
    ("N°\nNr", 11),
    ("Boîte\nBus", 10),
    ("Code postal\nPostcode", 15),
    ("E-mail (facultatif)\nE-mail (facultatief)", 42),
    ("Date\nDatum", 20),
    ("Signature\nHandtekening", 34),
)


def _months(language: str, count: int) -> str:
    # French "mois" is the same in the plural; Dutch says "1 maand", "3 maanden".
    if language == "nl":
        return f"{count} maand" if count == 1 else f"{count} maanden"
    return str(count)


def privacy_notice(language: str) -> tuple[str, list[str]]:
    """The sheet's privacy notice in ``language`` ("fr" or "nl"), with the configured
    retention periods: the sheet is printed in both languages whatever the page's."""
    title, lines = PRIVACY[language]
    config = current_app.config
    periods = {
        "decided": _months(language, config["RETENTION_DECIDED_MONTHS"]),
        "ended": _months(language, config["RETENTION_ENDED_MONTHS"]),
    }
    return title, [line.format(**periods) for line in lines]


def _qr(pdf: Document, url: str, x: float, y: float, size: float) -> None:
    """Draw the QR code of ``url`` as vector squares, a link to it over them."""
    code = segno.make(url, error="m", micro=False)
    rows = list(code.matrix_iter(border=2))
    module = size / len(rows)
    pdf.set_fill_color(0, 0, 0)
    for j, row in enumerate(rows):
        for i, dark in enumerate(row):
            if dark:
                pdf.rect(x + i * module, y + j * module, module, module, style="F")
    pdf.link(x, y, size, size, url)


def _texts(initiative: Initiative) -> dict:
    return {
        lang: initiative.text(lang) for lang in ("fr", "nl") if initiative.text(lang)
    }


def _header(pdf: Document, initiative: Initiative, texts: dict) -> None:
    pdf.para("Ville de Bruxelles / Stad Brussel", size=9)
    number = initiative.register_number or "-"
    pdf.para(f"Initiative citoyenne / Burgerinitiatief  {number}", size=14, bold=True)
    for language in ("fr", "nl"):
        if language in texts:
            pdf.para(texts[language].title, size=12, bold=True)


def _first_page(pdf: Document, initiative: Initiative, url: str) -> None:
    texts = _texts(initiative)
    pdf.add_page()
    _qr(pdf, url, pdf.w - pdf.r_margin - 32, pdf.t_margin, 32)
    pdf.set_right_margin(pdf.r_margin + 36)
    _header(pdf, initiative, texts)
    pdf.para("Signer en ligne / Online ondertekenen :", size=9)
    pdf.para(url, size=9, family="mono")
    pdf.set_right_margin(18)
    pdf.set_y(max(pdf.get_y(), pdf.t_margin + 36))
    with pdf.offset_rendering() as trial:
        _texts_and_notice(trial, texts, url, full=True)
    # When the registered text does not fit beside the notice: its summary, and where
    # to read the whole.
    _texts_and_notice(pdf, texts, url, full=not trial.page_break_triggered)


def _texts_and_notice(pdf, texts: dict, url: str, full: bool) -> None:
    for language, label in (("fr", "Texte (français)"), ("nl", "Tekst (Nederlands)")):
        if language not in texts:
            continue
        pdf.heading(label, size=11)
        pdf.para(texts[language].summary, size=9, bold=True)
        if full:
            pdf.para(texts[language].body, size=9)
    if not full:
        pdf.para(f"Texte complet / Volledige tekst : {url}", size=9, bold=True)
    for language in ("fr", "nl"):
        title, lines = privacy_notice(language)
        pdf.heading(title, size=11)
        for line in lines:
            pdf.para(f"• {line}", size=8)


def _rows_page(pdf: Document, initiative: Initiative, url: str) -> None:
    """Draw the rows on one landscape page: its header stays short whatever the text."""
    pdf.add_page(orientation="L")
    texts = _texts(initiative)
    _qr(pdf, url, pdf.w - pdf.r_margin - 20, pdf.t_margin, 20)
    pdf.set_right_margin(pdf.r_margin + 24)
    number = initiative.register_number or "-"
    pdf.para(f"Initiative citoyenne / Burgerinitiatief  {number}", size=10, bold=True)
    titles = " / ".join(
        _short(texts[lang].title) for lang in ("fr", "nl") if lang in texts
    )
    pdf.para(titles, size=9, bold=True)
    for statement in CONSENT:
        pdf.para(statement, size=7.5)
    pdf.set_right_margin(18)
    pdf.set_y(max(pdf.get_y(), pdf.t_margin + 21))
    _table(pdf)
    pdf.para(
        "Feuille à remettre aux initiateurs, qui la déposent au secrétariat du conseil "
        "avant le dépôt de l'initiative. / Blad terug te geven aan de initiatiefnemers, "
        "die het bij het raadssecretariaat indienen vóór de indiening van het initiatief.",
        size=7,
    )


def _short(title: str, limit: int = 90) -> str:
    return title if len(title) <= limit else title[: limit - 1].rstrip() + "…"


def _table(pdf: Document) -> None:
    pdf.use("sans", 6.5, bold=True)
    x0, y = pdf.l_margin, pdf.get_y()
    x = x0
    for label, width in COLUMNS:
        pdf.rect(x, y, width, 8)
        pdf.set_xy(x + 0.5, y + 0.8)
        pdf.multi_cell(width - 1, 3, pdf.clean(label), align="C")
        x += width
    y += 8
    pdf.use("sans", 9)
    for number in range(1, ROWS + 1):
        x = x0
        for index, (_label, width) in enumerate(COLUMNS):
            pdf.rect(x, y, width, ROW_HEIGHT)
            if index == 0:
                pdf.set_xy(x, y)
                pdf.cell(width, ROW_HEIGHT, str(number), align="C")
            x += width
        y += ROW_HEIGHT
    pdf.set_y(y + 2)


def build_sheet(initiative: Initiative) -> bytes:
    """Return the initiative's printable signature sheet (PDF)."""
    url = public_url("public.initiative", slug=initiative.slug)
    pdf = Document()
    pdf.set_title(f"Feuille de signatures / Handtekeningenblad {initiative.slug}")
    _first_page(pdf, initiative, url)
    _rows_page(pdf, initiative, url)
    return bytes(pdf.output())
