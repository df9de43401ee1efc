"""Every export holds the overview's filtered rows, in the same order, as a dated download."""

import csv
import datetime
import io
import json
import re

import pytest
import time_machine
from django.db import connection
from django.http import StreamingHttpResponse
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook
from pypdf import PdfReader

from measures.documents import STANDALONE_CSP
from measures.exports import export_response, safe_cell
from measures.models import DOCUMENT_TITLE
from measures.rows import CONTRACT_FIELDS, Row
from measures.sources import LiveSource
from tests.factories import WorkstreamFactory
from tests.rows import live_rows

pytestmark = pytest.mark.django_db


@pytest.fixture
def client(manager_client):
    """The live state is for signed-in users: these tests look as a manager."""
    return manager_client


TODAY = datetime.date(2026, 11, 28)
QUERY = "phase=policy&phase=implementation&sort=-page"


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(datetime.datetime(2026, 11, 28, 10, 0), tick=False):
        yield


def _squash(text: str) -> str:
    """Text without spaces and (soft) hyphens: PDF lines wrap and hyphenate words."""
    return re.sub(r"[\s\-\u2010\u00ad]+", "", text)


def _content(response) -> bytes:
    if isinstance(response, StreamingHttpResponse):
        return b"".join(response.streaming_content)
    return response.content


def _csv_rows(content: bytes) -> list[list[str]]:
    assert content.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(content[3:].decode("utf-8")), delimiter=";"))


def _xlsx_rows(content: bytes) -> list[tuple]:
    workbook = load_workbook(io.BytesIO(content))
    return list(workbook.worksheets[0].iter_rows(values_only=True))


def _pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def _in_order(haystack: str, needles: list[str]) -> bool:
    position = 0
    for needle in needles:
        found = haystack.find(needle, position)
        if found < 0:
            return False
        position = found + len(needle)
    return True


def test_html_pdf_csv_xlsx_and_json_of_one_filter_hold_the_same_rows_in_the_same_order(
    client, bijlage
):
    payload = client.get(f"/export/bijlage.json?{QUERY}").json()
    expected = [(row["position"], row["measure"]) for row in payload["rows"]]
    assert len(expected) == 25
    assert [row["phase"] for row in payload["rows"]].count("implemented") == 0

    html = client.get(f"/export/bijlage.html?{QUERY}").content.decode()
    positions = [int(n) for n in re.findall(r'id="rij-(\d+)"', html)]
    assert positions == [position for position, _ in expected]

    csv_rows = _csv_rows(_content(client.get(f"/export/bijlage.csv?{QUERY}")))
    assert [(int(r[0]), r[4]) for r in csv_rows[1:]] == expected

    xlsx_rows = _xlsx_rows(client.get(f"/export/bijlage.xlsx?{QUERY}").content)
    assert [(r[0], r[4]) for r in xlsx_rows[1:]] == expected

    pdf_text = _squash(_pdf_text(client.get(f"/export/bijlage.pdf?{QUERY}").content))
    explanations = [_squash(row["explanation"][:50]) for row in payload["rows"]]
    assert _in_order(pdf_text, explanations)
    assert "Geïmplementeerd." not in pdf_text


def test_every_export_has_a_dated_file_name(client, bijlage):
    for fmt in ("html", "pdf", "csv", "xlsx", "json"):
        response = client.get(f"/export/bijlage.{fmt}")
        assert response.status_code == 200
        assert (
            f'filename="bijlage-verbetermaatregelen-2026-11-28.{fmt}"'
            in (response["Content-Disposition"])
        )


def test_the_csv_is_streamed_with_a_bom_so_excel_shows_the_accents(client, bijlage):
    response = client.get("/export/bijlage.csv")
    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = _csv_rows(_content(response))
    assert len(rows) == 38
    assert rows[0][13] == "TK geïnformeerd"
    assert len(rows[0]) == len(CONTRACT_FIELDS)
    vm6 = rows[36]
    assert vm6[5] == "6"
    assert vm6[8] == "Geïmplementeerd"
    assert vm6[13] == "2023-07-06"
    assert vm6[14] == "Kamerstukken II 2022/23, 31066 nr. 1270."
    persons = rows[2]
    assert persons[5] == "1, 15"
    assert (persons[9], persons[10], persons[11]) == ("ja", "ja", "IV-afhankelijkheid")


