"""The dashboard: phases per theme as a chart and a table, movement, and what is waiting."""

import datetime
import re

import pytest
import time_machine

from measures.reports import publish_report
from tests.factories import ReportFactory
from tests.scenario import EDIT_MOMENT, make_changes

pytestmark = pytest.mark.django_db


@pytest.fixture
def client(manager_client):
    """Changes since the last report and the live dashboard: a signed-in manager's view."""
    return manager_client


def _dashboard(client):
    response = client.get("/dashboard/")
    assert response.status_code == 200
    return response.content.decode()


def test_the_chart_and_the_table_show_the_same_rows_per_phase_per_theme(client, published_seed):
    with time_machine.travel(datetime.datetime(2025, 3, 3, 12), tick=False):
        html = _dashboard(client)
    assert html.count("<h1") == 1
    # A group, not an image: its bars are links (an image's parts would be hidden from readers).
    assert '<svg class="chart__svg" role="group" aria-labelledby="chart-title chart-desc"' in html
    assert "<caption>Aantal rijen per fase per thema</caption>" in html
    # 13 theme rows in the table and 13 bars in the chart.
    assert html.count('<g class="chart__bar">') == 13
    table = re.sub(r"</?a[^>]*>", "", html[html.index('<table class="dashboard-table">') :])
    table = re.sub(r' (lang|data-label)="[^"]*"', "", table)  # narrow screens' labels
    assert len(re.findall(r'<tr><th scope="row">', table)) == 13 + 1  # + total row
    # Theme "Verjaring en stuiting": one row in implementation, one not started.
    assert "<title>Verjaring en stuiting: 1 – Voorbereiden implementatie</title>" in html
    assert "<title>Verjaring en stuiting: 1 – Nog niet gestart</title>" in html
    assert (
        '<tr><th scope="row">Verjaring en stuiting</th><td>1</td><td>0</td><td>1</td><td>0</td>'
        "<td>2</td></tr>"
    ) in table
    # Totals over the whole bijlage: 11 not started, 11 policy, 14 implementation, 1 done.
    assert "<td>11</td><td>11</td><td>14</td><td>1</td><td>37</td></tr></tfoot>" in table
    assert 'style="' not in html


def test_with_one_report_the_dashboard_says_movement_needs_two(client, published_seed):
    assert "vergelijken kan vanaf de tweede" in _dashboard(client)


def test_the_dashboard_counts_rows_that_moved_phase_between_the_last_two_reports(
    client, published_seed
):
    make_changes()
    with time_machine.travel(EDIT_MOMENT, tick=False):
        publish_report(ReportFactory(title="Bijlage maart 2025", slug="bijlage-maart-2025"))
    html = _dashboard(client)
    assert re.search(
        r'<strong class="dashboard-figure__number">1</strong> rij veranderde van fase tussen '
        r"Bijlage oktober 2024 en Bijlage maart 2025",
        html,
    )
    assert "Nog niet gestart → Beleid in uitwerking" in html


def test_rows_past_their_target_date_and_not_implemented_are_listed(client, published_seed):
    with time_machine.travel(datetime.datetime(2026, 2, 1, 12), tick=False):
        html = _dashboard(client)
    section = html[html.index('id="overdue-title"') : html.index('id="it-title"')]
    assert '<strong class="dashboard-figure__number">2</strong>' in section
    assert "streefdatum 01/01/2026" in section
    with time_machine.travel(datetime.datetime(2025, 12, 31, 12), tick=False):
        html = _dashboard(client)
    section = html[html.index('id="overdue-title"') : html.index('id="it-title"')]
    assert '<strong class="dashboard-figure__number">0</strong>' in section


def test_rows_waiting_for_the_it_landscape_are_listed(client, published_seed):
    html = _dashboard(client)
    section = html[html.index('id="it-title"') : html.index('id="waits-title"')]
    assert '<strong class="dashboard-figure__number">8</strong>' in section
    assert "Modernisering IV-landschap" in section


def test_vm_30_is_shown_waiting_for_vm_43(client, published_seed):
    html = _dashboard(client)
    section = html[html.index('id="waits-title"') :]
    assert '<strong class="dashboard-figure__number">1</strong>' in section
    assert "(VM 30)</a> wacht op Niet stuiten, tenzij … (VM 43)" in section


def test_the_dashboard_and_the_changes_page_take_a_constant_number_of_queries(client, db):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from measures.sources import forget_row_sets
    from tests.factories import (
        LetterLinkFactory,
        MeasureDependencyFactory,
        VMNumberFactory,
        WorkstreamFactory,
    )

    def make(count):
        for i in range(count):
            row = WorkstreamFactory()
            VMNumberFactory(measure=row.measure)
            LetterLinkFactory(workstream=row)
            if i % 5 == 0:
                MeasureDependencyFactory(measure=row.measure)

    def queries():
        forget_row_sets()  # count with the reports' rows read again, as a new process does
        counts = []
        for url in ("/dashboard/", "/wijzigingen/", "/rapportages/"):
            with CaptureQueriesContext(connection) as ctx:
                assert client.get(url).status_code == 200
            counts.append(len(ctx.captured_queries))
        return counts

    make(10)
    publish_report(ReportFactory())
    publish_report(ReportFactory())  # two reports: the dashboard compares the last two
    small = queries()
    make(60)
    publish_report(ReportFactory())
    assert queries() == small


def _overview_count(client, url: str) -> int:
    html = client.get(url).content.decode()
    return int(re.search(r"(\d+) rij(?:en)? gevonden", html).group(1))


def test_every_figure_and_bar_leads_to_the_overview_filtered_on_what_it_counts(
    client, published_seed
):
    with time_machine.travel(datetime.datetime(2025, 3, 3, 12), tick=False):
        html = _dashboard(client)
        links = re.findall(r'<a href="(/(?:\?[^"]*)?)">(\d+)</a>', html)  # table cells, totals
        links += re.findall(  # the bars of the chart
            r'<a class="chart__link" href="([^"]+)"><title>[^<]*: (\d+) – ', html
        )
        links += re.findall(  # overdue, waiting for the IT landscape
            r'<a href="([^"]+)"><strong class="dashboard-figure__number">(\d+)</strong>', html
        )
        links = [(url.replace("&amp;", "&"), int(count)) for url, count in links]
        for url, count in links:
            assert _overview_count(client, url) == count, url
    cells = 13 * 4 - len(re.findall(r"<td[^>]*>0</td>", html))  # a zero leads nowhere
    # Each non-zero cell and its bar, 13 theme totals, 4 phase totals, the total, 2 figures.
    assert len(links) == 2 * cells + 13 + 4 + 1 + 2
    urls = dict(links)
    assert urls["/?theme=verjaring-en-stuiting&phase=not_started"] == 1
    assert urls["/?theme=verjaring-en-stuiting"] == 2
    assert urls["/?phase=implemented"] == 1
    assert urls["/"] == 37
    assert "/?overdue=yes" in urls and "/?it=yes" in urls


def test_on_a_peildatum_the_links_lead_to_the_overview_on_that_date(client, published_seed):
    html = _dashboard_at(client, "2024-10-25")
    links = re.findall(r'<a href="(/\?[^"]*)">\d+</a>', html)
    assert links
    assert all("peildatum=2024-10-25" in url for url in links)
    assert '<a href="/?peildatum=2024-10-25&amp;overdue=yes">' in html


def _dashboard_at(client, date: str) -> str:
    response = client.get("/dashboard/", {"peildatum": date})
    assert response.status_code == 200
    return response.content.decode()
