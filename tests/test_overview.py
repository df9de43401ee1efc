"""The overview shows the bijlage as a person knows it; the JSON export follows the contract."""

import datetime
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from measures.models import Phase, Workstream
from measures.rows import CONTRACT_FIELDS
from measures.sources import LiveSource
from tests.factories import (
    FootnoteFactory,
    LetterLinkFactory,
    MeasureDependencyFactory,
    VMNumberFactory,
    WorkstreamFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def client(manager_client):
    """The live overview is for signed-in users: these tests look as a manager."""
    return manager_client


def test_the_overview_shows_every_row_the_legend_and_the_footnotes(client, bijlage):
    response = client.get(reverse("measures:overview"))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('class="bijlage__row') == 37
    assert html.count('class="bijlage__theme"') == 13
    for phase in Phase.objects.all():
        assert phase.label in html
    assert html.count('class="phase-icon') >= 37 + 4
    assert "Dit overzicht staat in het klantportaal" in html
    assert "Kamerstukken II 2022/23, 31066 nr. 1270." in html
    assert "24/10/2024" in html
    assert html.count("<h1") == 1


def test_the_overview_links_each_measure_to_its_rows(client, bijlage):
    html = client.get(reverse("measures:overview")).content.decode()
    assert 'href="/maatregelen/verbeteren-informatie/"' in html
    detail = client.get("/maatregelen/verbeteren-informatie/")
    assert detail.status_code == 200
    assert detail.content.decode().count('class="bijlage__row') == 5


def test_an_unknown_measure_is_a_404(client, db):
    assert client.get("/maatregelen/bestaat-niet/").status_code == 404


def test_the_json_export_follows_the_contract_for_every_row(client, bijlage):
    response = client.get(reverse("measures:export-json"))
    assert response["Content-Type"].startswith("application/json")
    payload = json.loads(response.content)
    rows = payload["rows"]
    assert len(rows) == 37
    phases = {phase.code for phase in Phase.objects.all()}
    for position, row in enumerate(rows, start=1):
        assert tuple(row)[: len(CONTRACT_FIELDS)] == CONTRACT_FIELDS
        assert row["position"] == position
        assert row["phase"] in phases
        assert row["vm_numbers"] == sorted(row["vm_numbers"])
        assert row["parliament_informed"] == sorted(row["parliament_informed"])
        for value in row["parliament_informed"] + [row["target_date"] or "2000-01-01"]:
            datetime.date.fromisoformat(value)
        assert isinstance(row["on_hold"], bool) and isinstance(row["it_dependency"], bool)
        assert row["strategy_page"] is None or isinstance(row["strategy_page"], int)
    assert rows[0]["explanation"].startswith("Gebruik maken van alle bij Dienst Toeslagen")


def _make_rows(count):
    for i in range(count):
        row = WorkstreamFactory()
        VMNumberFactory(measure=row.measure)
        LetterLinkFactory(workstream=row)
        if i % 10 == 0:
            FootnoteFactory(workstream=row)
            MeasureDependencyFactory(measure=row.measure)


def _overview_queries(client):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("measures:overview"))
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_the_overview_query_count_does_not_grow_with_the_rows(client):
    _make_rows(37)
    at_37 = _overview_queries(client)
    _make_rows(333)
    assert Workstream.objects.count() == 370
    assert _overview_queries(client) == at_37


FILTERED_QUERIES = [
    "phase=implementation&phase=policy",
    "q=maatregel&sort=vm",
    "informed=yes&sort=-informed&it=no",
    "informed_from=2024-01-01&informed_to=2024-12-31&overdue=no&page=2",
]


def _queries(client, url):
    from django.core.cache import cache

    cache.clear()  # measure a render, not a cache hit
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("query", FILTERED_QUERIES)
def test_the_query_count_of_a_filtered_page_does_not_grow_with_the_rows(client, settings, query):
    settings.OVERVIEW_PAGE_SIZE = 20
    _make_rows(37)
    url = reverse("measures:overview") + "?" + query
    at_37 = _queries(client, url)
    _make_rows(333)
    assert _queries(client, url) == at_37