def test_the_xlsx_has_every_contract_field_and_real_dates(client, bijlage):
    content = client.get("/export/bijlage.xlsx").content
    rows = _xlsx_rows(content)
    # Every contract field, then the first and last TK date as real dates.
    assert len(rows) == 38 and len(rows[0]) == len(CONTRACT_FIELDS) + 2
    assert rows[0][-2:] == ("TK eerst geïnformeerd", "TK laatst geïnformeerd")
    row_17 = next(r for r in rows[1:] if r[5] == "17")
    assert row_17[12] == datetime.datetime(2026, 1, 1)
    assert row_17[13] == "2024-02-09, 2024-10-24"
    assert row_17[15:] == (datetime.datetime(2024, 2, 9), datetime.datetime(2024, 10, 24))
    sheet = load_workbook(io.BytesIO(content)).worksheets[0]
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == "A1:Q38"
    assert sheet["G2"].alignment.wrap_text and sheet["H2"].alignment.wrap_text
    # Short cells sit at the top beside the wrapped text; the header is bold.
    assert sheet["A2"].alignment.vertical == "top" and not sheet["A2"].alignment.wrap_text
    assert all(cell.font.b for cell in sheet[1])
    dates = [cell for cell in sheet["M"][1:] if isinstance(cell.value, datetime.datetime)]
    assert dates and {cell.number_format for cell in dates} == {"DD-MM-YYYY"}
    assert sheet.column_dimensions["G"].width == 60
    assert rows[1][3] == 13  # the strategy page is a number
    about = load_workbook(io.BytesIO(client.get("/export/bijlage.xlsx?vm=25").content)).worksheets[
        1
    ]
    values = {row[0]: row[1] for row in about.iter_rows(values_only=True)}
    assert values["Peildatum"] == datetime.datetime(2026, 11, 28)
    assert values["Filters"] == "VM-nummer: 25"
    assert values["Aantal rijen"] == 5


@pytest.mark.parametrize("text", ["=HYPERLINK(1)", "+31 6", "-1", "@SUM(A1)"])
def test_cells_that_would_be_formulas_stay_text_in_csv_and_xlsx(client, db, text):
    WorkstreamFactory(explanation=text, status_text="Implementatiefase.")
    assert safe_cell(text) == "'" + text
    csv_rows = _csv_rows(_content(client.get("/export/bijlage.csv")))
    assert csv_rows[1][6] == "'" + text
    # The XLSX has types: the cell is text, shown as typed, without a visible apostrophe.
    sheet = load_workbook(io.BytesIO(client.get("/export/bijlage.xlsx").content)).worksheets[0]
    assert sheet["G2"].value == text and sheet["G2"].data_type == "s"


def test_text_that_looks_like_an_error_value_stays_text_in_the_xlsx(client, db):
    WorkstreamFactory(explanation="#N/A", status_text="#DIV/0!")
    sheet = load_workbook(io.BytesIO(client.get("/export/bijlage.xlsx").content)).worksheets[0]
    assert (sheet["G2"].value, sheet["H2"].value) == ("#N/A", "#DIV/0!")
    assert sheet["G2"].data_type == sheet["H2"].data_type == "s"


def test_the_pdf_is_a4_landscape_tagged_dutch_and_numbers_its_pages(client, bijlage):
    content = client.get("/export/bijlage.pdf").content
    reader = PdfReader(io.BytesIO(content))
    assert reader.metadata.title == DOCUMENT_TITLE
    assert reader.trailer["/Root"]["/Lang"] == "nl"
    assert reader.trailer["/Root"]["/MarkInfo"]["/Marked"]
    width, height = reader.pages[0].mediabox.width, reader.pages[0].mediabox.height
    assert round(width) == 842 and round(height) == 595
    pages = len(reader.pages)
    assert pages > 3
    first = reader.pages[0].extract_text()
    assert "Concept, stand van 28 november 2026" in first  # the live state: a dated concept
    assert "Stand van zaken per" not in first and "Filters" not in first
    assert "Legenda" in first and "Verbetermaatregel is geïmplementeerd" in first
    for number, page in enumerate(reader.pages, start=1):
        text = page.extract_text()
        assert f"Pagina {number} van {pages}" in text
        assert "Stand van zaken uitwerking" in text  # the header row on every page
    text = _pdf_text(content)
    assert "Persoonsgerichte benadering" in text and "Verrekening" in text
    assert "Kamerstukken II 2022/23, 31066 nr. 1270" in text
    assert "Voetnoten" in text


