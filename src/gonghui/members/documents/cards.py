"""Member cards (工会会员证) as a printable PDF, drawn with reportlab.

A card is the size of a bank card (ISO/IEC 7810 ID-1, 85.6 × 54 mm): a red title band (中华全国总工会,
工会会员证), the member's name, gender, union, card number and join date, and a QR code. The QR code holds
only the address of the public verification page with a signed token (tokens.py): no name, no 身份证号.

Two layouts: "card" puts each card on its own card-sized page (card printers, or printing one card at
actual size); "sheet" puts ten cards on an A4 page, two across and five down, with cut marks in the margin.

Chinese text uses the Adobe CID font STSong-Light, which every PDF reader supplies, so no font file is
needed or embedded; the card number is in Helvetica.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable
from functools import cache

import qrcode
from django.utils.formats import date_format
from django.utils.translation import pgettext
from qrcode.constants import ERROR_CORRECT_M
from reportlab.lib.colors import Color, HexColor, white
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen.canvas import Canvas

from ..models import Member

CARD_WIDTH = 85.6 * mm
CARD_HEIGHT = 54 * mm
SHEET_COLUMNS = 2
SHEET_ROWS = 5
CARDS_PER_SHEET = SHEET_COLUMNS * SHEET_ROWS
LAYOUTS = ("card", "sheet")

CJK_FONT = "STSong-Light"
LATIN_FONT = "Helvetica"
LATIN_BOLD = "Helvetica-Bold"
RED = HexColor("#C8161D")
INK = HexColor("#222222")
GREY = HexColor("#666666")
OUTLINE = Color(0.75, 0.75, 0.75)

BAND_HEIGHT = 14 * mm
MARGIN = 5 * mm
QR_SIZE = 24 * mm
CUT_MARK_GAP = 2 * mm
CUT_MARK_LENGTH = 5 * mm


@cache
def _register_fonts() -> None:
    pdfmetrics.registerFont(UnicodeCIDFont(CJK_FONT))


# The QR mask pattern. Choosing the best of the eight for each code (the library's default) takes 9 of the
# 14 ms a card costs; for these addresses (version 7, byte mode) mask 3 scored within 1% of the best on
# every one of 60 sampled tokens, so it is fixed.
QR_MASK = 3


def qr_matrix(data: str) -> list[list[bool]]:
    """The QR code's modules (True = dark), without the quiet zone: the card leaves white around it."""
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=0, mask_pattern=QR_MASK)
    code.add_data(data)
    code.make(fit=True)
    return code.get_matrix()


def _draw_qr(canvas: Canvas, matrix: list[list[bool]], x: float, y: float, size: float) -> None:
    """The QR code as vector rectangles (one per horizontal run of dark modules): sharp at any printer
    resolution and small in the file."""
    module = size / len(matrix)
    path = canvas.beginPath()
    for row_index, row in enumerate(matrix):
        top = y + size - (row_index + 1) * module
        start = None
        for column_index, dark in enumerate([*row, False]):
            if dark and start is None:
                start = column_index
            elif not dark and start is not None:
                path.rect(x + start * module, top, (column_index - start) * module, module)
                start = None
    canvas.setFillColor(INK)
    canvas.drawPath(path, stroke=0, fill=1)


def _fit(text: str, font: str, size: float, width: float, smallest: float = 5.0) -> float:
    """The largest font size up to `size` at which `text` fits in `width`."""
    while size > smallest and pdfmetrics.stringWidth(text, font, size) > width:
        size -= 0.25
    return size


def _wrap(text: str, font: str, size: float, width: float) -> list[str]:
    """`text` cut into two lines at the last character that fits (Chinese names have no spaces)."""
    end = len(text)
    while end > 1 and pdfmetrics.stringWidth(text[:end], font, size) > width:
        end -= 1
    return [text[:end], text[end:]] if end < len(text) else [text]


