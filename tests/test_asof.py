"""The table as of any date, rebuilt from the audit trail (rows, flags, letters, footnotes)."""

import datetime
import json

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from measures.asof import PeildatumError, parse_peildatum, rows_as_of
from measures.models import LetterLink
from measures.sources import PeildatumSource
from tests.factories import LetterLinkFactory, VMNumberFactory, WorkstreamFactory
from tests.rows import live_rows
from tests.scenario import (
    AMS,
    EDIT_DAY,
    LETTER_ROW,
    PHASE_ROW,
    REMOVED_ROW,
    TARGET_ROW,
    make_changes,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def client(manager_client):
    """A peildatum is for signed-in users: these tests look as a manager."""
    return manager_client


SEED_DAY = datetime.date(2024, 10, 24)


def _row(rows, pk):
    return next((row.to_json() for row in rows if row.id == pk), None)


def test_the_history_of_the_seed_day_gives_exactly_the_seed_table(published_seed):
    assert rows_as_of(SEED_DAY) == live_rows()


def test_the_rebuilt_rows_equal_the_rows_the_overview_and_exports_build_today(published_seed):
    make_changes()
    assert rows_as_of(datetime.date.today()) == live_rows()


def test_an_earlier_date_still_shows_the_old_state_after_edits(published_seed):
    before = live_rows()
    make_changes()
    after = live_rows()
    assert after != before
    assert rows_as_of(SEED_DAY) == before
    assert rows_as_of(EDIT_DAY - datetime.timedelta(days=1)) == before
    assert rows_as_of(EDIT_DAY) == after


def test_the_old_state_has_the_old_phase_target_date_and_letters(published_seed):
    make_changes()
    old = rows_as_of(SEED_DAY)
    new = rows_as_of(EDIT_DAY)
    assert _row(old, PHASE_ROW)["phase"] == "not_started"
    assert _row(new, PHASE_ROW)["phase"] == "policy"
    assert _row(old, TARGET_ROW)["target_date"] == "2026-01-01"
    assert _row(new, TARGET_ROW)["target_date"] == "2026-07-01"
    assert _row(old, LETTER_ROW)["parliament_informed"] == ["2024-02-09", "2024-10-24"]
    assert _row(new, LETTER_ROW)["parliament_informed"] == [
        "2024-02-09",
        "2024-10-24",
        "2025-03-01",
    ]
    assert _row(old, REMOVED_ROW) is not None and _row(new, REMOVED_ROW) is None
    assert len(old) == len(new) == 37


def test_a_removed_letter_link_is_still_shown_on_an_earlier_date(published_seed):
    with time_machine.travel(datetime.datetime(2025, 5, 1, 9, tzinfo=AMS), tick=False):
        LetterLink.objects.filter(workstream_id=LETTER_ROW, letter__date="2024-10-24").delete()
    assert _row(rows_as_of(datetime.date(2025, 4, 30)), LETTER_ROW)["parliament_informed"] == [
        "2024-02-09",
        "2024-10-24",
    ]
    assert _row(rows_as_of(datetime.date(2025, 5, 1)), LETTER_ROW)["parliament_informed"] == [
        "2024-02-09"
    ]


def test_the_end_of_the_day_counts_in_amsterdam_time(db):
    # 23:30 in Amsterdam on 1 March is 22:30 UTC: still 1 March.
    with time_machine.travel(datetime.datetime(2025, 3, 1, 23, 30, tzinfo=AMS), tick=False):
        row = WorkstreamFactory(status_text="Laat op de avond.")
    with time_machine.travel(datetime.datetime(2025, 3, 2, 0, 30, tzinfo=AMS), tick=False):
        row.status_text = "Net na middernacht."
        row.save()
    assert rows_as_of(datetime.date(2025, 3, 1))[0].status_text == "Laat op de avond."
    assert rows_as_of(datetime.date(2025, 3, 2))[0].status_text == "Net na middernacht."


def test_a_date_before_any_history_says_there_is_no_data(published_seed):
    with pytest.raises(PeildatumError) as error:
        rows_as_of(datetime.date(2024, 10, 23))
    assert error.value.status == 404
    assert "geen gegevens" in str(error.value.message)


@pytest.mark.parametrize(
    "value", ["2024-13-01", "24-10-2024", "gisteren", "2024-02-30", "20241024"]
)
def test_a_malformed_peildatum_is_refused(value):
    with pytest.raises(PeildatumError) as error:
        parse_peildatum(value)
    assert error.value.status == 400


def test_the_reconstruction_takes_a_constant_number_of_queries(db):
    def count():
        with CaptureQueriesContext(connection) as ctx:
            rows_as_of(datetime.date.today() + datetime.timedelta(days=1))
        return len(ctx.captured_queries), len(rows_as_of(datetime.date.today()))

    for _ in range(10):
        row = WorkstreamFactory()
        VMNumberFactory(measure=row.measure)
        LetterLinkFactory(workstream=row)
    small, n = count()
    for _ in range(60):
        row = WorkstreamFactory()
        VMNumberFactory(measure=row.measure)
        LetterLinkFactory(workstream=row)
        row.status_text = "Gewijzigd."
        row.save()
    large, m = count()
    assert (n, m) == (10, 70)
    assert small == large <= 12


def test_the_overview_with_a_peildatum_shows_the_old_table(client, published_seed):
    make_changes()
    html = client.get(reverse("measures:overview"), {"peildatum": "2024-10-24"}).content.decode()
    assert "Stand op peildatum 24/10/2024" in html
    assert html.count('class="bijlage__row') == 37
    assert "Beleidsmatige uitwerking loopt sinds januari 2025." not in html
    assert '<time datetime="2025-03-01">' not in html
    now = client.get(reverse("measures:overview")).content.decode()
    assert "Beleidsmatige uitwerking loopt sinds januari 2025." in now
    assert '<time datetime="2025-03-01">' in now


def test_the_json_export_with_a_peildatum_gives_the_old_rows(client, published_seed):
    make_changes()
    response = client.get(reverse("measures:export-json"), {"peildatum": "2024-10-24"})
    rows = json.loads(response.content)["rows"]
    assert [r["phase"] for r in rows][2] == "not_started"
    assert rows[2]["status_text"] != "Beleidsmatige uitwerking loopt sinds januari 2025."


def test_a_bad_peildatum_on_the_overview_is_a_400_with_a_message(client, published_seed):
    response = client.get(reverse("measures:overview"), {"peildatum": "31-12-2024"})
    assert response.status_code == 400
    assert "gebruik de vorm JJJJ-MM-DD" in response.content.decode()
    response = client.get(reverse("measures:export-json"), {"peildatum": "morgen"})
    assert response.status_code == 400


@pytest.mark.parametrize("url", ["/", "/export/bijlage.json", "/export/bijlage.pdf"])
def test_a_peildatum_in_the_future_is_a_400_with_a_message_not_a_crash(client, db, url):
    # 9999-12-31 used to overflow (the end of that day does not exist): a 500.
    for value in ("9999-12-31", (datetime.date.today() + datetime.timedelta(days=2)).isoformat()):
        response = client.get(url, {"peildatum": value})
        assert response.status_code == 400
        assert "ligt in de toekomst" in response.content.decode()


def test_a_repeated_peildatum_is_refused_like_a_repeated_filter(client, published_seed):
    response = client.get("/?peildatum=2024-10-24&peildatum=2024-10-25")
    assert response.status_code == 400
    assert "maar één keer" in response.content.decode()


def test_a_peildatum_before_the_history_is_a_clear_no_data_message(client, published_seed):
    response = client.get(reverse("measures:overview"), {"peildatum": "2020-01-01"})
    assert response.status_code == 404
    assert "Er zijn geen gegevens op 01/01/2020" in response.content.decode()


def test_the_filters_judge_the_rows_as_they_were_on_the_peildatum(client, published_seed):
    make_changes()
    then = client.get("/", {"peildatum": "2024-10-24", "phase": "not_started"}).content.decode()
    now = client.get("/", {"phase": "not_started"}).content.decode()
    # Row 3 was not started on 24 October 2024; it is in policy now.
    assert "Versnelde invordering bij lopende dwanginvordering" in then
    assert "Versnelde invordering bij lopende dwanginvordering" not in now
    assert then.count('class="bijlage__row') == 11


def test_the_exports_follow_the_peildatum_and_the_filters(client, published_seed):
    make_changes()
    response = client.get(
        "/export/bijlage.json", {"peildatum": "2024-10-24", "phase": "not_started"}
    )
    rows = json.loads(response.content)["rows"]
    assert len(rows) == 11
    assert [row["position"] for row in rows] == list(range(1, 12))
    assert "Beleidsmatige uitwerking loopt sinds januari 2025." not in response.content.decode()
    csv = b"".join(client.get("/export/bijlage.csv", {"peildatum": "2024-10-24"})).decode(
        "utf-8-sig"
    )
    assert "Beleidsmatige uitwerking loopt sinds januari 2025." not in csv
    assert client.get("/export/bijlage.pdf", {"peildatum": "2024-1-1"}).status_code == 400
    assert client.get("/export/bijlage.csv", {"peildatum": "2001-01-01"}).status_code == 404


def test_every_overview_filter_applies_to_the_rows_of_a_peildatum(published_seed):
    source = PeildatumSource(SEED_DAY)
    source.as_of = datetime.date(2026, 2, 1)  # "overdue" as judged on that day

    def count(**filters):
        data = {k: v.isoformat() if isinstance(v, datetime.date) else v for k, v in filters.items()}
        query = source.query(data)
        assert query.valid, query.form.errors
        return len(source.rows(query))

    assert count() == 37
    assert count(theme="verrekening") == 4
    assert count(phase=["implemented"]) == 1
    assert count(vm=25) == 5
    assert count(q="GEIMPLEMENTEERD") == count(q="geïmplementeerd") >= 1
    assert count(it="yes") == 8 and count(it="no") == 29
    assert count(hold="yes") + count(hold="no") == 37
    assert count(delayed="capacity") == 2
    assert count(delayed="yes") + count(delayed="no") == 37
    assert count(informed="no") + count(informed="yes") == 37
    assert count(letter="2024-10-24") == 4
    assert count(informed_from=datetime.date(2024, 10, 1)) == 4
    assert count(informed_to=datetime.date(2023, 12, 31)) == 1
    assert count(overdue="yes") == 2


def test_filtering_again_or_clearing_the_filters_stays_on_the_peildatum(client, published_seed):
    html = client.get("/", {"peildatum": "2024-10-24", "phase": "policy"}).content.decode()
    # The filter form sends the peildatum along, and "Filters wissen" keeps it.
    assert '<input type="hidden" name="peildatum" value="2024-10-24">' in html
    assert '<a href="?peildatum=2024-10-24">Filters wissen</a>' in html
    assert '<a href="/">Filters wissen</a>' not in html
    # "Naar de huidige stand" keeps the filters and leaves the peildatum.
    assert '<a href="?phase=policy">Naar de huidige stand</a>' in html
    # A peildatum alone is no filter: no "Filters: Alle rijen" line.
    html = client.get("/", {"peildatum": "2024-10-24"}).content.decode()
    assert "Filters wissen" in html  # the form's own link
    assert "result-summary__filters" not in html
    # Without a peildatum, clearing goes back to the plain overview.
    html = client.get("/", {"phase": "policy"}).content.decode()
    assert 'name="peildatum"' not in html
    assert '<a href="/">Filters wissen</a>' in html
