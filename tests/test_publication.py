"""The publicatieversie of the bijlage: what parliament receives, in every document format.

Pinned here: the title (once), no text of the application's screen, every footnote marker
resolved or placeholdered, row 3 (VM 2) the same in every format, the PDF's font and its
PDF/A and PDF/UA identification, always Dutch. The LibreOffice round trip of the DOCX and ODT
is in test_office_documents.py.
"""

import csv
import io
import re
import zipfile

import pikepdf
import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from openpyxl import load_workbook
from pypdf import PdfReader

from measures.models import DOCUMENT_TITLE, Report
from tests.factories import ReportFactory

SEED = "/rapportages/bijlage-oktober-2024/export/bijlage"
# The screen's filter line, its date line, its badges and its dependency line (the data itself
# says "vertraagd wegens IV-afhankelijkheid", "on hold geplaatst": that stays).
SCREEN_TEXT = re.compile(
    r"Filters|Stand van zaken per|On hold|Vertraagd:|IV-afhankelijk\b|Wacht op"
)
PLACEHOLDERS = [f"tekst van voetnoot {n} niet beschikbaar in de bron" for n in (1, 3, 4)]
FOOTNOTE_TEXTS = [
    "Dit overzicht staat in het klantportaal.",
    "Kamerstukken II 2022/23, 31066 nr. 1270.",
]


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def _docx_text(content: bytes) -> str:
    from docx import Document

    doc = Document(io.BytesIO(content))
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return _flat(" ".join(parts))


def _odt_text(content: bytes) -> str:
    xml = zipfile.ZipFile(io.BytesIO(content)).read("content.xml").decode()
    return _flat(re.sub(r"<[^>]+>", " ", xml).replace("&amp;", "&"))


def _html_text(content: bytes) -> str:
    html = content.decode()
    body = html[html.index("<body") :]
    return _flat(re.sub(r"<[^>]+>", "", body).replace("&amp;", "&").replace("&#x27;", "'"))


@pytest.mark.parametrize("fmt", ["html", "docx", "odt"])
def test_each_document_has_the_title_once_the_letter_and_no_text_of_the_screen(
    client, published_seed, fmt
):
    response = client.get(f"{SEED}.{fmt}")
    assert response.status_code == 200
    text = {"html": _html_text, "docx": _docx_text, "odt": _odt_text}[fmt](response.content)
    assert text.count(DOCUMENT_TITLE) == 1
    assert "Kamerbrief van 24 oktober 2024" in text
    assert not SCREEN_TEXT.search(text), SCREEN_TEXT.search(text)
    for expected in PLACEHOLDERS + FOOTNOTE_TEXTS:
        assert expected in text, expected
    assert "vorderingenoverzicht2" in text.replace(" 2 ", "2 ")  # the marker after its word


def test_the_pdf_has_the_title_once_fira_sans_pdfa_pdfua_and_a_tagged_table(client, published_seed):
    content = client.get(f"{SEED}.pdf").content
    reader = PdfReader(io.BytesIO(content))
    text = _flat("\n".join(page.extract_text() for page in reader.pages))
    assert text.count(DOCUMENT_TITLE) == 1
    assert "Kamerbrief van 24 oktober 2024" in text
    assert not SCREEN_TEXT.search(text), SCREEN_TEXT.search(text)
    for expected in PLACEHOLDERS + FOOTNOTE_TEXTS:
        assert expected in text.replace("- ", "-"), expected

    with pikepdf.open(io.BytesIO(content)) as pdf:
        fonts = {
            str(font.get("/BaseFont"))
            for page in pdf.pages
            for font in page.Resources.get("/Font", {}).values()
        }
        assert fonts and all("Fira-Sans" in font for font in fonts), fonts
        for font in (f for page in pdf.pages for f in page.Resources.Font.values()):
            descriptor = font.DescendantFonts[0].FontDescriptor
            assert "/FontFile2" in descriptor or "/FontFile3" in descriptor  # embedded
        metadata = pdf.open_metadata()
        assert metadata["pdfaid:part"] == "2" and metadata["pdfaid:conformance"] == "B"
        assert metadata["pdfuaid:part"] == "1"
        assert metadata["dc:title"] == DOCUMENT_TITLE
        assert str(pdf.Root.Lang) == "nl" and pdf.Root.MarkInfo.Marked
        assert "/OutputIntents" in pdf.Root  # sRGB, as PDF/A asks
        kinds = _structure_kinds(pdf.Root.StructTreeRoot)
        assert {"/Table", "/THead", "/TH", "/TR", "/TD", "/H1"} <= kinds


def _structure_kinds(root) -> set:
    kinds, stack = set(), [root.K]
    while stack:
        node = stack.pop()
        if isinstance(node, pikepdf.Array):
            stack.extend(node)
        elif isinstance(node, pikepdf.Dictionary):
            if "/S" in node:
                kinds.add(str(node.S))
            if "/K" in node:
                stack.append(node.K)
    return kinds


