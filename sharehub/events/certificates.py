"""The certificate of completion of a training, as PDF. reportlab's built-in CID font renders Korean
without any font file (a PDF reader supplies the glyphs)."""

from __future__ import annotations

import io

from django.conf import settings
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from sharehub.core.i18n import hub_name

from .models import Registration

FONT = "HYGothic-Medium"


def _font() -> str:
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    return FONT


def certificate_pdf(registration: Registration) -> bytes:
    """In the person's language; the organizer is the organization or the city."""
    user, event = registration.user, registration.event
    with translation.override(user.preferred_language or settings.LANGUAGE_CODE):
        font = _font()
        buffer = io.BytesIO()
        pdf = canvas.Canvas(buffer, pagesize=A4)
        pdf.setTitle(_("Certificate of completion"))
        width, height = A4
        pdf.setLineWidth(3)
        pdf.rect(36, 36, width - 72, height - 72)
        pdf.setFont(font, 30)
        pdf.drawCentredString(width / 2, height - 170, _("Certificate of completion"))
        pdf.setFont(font, 22)
        pdf.drawCentredString(width / 2, height - 280, user.display_name or user.email)
        pdf.setFont(font, 14)
        first = formats.date_format(timezone.localtime(event.starts_at), "DATE_FORMAT")
        last = formats.date_format(timezone.localtime(event.ends_at), "DATE_FORMAT")
        lines = [
            _("has completed the training"),
            f"「{event.title}」",
            f"{first} – {last}",
            _("attending %(count)d of %(total)d sessions.")
            % {"count": registration.attendances.count(), "total": event.sessions.count()},
        ]
        y = height - 340
        for line in lines:
            pdf.drawCentredString(width / 2, y, line)
            y -= 28
        language = translation.get_language() or "ko"
        city = settings.SHAREHUB_CITY.get(f"name_{language}") or settings.SHAREHUB_CITY["name_ko"]
        organizer = event.organization.name if event.organization_id else city
        pdf.drawCentredString(
            width / 2, 200, formats.date_format(timezone.localdate(), "DATE_FORMAT")
        )
        pdf.setFont(font, 18)
        pdf.drawCentredString(width / 2, 160, organizer)
        pdf.setFont(font, 10)
        pdf.drawCentredString(
            width / 2, 70, f"{hub_name()} · {settings.SHAREHUB_SITE_URL}{event.get_absolute_url()}"
        )
        pdf.showPage()
        pdf.save()
        return buffer.getvalue()
