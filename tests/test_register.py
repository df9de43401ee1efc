"""The measure register (/maatregelen/): every measure, searchable by name and VM number."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from measures.filters import REGISTER_SORT_CHOICES
from measures.tables import REGISTER_PAGE_SIZE, MeasureTable
from tests.factories import MeasureFactory, VMNumberFactory, WorkstreamFactory, phase
from tests.hostile import EMOJI, RTL, SCRIPT, hostile_workstream

pytestmark = pytest.mark.django_db

REGISTER = reverse("measures:measure-list")


@pytest.fixture
def client(manager_client):
    """The live register: a signed-in manager's view (visitors: see the tests at the end)."""
    return manager_client


def _get(client, query="", status=200):
    response = client.get(f"{REGISTER}{query}")
    assert response.status_code == status, response.content.decode()[:2000]
    return response.content.decode()


def _names(html: str) -> list[str]:
    """The measures in the table, in the order shown."""
    return re.findall(r'<th scope="row"><a href="/maatregelen/[^"]+/">([^<]+)</a></th>', html)


def _row(html: str, name: str) -> str:
    start = html.index(f">{name}</a></th>")
    return html[start : html.index("</tr>", start)]


def test_the_register_lists_every_measure_of_the_seed_with_its_numbers_rows_and_phases(
    client, bijlage
):
    html = _get(client)
    assert "27 maatregelen gevonden" in html
    assert len(_names(html)) == 27
    row = _row(html, "Verbeteren informatie")
    assert "<td>VM 23 t/m 29</td>" in row
    assert "<td>5</td>" in row  # five rows of the bijlage
    assert "Voorbereiden implementatie: " in row
    assert '<time datetime="2024-10-24T14:00:00+02:00">24/10/2024 14:00</time>' in row
    # The measure without a number is there too, and leads to its page.
    assert "Aflostermijn opnieuw berekenen bij eenmalige inkomsten" in _names(html)
    assert '<a href="/maatregelen/aflostermijn-opnieuw-berekenen-bij-eenmalige-inkomsten/">' in html


def test_the_nearest_target_date_skips_implemented_rows_and_says_when_it_has_passed(client):
    measure = MeasureFactory(name="Rente")
    VMNumberFactory(measure=measure, number=77)
    today = datetime.date.today()
    later = today + datetime.timedelta(days=30)
    WorkstreamFactory(measure=measure, target_date=today + datetime.timedelta(days=90))
    WorkstreamFactory(measure=measure, target_date=later, phase=phase("policy"))
    WorkstreamFactory(
        measure=measure, target_date=today - datetime.timedelta(days=5), phase=phase("implemented")
    )
    late = MeasureFactory(name="Te laat")
    WorkstreamFactory(measure=late, target_date=datetime.date(2020, 1, 1))
    html = _get(client)
    row = _row(html, "Rente")
    assert f'<time datetime="{later.isoformat()}">{later:%d/%m/%Y}</time></td>' in row
    assert "Beleid in uitwerking: 1" in row
    assert "Voorbereiden implementatie: 1" in row
    assert "Geïmplementeerd: 1" in row
    assert "<td>3</td>" in row
    assert "verstreken" not in row
    assert '01/01/2020</time> <span class="badge">verstreken</span>' in _row(html, "Te laat")


@pytest.mark.parametrize("query", ["VM 25", "vm25", "25", "VM25", "vm 25"])
def test_searching_for_a_vm_number_finds_its_measure_however_it_is_written(client, bijlage, query):
    html = _get(client, f"?q={query}")
    assert _names(html) == ["Verbeteren informatie"]
    assert "1 maatregel gevonden" in html


def test_searching_for_a_range_finds_every_measure_with_one_of_those_numbers(client, bijlage):
    names = _names(_get(client, "?q=VM 10 t/m 13"))
    assert names == ["Betalingsregeling bij fraude", "Borgen bestaansminimum"]


def test_searching_for_words_finds_names_without_regard_to_case_or_accents(client):
    MeasureFactory(name="Beëindigen dwanginvordering")
    MeasureFactory(name="Verrekening")
    assert _names(_get(client, "?q=BEEINDIGEN")) == ["Beëindigen dwanginvordering"]
    assert _names(_get(client, "?q=dwang beëind")) == ["Beëindigen dwanginvordering"]
    html = _get(client, "?q=kwijtschelding")
    assert _names(html) == []
    assert "0 maatregelen gevonden" in html
    assert "Geen maatregelen gevonden." in html


def test_every_column_header_sorts_and_empty_values_go_last_both_ways(client):
    for index, (name, number, rows) in enumerate([("B", 3, 1), ("A", None, 3), ("C", 1, 2)]):
        measure = MeasureFactory(name=name)
        if number:
            VMNumberFactory(measure=measure, number=number)
        for _ in range(rows):
            WorkstreamFactory(
                measure=measure,
                target_date=datetime.date(2030, 1, 1 + index) if name != "A" else None,
            )
    assert _names(_get(client)) == ["A", "B", "C"]
    assert _names(_get(client, "?sort=-name")) == ["C", "B", "A"]
    assert _names(_get(client, "?sort=vm")) == ["C", "B", "A"]
    assert _names(_get(client, "?sort=-vm")) == ["B", "C", "A"]
    assert _names(_get(client, "?sort=rows")) == ["B", "C", "A"]
    assert _names(_get(client, "?sort=-rows")) == ["A", "C", "B"]
    assert _names(_get(client, "?sort=target")) == ["B", "C", "A"]
    assert _names(_get(client, "?sort=-target")) == ["C", "B", "A"]
    html = _get(client, "?sort=-target&page=1")
    # The sorted header says so to screen readers; its link turns the order round, page 1.
    assert re.search(
        r'<th scope="col" class="desc orderable" aria-sort="descending">'
        r'<a href="\?sort=target">Eerstvolgende streefdatum</a></th>',
        html,
    )