def test_a_filtered_pdf_holds_the_filtered_rows_and_no_line_of_the_screen(client, bijlage):
    text = _pdf_text(client.get("/export/bijlage.pdf?theme=verrekening&hold=no").content)
    assert "Verrekening" in text and "Persoonsgerichte benadering" not in text
    assert "Filters" not in text and "On hold" not in text


def test_the_html_export_is_one_self_contained_printable_file(client, bijlage):
    response = client.get("/export/bijlage.html")
    html = response.content.decode()
    assert html.startswith("<!DOCTYPE html>")
    assert '<html lang="nl">' in html
    assert "<style>" in html and "break-inside: avoid" in html
    assert "<link" not in html and "<script" not in html and 'src="' not in html
    assert html.count('class="bijlage__row') == 37
    assert 'href="/' not in html  # no links back into the site
    assert response["Content-Security-Policy"].startswith("default-src 'none'")
    # The file's own policy is the one the browser gets (django-csp leaves it alone).
    assert response["Content-Security-Policy"] == STANDALONE_CSP


def test_the_json_export_honours_the_filters(client, bijlage):
    payload = client.get("/export/bijlage.json?theme=verrekening").json()
    assert [row["position"] for row in payload["rows"]] == [1, 2, 3, 4]
    assert {row["theme"] for row in payload["rows"]} == {"Verrekening"}
    assert payload["filters"] == "Thema: Verrekening"
    assert payload["as_of"] == "2026-11-28"


def test_export_response_renders_snapshot_rows_without_reading_workstreams(bijlage):
    stored = json.loads(json.dumps([row.to_json() for row in live_rows()]))  # "frozen"
    legend = LiveSource().legend()
    for fmt in ("html", "pdf", "docx", "odt", "csv", "xlsx", "json"):
        with CaptureQueriesContext(connection) as ctx:
            response = export_response(
                fmt,
                [Row.from_json(row) for row in stored],
                legend=legend,
                title="Rapportage december 2024",
                filters_text="Alle rijen",
                as_of=datetime.date(2024, 12, 1),
                filename_stem="rapportage",
            )
            _content(response)
        assert not any("measures_workstream" in q["sql"] for q in ctx.captured_queries), fmt
        assert f'filename="rapportage-2024-12-01.{fmt}"' in response["Content-Disposition"]


def test_export_response_refuses_an_unknown_format(db):
    with pytest.raises(ValueError):
        export_response("doc", [], legend=[], title="x", filters_text="", as_of=TODAY)


def test_an_empty_export_says_there_are_no_rows(client, bijlage):
    html = client.get("/export/bijlage.html?q=bestaat nergens").content.decode()
    assert "Geen rijen met deze filters." in html
    assert _csv_rows(_content(client.get("/export/bijlage.csv?q=bestaat nergens")))[1:] == []


def test_export_response_also_renders_rows_that_hold_only_the_contract_fields(client, bijlage):
    stored = client.get("/export/bijlage.json?theme=stimuleringsmaatregelen").json()["rows"]
    contract_only = [{field: row[field] for field in CONTRACT_FIELDS} for row in stored]
    response = export_response(
        "html",
        [Row.from_json(row) for row in contract_only],
        legend=LiveSource().legend(),
        title="Uit opgeslagen JSON",
        filters_text="",
        as_of=TODAY,
    )
    html = response.content.decode()
    assert html.count('class="bijlage__row') == 3
    assert "(VM 23 t/m 29)" in html and "24/10/2024" in html
    assert "vm_label" not in stored[0]  # the caller's rows are left as they were
