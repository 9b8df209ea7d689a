"""The initiative as an OParl 1.1 ``Paper``, so that council information systems import it.

OParl (https://oparl.org/spezifikation/) is the open standard of German-speaking council
information systems; its ``Paper`` is a document put before the council, with a main
``File`` and auxiliary ones. The dossier carries the Paper as ``oparl-paper.json``. The
files live inside the dossier archive, so each ``File``'s ``accessUrl`` is its name in
the archive (a relative reference) and ``sha256Checksum`` lets an importer check it.
"""

from dataclasses import dataclass

PAPER_TYPE = "https://schema.oparl.org/1.1/Paper"

FILE_TYPE = "https://schema.oparl.org/1.1/File"

PAPER_KIND = "Initiative citoyenne / Burgerinitiatief"


@dataclass(frozen=True)
class DossierFile:
    """A file of the dossier as OParl describes it."""

    file_name: str
    name: str
    mime_type: str
    size: int
    sha256: str


def oparl_file(paper_id: str, item: DossierFile, day: str | None) -> dict:
    """Return an OParl 1.1 ``File`` object for one file of the dossier."""
    document = {
        "id": f"{paper_id}/file/{item.file_name}",
        "type": FILE_TYPE,
        "name": item.name,
        "fileName": item.file_name,
        "mimeType": item.mime_type,
        "size": item.size,
        "sha256Checksum": item.sha256,
        "accessUrl": item.file_name,
    }
    if day:
        document["date"] = day
    return document


def oparl_paper(
    page_url: str,
    manifest: dict,
    main: DossierFile,
    auxiliary: list[DossierFile],
) -> dict:
    """Return the initiative of a dossier manifest as an OParl 1.1 ``Paper``."""
    initiative = manifest["initiative"]
    texts = initiative["texts"]
    titles = [texts[lang]["title"] for lang in ("fr", "nl") if lang in texts]
    day = initiative.get("filed_on")
    paper_id = f"{page_url}#oparl-paper"
    paper = {
        "id": paper_id,
        "type": PAPER_TYPE,
        "name": " / ".join(titles) or initiative["slug"],
        "reference": initiative.get("register_number"),
        "paperType": PAPER_KIND,
        "mainFile": oparl_file(paper_id, main, day),
        "auxiliaryFile": [oparl_file(paper_id, item, day) for item in auxiliary],
        "web": page_url,
        "created": manifest["exported_at"],
        "modified": manifest["exported_at"],
    }
    if day:
        paper["date"] = day
    return paper