def test_a_cached_overview_needs_one_query_and_an_edit_shows_at_once(
    anonymous_client, bijlage, settings
):
    settings.PUBLIC_LIVE_STATE = True  # a deployment that shows everyone the live state
    client = anonymous_client
    url = reverse("measures:overview") + "?theme=verrekening"
    first = client.get(url).content.decode()
    with CaptureQueriesContext(connection) as ctx:
        again = client.get(url).content.decode()
    assert again == first
    # Only the data version, which every app server reads from the database.
    assert ["measures_dataversion" in q["sql"] for q in ctx.captured_queries] == [True]

    row = Workstream.objects.filter(theme__slug="verrekening").first()
    row.status_text = "Zojuist bijgewerkt door de beleidsmedewerker."
    row.save()
    assert "Zojuist bijgewerkt door de beleidsmedewerker." in client.get(url).content.decode()


def test_the_cache_separates_filters_but_not_parameter_order(client, bijlage):
    a = client.get("/?phase=policy&theme=verrekening").content
    b = client.get("/?theme=verrekening&phase=policy&q=").content
    assert a == b
    assert client.get("/?theme=preferentie").content != a


def test_a_cached_pdf_is_served_again_until_the_data_changes(anonymous_client, bijlage, settings):
    settings.PUBLIC_LIVE_STATE = True
    client = anonymous_client
    url = reverse("measures:export-pdf") + "?theme=preferentie"
    first = client.get(url).content
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).content == first
    assert ["measures_dataversion" in q["sql"] for q in ctx.captured_queries] == [True]
    row = Workstream.objects.get(theme__slug="preferentie")
    row.status_text = "Geheel nieuwe stand van zaken."
    row.save()
    assert client.get(url).content != first


def test_a_pdf_with_a_parameter_the_bijlage_does_not_know_is_not_drawn_again(
    anonymous_client, bijlage, settings, monkeypatch
):
    settings.PUBLIC_LIVE_STATE = True
    drawn = []

    def draw(html):
        drawn.append(html)
        return f"%PDF-1.7 {len(drawn)}".encode()

    monkeypatch.setattr("measures.documents._write_pdf", draw)
    client = anonymous_client
    url = reverse("measures:export-pdf") + "?theme=preferentie"
    first = client.get(url).content
    for extra in ("utm_source=nieuwsbrief", "x=1&page=2", "format=docx&o=-1"):
        assert client.get(f"{url}&{extra}").content == first
    assert len(drawn) == 1
    # A parameter the bijlage knows is another PDF, also beside an unknown one.
    other = client.get(url.replace("preferentie", "verrekening") + "&utm_source=x").content
    assert other != first and len(drawn) == 2
    assert client.get(url + "&phase=policy&utm_source=x").content not in (first, other)


def test_writes_to_the_data_bump_the_version(db):
    from measures.cache import data_version

    before = data_version()
    WorkstreamFactory()
    assert data_version() != before


def test_a_page_of_the_overview_has_the_same_rows_as_the_whole_export(bijlage, settings):
    _make_rows(12)  # footnotes, dependencies and letters beyond the seed
    theme = Workstream.objects.first().theme
    WorkstreamFactory(ambition=None, theme=theme, explanation="Zonder ambitie.")
    settings.OVERVIEW_PAGE_SIZE = 7
    source = LiveSource()
    query = source.query({"sort": "-phase"})
    everything = list(source.rows(query))
    page = source.select(query, 3)
    assert page.total == len(everything) == 50
    assert page.rows == everything[14:21]
    assert [row.position for row in page.rows] == list(range(15, 22))


def test_a_logged_in_user_never_gets_a_page_cached_for_someone_else(manager, bijlage):
    from django.contrib.auth.models import User
    from django.test import Client

    client = Client()
    client.force_login(manager)
    client.get(reverse("measures:overview"))
    staff = User.objects.create_user("beleid", password="x-Geheim-123")
    staff.user_permissions.add(*manager.groups.get().permissions.all())
    client.force_login(staff)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(reverse("measures:overview")).status_code == 200
    assert any("measures_workstream" in q["sql"] for q in ctx.captured_queries)
