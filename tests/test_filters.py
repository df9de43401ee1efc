"""Managers filter, sort and page the overview through short, shareable URLs."""

import datetime
import re

import pytest
import time_machine
from django.urls import reverse

from measures.sources import LiveSource
from tests.factories import WorkstreamFactory, phase

pytestmark = pytest.mark.django_db


@pytest.fixture
def client(manager_client):
    """The live state is for signed-in users: these tests look as a manager."""
    return manager_client


OVERVIEW = "/"


def shown_rows(response):
    """The positions of the rows the page shows, in order."""
    assert response.status_code == 200, response.content.decode()[:2000]
    return [int(n) for n in re.findall(r'id="rij-(\d+)"', response.content.decode())]


def filtered(query: str) -> list[dict]:
    """The rows the filter selects, as the JSON export lists them."""
    from django.test import Client, override_settings

    with override_settings(PUBLIC_LIVE_STATE=True):  # the deployment setting, as anyone
        response = Client().get(reverse("measures:export-json") + "?" + query)
    assert response.status_code == 200, response.content
    return response.json()["rows"]


def test_the_overview_shows_a_get_form_with_a_label_for_every_filter(client, bijlage):
    html = client.get(OVERVIEW).content.decode()
    assert '<form class="filters" method="get"' in html
    for name in [
        "q",
        "theme",
        "vm",
        "it",
        "hold",
        "delayed",
        "overdue",
        "informed",
        "letter",
        "informed_from",
        "informed_to",
        "sort",
    ]:
        assert f'<label for="id_{name}"' in html, name
    assert "<legend>Fase</legend>" in html
    assert html.count('type="checkbox" name="phase"') == 4


def test_a_theme_shows_only_its_rows_and_keeps_its_theme_row(client, bijlage):
    response = client.get(OVERVIEW, {"theme": "verrekening"})
    assert len(shown_rows(response)) == 4
    html = response.content.decode()
    assert html.count('class="bijlage__theme"') == 1
    assert "4 rijen gevonden" in html
    assert "Thema: Verrekening" in html


def test_several_phases_can_be_chosen_at_once(client, bijlage):
    rows = filtered("phase=implemented&phase=not_started")
    assert len(rows) == 12
    assert {row["phase"] for row in rows} == {"implemented", "not_started"}


def test_a_vm_number_finds_every_row_of_its_measure(client, bijlage):
    rows = filtered("vm=25")
    assert len(rows) == 5
    assert all(row["vm_numbers"] == list(range(23, 30)) for row in rows)
    assert filtered("vm=7") == []


@pytest.mark.parametrize("field", ["q", "vm"])
@pytest.mark.parametrize("spelling", ["VM 25", "vm25", "VM-25", "25"])
def test_a_vm_number_is_found_however_it_is_written_in_either_field(
    client, bijlage, field, spelling
):
    if field == "q" and spelling == "25":
        pytest.skip("a bare number in the search box is text, not a VM reference")
    from urllib.parse import urlencode

    query = urlencode({field: spelling})
    response = client.get(OVERVIEW + "?" + query)
    assert response.status_code == 200, response.content.decode()[:2000]
    assert len(shown_rows(response)) == 5
    rows = filtered(query)
    assert len(rows) == 5
    assert all(25 in row["vm_numbers"] for row in rows)


def test_free_text_ignores_accents_and_case(client, bijlage):
    rows = filtered("q=geimplementeerd")
    assert any(row["status_text"] == "Geïmplementeerd." for row in rows)
    assert filtered("q=GEÏMPLEMENTEERD") == rows


def test_free_text_searches_ambition_measure_explanation_and_status(client, bijlage):
    assert {r["ambition"] for r in filtered("q=integrale klantbehandeling")} == {
        "Integrale klantbehandeling"
    }
    assert all("iDeal" in r["explanation"] for r in filtered("q=ideal"))
    assert all("32 brieven" in r["status_text"] for r in filtered("q=32 brieven"))
    assert len(filtered("q=verbeteren informatie")) >= 5


def test_free_text_with_like_wildcards_is_taken_literally(client, bijlage):
    assert filtered("q=%25") == []
    assert filtered("q=_") == []