def test_each_sortable_column_has_both_sort_orders_in_the_form():
    table = MeasureTable([], phases=[])
    sortable = {column.name for column in table.columns if column.orderable}
    assert sortable == {"name", "vm", "rows", "target", "changed"}
    values = {value for value, _label in REGISTER_SORT_CHOICES}
    assert values == sortable | {f"-{name}" for name in sortable}


def test_the_register_pages_by_fifty_and_the_page_costs_the_same_queries_at_any_size(
    client, bijlage
):
    def page_queries(query=""):
        with CaptureQueriesContext(connection) as ctx:
            _get(client, query)
        return len(ctx.captured_queries)

    seed = page_queries()
    seed_sorted = page_queries("?sort=-changed&q=VM 23")
    for index in range(REGISTER_PAGE_SIZE + 10):
        measure = MeasureFactory(name=f"Zz gegenereerd {index:03}")
        VMNumberFactory(measure=measure, number=500 + index)
        WorkstreamFactory(measure=measure, phase=phase("policy"))
        WorkstreamFactory(measure=measure, phase=phase("implemented"))
    assert page_queries() == seed
    assert page_queries("?sort=-changed&q=VM 23") == seed_sorted
    assert page_queries("?page=2&sort=vm") == seed

    html = _get(client)
    assert f"{27 + REGISTER_PAGE_SIZE + 10} maatregelen gevonden" in html
    assert len(_names(html)) == REGISTER_PAGE_SIZE
    assert "Pagina 1 van 2" in html
    assert '<a href="?page=2" rel="next">Volgende</a>' in html
    last = _get(client, "?page=2")
    assert len(_names(last)) == 27 + 10
    assert _names(last)[-1] == f"Zz gegenereerd {REGISTER_PAGE_SIZE + 9:03}"


@pytest.mark.parametrize(
    "query, message",
    [
        ("?sort=onbekend", "Selecteer een geldige keuze"),
        ("?q=" + "x" * 201, "niet meer dan 200 tekens"),
        ("?q=rente&q=beslag", "Geef dit filter maar één keer op."),
    ],
)
def test_a_bad_search_is_a_400_with_a_dutch_message(client, bijlage, query, message):
    html = _get(client, query, status=400)
    assert "Deze zoekopdracht klopt niet" in html
    assert message in html
    assert "<table" not in html


def test_a_page_number_that_does_not_exist_shows_a_page_rather_than_an_error(client, bijlage):
    assert len(_names(_get(client, "?page=abc"))) == 27
    assert len(_names(_get(client, "?page=999"))) == 27


@pytest.mark.parametrize("per_page", ["-1", "0", "1", "100000", "abc"])
def test_the_page_size_is_not_up_to_the_url(client, per_page):
    for index in range(REGISTER_PAGE_SIZE + 1):
        MeasureFactory(name=f"Maatregel {index:03}")
    html = _get(client, f"?per_page={per_page}")
    assert len(_names(html)) == REGISTER_PAGE_SIZE
    assert "Pagina 1 van 2" in html


def test_hostile_measure_names_are_shown_as_text(client):
    hostile_workstream()
    MeasureFactory(name=SCRIPT)
    html = _get(client)
    assert SCRIPT not in html
    assert "&lt;script&gt;window.__pwned = true;&lt;/script&gt;" in html
    assert f"Maatregel {EMOJI} {RTL}" in html


def test_the_register_is_in_the_site_navigation_and_marked_current_there(client, bijlage):
    assert f'<a href="{REGISTER}">Maatregelen</a>' in client.get("/dashboard/").content.decode()
    # A measure's page leads back to the register.
    measure_page = client.get("/maatregelen/verbeteren-informatie/").content.decode()
    assert f'<p class="breadcrumb"><a href="{REGISTER}">Maatregelen</a></p>' in measure_page
    html = _get(client)
    assert f'<a href="{REGISTER}" aria-current="page">Maatregelen</a>' in html
    assert html.count("<h1") == 1
    assert "<caption>Verbetermaatregelen</caption>" in html
    assert html.count("<th ") == html.count('<th scope="')


def test_the_register_speaks_english_on_request(client, bijlage):
    client.post("/i18n/setlang/", {"language": "en", "next": REGISTER})
    html = _get(client, "?sort=bogus", status=400)
    assert "Improvement measures" in html
    html = _get(client)
    assert "27 measures found" in html
    assert "Preparing implementation: " in html


def test_visitors_see_only_the_published_measures_without_the_live_figures(
    anonymous_client, published_seed
):
    MeasureFactory(name="Nog niet gepubliceerd")
    html = anonymous_client.get(REGISTER).content.decode()
    assert "27 maatregelen gevonden" in html
    assert "Nog niet gepubliceerd" not in html
    assert "<td>VM 23 t/m 29</td>" in html
    for header in ("Rijen", "Fasen", "Eerstvolgende streefdatum", "Laatste wijziging"):
        assert f">{header}<" not in html
    assert "Voorbereiden implementatie: " not in html
    assert "de actuele stand ziet u na inloggen" in html


def test_visitors_find_no_register_before_anything_is_published(anonymous_client, bijlage):
    response = anonymous_client.get(REGISTER)
    assert response.status_code == 404
    assert "Nog geen bijlage gepubliceerd" in response.content.decode()
