"""What changed: every kind of change, between two reports and between a report and now."""

import copy
import datetime
import re
import shutil
import subprocess

import pytest
import time_machine

from measures.compare import compare_rows, word_diff
from measures.models import Report
from measures.reports import publish_report
from measures.rows import Row
from tests.factories import ReportFactory
from tests.rows import report_rows
from tests.scenario import (
    DELAY_SET_ROW,
    EDIT_MOMENT,
    EXPLANATION_ROW,
    HOLD_CLEARED_ROW,
    HOLD_SET_ROW,
    IT_SET_ROW,
    LETTER_ROW,
    PHASE_ROW,
    REMOVED_ROW,
    TARGET_ROW,
    make_changes,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def client(manager_client):
    """Changes since the last report and the live dashboard: a signed-in manager's view."""
    return manager_client


DROP = object()  # a field a snapshot does not hold


def _row(**overrides):
    row = {
        "id": 1,
        "position": 1,
        "theme": "Verrekening",
        "ambition": "Maandelijkse verrekening",
        "measure": "Maandelijkse verrekening",
        "vm_numbers": [32],
        "explanation": "Verrekenen per maand.",
        "status_text": "Beleidsmatige uitwerking moet nog starten.",
        "phase": "not_started",
        "on_hold": False,
        "delay_reason": None,
        "it_dependency": False,
        "target_date": None,
        "parliament_informed": [],
    }
    row.update(overrides)
    return Row.from_json({k: v for k, v in row.items() if v is not DROP})


@pytest.mark.parametrize(
    "old, new, kind",
    [
        ({}, {"phase": "policy"}, "phase"),
        ({}, {"on_hold": True}, "on_hold_set"),
        ({"on_hold": True}, {}, "on_hold_cleared"),
        ({}, {"delay_reason": "capacity"}, "delay_set"),
        ({"delay_reason": "capacity"}, {"delay_reason": "priorities"}, "delay_set"),
        ({"delay_reason": "capacity"}, {}, "delay_cleared"),
        ({}, {"it_dependency": True}, "it_dependency_set"),
        ({"it_dependency": True}, {}, "it_dependency_cleared"),
        ({"target_date": "2026-01-01"}, {"target_date": "2026-07-01"}, "target_date"),
        ({}, {"target_date": "2026-07-01"}, "target_date"),
        ({}, {"parliament_informed": ["2025-03-01"]}, "letters_added"),
        ({}, {"explanation": "Verrekenen per week."}, "explanation"),
        ({}, {"status_text": "Beleidsmatige uitwerking loopt."}, "status_text"),
    ],
)
def test_each_kind_of_change_is_found_and_counted(old, new, kind):
    comparison = compare_rows([_row(**old)], [_row(**new)])
    assert [change.kinds for change in comparison.changed] == [[kind]]
    counts = comparison.counts
    assert counts[kind] == 1
    assert sum(counts.values()) == 1


def test_rows_added_and_removed_are_listed_and_counted():
    old = [_row(id=1), _row(id=2, measure="Weg")]
    new = [_row(id=1), _row(id=3, measure="Nieuw")]
    comparison = compare_rows(old, new)
    assert [r.measure for r in comparison.added] == ["Nieuw"]
    assert [r.measure for r in comparison.removed] == ["Weg"]
    assert comparison.counts["added"] == comparison.counts["removed"] == 1
    assert comparison.changed == []


def test_a_row_keeps_its_identity_when_its_ambition_and_measure_are_renamed():
    comparison = compare_rows([_row(id=7)], [_row(id=7, ambition="Andere naam", measure="Ook")])
    assert comparison.added == comparison.removed == []


def test_old_snapshots_without_ids_match_rows_by_ambition_and_measure():
    old = [_row(id=DROP)]
    comparison = compare_rows(old, [_row(id=99, phase="implemented")])
    assert comparison.added == comparison.removed == []
    assert comparison.changed[0].kinds == ["phase"]


def test_an_unchanged_table_has_nothing_to_report():
    rows = [_row(id=i, position=i) for i in range(1, 4)]
    comparison = compare_rows(rows, copy.deepcopy(rows))
    assert comparison.is_empty
    assert all(item["count"] == 0 for item in comparison.summary)


def test_the_word_diff_marks_words_and_escapes_html():
    diff = word_diff("Implementatie <loopt> nog.", "Implementatie <loopt> sinds 2025 & gaat door.")
    assert diff == (
        "Implementatie &lt;loopt&gt; <del>nog.</del> <ins>sinds 2025 &amp; gaat door.</ins>"
    )
    assert word_diff("a b c d", "a c d e") == "a <del>b</del> c d <ins>e</ins>"


def test_a_rewritten_text_shows_as_one_deletion_and_one_insertion():
    diff = word_diff("Als maatregel automatisch verrekenen.", "Sinds 2025 zonder kosten.")
    assert (
        diff
        == "<del>Als maatregel automatisch verrekenen.</del> <ins>Sinds 2025 zonder kosten.</ins>"
    )
    assert word_diff("", "Nieuw") == "<ins>Nieuw</ins>"
    assert word_diff("Oud", "") == "<del>Oud</del>"


def _second_report():
    make_changes()
    with time_machine.travel(EDIT_MOMENT + datetime.timedelta(hours=1), tick=False):
        return publish_report(ReportFactory(title="Bijlage maart 2025", slug="bijlage-maart-2025"))


def test_the_second_report_compared_with_the_seed_shows_every_change(published_seed):
    second = _second_report()
    comparison = compare_rows(report_rows(published_seed), report_rows(second))
    by_id = {change.new.id: change for change in comparison.changed}
    assert by_id[PHASE_ROW].kinds == ["phase", "status_text"]
    assert by_id[HOLD_SET_ROW].kinds == ["on_hold_set"]
    assert by_id[HOLD_CLEARED_ROW].kinds == [
        "on_hold_cleared",
        "delay_cleared",
        "it_dependency_cleared",
    ]
    assert by_id[DELAY_SET_ROW].kinds == ["delay_set"]
    assert by_id[IT_SET_ROW].kinds == ["it_dependency_set"]
    assert by_id[TARGET_ROW].kinds == ["target_date"]
    assert by_id[LETTER_ROW].kinds == ["letters_added"]
    assert by_id[LETTER_ROW].letters_added == ["2025-03-01"]
    assert by_id[EXPLANATION_ROW].kinds == ["explanation"]
    assert (
        "<del>Gebruik maken</del> <ins>Gebruikmaken</ins>"
        in by_id[EXPLANATION_ROW].explanation_diff
    )
    assert "&lt;b&gt;" in by_id[EXPLANATION_ROW].explanation_diff
    assert [r.id for r in comparison.removed] == [REMOVED_ROW]
    assert len(comparison.added) == 1
    assert len(comparison.changed) == 8


def test_the_comparison_page_of_a_report_shows_the_summary_and_the_changes(client, published_seed):
    second = _second_report()
    response = client.get(f"/rapportages/{second.slug}/wijzigingen/")
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count("<h1") == 1
    assert "Bijlage oktober 2024 (peildatum 24/10/2024)" in html
    assert "Bijlage maart 2025 (peildatum 03/03/2025)" in html
    assert "Samenvatting" in html
    assert '<th scope="row">Fase gewijzigd</th><td>1</td>' in html
    assert '<th scope="row">Nieuwe rijen</th><td>1</td>' in html
    assert '<th scope="row">Vervallen rijen</th><td>1</td>' in html
    assert "Nog niet gestart" in html and "<strong>Beleid in uitwerking</strong>" in html
    assert "<ins>Gebruikmaken</ins>" in html
    assert "&lt;b&gt;" in html and "Nieuw <b>" not in html
    assert "01/01/2026" in html and "<strong>01/07/2026</strong>" in html
    assert 'style="' not in html


def test_the_first_report_says_there_is_nothing_to_compare_with(client, published_seed):
    html = client.get("/rapportages/bijlage-oktober-2024/wijzigingen/").content.decode()
    assert "Dit is de eerste rapportage" in html


def test_changes_since_the_last_report_compare_it_with_the_current_state(client, published_seed):
    make_changes()
    overview = client.get("/").content.decode()
    assert 'href="/wijzigingen/"' in overview
    assert "Wijzigingen sinds de laatste rapportage" in overview
    html = client.get("/wijzigingen/").content.decode()
    assert "Bijlage oktober 2024 (peildatum 24/10/2024)" in html
    assert "Huidige stand" in html
    assert '<th scope="row">Kamerbrieven toegevoegd</th><td>1</td>' in html


def test_any_two_reports_can_be_compared_in_either_direction(client, published_seed):
    second = _second_report()
    html = client.get("/wijzigingen/", {"van": second.slug, "tot": published_seed.slug})
    html = html.content.decode()
    assert '<th scope="row">Nieuwe rijen</th><td>1</td>' in html
    assert '<th scope="row">Vervallen rijen</th><td>1</td>' in html
    assert "<del>Gebruikmaken</del> <ins>Gebruik maken</ins>" in html


def test_an_unknown_report_in_a_comparison_is_a_404_with_a_message(client, published_seed):
    response = client.get("/wijzigingen/", {"van": "bestaat-niet"})
    assert response.status_code == 404
    assert "Er is geen rapportage &#x27;bestaat-niet&#x27;" in response.content.decode()
    assert client.get("/rapportages/bestaat-niet/wijzigingen/").status_code == 404


def test_without_any_report_the_changes_page_says_so(client, bijlage):
    response = client.get("/wijzigingen/")
    assert response.status_code == 404
    assert "nog geen gepubliceerde rapportage" in response.content.decode()


def test_the_comparison_downloads_as_a_standalone_html_file(client, published_seed):
    second = _second_report()
    response = client.get(f"/rapportages/{second.slug}/wijzigingen.html")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Content-Security-Policy"].startswith("default-src 'none'")
    html = response.content.decode()
    assert "<style>" in html and "<link" not in html and "<script" not in html
    assert "<ins>Gebruikmaken</ins>" in html
    assert "Samenvatting" in html


def test_the_comparison_downloads_as_an_a4_landscape_pdf(client, published_seed, tmp_path):
    if not shutil.which("pdfinfo"):
        pytest.skip("pdfinfo (poppler-utils) reads back the PDF's page size")
    second = _second_report()
    response = client.get(f"/rapportages/{second.slug}/wijzigingen.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    pdf = tmp_path / "wijzigingen.pdf"
    pdf.write_bytes(response.content)
    info = subprocess.run(["pdfinfo", pdf], capture_output=True, text=True, check=True).stdout
    assert re.search(r"Page size: +841\.89 x 595\.2\d* pts \(A4\)", info)
    text = subprocess.run(["pdftotext", pdf, "-"], capture_output=True, text=True).stdout
    assert "Fase gewijzigd" in text and "Gebruikmaken" in text


def test_the_changes_since_the_last_report_download_as_pdf(client, published_seed):
    make_changes()
    response = client.get("/wijzigingen.pdf")
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")
    assert Report.objects.count() == 1


def test_visitors_are_offered_the_changes_against_the_previous_report(
    anonymous_client, published_seed
):
    overview = anonymous_client.get("/").content.decode()
    assert "Wijzigingen ten opzichte van de vorige rapportage" in overview
    assert "Wijzigingen sinds de laatste rapportage" not in overview
