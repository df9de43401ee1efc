"""The DOCX and ODT of the bijlage: real editable tables, and LibreOffice opens them."""

import io
import re
import shutil
import subprocess
import zipfile

import pytest

from measures.documents_office import write_docx, write_odt
from measures.models import DOCUMENT_TITLE
from measures.presenter import present
from measures.publication import Heading, describe_bijlage
from measures.sources import LiveSource
from tests.rows import live_rows

TITLE = DOCUMENT_TITLE


@pytest.fixture
def seed_rows(bijlage):
    return live_rows()


def _document(rows):
    bijlage = present(rows, LiveSource().legend())
    return describe_bijlage(bijlage, Heading(TITLE, "Kamerbrief van 24 oktober 2024"))


def _measure_key(row):
    """The first words of a row's measure: on the first line of its cell, whatever the width."""
    key = ""
    for word in row.measure.split():
        if len(key) + len(word) > 18:
            break
        key = f"{key} {word}".strip()
    return key or row.measure.split()[0]


def test_the_docx_is_an_a4_landscape_table_with_a_repeating_header_and_merged_cells(seed_rows):
    from docx import Document

    doc = Document(io.BytesIO(write_docx(_document(seed_rows))))
    section = doc.sections[0]
    assert section.page_width > section.page_height  # landscape
    assert round(section.page_width.cm, 1) == 29.7
    (table,) = doc.tables
    xml = table._tbl.xml
    assert xml.count("<w:tblHeader") == 1  # the header row repeats on every page
    assert len(table.rows) == 1 + 13 + 37  # header, theme rows, the seed's rows
    assert xml.count('w:vMerge w:val="restart"') == 2  # ambition and page of rows 2-3
    assert xml.count('<w:gridSpan w:val="6"/>') == 13  # theme rows span the table
    assert 'w:val="nl-NL"' in doc.styles.element.xml
    footer = doc.sections[0].footer._element.xml
    assert "PAGE" in footer and "NUMPAGES" in footer and "Pagina" in footer


def test_the_odt_is_an_a4_landscape_table_with_a_repeating_header_and_merged_cells(seed_rows):
    data = write_odt(_document(seed_rows))
    content = zipfile.ZipFile(io.BytesIO(data)).read("content.xml").decode()
    styles = zipfile.ZipFile(io.BytesIO(data)).read("styles.xml").decode()
    assert content.count("<table:table-header-rows>") == 1
    assert content.count('table:number-rows-spanned="2"') == 2
    assert content.count('table:number-columns-spanned="6"') == 13
    assert 'style:print-orientation="landscape"' in styles
    assert "<text:page-number" in styles and "<text:page-count" in styles
    assert 'fo:language="nl"' in styles


def _libreoffice_texts(tmp_path, files: dict) -> dict:
    """The text of the PDFs that LibreOffice makes of the files (one start for all), line by
    line as on the page (the cells of a table row side by side), spaces collapsed."""
    soffice = shutil.which("soffice")
    assert soffice, "LibreOffice is missing: `make test` installs libreoffice-writer-nogui"
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation=file://{tmp_path}/profile",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path / "pdf"),
            *(str(tmp_path / name) for name in files),
        ],
        check=True,
        capture_output=True,
        timeout=240,
    )
    texts = {}
    for name in files:
        pdf = tmp_path / "pdf" / (name.rsplit(".", 1)[0] + ".pdf")
        text = subprocess.run(
            ["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True
        ).stdout
        texts[name] = "\n".join(re.sub(r"\s+", " ", line).strip() for line in text.splitlines())
    return texts


def test_libreoffice_opens_the_docx_and_odt_with_every_row_in_order_the_title_and_footnotes(
    tmp_path, seed_rows
):
    document = _document(seed_rows)
    texts = _libreoffice_texts(
        tmp_path, {"word.docx": write_docx(document), "odf.odt": write_odt(document)}
    )
    assert len(seed_rows) == 37
    for name, text in texts.items():
        assert text.startswith(TITLE), name
        position = 0
        for row in seed_rows:  # the measure column, row by row, in the seed's order
            found = text.find(_measure_key(row), position)
            assert found >= 0, f"{name}: row {row.position} missing or out of order"
            position = found + 1
        assert "vorderingenoverzicht2" in text  # marker 2 right after its word
        flowing = re.sub(r"\s+", " ", text)
        assert "Dit overzicht staat in het klantportaal." in flowing
        assert "Kamerstukken II 2022/23, 31066 nr. 1270." in flowing
        for number in (1, 3, 4):
            assert f"tekst van voetnoot {number} niet beschikbaar in de bron" in flowing
        assert re.search(r"Pagina 1 van [4-9]", text), name
