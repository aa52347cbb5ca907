"""The designation certificate (지정서) as a PDF: a page in Korean and a page in English, with
the city's name (settings.SHAREHUB_CITY), the number, the validity and the verification code and
address that the public register confirms (`views.public.verify`).

reportlab's CID fonts (HYSMyeongJo-Medium, HYGothic-Medium) render Korean without any font file:
the PDF names the font and the reader supplies its glyphs. Latin text on the English page uses
the standard Times fonts; the code and address are in Helvetica, so they copy exactly.
"""

from __future__ import annotations

import io
from urllib.parse import urlencode

from django.conf import settings
from django.urls import reverse
from django.utils import formats, translation
from django.utils.translation import gettext as _
from reportlab.graphics import renderPDF
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib.pagesizes import A4
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from sharehub.core.i18n import hub_name

from .models import Designation, DesignationKind

SERIF_KO = "HYSMyeongJo-Medium"
GOTHIC_KO = "HYGothic-Medium"
SERIF = "Times-Roman"
SERIF_BOLD = "Times-Bold"
MONO = "Helvetica"
GREEN = (0.04, 0.43, 0.31)
# The conditions printed (the designation's page holds them whole): four lines at most.
CONDITIONS_PRINTED = 160


def _register_fonts() -> None:
    for name in (SERIF_KO, GOTHIC_KO):
        if name not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(UnicodeCIDFont(name))


def verification_url(designation: Designation, language: str) -> str:
    """The public page that confirms the certificate, with its code filled in."""
    with translation.override(language):
        path = reverse("designation:verify")
    return f"{settings.SHAREHUB_SITE_URL}{path}?{urlencode({'code': designation.printed_code})}"


def _city(language: str) -> str:
    city = settings.SHAREHUB_CITY
    return city.get(f"name_{language}") or city["name_ko"]


class _Page:
    """One page's drawing helpers: which font a text needs, centred and wrapped lines."""

    def __init__(self, pdf: canvas.Canvas, language: str) -> None:
        self.pdf = pdf
        self.korean = language == "ko"
        self.width, self.height = A4

    def font(self, text: str, *, bold: bool = False) -> str:
        if self.korean:
            return GOTHIC_KO if bold else SERIF_KO
        try:
            text.encode("cp1252")
        except UnicodeEncodeError:
            return GOTHIC_KO if bold else SERIF_KO
        return SERIF_BOLD if bold else SERIF

    def centred(self, text: str, y: float, size: float, *, bold: bool = False) -> None:
        self.pdf.setFont(self.font(text, bold=bold), size)
        self.pdf.drawCentredString(self.width / 2, y, text)

    def fact(self, label: str, value: str, y: float, *, width: float = 330) -> float:
        """A label and its value (wrapped); returns the next line's y."""
        self.pdf.setFont(self.font(label, bold=True), 12.5)
        self.pdf.drawString(110, y, label)
        font = self.font(value)
        lines = simpleSplit(value, font, 12.5, width) or [""]
        self.pdf.setFont(font, 12.5)
        for line in lines:
            self.pdf.drawString(225, y, line)
            y -= 19
        return y - 7


def _draw_frame(page: _Page) -> None:
    pdf, width, height = page.pdf, page.width, page.height
    pdf.setStrokeColorRGB(*GREEN)
    pdf.setLineWidth(3)
    pdf.rect(32, 32, width - 64, height - 64)
    pdf.setLineWidth(0.8)
    pdf.rect(40, 40, width - 80, height - 80)
    pdf.setStrokeColorRGB(0, 0, 0)