def _shorten(text: str, font: str, size: float, width: float) -> str:
    if pdfmetrics.stringWidth(text, font, size) <= width:
        return text
    while text and pdfmetrics.stringWidth(text + "…", font, size) > width:
        text = text[:-1]
    return text + "…"


def draw_card(canvas: Canvas, member: Member, verify_url: str, x: float = 0, y: float = 0) -> None:
    """One card with its lower left corner at (x, y)."""
    _register_fonts()
    canvas.saveState()
    canvas.translate(x, y)

    # outline (a cutting guide on a sheet) and the red title band
    canvas.setStrokeColor(OUTLINE)
    canvas.setLineWidth(0.3)
    canvas.roundRect(0, 0, CARD_WIDTH, CARD_HEIGHT, 3 * mm, stroke=1, fill=0)
    canvas.setFillColor(RED)
    band = canvas.beginPath()
    radius = 3 * mm
    band.moveTo(0, CARD_HEIGHT - BAND_HEIGHT)
    band.lineTo(CARD_WIDTH, CARD_HEIGHT - BAND_HEIGHT)
    band.lineTo(CARD_WIDTH, CARD_HEIGHT - radius)
    band.arcTo(CARD_WIDTH - 2 * radius, CARD_HEIGHT - 2 * radius, CARD_WIDTH, CARD_HEIGHT, startAng=0, extent=90)
    band.lineTo(radius, CARD_HEIGHT)
    band.arcTo(0, CARD_HEIGHT - 2 * radius, 2 * radius, CARD_HEIGHT, startAng=90, extent=90)
    band.close()
    canvas.drawPath(band, stroke=0, fill=1)

    canvas.setFillColor(white)
    canvas.setFont(CJK_FONT, 7)
    canvas.drawCentredString(CARD_WIDTH / 2, CARD_HEIGHT - 5 * mm,
                             pgettext("member card", "All-China Federation of Trade Unions"))
    title = pgettext("member card", "Trade union member card")
    canvas.setFont(CJK_FONT, 13)
    # STSong-Light has no bold face: the title is filled and stroked to stand out
    canvas.setStrokeColor(white)
    canvas.setLineWidth(0.35)
    text = canvas.beginText()
    text.setTextRenderMode(2)
    text.setFont(CJK_FONT, 13)
    text.setCharSpace(2)
    width = pdfmetrics.stringWidth(title, CJK_FONT, 13) + 2 * (len(title) - 1)
    text.setTextOrigin((CARD_WIDTH - width) / 2, CARD_HEIGHT - 11.5 * mm)
    text.textOut(title)
    text.setCharSpace(0)  # the text state outlives the text object: put it back
    text.setTextRenderMode(0)
    canvas.drawText(text)

    # the member's facts, left; the QR code, right
    qr_x = CARD_WIDTH - MARGIN - QR_SIZE
    label_width = 14 * mm
    value_x = MARGIN + label_width
    value_width = qr_x - 3 * mm - value_x
    rows = [
        (pgettext("member card", "Name"), member.name, CJK_FONT, 10),
        (pgettext("member card", "Gender"), member.get_gender_display(), CJK_FONT, 8),
        (pgettext("member card", "Union"), member.union.name, CJK_FONT, 8),
        (pgettext("member card", "Card no."), member.card_no, LATIN_BOLD, 8.5),
        (pgettext("member card", "Joined on"), date_format(member.join_date) if member.join_date else "—",
         CJK_FONT, 8),
    ]
    line_y = CARD_HEIGHT - BAND_HEIGHT - 6.5 * mm
    for label, value, font, size in rows:
        canvas.setFillColor(GREY)
        canvas.setFont(CJK_FONT, 6.5)
        canvas.drawString(MARGIN, line_y, label)
        canvas.setFillColor(INK)
        fitted = _fit(value, font, size, value_width, smallest=6.5)
        lines = [value] if pdfmetrics.stringWidth(value, font, fitted) <= value_width else _wrap(
            value, font, 6, value_width)
        if len(lines) == 1:
            canvas.setFont(font, fitted)
            canvas.drawString(value_x, line_y, value)
        else:  # a long union name: two smaller lines around the row's baseline
            canvas.setFont(font, 6)
            canvas.drawString(value_x, line_y + 1.3 * mm, lines[0])
            canvas.drawString(value_x, line_y - 1.3 * mm, _shorten(lines[1], font, 6, value_width))
        line_y -= 6.2 * mm

    qr_y = 7 * mm
    _draw_qr(canvas, qr_matrix(verify_url), qr_x, qr_y, QR_SIZE)
    canvas.setFillColor(GREY)
    canvas.setFont(CJK_FONT, 5.5)
    canvas.drawCentredString(qr_x + QR_SIZE / 2, qr_y - 3.5 * mm, pgettext("member card", "Scan to verify"))
    canvas.restoreState()


