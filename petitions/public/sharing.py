"""Sharing: short links, QR codes for flyers and the widget other sites embed."""

import io
import math
import re

import segno
from flask import (
    Blueprint,
    abort,
    current_app,
    g,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select

from petitions import clock
from petitions.extensions import db
from petitions.initiatives.labels import PUBLIC_STATE_LABELS
from petitions.initiatives.queries import NOT_PUBLIC, get_initiative_or_404
from petitions.initiatives.summaries import initiative_summary
from petitions.models import Initiative
from petitions.signing.rules import is_open_for_signing
from petitions.web.languages import current_language
from petitions.web.urls import public_url

bp = Blueprint("sharing", __name__)

# A short link is the register number without its dash ("2027-004" -> "2027004"): it is
# already public, stable for the initiative's whole life, and short enough to type from
# a flyer. Initiatives without one (only inadmissible ones among the public) share their
# page's own address.
SHORT_CODE = re.compile(r"^(\d{4})(\d{3,})$")

# Flyers are printed and scanned from afar: a medium error-correction level survives
# smudges, the quiet zone of 4 modules is the standard's own, and the PNG is at least
# 600 pixels wide so that it prints sharp at 5 cm and more.
QR_ERROR = "m"

QR_BORDER = 4

QR_MIN_PNG_PIXELS = 600

QR_SVG_SCALE = 10


def short_code(initiative: Initiative) -> str | None:
    """Return the short code of an initiative's share link (None without a number)."""
    number = initiative.register_number
    return number.replace("-", "") if number else None


def share_url(initiative: Initiative) -> str:
    """Return the absolute address to share: the short link, else the page itself."""
    code = short_code(initiative)
    if code is None:
        return public_url("public.initiative", slug=initiative.slug)
    return public_url("sharing.short_link", code=code)


def qr_code(initiative: Initiative) -> segno.QRCode:
    """Return the QR code of an initiative's share link."""
    return segno.make(share_url(initiative), error=QR_ERROR, micro=False)


def png_scale(qr: segno.QRCode) -> int:
    """Return the smallest module size that makes the PNG at least 600 pixels wide."""
    width, _height = qr.symbol_size(scale=1, border=QR_BORDER)
    return math.ceil(QR_MIN_PNG_PIXELS / width)


def _image(data: bytes, mimetype: str, filename: str):
    response = make_response(data)
    response.mimetype = mimetype
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def _title(initiative: Initiative) -> str:
    text = initiative.text(current_language())
    return text.title if text else initiative.slug


@bp.app_template_global("share_url")
def _share_url_global(initiative: Initiative) -> str:
    return share_url(initiative)


@bp.get("/i/<code>")
def short_link(code: str):
    """Send a short share link on to the initiative's page."""
    match = SHORT_CODE.match(code)
    if not match:
        abort(404)
    number = f"{match.group(1)}-{match.group(2)}"
    initiative = db.session.scalar(
        select(Initiative).where(Initiative.register_number == number)
    )
    if initiative is None or initiative.state in NOT_PUBLIC:
        abort(404)
    # 302, not 301: browsers keep a 301 forever, and the page's address is ours to fix.
    return redirect(url_for("public.initiative", slug=initiative.slug), 302)


@bp.get("/initiatives/<slug>/qr.png")
def qr_png(slug: str):
    """Serve the QR code of the initiative's share link as a PNG for flyers."""
    initiative = get_initiative_or_404(slug)
    qr = qr_code(initiative)
    out = io.BytesIO()
    qr.save(out, kind="png", scale=png_scale(qr), border=QR_BORDER)
    return _image(out.getvalue(), "image/png", f"{slug}-qr.png")


@bp.get("/initiatives/<slug>/qr.svg")
def qr_svg(slug: str):
    """Serve the QR code of the initiative's share link as an SVG for print."""
    initiative = get_initiative_or_404(slug)
    out = io.BytesIO()
    qr_code(initiative).save(
        out,
        kind="svg",
        scale=QR_SVG_SCALE,
        border=QR_BORDER,
        title=_("QR code of the initiative: %(title)s", title=_title(initiative)),
        desc=share_url(initiative),
    )
    return _image(out.getvalue(), "image/svg+xml", f"{slug}-qr.svg")


@bp.get("/initiatives/<slug>/widget")
def widget(slug: str):
    """Show the initiative's progress in a tiny page other sites put in an iframe."""
    initiative = get_initiative_or_404(slug)
    language = request.args.get("lang")
    if language in current_app.config["LANGUAGES"]:
        # The address fixes the language: caches need not vary on the visitor's.
        g.language_from_url = True
    else:
        language = current_language()
    with force_locale(language):
        now = clock.now()
        summary = initiative_summary(initiative, initiative.confirmed_count(), now)
        return render_template(
            "sharing/widget.html",
            language=language,
            state_label=PUBLIC_STATE_LABELS.get(initiative.state, ""),
            open_for_signing=is_open_for_signing(initiative, now),
            page_url=public_url("public.initiative", slug=initiative.slug),
            **summary,
        )