def _draw_verification(page: _Page, designation: Designation, url: str) -> None:
    pdf = page.pdf
    widget = QrCodeWidget(url)
    left, bottom, right, top = widget.getBounds()
    size = 78
    drawing = Drawing(
        size, size, transform=[size / (right - left), 0, 0, size / (top - bottom), 0, 0]
    )
    drawing.add(widget)
    renderPDF.draw(drawing, pdf, 62, 62)
    label = _("Verify this certificate")
    pdf.setFont(page.font(label, bold=True), 10)
    pdf.drawString(152, 122, label)
    code_label = _("Verification code")
    pdf.setFont(page.font(code_label), 9.5)
    pdf.drawString(152, 106, code_label)
    pdf.setFont(MONO, 11)
    pdf.drawString(
        152 + pdfmetrics.stringWidth(code_label, page.font(code_label), 9.5) + 8,
        106,
        designation.printed_code,
    )
    pdf.setFont(MONO, 8.5)
    pdf.drawString(152, 90, url)
    hint = _("Enter the code on the public register's verification page, or scan the code.")
    pdf.setFont(page.font(hint), 8.5)
    pdf.drawString(152, 75, hint)


def _draw_page(pdf: canvas.Canvas, designation: Designation, language: str) -> None:
    with translation.override(language):
        page = _Page(pdf, language)
        organization = designation.organization
        city = _city(language)
        _draw_frame(page)
        number = _("No. %(number)s") % {"number": designation.number}
        pdf.setFont(page.font(number), 11)
        pdf.drawString(70, page.height - 78, number)
        page.centred(city, page.height - 130, 15)
        page.centred(_("Certificate of designation"), page.height - 185, 32, bold=True)
        name = (
            organization.name_ko
            if language == "ko"
            else (organization.name_en or organization.name_ko)
        )
        first = formats.date_format(designation.designated_on, "DATE_FORMAT")
        last = formats.date_format(designation.valid_until, "DATE_FORMAT")
        application = designation.application
        y = page.height - 270
        y = page.fact(_("Organization"), name, y)
        if application is not None and application.representative:
            y = page.fact(_("Representative"), application.representative, y)
        if organization.address:
            y = page.fact(_("Address"), organization.address, y)
        y = page.fact(_("Designated as"), str(designation.get_kind_display()), y)
        y = page.fact(_("Valid"), f"{first} – {last}", y)
        if designation.conditions:
            y = page.fact(_("Conditions"), designation.conditions[:CONDITIONS_PRINTED], y)
        if designation.kind == DesignationKind.ORGANIZATION:
            statement = _(
                "Under the ordinance of %(city)s on the promotion of sharing, the organization "
                "above is designated as a sharing organization."
            )
        else:
            statement = _(
                "Under the ordinance of %(city)s on the promotion of sharing, the organization "
                "above is designated as a sharing enterprise."
            )
        statement %= {"city": city}
        font = page.font(statement)
        pdf.setFont(font, 14)
        # The statement, the date and the mayor follow the facts, above the verification box.
        y = max(min(y - 24, page.height - 470), 330)
        for line in simpleSplit(statement, font, 14, page.width - 190):
            pdf.drawCentredString(page.width / 2, y, line)
            y -= 24
        page.centred(first, y - 22, 14)
        page.centred(_("Mayor, %(city)s") % {"city": city}, y - 80, 22, bold=True)
        _draw_verification(page, designation, verification_url(designation, language))
        footer = hub_name()
        pdf.setFont(page.font(footer), 8)
        pdf.drawRightString(page.width - 62, 62, footer)
        pdf.showPage()


def certificate_languages() -> list[str]:
    """Korean first, then English, among the hub's languages."""
    offered = [code for code, _name in settings.LANGUAGES]
    return [code for code in ("ko", "en") if code in offered] or ["ko"]


def certificate_pdf(designation: Designation) -> bytes:
    """The certificate, one page per language."""
    _register_fonts()
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, pageCompression=1)
    with translation.override(certificate_languages()[0]):
        pdf.setTitle(
            _("Certificate of designation No. %(number)s") % {"number": designation.number}
        )
    pdf.setAuthor(_city("en"))
    pdf.setSubject(designation.number)
    for language in certificate_languages():
        _draw_page(pdf, designation, language)
    pdf.save()
    return buffer.getvalue()


def certificate_filename(designation: Designation) -> str:
    return f"designation-{designation.number}.pdf"