def test_it_dependency_on_hold_and_delay_filters(client, bijlage):
    assert len(filtered("it=yes")) == 8
    assert len(filtered("it=no")) == 29
    assert [r["vm_numbers"] for r in filtered("hold=yes")] == [[1, 15], [5], [1, 15], [1, 15]]
    assert len(filtered("delayed=yes")) == 8
    assert len(filtered("delayed=no")) == 29
    assert [r["vm_numbers"] for r in filtered("delayed=priorities")] == [list(range(23, 30))]
    assert [r["vm_numbers"] for r in filtered("delayed=capacity")] == [[42], [44]]


def test_parliament_informed_yes_no_by_letter_and_by_period(client, bijlage):
    informed = filtered("informed=yes")
    assert len(informed) + len(filtered("informed=no")) == 37
    assert all(row["parliament_informed"] for row in informed)
    assert [r["vm_numbers"] for r in filtered("letter=2023-07-06")] == [[6]]
    assert len(filtered("letter=2024-10-24")) == 4
    period = filtered("informed_from=2024-04-01&informed_to=2024-12-31")
    assert {r["vm_numbers"][0] for r in period} == {10, 17, 23, 38, 39, 40}


def test_overdue_rows_passed_their_target_date_without_being_implemented(client, bijlage):
    with time_machine.travel(datetime.date(2025, 12, 31)):
        assert filtered("overdue=yes") == []
    with time_machine.travel(datetime.date(2026, 11, 28)):
        assert [r["vm_numbers"] for r in filtered("overdue=yes")] == [[17], [39]]
        assert len(filtered("overdue=no")) == 35


def test_an_implemented_row_is_never_overdue(client, db):
    WorkstreamFactory(target_date=datetime.date(2020, 1, 1), phase=phase("implemented"))
    late = WorkstreamFactory(target_date=datetime.date(2020, 1, 1))
    assert [r["measure"] for r in filtered("overdue=yes")] == [late.measure.name]


def test_filters_combine(client, bijlage):
    rows = filtered("theme=persoonlijke-betalingsregeling&phase=policy&informed=yes")
    assert [r["vm_numbers"] for r in rows] == [[13, 16], [13, 16]]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("phase=unknown", "Selecteer een geldige keuze"),
        ("theme=bestaat-niet", "Selecteer een geldige keuze"),
        ("vm=abc", "Voer een geheel getal in"),
        ("vm=2.5", "Voer een geheel getal in"),
        ("vm=0", "minstens 1"),
        ("vm=99999999999999999999", "hoogstens 9999"),
        ("q=" + "x" * 10_000, "niet meer dan 200 tekens"),
        # A NUL never reaches the form: RefuseNulMiddleware answers first (test_hostile_input).
        ("it=misschien", "Selecteer een geldige keuze"),
        ("hold=1", "Selecteer een geldige keuze"),
        ("delayed=bored", "Selecteer een geldige keuze"),
        ("informed=perhaps", "Selecteer een geldige keuze"),
        ("letter=2024-02-30", "Selecteer een geldige keuze"),
        ("letter=2024-01-01", "Selecteer een geldige keuze"),
        ("informed_from=2024-02-30", "Voer een geldige datum in"),
        ("informed_to=gisteren", "Voer een geldige datum in"),
        ("informed_from=2024-12-31&informed_to=2024-01-01", "vóór de begindatum"),
        ("overdue=soms", "Selecteer een geldige keuze"),
        ("sort=ambition", "Selecteer een geldige keuze"),
        ("vm=1&vm=2", "Geef dit filter maar één keer op"),
        ("theme=verrekening&theme=preferentie", "Geef dit filter maar één keer op"),
        ("q=a&q=b", "Geef dit filter maar één keer op"),
    ],
)
def test_bad_filter_values_show_the_forms_message_with_status_400(client, bijlage, query, message):
    response = client.get(f"{OVERVIEW}?{query}")
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert "Deze filters kloppen niet" in html
    assert 'class="bijlage__row' not in html
    for fmt in ("html", "pdf", "csv", "xlsx", "json"):
        export = client.get(f"/export/bijlage.{fmt}?{query}")
        assert export.status_code == 400, fmt
        assert message in export.content.decode()


