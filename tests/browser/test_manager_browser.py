"""A manager filters the overview with the keyboard only and downloads the PDF and the XLSX."""

import io
from pathlib import Path

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect
from pypdf import PdfReader

from measures.exports import SPREADSHEET_COLUMNS
from measures.models import Phase, Workstream

pytestmark = pytest.mark.django_db(transaction=True)

THEME = "Verrekening"
PHASE = "implementation"


def tab_to(page, selector: str, limit: int = 120):
    """Press Tab until the element matching `selector` has the focus (keyboard only)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement.matches(s)", selector):
            return page.locator(selector)
    raise AssertionError(f"{selector} never got the keyboard focus")


def _expected_rows():
    return list(
        Workstream.objects.filter(theme__name=THEME, phase__code=PHASE)
        .select_related("measure")
        .order_by("theme__order", "order")
    )


def test_a_manager_filters_by_theme_and_phase_with_the_keyboard_and_downloads_pdf_and_xlsx(
    page, site, console_errors
):
    expected = _expected_rows()
    assert 0 < len(expected) < 37
    page.goto(site + "/")

    # The filters are folded (a <details>) until a filter is in use: open them by keyboard.
    tab_to(page, "summary.filters__summary")
    page.keyboard.press("Enter")
    theme = tab_to(page, "select[name=theme]")
    # A closed select takes typed letters: the first option starting with them is chosen.
    page.keyboard.type(THEME[:5])
    expect(theme).to_have_value("verrekening")

    phase = tab_to(page, f"input[name=phase][value={PHASE}]")
    page.keyboard.press("Space")
    expect(phase).to_be_checked()

    tab_to(page, ".filters__actions button[type=submit]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "theme=verrekening" in page.url and f"phase={PHASE}" in page.url
    expect(page.locator("tr.bijlage__row")).to_have_count(len(expected))
    expect(page.locator(".result-summary__count")).to_contain_text(str(len(expected)))

    # The PDF, by keyboard: the link has the download attribute.
    tab_to(page, ".exports a[href*='bijlage.pdf']")
    with page.expect_download() as pdf_download:
        page.keyboard.press("Enter")
    pdf = PdfReader(pdf_download.value.path())
    text = " ".join(page_.extract_text() for page_ in pdf.pages)
    for row in expected:
        assert row.measure.name.split()[0] in text
    assert "Integrale klantbehandeling" not in text  # a row of another theme

    tab_to(page, ".exports a[href*='bijlage.xlsx']")
    with page.expect_download() as xlsx_download:
        page.keyboard.press("Enter")
    workbook = load_workbook(io.BytesIO(Path(xlsx_download.value.path()).read_bytes()))
    sheet = workbook.active
    values = list(sheet.iter_rows(values_only=True))
    fields = [field for field, _label in SPREADSHEET_COLUMNS]
    data = [row for row in values[1:] if any(row)]
    assert len(data) == len(expected)
    assert {row[fields.index("theme")] for row in data} == {THEME}
    assert {row[fields.index("phase")] for row in data} == {
        Phase.objects.get(code=PHASE).short_label
    }
    assert console_errors == [], "\n".join(console_errors)
