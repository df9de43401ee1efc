"""Downloads of the bijlage: the documents (HTML, PDF, DOCX, ODT) and the data (CSV, XLSX, JSON).

``export_response()`` is the one entry point. It reads only ``Row`` objects (from any source:
the live state, a peildatum, a report) and the legend of their source; documents go through
the one presenter (``measures.presenter``) and the one renderer (``measures.documents``).
"""

import codecs
import csv
import datetime
import json
from collections.abc import Iterable, Iterator
from io import BytesIO

from django.core.cache import cache
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .documents import css_string, document_response, render_document, stylesheet
from .documents_office import write_docx, write_odt
from .footnotes import footnote_text
from .models import FORMULA_TRIGGERS, DelayReason
from .presenter import present
from .publication import Heading, describe_bijlage, in_dutch, live_heading
from .rows import Row

# The publicatieversie (always Dutch, headed like the document sent to parliament), and data.
DOCUMENT_FORMATS = ("html", "pdf", "docx", "odt")
DATA_FORMATS = ("csv", "xlsx", "json")
FORMATS = DOCUMENT_FORMATS + DATA_FORMATS

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
}

# Column headings of the spreadsheets, one per contract field, in contract order.
SPREADSHEET_COLUMNS = (
    ("position", _("Nr.")),
    ("theme", _("Thema")),
    ("ambition", _("Ambitie invorderingsstrategie (IS)")),
    ("strategy_page", _("Pag. IS")),
    ("measure", _("Verbetermaatregel")),
    ("vm_numbers", _("VM-nummers")),
    ("explanation", _("Toelichting")),
    ("status_text", _("Stand van zaken uitwerking")),
    ("phase", _("Fase")),
    ("on_hold", _("On hold")),
    ("it_dependency", _("IV-afhankelijk")),
    ("delay_reason", _("Reden vertraging")),
    ("target_date", _("Streefdatum")),
    ("parliament_informed", _("TK geïnformeerd")),
    ("footnotes", _("Voetnoten")),
)


def export_filename(fmt: str, as_of: datetime.date, stem: str = "bijlage-verbetermaatregelen"):
    """The dated file name: ``bijlage-verbetermaatregelen-2026-11-28.pdf``."""
    return f"{stem}-{as_of.isoformat()}.{fmt}"


def export_response(
    fmt: str,
    rows: Iterable[Row],
    *,
    legend: list,
    title: str,
    filters_text: str,
    as_of: datetime.date,
    filename_stem: str = "bijlage-verbetermaatregelen",
    heading: Heading | None = None,
) -> HttpResponse:
    """The rows as a download in the given format; ``legend`` is that of the rows' source.

    ``heading`` heads the documents: the source's own (``Source.heading()``); without it,
    a concept dated ``as_of``.
    """
    if fmt not in FORMATS:
        raise ValueError(f"Unknown export format {fmt!r}; expected one of {FORMATS}.")
    filename = export_filename(fmt, as_of, filename_stem)
    if fmt in DOCUMENT_FORMATS:
        content = render_bijlage(
            list(rows), fmt=fmt, heading=heading or live_heading(as_of), legend=legend
        )
        return document_response(content, fmt=fmt, filename=filename)
    if fmt == "csv":
        response = StreamingHttpResponse(csv_chunks(rows, legend), content_type=CONTENT_TYPES[fmt])
    else:
        builder = render_xlsx if fmt == "xlsx" else render_json
        content = builder(
            list(rows), title=title, filters_text=filters_text, as_of=as_of, legend=legend
        )
        response = HttpResponse(content, content_type=CONTENT_TYPES[fmt])
    disposition = "inline" if fmt == "json" else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    return response


def cached_download(key: str) -> HttpResponse | None:
    """The download ``store_download`` kept under ``key``, as a new response; else None."""
    stored = cache.get(key)
    if stored is None:
        return None
    content, headers, streaming = stored
    if streaming:  # the CSV streams, from the cache too
        return StreamingHttpResponse([content], headers=headers)
    return HttpResponse(content, headers=headers)


def store_download(response: HttpResponse, keys: Iterable[str], *, timeout=DEFAULT_TIMEOUT):
    """Keep a download (its bytes and headers) under each key, for ``cached_download``.

    Returns the response to send: a streamed one (the CSV) is read once, here, and then
    streams from those bytes.
    """
    headers = dict(response.headers)
    if response.streaming:
        content = b"".join(response.streaming_content)
        response = StreamingHttpResponse([content], headers=headers)
    else:
        content = response.content
    for key in keys:
        cache.set(key, (content, headers, response.streaming), timeout)
    return response


# -- HTML and PDF ---------------------------------------------------------------------------