def test_a_repeated_phase_is_fine_because_phase_takes_several_values(client, bijlage):
    assert len(filtered("phase=policy&phase=policy")) == 11


def test_unknown_parameters_and_empty_values_are_ignored(client, bijlage):
    response = client.get(OVERVIEW, {"utm_source": "mail", "theme": "", "q": "   "})
    assert len(shown_rows(response)) == 37


def test_an_empty_result_says_so_and_offers_to_clear_the_filters(client, bijlage):
    response = client.get(OVERVIEW, {"q": "bestaat nergens"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "0 rijen gevonden" in html
    assert "Geen rijen gevonden met deze filters." in html
    assert '<a href="/">Filters wissen</a>' in html
    assert "<table" not in html


def test_the_page_counts_the_rows_per_phase(client, bijlage):
    html = client.get(OVERVIEW).content.decode()
    assert "37 rijen gevonden" in html
    counts = re.findall(r"<span>([^<:]+): <strong>(\d+)</strong>", html)
    assert dict(counts) == {
        "Nog niet gestart": "11",
        "Beleid in uitwerking": "11",
        "Voorbereiden implementatie": "14",
        "Geïmplementeerd": "1",
    }


def test_export_buttons_carry_the_current_filters(client, bijlage):
    query = {"theme": "verrekening", "phase": "not_started", "page": "1"}
    html = client.get(OVERVIEW, query).content.decode()
    for fmt in ("pdf", "html", "xlsx", "csv", "json"):
        assert f'href="/export/bijlage.{fmt}?phase=not_started&amp;theme=verrekening"' in html
    empty = client.get(OVERVIEW, {"theme": "verrekening", "phase": "policy"}).content.decode()
    assert "/export/bijlage.pdf" not in empty


# -- sorting ------------------------------------------------------------------------------


def test_the_default_order_is_the_bijlage_grouped_by_theme(client, bijlage):
    response = client.get(OVERVIEW)
    assert shown_rows(response) == list(range(1, 38))
    assert response.content.decode().count('class="bijlage__theme"') == 13


def test_sorting_by_vm_number_lists_the_numberless_measure_last_and_shows_a_theme_column(
    client, bijlage
):
    rows = filtered("sort=vm")
    firsts = [r["vm_numbers"][0] if r["vm_numbers"] else None for r in rows]
    assert firsts[:3] == [1, 1, 1]
    assert firsts[-1] is None
    assert firsts[:-1] == sorted(firsts[:-1])
    html = client.get(OVERVIEW, {"sort": "vm"}).content.decode()
    assert 'class="bijlage__theme"' not in html
    assert html.count('class="bijlage__theme-cell"') == 37
    descending = [r["vm_numbers"][0] for r in filtered("sort=-vm") if r["vm_numbers"]]
    assert descending == sorted(descending, reverse=True)


def test_sorting_by_strategy_page_phase_theme_and_last_informed(client, bijlage):
    pages = [r["strategy_page"] for r in filtered("sort=page")]
    assert pages[:-2] == sorted(pages[:-2]) and pages[-2:] == [None, None]
    order = {"not_started": 0, "policy": 1, "implementation": 2, "implemented": 3}
    phases = [order[r["phase"]] for r in filtered("sort=-phase")]
    assert phases == sorted(phases, reverse=True)
    themes = list(dict.fromkeys(r["theme"] for r in filtered("sort=-theme")))
    assert themes[0] == "Overige VM buiten invorderingsstrategie"
    assert themes[-1] == "Persoonsgerichte benadering"
    informed = filtered("sort=-informed")
    lasts = [r["parliament_informed"][-1] for r in informed if r["parliament_informed"]]
    assert lasts == sorted(lasts, reverse=True)
    assert informed[-1]["parliament_informed"] == []
    assert filtered("sort=informed")[0]["parliament_informed"] == ["2023-07-06"]


def test_sorting_by_theme_keeps_the_theme_rows(client, bijlage):
    html = client.get(OVERVIEW, {"sort": "-theme"}).content.decode()
    assert html.count('class="bijlage__theme"') == 13


# -- paging -------------------------------------------------------------------------------


def test_many_rows_are_paged_but_exports_contain_every_row(client, bijlage, settings):
    settings.OVERVIEW_PAGE_SIZE = 10
    first = client.get(OVERVIEW, {"phase": "policy"})
    assert shown_rows(first) == list(range(1, 11))
    assert "Pagina 1 van 2 (rij 1–10 van 11)" in first.content.decode()
    assert 'href="?phase=policy&amp;page=2"' in first.content.decode()
    second = client.get(OVERVIEW, {"phase": "policy", "page": "2"})
    assert shown_rows(second) == [11]
    assert len(filtered("phase=policy&page=2")) == 11
    assert shown_rows(client.get(OVERVIEW, {"page": "abc"})) == list(range(1, 11))
    assert shown_rows(client.get(OVERVIEW, {"page": "999"})) == list(range(31, 38))


def test_the_filter_describes_itself_in_words(bijlage):
    query = LiveSource().query(
        {"theme": "verrekening", "phase": ["policy"], "q": "rente", "hold": "no"}
    )
    assert query.describe() == (
        "Zoekterm: “rente”; Thema: Verrekening; Fase: Beleid in uitwerking; On hold: Nee"
    )
    assert LiveSource().query(None).describe() == "Alle rijen"


def test_search_folds_accents_the_same_in_python_and_in_the_database():
    from measures.search import _ACCENTED, _PLAIN, fold

    assert fold(_ACCENTED) == _PLAIN
    assert fold(_ACCENTED.upper()) == _PLAIN
    assert fold("Geïmplementeerd – Één") == "geimplementeerd – een"


def test_free_text_finds_accented_text_written_without_accents_in_any_case(db):
    # Fixed texts: the factory's random Dutch paragraph can hold "een" and "keer" as well.
    WorkstreamFactory(
        status_text="Reünie met de CRI-werkgroep, ÉÉN keer per maand.", explanation="Overleg."
    )
    WorkstreamFactory(status_text="Iets anders.", explanation="Geen overleg.")
    for query in ("reunie", "REÜNIE", "een keer", "cri-werkgroep"):
        assert len(filtered(f"q={query}")) == 1, query


@pytest.mark.parametrize(
    "query",
    [
        "q=%ff%fe",
        "phase=%00",
        "theme=%00",
        "sort=%00",
        "page=-1",
        "page=0",
        "%00=1",
        "vm=%ef%bf%bd",
    ],
)
def test_odd_bytes_in_the_url_never_cause_a_server_error(client, bijlage, query):
    assert client.get(f"/?{query}").status_code in (200, 400)
    assert client.get(f"/export/bijlage.csv?{query}").status_code in (200, 400)


def test_the_page_names_phases_by_their_short_label_and_the_document_holds_only_them(
    client, bijlage
):
    page = client.get("/?phase=policy").content.decode()
    assert "Filters: Fase: Beleid in uitwerking" in page
    # The document (publicatieversie) has no filter line: just the rows of the filter.
    html = client.get("/export/bijlage.html?phase=policy").content.decode()
    assert "Filters" not in html
    assert html.count('class="bijlage__row phase--policy') == html.count('class="bijlage__row')


def test_the_description_names_the_sort_order_too(bijlage):
    assert (
        LiveSource().query({"sort": "-informed"}).describe()
        == "Alle rijen · Sorteren op: Laatst geïnformeerd, nieuwste eerst"
    )


def test_the_accent_pattern_matches_accented_and_plain_forms_in_any_case():
    from measures.search import accent_pattern

    pattern = re.compile(accent_pattern("geimplementeerd"), re.IGNORECASE)
    assert pattern.search("Status: GEÏMPLEMENTEERD.")
    assert pattern.search("geimplementeerd")
    assert not pattern.search("geïmplementeer")
    assert re.search(accent_pattern("a.b(c)"), "a.b(c)") and not re.search(
        accent_pattern("a.b"), "axb"
    )
