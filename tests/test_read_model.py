"""One read model: every source gives the same rows through the same query.

The live database filters in SQL; a peildatum and a published report filter the same rows
with the row tests. Each filter is declared once with both sides, and this module checks that
they agree, for every filter and every sort order, with representative values.
"""

import datetime
import json

import pytest
import time_machine
from django.urls import reverse

from measures.filters import SORT_CHOICES, BijlageQuery
from measures.models import LetterLink, MeasureDependency, Theme
from measures.rows import Row
from measures.sources import LiveSource, PeildatumSource, ReportSource, RowSet, RowsSource
from tests.factories import (
    LetterLinkFactory,
    MeasureDependencyFactory,
    MeasureFactory,
    ParliamentaryLetterFactory,
    WorkstreamFactory,
)
from tests.rows import live_rows, report_rows, without_footnote_texts
from tests.scenario import AMS

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 2, 1)

# Representative values of every filter of the query (the test fails for a filter without).
VALUES = {
    "q": [
        "geimplementeerd",
        "GEÏMPLEMENTEERD",
        "betalingsregeling rente",
        "VM 25",
        "vm25 kinderopvangtoeslag",
        "bestaat-niet",
    ],
    "theme": ["verrekening", "persoonsgerichte-benadering", "preferentie"],
    "vm": ["25", "VM 4", "vm-43", "7"],
    "phase": [["policy"], ["implemented", "not_started"], ["implementation"]],
    "it": ["yes", "no"],
    "hold": ["yes", "no"],
    "delayed": ["yes", "no", "capacity", "it_dependency", "other"],
    "overdue": ["yes", "no"],
    "informed": ["yes", "no"],
    "letter": ["2024-10-24", "2024-02-09", "2020-01-01"],
    "informed_from": ["2024-01-01", "2022-01-01", "2025-01-02"],
    "informed_to": ["2023-12-31", "2024-06-30", "2020-01-01"],
    "measure": ["verbeteren-informatie", "niet-stuiten-tenzij"],
    "sort": [code for code, _label in SORT_CHOICES],
}


def _informed_twice():
    """A row informed only on 2020-01-01 and on 2025-01-01 (nothing in between)."""
    row = WorkstreamFactory(status_text="Alleen in 2020 en 2025 gemeld.")
    LetterLinkFactory(workstream=row, letter=ParliamentaryLetterFactory(date="2020-01-01"))
    LetterLinkFactory(workstream=row, letter=ParliamentaryLetterFactory(date="2025-01-01"))
    return row


@pytest.fixture
def varied(published_seed):
    """The seed plus rows with the edge cases: no ambition, no VM, two far-apart letters."""
    theme = Theme.objects.get(slug="verrekening")
    WorkstreamFactory(theme=theme, ambition=None, explanation="Zonder ambitie en zonder VM.")
    _informed_twice()
    return published_seed


def _ids(rows):
    return [row.id for row in rows]


def _queries():
    for name in BijlageQuery.base_filters:
        for value in VALUES[name]:
            yield {name: value}
    # The period as one unit, and filters together.
    yield {"informed_from": "2022-01-01", "informed_to": "2023-12-31"}
    yield {"phase": ["policy", "implementation"], "it": "yes", "sort": "-vm"}
    yield {"q": "VM 25", "informed": "yes", "sort": "informed"}


def test_every_filter_has_representative_values_in_this_test():
    assert set(BijlageQuery.base_filters) == set(VALUES)


def test_the_sql_and_the_row_test_of_every_filter_and_sort_select_the_same_rows(varied):
    live = LiveSource()
    live.as_of = TODAY  # "overdue" on a fixed day
    in_memory = RowsSource(RowSet(live_rows(), live.legend()), TODAY)
    checked = 0
    for data in _queries():
        sql_query, row_query = live.query(data), in_memory.query(data)
        assert sql_query.valid and row_query.valid, (data, sql_query.form.errors)
        assert _ids(live.rows(sql_query)) == _ids(in_memory.rows(row_query)), data
        checked += 1
    assert checked > 50