def render_bijlage(rows: list[Row], *, fmt, heading: Heading, legend) -> bytes:
    """The bijlage as a document: standalone HTML, PDF, DOCX or ODT, always Dutch.

    Only the document: its heading, the legend, the table with merged ambition cells and the
    footnote markers in place, the footnotes. Nothing of the screen (filters, badges, today).
    """
    with in_dutch():
        bijlage = present(rows, legend, title=heading.title)
        if fmt == "docx":
            return write_docx(describe_bijlage(bijlage, heading))
        if fmt == "odt":
            return write_odt(describe_bijlage(bijlage, heading))
        context = bijlage.context()
        context.update(
            {
                "document": True,
                "heading": heading,
                "lang": "nl",
                "font_faces": _pdf_font_faces() if fmt == "pdf" else "",
                # Margin boxes of the PDF pages; CSS strings inside a <style> element. The title
                # is printed once, at the top; the foot says which letter.
                "footer_text": css_string(heading.date_line),
                "page_word": css_string(gettext("Pagina")),
                "of_word": css_string(gettext("van")),
            }
        )
        return render_document(
            "measures/export/bijlage.html",
            context,
            fmt=fmt,
            stylesheets=("bijlage.css", "bijlage-export.css"),
        )


def _pdf_font_faces() -> str:
    """Fira Sans for the PDF: the site's @font-face rules, pointing at the files themselves.

    The PDF reads the TrueType copies ``make install`` unpacks next to the WOFF2 files:
    unpacking WOFF2 took WeasyPrint a third of every PDF's time.
    """
    css = stylesheet("fonts.css").replace("../vendor/", "static/vendor/")
    return css.replace('.woff2") format("woff2")', '.ttf") format("truetype")')


# -- spreadsheets ---------------------------------------------------------------------------


def safe_cell(value):
    """A text cell that a spreadsheet shows as text, never runs as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def spreadsheet_converter(legend: list, *, real_dates: bool):
    """A function turning one row into readable cells, one per contract field.

    Labels are looked up once here, not for each of perhaps 10,000 rows. With ``real_dates``
    (the XLSX) text is left as it is (the workbook types it as text) and dates are dates;
    without (the CSV, which has no types) text that looks like a formula gets a leading '.
    """
    phases = {phase.code: str(phase.short_label or phase.label) for phase in legend}
    reasons = {code: str(label) for code, label in DelayReason.choices}
    yes, no, not_applicable = str(_("ja")), str(_("nee")), str(_("N.v.t."))
    fromisoformat = datetime.date.fromisoformat

    def convert(row: dict) -> list:
        target = row.target_date
        if target and real_dates:
            target = fromisoformat(target)
        page = row.strategy_page
        values = (
            row.position,
            row.theme,
            row.ambition or not_applicable,
            page if page is not None else "",
            row.measure,
            ", ".join(str(n) for n in row.vm_numbers),
            row.explanation,
            row.status_text,
            phases.get(row.phase, row.phase),
            yes if row.on_hold else no,
            yes if row.it_dependency else no,
            reasons.get(row.delay_reason, row.delay_reason or ""),
            target or "",
            ", ".join(row.parliament_informed),
            _footnotes_cell(row),
        )
        if real_dates:
            return list(values)
        return [safe_cell(value) for value in values]

    return convert


def _footnotes_cell(row: Row) -> str:
    """The row's footnote texts; a missing one (known from its mark) is said, not skipped."""
    return "; ".join(footnote_text(mark) for mark in row.footnote_marks)


class _Echo:
    """A file-like object that hands back what is written, for streaming csv.writer output."""

    def write(self, value):
        return value


def csv_chunks(rows: Iterable[dict], legend: list) -> Iterator[bytes]:
    """The CSV, row by row: UTF-8 with BOM (Excel shows the accents), ';' between fields."""
    writer = csv.writer(_Echo(), delimiter=";")
    convert = spreadsheet_converter(legend, real_dates=False)
    yield codecs.BOM_UTF8 + writer.writerow(
        [str(label) for _field, label in SPREADSHEET_COLUMNS]
    ).encode("utf-8")
    batch = []
    for row in rows:
        batch.append(writer.writerow(convert(row)))
        if len(batch) == 100:  # fewer, larger chunks: less overhead per write to the socket
            yield "".join(batch).encode("utf-8")
            batch = []
    if batch:
        yield "".join(batch).encode("utf-8")


# Column widths of the XLSX (characters), one per spreadsheet column, then the two TK dates.
XLSX_WIDTHS = (6, 24, 30, 8, 30, 12, 60, 60, 24, 9, 9, 20, 12, 24, 30, 14, 14)
# Columns of long text: wrapped, top-aligned.
XLSX_WRAPPED = {"theme", "ambition", "measure", "explanation", "status_text", "footnotes"}


