"""The dossier's PDF: a bilingual (French, then Dutch) cover and summary for the council.

The PDF is made from the manifest alone, so that it says exactly what the signed
manifest says. Its words are fixed in both official languages of the City, whatever the
language of whoever exports it: the document goes on the council's agenda as it is.
fpdf2 is pure Python; the DejaVu fonts (Debian's ``fonts-dejavu-core``) cover every
accent of French and Dutch. Without them the PDF falls back to the built-in Helvetica,
which covers Latin-1, and replaces the few characters beyond it.
"""

import unicodedata
from datetime import datetime
from pathlib import Path

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from petitions import dates

FONT_FOLDER = Path("/usr/share/fonts/truetype/dejavu")

FONTS = {
    ("sans", ""): "DejaVuSans.ttf",
    ("sans", "B"): "DejaVuSans-Bold.ttf",
    ("mono", ""): "DejaVuSansMono.ttf",
}

CORE_FONTS = {"sans": "helvetica", "mono": "courier"}

# The public timeline's actions, in French and Dutch (the code when missing).
ACTIONS = {
    "submitted": ("Déposée au secrétariat du conseil", "Ingediend bij het raadssecretariaat"),
    "admissible": ("Déclarée recevable : collecte ouverte", "Ontvankelijk verklaard: inzameling geopend"),
    "inadmissible": ("Déclarée irrecevable", "Onontvankelijk verklaard"),
    "threshold-reached": ("Seuil de signatures atteint", "Handtekeningendrempel bereikt"),
    "filed": ("Transmise au conseil communal", "Overgemaakt aan de gemeenteraad"),
    "verified": ("Signatures vérifiées : seuil atteint", "Handtekeningen gecontroleerd: drempel bereikt"),
    "insufficient": ("Signatures vérifiées : seuil non atteint", "Handtekeningen gecontroleerd: drempel niet bereikt"),
    "with-council": ("Prise en charge par le conseil communal", "Behandeld door de gemeenteraad"),
    "consultation-scheduled": ("Réunion de concertation fixée", "Overlegvergadering gepland"),
    "agenda-set": ("Inscrite à l'ordre du jour du conseil", "Op de agenda van de raad geplaatst"),
    "decided": ("Décision du conseil communal", "Beslissing van de gemeenteraad"),
    "dossier-exported": ("Dossier certifié établi", "Gecertificeerd dossier opgemaakt"),
}  # fmt: skip


# The register's reasons for an invalid signature, in French and Dutch.
REASONS = {
    "not_registered": ("Pas inscrit au registre de la population", "Niet ingeschreven in het bevolkingsregister"),
    "not_resident": ("N'habite pas la Ville", "Woont niet in de Stad"),
    "under_age": ("N'a pas l'âge requis", "Niet oud genoeg"),
    "duplicate": ("A signé deux fois", "Twee keer ondertekend"),
    "unreadable": ("Données illisibles ou incomplètes", "Gegevens onleesbaar of onvolledig"),
    "other": ("Autre motif", "Andere reden"),
    "secretariat": ("Invalidée par le secrétariat avec un lot", "Ongeldig verklaard door het secretariaat met een reeks"),
}  # fmt: skip


def local_day(iso_instant: str) -> str:
    """Return the Brussels day (YYYY-MM-DD) of an instant the manifest gives in UTC."""
    return dates.legal_day(
        datetime.fromisoformat(iso_instant), dates.zone()
    ).isoformat()


def title(manifest: dict) -> str:
    """Return the document's title: the register number and the titles in both languages."""
    initiative = manifest["initiative"]
    number = initiative.get("register_number") or initiative["slug"]
    titles = [
        initiative["texts"][language]["title"]
        for language in ("fr", "nl")
        if initiative["texts"].get(language)
    ]
    return " – ".join([f"Initiative citoyenne / Burgerinitiatief {number}", *titles])


def timeline_lines(timeline: list[dict]) -> list[str]:
    """Return the timeline as the PDF prints it: Brussels day, action in both languages."""
    lines = []
    for entry in timeline:
        french, dutch = ACTIONS.get(entry["action"], (entry["action"],) * 2)
        line = f"{local_day(entry['at'])}  {french} / {dutch}"
        if entry.get("reason"):
            line += f" ({entry['reason']})"
        lines.append(line)
    return lines


def count_rows(counts: dict) -> list[tuple[str, int]]:
    """Return the counts as the PDF prints them, each reason in words."""
    rows = [
        ("Recueillies en ligne / Online ingezameld", counts["collected_online"]),
        ("Recueillies sur papier / Op papier ingezameld", counts["collected_on_paper"]),
        ("Confirmées / Bevestigd", counts["confirmed"]),
        ("Valides / Geldig", counts["valid"]),
        ("Non vérifiées / Niet gecontroleerd", counts["unchecked"]),
    ]  # fmt: skip
    for reason, number in sorted(counts["invalid"].items()):
        french, dutch = REASONS.get(reason, (reason, reason))
        rows.append((f"Non valides / Ongeldig : {french} / {dutch}", number))
    return rows