def test_a_period_means_one_letter_inside_it(varied):
    row = LetterLink.objects.get(letter__date="2020-01-01").workstream
    period = {"informed_from": "2022-01-01", "informed_to": "2023-12-31"}
    live = LiveSource()
    assert row.pk not in _ids(live.rows(live.query(period)))
    report = PeildatumSource(datetime.date.today())
    assert row.pk not in _ids(report.rows(report.query(period)))
    # Each bound alone still finds it.
    assert row.pk in _ids(live.rows(live.query({"informed_from": "2022-01-01"})))
    assert row.pk in _ids(live.rows(live.query({"informed_to": "2023-12-31"})))


def test_a_peildatum_offers_the_themes_it_had_by_the_slugs_it_had(manager_client, published_seed):
    theme = Theme.objects.get(slug="verrekening")
    theme.slug = "verrekening-nieuw"
    theme.save()
    url = reverse("measures:export-json")
    then = manager_client.get(url, {"peildatum": "2024-10-24", "theme": "verrekening"})
    assert then.status_code == 200, then.content
    assert len(then.json()["rows"]) == 4
    gone = manager_client.get(url, {"peildatum": "2024-10-24", "theme": "verrekening-nieuw"})
    assert gone.status_code == 400
    assert len(manager_client.get(url, {"theme": "verrekening-nieuw"}).json()["rows"]) == 4
    # The published report keeps its own slugs too.
    source = ReportSource(published_seed)
    assert len(source.rows(source.query({"theme": "verrekening"}))) == 4


def test_a_peildatum_is_paged_and_sorted_like_the_live_overview(manager_client, bijlage, settings):
    settings.OVERVIEW_PAGE_SIZE = 10
    today = datetime.date.today().isoformat()
    for params in ({}, {"sort": "-vm"}, {"sort": "phase", "phase": ["policy", "implementation"]}):
        live = manager_client.get("/", {**params, "page": "2"}).content.decode()
        asof = manager_client.get("/", {**params, "page": "2", "peildatum": today})
        assert asof.status_code == 200
        html = asof.content.decode()
        assert html.count('class="bijlage__row') == live.count('class="bijlage__row') <= 10
        assert "Pagina 2 van" in html
        rows = [line for line in html.splitlines() if 'class="bijlage__row' in line]
        live_rows_html = [line for line in live.splitlines() if 'class="bijlage__row' in line]
        assert rows == live_rows_html, params


def test_dependencies_come_in_one_order_from_every_source(db):
    with time_machine.travel(datetime.datetime(2025, 1, 1, 12, tzinfo=AMS), tick=False):
        later = MeasureFactory(name="Zeta-maatregel")
        earlier = MeasureFactory(name="Alfa-maatregel")
        row = WorkstreamFactory()
        MeasureDependencyFactory(measure=row.measure, depends_on=later)
        MeasureDependencyFactory(measure=row.measure, depends_on=earlier)
    names = ["Alfa-maatregel", "Zeta-maatregel"]
    assert [dep.measure for dep in live_rows()[0].depends_on] == names
    asof = PeildatumSource(datetime.date(2025, 1, 1)).rows()
    assert [dep.measure for dep in asof[0].depends_on] == names
    assert [d.depends_on.name for d in MeasureDependency.objects.filter(measure=row.measure)] == (
        names
    )


def test_a_row_survives_its_open_data_form_unchanged(varied):
    for row in live_rows():
        assert Row.from_json(json.loads(json.dumps(row.to_json()))) == row


def test_a_published_report_is_read_back_as_the_rows_it_froze(published_seed):
    frozen = report_rows(published_seed)
    assert without_footnote_texts(frozen) == without_footnote_texts(live_rows())
    assert len(frozen) == published_seed.row_count == 37
    _informed_twice()  # a later edit
    assert report_rows(published_seed) == frozen
    assert len(live_rows()) == 38


def test_report_lists_do_not_load_the_frozen_rows(client, published_seed):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        assert client.get(reverse("measures:report-list")).status_code == 200
    report_queries = [q["sql"] for q in ctx.captured_queries if "measures_report" in q["sql"]]
    assert report_queries
    assert not any('"rows"' in sql or "`rows`" in sql for sql in report_queries)