def test_row_3_keeps_ambition_and_page_in_data_formats_and_shares_the_cell_in_documents(
    client, published_seed
):
    ambition = "Persoonsgerichte invordering"
    (row,) = [r for r in client.get(f"{SEED}.json").json()["rows"] if r["position"] == 3]
    assert (row["ambition"], row["strategy_page"]) == (ambition, 13)
    streamed = b"".join(client.get(f"{SEED}.csv").streaming_content).decode()
    lines = list(csv.reader(io.StringIO(streamed[1:]), delimiter=";"))
    assert (lines[3][0], lines[3][2], lines[3][3]) == ("3", ambition, "13")
    sheet = load_workbook(io.BytesIO(client.get(f"{SEED}.xlsx").content)).worksheets[0]
    assert (sheet["A4"].value, sheet["C4"].value, sheet["D4"].value) == (3, ambition, 13)

    # Visual formats: rows 2 and 3 share one ambition cell and one page cell.
    html = client.get(f"{SEED}.html").content.decode()
    row_2 = html[html.index('id="rij-2"') : html.index('id="rij-3"')]
    row_3 = html[html.index('id="rij-3"') : html.index('id="rij-4"')]
    assert f'rowspan="2">{ambition}</th>' in row_2 and 'rowspan="2">13</td>' in row_2
    assert "bijlage__ambition" not in row_3 and "bijlage__page" not in row_3
    page = client.get("/", {"per_page": 100}).content.decode()
    assert f'rowspan="2">{ambition}</th>' in page
    docx = zipfile.ZipFile(io.BytesIO(client.get(f"{SEED}.docx").content))
    assert docx.read("word/document.xml").decode().count('w:vMerge w:val="restart"') == 2
    odt = zipfile.ZipFile(io.BytesIO(client.get(f"{SEED}.odt").content))
    assert odt.read("content.xml").decode().count('table:number-rows-spanned="2"') == 2


@pytest.mark.parametrize("fmt", ["html", "docx", "odt"])
def test_documents_are_dutch_whatever_the_language_of_the_site(client, published_seed, fmt):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    for url in (f"{SEED}.{fmt}", f"/export/bijlage.{fmt}"):
        response = client.get(url)
        text = {"html": _html_text, "docx": _docx_text, "odt": _odt_text}[fmt](response.content)
        assert "Stand van zaken uitwerking" in text and "Legenda" in text, url
        assert "Status of the work" not in text and not re.search(r"\bLegend\b", text), url
    assert '<html lang="nl">' in client.get(f"{SEED}.html").content.decode()


def test_the_live_documents_are_a_dated_concept_with_the_full_title(manager_client, published_seed):
    client = manager_client  # signed in: the live state
    text = _html_text(client.get("/export/bijlage.html").content)
    assert text.count(DOCUMENT_TITLE) == 1
    assert "Concept, stand van" in text
    docx = client.get("/export/bijlage.docx")
    assert docx["Content-Type"].startswith("application/vnd.openxmlformats")
    assert docx["Content-Disposition"].startswith('attachment; filename="bijlage-')
    assert client.get("/export/bijlage.odt")["Content-Type"] == (
        "application/vnd.oasis.opendocument.text"
    )


@pytest.fixture
def staff_client(client, db):
    user = get_user_model().objects.create_superuser("beheer", "beheer@example.org", "x")
    client.force_login(user)
    return client


def test_a_report_heading_uses_its_own_title_and_says_when_it_is_a_concept(
    staff_client, published_seed
):
    draft = ReportFactory(slug="maart", document_title="Bijlage bij de voortgangsbrief")
    text = _html_text(staff_client.get("/rapportages/maart/export/bijlage.html").content)
    assert "Bijlage bij de voortgangsbrief" in text and DOCUMENT_TITLE not in text
    assert "Concept – " in text
    assert draft.document_title != DOCUMENT_TITLE


@pytest.mark.parametrize("title", ['=HYPERLINK("https://x.example","klik")', "+31", "@SUM(A1)"])
def test_a_report_title_that_starts_like_a_formula_is_refused(db, title):
    for field in ("title", "document_title"):
        values = {"title": "Bijlage", "slug": "b", "peildatum": "2024-10-24", field: title}
        report = Report(**values)
        with pytest.raises(ValidationError) as error:
            report.full_clean()
        assert field in error.value.message_dict


def test_every_cell_of_every_sheet_is_text_never_a_formula(staff_client, published_seed):
    # Bypassing validation (an old database, a raw write): the workbook still carries no formula.
    formula = '=HYPERLINK("https://x.example","klik")'
    ReportFactory(slug="formule")
    Report.objects.filter(slug="formule").update(title=formula)
    content = staff_client.get("/rapportages/formule/export/bijlage.xlsx").content
    workbook = load_workbook(io.BytesIO(content))
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
    about = {row[0]: row[1] for row in workbook.worksheets[1].iter_rows(values_only=True)}
    assert about["Titel"] == formula  # as text, without a leading '
