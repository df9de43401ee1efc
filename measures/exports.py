"""Exports of the bijlage (HTML, PDF, CSV, XLSX, JSON), all from the same row dicts.

``export_response()`` is the one entry point. It only reads the row dicts of
``measures.rows.build_rows`` (contract fields plus display helpers) and the ``Phase`` objects of
the legend, never ``Workstream``: a report rendered from a frozen snapshot of rows produces the
same table as the live overview.
"""

import codecs
import csv
import datetime
import functools
import json
from collections.abc import Iterable, Iterator
from io import BytesIO

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import HttpResponse, StreamingHttpResponse
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .documents_office import write_docx, write_odt
from .footnotes import footnote_text
from .models import FORMULA_TRIGGERS, DelayReason, Phase
from .publication import Heading, describe_bijlage, in_dutch, live_heading
from .rows import contract_row
from .vmnumbers import format_vm_numbers

FORMATS = ("html", "pdf", "docx", "odt", "csv", "xlsx", "json")

CONTENT_TYPES = {
    "html": "text/html; charset=utf-8",
    "pdf": "application/pdf",
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "odt": "application/vnd.oasis.opendocument.text",
}

# The publicatieversie: always Dutch, headed like the document sent to parliament.
DOCUMENT_FORMATS = ("html", "pdf", "docx", "odt")

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


# A later Content-Security-Policy may exempt downloads that carry their own <style>.
CSP_EXEMPT_ATTRIBUTE = "csp_allows_inline_styles"
STANDALONE_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"


def allows_inline_styles(view):
    """Mark a view whose response is a self-contained file with its own <style> element."""
    setattr(view, CSP_EXEMPT_ATTRIBUTE, True)
    return view


def export_filename(fmt: str, as_of: datetime.date, stem: str = "bijlage-verbetermaatregelen"):
    """The dated file name: ``bijlage-verbetermaatregelen-2026-11-28.pdf``."""
    return f"{stem}-{as_of.isoformat()}.{fmt}"


def export_response(
    fmt: str,
    rows: list[dict],
    *,
    title: str,
    filters_text: str,
    as_of: datetime.date,
    filename_stem: str = "bijlage-verbetermaatregelen",
    legend: list | None = None,
    heading: Heading | None = None,
) -> HttpResponse:
    """The rows as a download in the given format (html, pdf, docx, odt, csv, xlsx or json).

    ``legend`` is today's phases unless given (a report passes the legend it was frozen with).
    ``heading`` heads the documents (html, pdf, docx, odt): a report passes its own
    (``measures.publication.report_heading``); the live state is a dated concept.
    """
    if fmt not in FORMATS:
        raise ValueError(f"Unknown export format {fmt!r}; expected one of {FORMATS}.")
    filename = export_filename(fmt, as_of, filename_stem)
    legend = list(Phase.objects.all()) if legend is None else legend
    # Copies (rendering adds display keys), completed when only contract fields were stored.
    rows = (display_row(row) for row in rows)
    if fmt != "csv":
        rows = list(rows)
    if fmt == "csv":
        response = StreamingHttpResponse(
            csv_chunks(rows, legend), content_type=CONTENT_TYPES["csv"]
        )
    else:
        builders = {
            "html": render_html,
            "pdf": render_pdf,
            "docx": render_docx,
            "odt": render_odt,
            "xlsx": render_xlsx,
            "json": render_json,
        }
        if fmt in DOCUMENT_FORMATS:
            content = builders[fmt](rows, heading=heading or live_heading(as_of), legend=legend)
        else:
            content = builders[fmt](
                rows, title=title, filters_text=filters_text, as_of=as_of, legend=legend
            )
        response = HttpResponse(content, content_type=CONTENT_TYPES[fmt])
    disposition = "inline" if fmt == "json" else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    if fmt == "html":
        setattr(response, CSP_EXEMPT_ATTRIBUTE, True)
        response["Content-Security-Policy"] = STANDALONE_CSP
    return response


def display_row(row: dict) -> dict:
    """A copy of a row with the display helpers the table needs, derived if they are missing.

    Rows from ``build_rows()`` have them all; rows stored with only the contract fields (say,
    read back from the JSON export) still render: dates without their Kamerstuk reference and
    footnotes without their marks, which the contract does not hold.
    """
    row = dict(row)
    if "vm_label" not in row:
        row["vm_label"] = format_vm_numbers(row.get("vm_numbers") or [])
    if "letters" not in row:
        row["letters"] = [
            {"date": date, "reference": "", "url": ""}
            for date in row.get("parliament_informed") or []
        ]
    row.setdefault("footnote_marks", [])
    row.setdefault("depends_on", [])
    return row


# -- HTML and PDF ---------------------------------------------------------------------------


def css_string(text: str) -> str:
    """Text made safe for a double-quoted CSS string inside a <style> element."""
    out = []
    for char in str(text):
        if char in '"\\<>&' or ord(char) < 32:
            out.append(f"\\{ord(char):x} ")
        else:
            out.append(char)
    return "".join(out)


@functools.cache
def _stylesheet(name: str) -> str:
    path = finders.find(f"css/{name}")
    with open(path, encoding="utf-8") as handle:
        return handle.read()