def certification(manifest: dict) -> tuple[str, str]:
    """Return the certification statement in French and in Dutch."""
    counts = manifest["counts"]
    number = manifest["initiative"].get("register_number") or "-"
    leaves = manifest["merkle"]["leaf_count"]
    return (
        f"Le secrétariat du conseil certifie que le présent dossier de l'initiative "
        f"citoyenne {number} contient les {counts['confirmed']} signatures confirmées "
        f"recueillies ({leaves} engagements dans l'arbre de Merkle), telles "
        f"qu'enregistrées par le service, et que le manifeste est signé par la clé "
        f"dont l'empreinte figure ci-dessous.",
        f"Het raadssecretariaat verklaart dat dit dossier van burgerinitiatief "
        f"{number} de {counts['confirmed']} bevestigde ingezamelde handtekeningen "
        f"bevat ({leaves} verbintenissen in de Merkle-boom), zoals door de dienst "
        f"geregistreerd, en dat het manifest ondertekend is met de sleutel waarvan de "
        f"vingerafdruk hieronder staat.",
    )


class Document(FPDF):
    """An A4 page of the service: its fonts (DejaVu where installed), margins and footer."""

    def __init__(self):
        super().__init__(format="A4")
        self.set_margins(18, 18, 18)
        self.set_auto_page_break(True, margin=18)
        self.unicode = all((FONT_FOLDER / name).exists() for name in FONTS.values())
        if self.unicode:
            for (family, style), name in FONTS.items():
                self.add_font(family, style, str(FONT_FOLDER / name))

    def use(self, family: str, size: float, bold: bool = False) -> None:
        name = family if self.unicode else CORE_FONTS[family]
        self.set_font(name, "B" if bold and family == "sans" else "", size)

    def clean(self, text: str) -> str:
        if self.unicode:
            return text
        # Latin-1 keeps é, è, ë, ç...; decompose the rest and drop what has no form.
        text = unicodedata.normalize("NFKC", text)
        text = text.replace("’", "'").replace("“", '"').replace("”", '"')
        text = text.replace("–", "-").replace("—", "-").replace("…", "...")
        return text.encode("latin-1", "replace").decode("latin-1")

    def para(self, text: str, size: float = 10, bold=False, family="sans") -> None:
        self.use(family, size, bold)
        self.multi_cell(
            0, size * 0.5, self.clean(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT
        )
        self.ln(1.5)

    def heading(self, text: str, size: float = 13) -> None:
        self.ln(2)
        self.para(text, size=size, bold=True)


def build_pdf(manifest: dict) -> bytes:
    """Return the dossier's PDF, made from its manifest."""
    initiative = manifest["initiative"]
    pdf = Document()
    pdf.set_title(title(manifest))
    pdf.set_creation_date(datetime.fromisoformat(manifest["exported_at"]))
    pdf.add_page()
    _cover(pdf, manifest)
    for language, label in (("fr", "Texte (français)"), ("nl", "Tekst (Nederlands)")):
        text = initiative["texts"].get(language)
        if text:
            pdf.heading(label)
            pdf.para(text["title"], size=11, bold=True)
            pdf.para(text["summary"], size=10, bold=True)
            pdf.para(text["body"])
    _timeline(pdf, initiative["timeline"])
    _counts(pdf, manifest["counts"])
    _certification(pdf, manifest)
    return bytes(pdf.output())


def _cover(pdf: Document, manifest: dict) -> None:
    initiative = manifest["initiative"]
    pdf.para("Ville de Bruxelles / Stad Brussel", size=10)
    pdf.para("Initiative citoyenne / Burgerinitiatief", size=16, bold=True)
    for language in ("fr", "nl"):
        text = initiative["texts"].get(language)
        if text:
            pdf.para(text["title"], size=14, bold=True)
    facts = [
        ("Numéro / Nummer", initiative.get("register_number") or "-"),
        ("Déposée le / Ingediend op", initiative.get("filed_on") or "-"),
        ("Décision au plus tard le / Beslissing uiterlijk op", initiative.get("council_deadline") or "-"),
        ("Seuil / Drempel", str(initiative["threshold"])),
        ("Représentants / Vertegenwoordigers", ", ".join(initiative["representatives"]) or "-"),
        ("Dossier établi le / Dossier opgemaakt op", local_day(manifest["exported_at"])),
    ]  # fmt: skip
    for label, value in facts:
        pdf.para(f"{label} : {value}")


def _timeline(pdf: Document, timeline: list[dict]) -> None:
    pdf.heading("Chronologie / Tijdlijn")
    for line in timeline_lines(timeline):
        pdf.para(line, size=9)


def _counts(pdf: Document, counts: dict) -> None:
    pdf.heading("Signatures / Handtekeningen")
    for label, number in count_rows(counts):
        pdf.para(f"{label} : {number}")


def _certification(pdf: Document, manifest: dict) -> None:
    pdf.heading("Certification / Certificering")
    french, dutch = certification(manifest)
    pdf.para(french)
    pdf.para(dutch)
    pdf.para(
        f"Racine de Merkle / Merkle-wortel ({manifest['merkle']['algorithm']}) :",
        size=9,
    )
    pdf.para(manifest["merkle"]["root"], size=8, family="mono")
    pdf.para("Empreinte de la clé / Vingerafdruk van de sleutel (SHA-256) :", size=9)
    pdf.para(manifest["signing_key_fingerprint"], size=8, family="mono")
