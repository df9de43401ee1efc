"""Downloads of the bijlage: the documents (HTML, PDF) and the data (CSV, XLSX, JSON).

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

from django.conf import settings
from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from .documents import css_string, document_response, render_document
from .models import DelayReason
from .presenter import present
from .rows import Row

DOCUMENT_FORMATS = ("html", "pdf")
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

# A spreadsheet treats a cell starting with one of these as a formula (CSV injection).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


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
) -> HttpResponse:
    """The rows as a download in the given format; ``legend`` is that of the rows' source."""
    if fmt not in FORMATS:
        raise ValueError(f"Unknown export format {fmt!r}; expected one of {FORMATS}.")
    filename = export_filename(fmt, as_of, filename_stem)
    if fmt in DOCUMENT_FORMATS:
        content = render_bijlage(
            list(rows), fmt=fmt, title=title, filters_text=filters_text, as_of=as_of, legend=legend
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


# -- HTML and PDF ---------------------------------------------------------------------------


def render_bijlage(rows: list[Row], *, fmt, title, filters_text, as_of, legend) -> bytes:
    """The bijlage as one self-contained HTML document, or as its PDF."""
    context = present(rows, legend, title=title).context()
    context.update(
        {
            "filters_text": filters_text,
            "as_of": as_of,
            "row_count": len(rows),
            "lang": (get_language() or settings.LANGUAGE_CODE).split("-")[0],
            # Margin boxes of the PDF pages; CSS strings inside a <style> element.
            # (gettext outside the f-string: xgettext does not look inside f-strings)
            "footer_text": css_string(
                gettext("%(title)s – stand %(date)s")
                % {"title": title, "date": as_of.strftime("%d-%m-%Y")}
            ),
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

    def convert(row: Row) -> list:
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
            "; ".join(row.footnotes),
        )
        return [safe_cell(value) for value in values]

    return convert


class _Echo:
    """A file-like object that hands back what is written, for streaming csv.writer output."""

    def write(self, value):
        return value


def csv_chunks(rows: Iterable[Row], legend: list) -> Iterator[bytes]:
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