def render_document(rows: list[dict], *, heading: Heading, legend: list, for_pdf: bool = False):
    """The bijlage as one self-contained HTML document (inline CSS, no external links).

    Always Dutch and only the document: its heading, the legend, the table with merged
    ambition cells and footnote markers in place, the footnotes. Nothing of the screen
    (filters, badges, today's date).
    """
    from .views import bijlage_context

    with in_dutch():
        context = bijlage_context(rows, legend=legend)
        letters = {}
        for row in rows:
            for letter in row.get("letters", []):
                if letter.get("reference"):
                    letters.setdefault((letter["date"], letter["reference"]), letter)
        context.update(
            {
                "document": True,
                "title": heading.title,
                "heading": heading,
                "for_pdf": for_pdf,
                "kamerstukken": [letters[key] for key in sorted(letters)],
                "inline_css": _stylesheet("bijlage.css") + "\n" + _stylesheet("bijlage-export.css"),
                "font_faces": _pdf_font_faces() if for_pdf else "",
                "lang": "nl",
                # Margin boxes of the PDF pages; CSS strings inside a <style> element.
                # The title is printed once, at the top; the foot says which letter.
                "footer_text": css_string(heading.date_line),
                "page_word": css_string(gettext("Pagina")),
                "of_word": css_string(gettext("van")),
            }
        )
        return render_to_string("measures/export/bijlage.html", context)


@functools.cache
def _pdf_font_faces() -> str:
    """Fira Sans for the PDF: the site's @font-face rules, pointing at the files themselves."""
    return _stylesheet("fonts.css").replace("../vendor/", "static/vendor/")


def render_html(rows, *, heading, legend) -> bytes:
    """The standalone, printable HTML file."""
    return render_document(rows, heading=heading, legend=legend).encode("utf-8")


# PDF/A-2b (archival) and tagged (structure tree, table headers, language) for PDF/UA-1.
PDF_VARIANT = "pdf/a-2b"
_PDFUA_ID = b' xmlns:pdfuaid="http://www.aiim.org/pdfua/ns/id/" pdfuaid:part="1"'


def _identify_pdfua(document, pdf) -> None:
    """WeasyPrint writes one identification: add PDF/UA-1's beside PDF/A's in the XMP."""
    metadata = pdf.objects[int(pdf.catalog["Metadata"].split()[0])]
    content = metadata.stream[0]
    marker = b"pdfaid:part="
    if marker in content and b"pdfuaid:part" not in content:
        metadata.stream[0] = content.replace(marker, _PDFUA_ID[1:] + b" " + marker, 1)


def render_pdf(rows, *, heading, legend) -> bytes:
    """The PDF through WeasyPrint: A4 landscape, Fira Sans embedded, PDF/A-2b, tagged."""
    import weasyprint  # imported lazily: it is heavy and only the PDF needs it

    html = render_document(rows, heading=heading, legend=legend, for_pdf=True)
    document = weasyprint.HTML(string=html, base_url=str(settings.BASE_DIR))
    return document.write_pdf(pdf_variant=PDF_VARIANT, pdf_tags=True, finisher=_identify_pdfua)


def render_docx(rows, *, heading, legend) -> bytes:
    """The Word document (editable table), always Dutch."""
    with in_dutch():
        return write_docx(describe_bijlage(rows, legend, heading))


def render_odt(rows, *, heading, legend) -> bytes:
    """The OpenDocument text (editable table), always Dutch."""
    with in_dutch():
        return write_odt(describe_bijlage(rows, legend, heading))


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
        target = row["target_date"]
        if target and real_dates:
            target = fromisoformat(target)
        page = row["strategy_page"]
        values = (
            row["position"],
            row["theme"],
            row["ambition"] or not_applicable,
            page if page is not None else "",
            row["measure"],
            ", ".join(str(n) for n in row["vm_numbers"]),
            row["explanation"],
            row["status_text"],
            phases.get(row["phase"], row["phase"]),
            yes if row["on_hold"] else no,
            yes if row["it_dependency"] else no,
            reasons.get(row["delay_reason"], row["delay_reason"] or ""),
            target or "",
            ", ".join(row["parliament_informed"]),
            _footnotes_cell(row),
        )
        if real_dates:
            return list(values)
        return [safe_cell(value) for value in values]

    return convert


def _footnotes_cell(row: dict) -> str:
    """The row's footnote texts; a missing one (known from its mark) is said, not skipped."""
    marks = row.get("footnote_marks")
    if marks:
        return "; ".join(footnote_text(mark) for mark in marks)
    return "; ".join(row["footnotes"])


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
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(str(_("Bijlage")))
    sheet.freeze_panes = "A2"
    for index, width in enumerate(XLSX_WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    bold = Font(bold=True)
    wrapped = Alignment(wrap_text=True, vertical="top")
    top = Alignment(vertical="top")

    def cell(target, value, *, alignment=top, font=None):
        made = WriteOnlyCell(target, value=value)
        if isinstance(value, str):
            made.data_type = "s"  # text, even when it starts with "=": never a formula
        elif isinstance(value, datetime.date):
            made.number_format = "DD-MM-YYYY"
        made.alignment = alignment
        if font is not None:
            made.font = font
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
        informed = row["parliament_informed"]
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


# -- JSON -----------------------------------------------------------------------------------


def render_json(rows, *, title, filters_text, as_of, legend) -> bytes:
    """The open-data form: ``{"rows": [...]}`` with the contract fields (DESIGN.md)."""
    payload = {
        "title": str(title),
        "as_of": as_of.isoformat(),
        "filters": str(filters_text),
        "generated_at": timezone.now().isoformat(timespec="seconds"),
        "phases": [
            {"code": phase.code, "label": phase.label, "order": phase.order} for phase in legend
        ],
        "rows": [contract_row(row) for row in rows],
    }
    return json.dumps(payload, ensure_ascii=False, indent=2).encode("utf-8")
