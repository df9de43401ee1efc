"""The seed fixture reproduces the published bijlage of 2024."""

import datetime

import pytest

from measures.models import (
    Footnote,
    LetterLink,
    Measure,
    MeasureDependency,
    ParliamentaryLetter,
    Theme,
    VMNumber,
    Workstream,
)
from tests.rows import live_rows

pytestmark = pytest.mark.django_db


@pytest.fixture
def rows(bijlage):
    return [row.to_json() for row in live_rows()]


def test_the_seed_has_every_row_theme_measure_and_vm_number(bijlage):
    assert Workstream.objects.count() == 37
    assert Theme.objects.count() == 13
    assert Measure.objects.count() == 27
    assert VMNumber.objects.count() == 41
    numbers = set(VMNumber.objects.values_list("number", flat=True))
    assert numbers == set(range(1, 45)) - {7, 18, 19}


def test_the_seed_has_four_distinct_letters_and_the_kamerstuk(bijlage):
    dates = list(ParliamentaryLetter.objects.values_list("date", flat=True))
    assert dates == [
        datetime.date(2023, 7, 6),
        datetime.date(2024, 2, 9),
        datetime.date(2024, 4, 26),
        datetime.date(2024, 10, 24),
    ]
    kamerstuk = ParliamentaryLetter.objects.get(date=datetime.date(2023, 7, 6))
    assert kamerstuk.reference == "Kamerstukken II 2022/23, 31066 nr. 1270"
    assert kamerstuk.url == "https://zoek.officielebekendmakingen.nl/kst-31066-1270.html"


def test_themes_come_in_the_order_of_the_seed(bijlage, rows):
    themes = list(dict.fromkeys(row["theme"] for row in rows))
    assert themes[0] == "Persoonsgerichte benadering"
    assert themes[7] == "Verrekening"
    assert themes[-1] == "Overige VM buiten invorderingsstrategie"
    assert len(themes) == 13


def test_first_row_is_integrale_klantbehandeling_informed_in_february(rows):
    first = rows[0]
    assert first["ambition"] == "Integrale klantbehandeling"
    assert first["strategy_page"] == 13
    assert first["vm_numbers"] == [4]
    assert first["parliament_informed"] == ["2024-02-09"]
    assert first["phase"] == "policy"


def test_the_merged_ambition_spans_two_rows_with_their_own_status(rows):
    merged = [row for row in rows if row["ambition"] == "Persoonsgerichte invordering"]
    assert [row["vm_numbers"] for row in merged] == [[1, 15], [2]]
    assert [row["phase"] for row in merged] == ["implementation", "not_started"]
    assert merged[0]["on_hold"] is True
    assert merged[0]["it_dependency"] is True
    assert merged[0]["delay_reason"] == "it_dependency"
    assert merged[1]["parliament_informed"] == []


def test_verbeteren_informatie_appears_in_five_rows(rows):
    informatie = [row for row in rows if row["vm_numbers"] == list(range(23, 30))]
    assert len(informatie) == 5
    assert {row["strategy_page"] for row in informatie} == {14, 22, 34, 39, 45}


def test_target_dates_and_two_letters(rows):
    dated = [row for row in rows if row["target_date"]]
    assert [(row["vm_numbers"], row["target_date"]) for row in dated] == [
        ([17], "2026-01-01"),
        ([39], "2026-01-01"),
    ]
    assert all(row["parliament_informed"] == ["2024-02-09", "2024-10-24"] for row in dated)


def test_not_applicable_rows_have_no_ambition_and_the_implemented_one_has_its_footnote(rows):
    last_two = rows[-2:]
    assert [row["ambition"] for row in last_two] == [None, None]
    assert [row["strategy_page"] for row in last_two] == [None, None]
    vm6 = last_two[0]
    assert vm6["vm_numbers"] == [6]
    assert vm6["phase"] == "implemented"
    assert vm6["parliament_informed"] == ["2023-07-06"]
    assert vm6["footnotes"] == ["Kamerstukken II 2022/23, 31066 nr. 1270."]
    assert last_two[1]["delay_reason"] == "capacity"


def test_the_measure_without_number_is_loaded(rows):
    (row,) = [row for row in rows if row["measure"].startswith("Aflostermijn opnieuw")]
    assert row["vm_numbers"] == []
    assert row["strategy_page"] == 25
    assert row["phase"] == "not_started"


def test_on_hold_rows_and_the_priorities_delay(rows):
    on_hold = [row["vm_numbers"] for row in rows if row["on_hold"]]
    assert on_hold == [[1, 15], [5], [1, 15], [1, 15]]
    (rente,) = [row for row in rows if row["strategy_page"] == 34]
    assert rente["delay_reason"] == "priorities"
    assert "32 brieven" in rows[3]["status_text"]


def test_vm_30_waits_for_vm_43(bijlage):
    dependency = MeasureDependency.objects.get()
    assert dependency.measure.numbers == [30]
    assert dependency.depends_on.numbers == [43]


def test_only_footnotes_with_text_in_the_extraction_and_every_informed_date_are_loaded(bijlage):
    assert list(Footnote.objects.values_list("number", flat=True)) == [2, 5]
    assert LetterLink.objects.count() == 24


def test_phase_counts_match_the_written_inference(rows):
    counts = {}
    for row in rows:
        counts[row["phase"]] = counts.get(row["phase"], 0) + 1
    assert counts == {"not_started": 11, "policy": 11, "implementation": 14, "implemented": 1}
