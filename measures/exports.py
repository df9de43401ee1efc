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
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from .models import DelayReason, Phase
from .rows import contract_row
from .vmnumbers import format_vm_numbers

FORMATS = ("html", "pdf", "csv", "xlsx", "json")

CONTENT_TYPES = {
    "html": "text/html; charset=utf-8",
    "pdf": "application/pdf",
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

# A spreadsheet treats a cell starting with one of these as a formula (CSV injection).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")

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
) -> HttpResponse:
    """The rows as a download in the given format (html, pdf, csv, xlsx or json).

    ``legend`` is today's phases unless given (a report passes the legend it was frozen with).
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
            "xlsx": render_xlsx,
            "json": render_json,
        }
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


def render_document(
    rows: list[dict],
    *,
    title: str,
    filters_text: str,
    as_of: datetime.date,
    legend: list,
    for_pdf: bool = False,
) -> str:
    """The bijlage as one self-contained HTML document (inline CSS, no external links)."""
    from .views import bijlage_context

    context = bijlage_context(rows, legend=legend)
    letters = {}
    for row in rows:
        for letter in row.get("letters", []):
            if letter.get("reference"):
                letters.setdefault((letter["date"], letter["reference"]), letter)
    context.update(
        {
            "title": title,
            "filters_text": filters_text,
            "as_of": as_of,
            "for_pdf": for_pdf,
            "kamerstukken": [letters[key] for key in sorted(letters)],
            "inline_css": _stylesheet("bijlage.css") + "\n" + _stylesheet("bijlage-export.css"),
            "lang": (get_language() or settings.LANGUAGE_CODE).split("-")[0],
            # Margin boxes of the PDF pages; CSS strings inside a <style> element.
            # (gettext outside the f-string: xgettext does not look inside f-strings)
            "footer_text": css_string(
                gettext("%(title)s – stand %(date)s")
                % {"title": title, "date": as_of.strftime("%d/%m/%Y")}
            ),
            "page_word": css_string(gettext("Pagina")),
            "of_word": css_string(gettext("van")),
        }
    )
    return render_to_string("measures/export/bijlage.html", context)


def render_html(rows, *, title, filters_text, as_of, legend) -> bytes:
    """The standalone, printable HTML file."""
    html = render_document(rows, title=title, filters_text=filters_text, as_of=as_of, legend=legend)
    return html.encode("utf-8")


def render_pdf(rows, *, title, filters_text, as_of, legend) -> bytes:
    """The PDF (A4 landscape, tagged PDF/UA-1) through WeasyPrint."""
    import weasyprint  # imported lazily: it is heavy and only the PDF needs it

    html = render_document(
        rows, title=title, filters_text=filters_text, as_of=as_of, legend=legend, for_pdf=True
    )
    document = weasyprint.HTML(string=html, base_url=str(settings.BASE_DIR))
    return document.write_pdf(pdf_variant="pdf/ua-1")


# -- spreadsheets ---------------------------------------------------------------------------


def safe_cell(value):
    """A text cell that a spreadsheet shows as text, never runs as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def spreadsheet_converter(legend: list, *, real_dates: bool):
    """A function turning one row into readable cells, one per contract field.

    Labels are looked up once here, not for each of perhaps 10,000 rows.
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
            "; ".join(row["footnotes"]),
        )
        return [safe_cell(value) for value in values]

    return convert


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


def render_xlsx(rows, *, title, filters_text, as_of, legend) -> bytes:
    """The workbook: the rows on the first sheet, title, date and filters on the second."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(str(_("Bijlage")))
    sheet.freeze_panes = "A2"
    widths = (6, 24, 30, 8, 30, 12, 60, 60, 24, 9, 9, 20, 12, 24, 30)
    for index, width in enumerate(widths):
        sheet.column_dimensions[chr(ord("A") + index)].width = width
    bold = Font(bold=True)
    header = []
    for _field, label in SPREADSHEET_COLUMNS:
        cell = WriteOnlyCell(sheet, value=str(label))
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    date_column = [field for field, _label in SPREADSHEET_COLUMNS].index("target_date")
    convert = spreadsheet_converter(legend, real_dates=True)
    for row in rows:
        values = convert(row)
        target = values[date_column]
        if target:
            # Only the date needs a cell object (for its format); plain values are much faster.
            cell = WriteOnlyCell(sheet, value=target)
            cell.number_format = "DD-MM-YYYY"
            values[date_column] = cell
        sheet.append(values)

    about = workbook.create_sheet(str(_("Over dit bestand")))
    about.append([str(_("Titel")), str(title)])
    peildatum = WriteOnlyCell(about, value=as_of)
    peildatum.number_format = "DD-MM-YYYY"
    about.append([str(_("Peildatum")), peildatum])
    about.append([str(_("Filters")), safe_cell(str(filters_text))])
    about.append([str(_("Aantal rijen")), len(rows)])
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