def render_xlsx(rows, *, title, filters_text, as_of, legend) -> bytes:
    """The workbook: the rows on the first sheet, title, date and filters on the second.

    Every cell of every sheet is a typed value: text is text (also "=HYPERLINK(…)": never a
    formula, and no visible leading '), dates are dates. The rows sheet has a frozen,
    filterable header row, column widths and wrapped long text, and besides the contract
    columns the first and last "TK geïnformeerd" date as real dates (to sort and filter on).
    """
    from openpyxl import Workbook
    from openpyxl.cell import Cell, WriteOnlyCell
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)
    sheet = _fast_sheet(workbook.create_sheet(str(_("Bijlage"))))
    sheet.freeze_panes = "A2"
    for index, width in enumerate(XLSX_WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    bold = Font(bold=True)
    wrapped = Alignment(wrap_text=True, vertical="top")
    top = Alignment(vertical="top")
    styles = {}

    def style(alignment, font, dated):
        """A kind of cell's style, made once. Setting each cell's alignment looks the style
        up by hashing it: for 170,000 cells that took longer than writing them."""
        key = (id(alignment), id(font), dated)
        if key not in styles:
            model = WriteOnlyCell(sheet)
            model.alignment = alignment
            if font is not None:
                model.font = font
            if dated:
                model.number_format = "DD-MM-YYYY"
            styles[key] = model._style
        return styles[key]

    def cell(target, value, *, alignment=top, font=None):
        if value == "":
            return None  # nothing to show: no cell at all
        dated = isinstance(value, datetime.date)
        made = Cell(target, 1, 1, value, style_array=style(alignment, font, dated))
        if isinstance(value, str):
            made.data_type = "s"  # text, also "=…" (a formula) or "#N/A" (an error)
        return made

    labels = [str(label) for _field, label in SPREADSHEET_COLUMNS]
    labels += [str(_("TK eerst geïnformeerd")), str(_("TK laatst geïnformeerd"))]
    sheet.append([cell(sheet, label, alignment=wrapped, font=bold) for label in labels])
    fields = [field for field, _label in SPREADSHEET_COLUMNS]
    alignments = [wrapped if field in XLSX_WRAPPED else top for field in fields]
    convert = spreadsheet_converter(legend, real_dates=True)
    fromisoformat = datetime.date.fromisoformat
    count = 0
    for row in rows:
        values = convert(row)
        informed = row.parliament_informed
        first = fromisoformat(informed[0]) if informed else ""
        last = fromisoformat(informed[-1]) if informed else ""
        cells = [
            cell(sheet, value, alignment=alignment)
            for value, alignment in zip(values, alignments, strict=True)
        ]
        cells += [cell(sheet, first), cell(sheet, last)]
        sheet.append(cells)
        count += 1
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(labels))}{count + 1}"

    about = workbook.create_sheet(str(_("Over dit bestand")))
    about.column_dimensions["A"].width = 16
    about.column_dimensions["B"].width = 80
    for label, value in (
        (_("Titel"), str(title)),
        (_("Peildatum"), as_of),
        (_("Filters"), str(filters_text)),
        (_("Aantal rijen"), count),
    ):
        about.append([cell(about, str(label), font=bold), cell(about, value)])
    workbook.properties.title = str(title)
    workbook.properties.language = "nl"

    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _fast_sheet(sheet):
    """A write-only sheet that takes rows of ready cells (or None) without converting them.

    openpyxl's own ``append`` first tries each value as a plain value, and for a cell that
    fails with an error (whose message names the cell), then makes a fresh cell for the next
    value: three times the work of writing the cell. Without the private hook (another
    openpyxl), ``append`` works as before, only slower.
    """
    if not hasattr(sheet, "_values_to_row"):
        return sheet

    def values_to_row(cells, row_idx):
        for column, cell in enumerate(cells, 1):
            if cell is not None:
                cell.column, cell.row = column, row_idx
                yield cell

    sheet._values_to_row = values_to_row
    return sheet


# -- JSON -----------------------------------------------------------------------------------


def render_json(rows, *, title, filters_text, as_of, legend) -> bytes:
    """The open-data form: ``{"rows": [...]}``, each row's ``to_json()`` (README, Open data)."""
    payload = {
        "title": str(title),
        "as_of": as_of.isoformat(),
        "filters": str(filters_text),
        "generated_at": timezone.now().isoformat(timespec="seconds"),
        "phases": [
            {"code": phase.code, "label": phase.label, "order": phase.order} for phase in legend
        ],
        "rows": [row.to_json() for row in rows],
    }
    return json.dumps(payload, ensure_ascii=False, indent=2).encode("utf-8")