def _sheet_origin() -> tuple[float, float]:
    page_width, page_height = A4
    return (page_width - SHEET_COLUMNS * CARD_WIDTH) / 2, (page_height - SHEET_ROWS * CARD_HEIGHT) / 2


def _draw_cut_marks(canvas: Canvas) -> None:
    """Short lines in the margin at every cutting line, clear of the cards."""
    left, bottom = _sheet_origin()
    right, top = left + SHEET_COLUMNS * CARD_WIDTH, bottom + SHEET_ROWS * CARD_HEIGHT
    canvas.saveState()
    canvas.setStrokeColor(INK)
    canvas.setLineWidth(0.3)
    for column in range(SHEET_COLUMNS + 1):
        x = left + column * CARD_WIDTH
        canvas.line(x, top + CUT_MARK_GAP, x, top + CUT_MARK_GAP + CUT_MARK_LENGTH)
        canvas.line(x, bottom - CUT_MARK_GAP, x, bottom - CUT_MARK_GAP - CUT_MARK_LENGTH)
    for row in range(SHEET_ROWS + 1):
        y = bottom + row * CARD_HEIGHT
        canvas.line(left - CUT_MARK_GAP, y, left - CUT_MARK_GAP - CUT_MARK_LENGTH, y)
        canvas.line(right + CUT_MARK_GAP, y, right + CUT_MARK_GAP + CUT_MARK_LENGTH, y)
    canvas.setFillColor(GREY)
    canvas.setFont(CJK_FONT, 6)
    canvas.drawCentredString(A4[0] / 2, 3.5 * mm, pgettext(
        "member card", "Print at actual size (100%) and cut along the marks."))
    canvas.restoreState()


def cards_pdf(members: Iterable[Member], verify_url: Callable[[Member], str], *, layout: str = "card",
              title: str = "") -> tuple[bytes, int]:
    """The PDF of the members' cards and the number of cards in it. `verify_url(member)` gives the address
    the QR code opens. An empty selection gives one blank page (a PDF must have a page)."""
    if layout not in LAYOUTS:
        raise ValueError(f"unknown layout {layout!r}")
    _register_fonts()
    buffer = io.BytesIO()
    pagesize = (CARD_WIDTH, CARD_HEIGHT) if layout == "card" else A4
    canvas = Canvas(buffer, pagesize=pagesize, pageCompression=1)
    canvas.setTitle(title or pgettext("member card", "Trade union member card"))
    canvas.setCreator("Gonghui")
    count = 0
    left, bottom = _sheet_origin()
    for member in members:
        if layout == "card":
            if count:
                canvas.showPage()
            draw_card(canvas, member, verify_url(member))
        else:
            slot = count % CARDS_PER_SHEET
            if slot == 0:
                if count:
                    canvas.showPage()
                _draw_cut_marks(canvas)
            column, row = slot % SHEET_COLUMNS, slot // SHEET_COLUMNS
            x = left + column * CARD_WIDTH
            y = bottom + (SHEET_ROWS - 1 - row) * CARD_HEIGHT
            draw_card(canvas, member, verify_url(member), x, y)
        count += 1
    canvas.showPage()
    canvas.save()
    return buffer.getvalue(), count
