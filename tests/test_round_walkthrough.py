"""Two reporting rounds from start to finish, through the real pages, as the people do it.

Two owners' teams, a coordinator and an approving manager. Owners update and confirm, rows are
sent back and fixed, reminders arrive at a real SMTP server, the report is approved and
published, and anonymous visitors see a report only after publication.
"""

import datetime
import zoneinfo

import pytest
import time_machine
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from measures.models import (
    ParliamentaryLetter,
    Report,
    ReportState,
    Round,
    RoundItemState,
    Workstream,
)
from tests.admin_forms import form_data
from tests.factories import TeamFactory, UserFactory
from tests.test_page_structure import _Structure

pytestmark = pytest.mark.django_db

AMS = zoneinfo.ZoneInfo("Europe/Amsterdam")


def at(day: datetime.date, hour: int = 10):
    return time_machine.travel(datetime.datetime(day.year, day.month, day.day, hour, tzinfo=AMS))


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def page(client, url, status=200):
    """GET a page, check its status and its structure (one h1, captions, scopes)."""
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code)
    if status == 200 and response["Content-Type"].startswith("text/html"):
        structure = _Structure()
        structure.feed(response.content.decode())
        assert structure.h1 == 1, url
        assert structure.captions == structure.tables, url
        assert structure.header_cells == structure.header_cells_with_scope, url
    return response


def step(client, round_, row, action, comment="", status=302):
    item = round_.items.get(workstream=row)
    url = reverse("measures:round-item", args=[round_.pk, item.pk])
    assert action.encode() in page(client, url).content  # the button is on the page
    response = client.post(url, {"action": action, "comment": comment})
    assert response.status_code == status, response.content.decode()[:2000]
    return response


def edit_row(client, row, **changes):
    url = reverse("admin:measures_workstream_change", args=[row.pk])
    response = client.post(url, form_data(client.get(url), **changes))
    assert response.status_code == 302, response.content.decode()[:3000]


@pytest.fixture
def people(published_seed):
    betalingen = TeamFactory(name="Directie Invordering, team Betalingsregelingen")
    verrekenen = TeamFactory(name="Directie Invordering, team Verrekenen")
    anna = UserFactory(username="anna", email="anna@toeslagen.example", role="Eigenaar")
    anna.groups.add(betalingen)
    bram = UserFactory(username="bram", email="bram@toeslagen.example", role="Eigenaar")
    bram.groups.add(verrekenen)
    rows = list(Workstream.objects.in_table_order()[:4])
    Workstream.objects.filter(pk__in=[rows[0].pk, rows[1].pk]).update(owner=betalingen)
    Workstream.objects.filter(pk__in=[rows[2].pk, rows[3].pk]).update(owner=verrekenen)
    return {
        "rows": [Workstream.objects.get(pk=row.pk) for row in rows],
        "anna": signed_in(anna),
        "bram": signed_in(bram),
        "coordinator": signed_in(UserFactory(username="coordinator", role="Beleidsmedewerker")),
        "manager": signed_in(UserFactory(username="manager", role="Manager")),
        "anonymous": Client(),
    }


def run_round(people, smtp_server, *, title, opened, deadline, letter_date, reference):
    """One full round; returns the published report."""
    rows = people["rows"]
    anna, bram = people["anna"], people["bram"]
    coordinator, manager, anonymous = people["coordinator"], people["manager"], people["anonymous"]
    mails_before = len(smtp_server)

    # 1. The coordinator opens the round for the four rows.
    with at(opened):
        page(coordinator, reverse("measures:round-open"))
        response = coordinator.post(
            reverse("measures:round-open"),
            {"title": title, "deadline": deadline.isoformat(), "workstreams": [r.pk for r in rows]},
        )
        assert response.status_code == 302
    round_ = Round.objects.get(title=title)

    # 2. Anna updates one row and confirms the other; Bram does nothing yet.
    with at(opened + datetime.timedelta(days=1)):
        assert rows[0].measure.name in page(anna, reverse("measures:my-rows")).content.decode()
        edit_row(
            anna, rows[0], status_text=f"{title}: betalingsregeling loopt.", change_reason=title
        )
        step(anna, round_, rows[0], "updated", "Stand bijgewerkt")
        step(anna, round_, rows[1], "confirmed", "Niets veranderd")
        # Anna cannot answer for Bram's team.
        item = round_.items.get(workstream=rows[2])
        url = reverse("measures:round-item", args=[round_.pk, item.pk])
        assert anna.post(url, {"action": "confirmed"}).status_code == 403

    # 3. Reminders: three days before the deadline and on the day, only Bram, each once.
    for day in (deadline - datetime.timedelta(days=3), deadline - datetime.timedelta(days=2)):
        with at(day, hour=7):
            call_command("send_round_reminders", "--days", "3", stdout=open("/dev/null", "w"))
    new = smtp_server[mails_before:]
    assert [m["X-Envelope-To"] for m in new] == ["bram@toeslagen.example"]
    assert str(rows[2]) in new[0].get_content() and str(rows[0]) not in new[0].get_content()

    # 4. The coordinator accepts Anna's update and sends the confirmed row back.
    with at(deadline - datetime.timedelta(days=1)):
        progress = page(coordinator, round_.get_absolute_url()).context["summary"]
        assert {s: n for s, _label, n in progress["states"]} == {
            "open": 2,
            "updated": 1,
            "confirmed": 1,
            "returned": 0,
            "accepted": 0,
        }
        step(coordinator, round_, rows[0], "accepted")
        step(coordinator, round_, rows[1], "returned", "Noem de nieuwe streefdatum.")
        # The draft report cannot be made yet.
        response = coordinator.post(reverse("measures:round-report", args=[round_.pk]))
        assert response.status_code == 400

    # 5. On the deadline Bram, and Anna for the row sent back, get the last reminder (once);
    #    then they answer.
    with at(deadline, hour=7):
        call_command("send_round_reminders", "--days", "3", stdout=open("/dev/null", "w"))
        call_command("send_round_reminders", "--days", "3", stdout=open("/dev/null", "w"))
    new = smtp_server[mails_before:]
    assert [m["X-Envelope-To"] for m in new] == [
        "bram@toeslagen.example",
        "anna@toeslagen.example",
        "bram@toeslagen.example",
    ]
    assert new[1]["Subject"].startswith("Deadline bereikt")
    assert "Noem de nieuwe streefdatum." in new[1].get_content()
    with at(deadline, hour=11):
        html = page(
            anna,
            reverse(
                "measures:round-item", args=[round_.pk, round_.items.get(workstream=rows[1]).pk]
            ),
        ).content.decode()
        assert "Noem de nieuwe streefdatum." in html
        # Marking it updated without changing it is refused; after the change it is accepted.
        step(anna, round_, rows[1], "updated", status=400)
        edit_row(
            anna,
            rows[1],
            target_date=(deadline + datetime.timedelta(days=365)).isoformat(),
            change_reason=title,
        )
        step(anna, round_, rows[1], "updated", "Streefdatum aangepast")
        step(bram, round_, rows[2], "confirmed")
        edit_row(bram, rows[3], status_text=f"{title}: verrekening loopt.", change_reason=title)
        step(bram, round_, rows[3], "updated")
        for row in rows[1:]:
            step(coordinator, round_, row, "accepted")

    # 6. Every row accepted: the coordinator makes the draft; anonymous visitors cannot see it.
    with at(deadline, hour=14):
        response = coordinator.post(reverse("measures:round-report", args=[round_.pk]))
        report = Report.objects.get(round=round_)
        assert response["Location"] == report.get_absolute_url()
        page(anonymous, report.get_absolute_url(), status=404)
        assert title not in page(anonymous, reverse("measures:report-list")).content.decode()

        # 7. Four eyes: the coordinator cannot approve; the manager can.
        assert (
            coordinator.post(reverse("measures:report-approve", args=[report.slug])).status_code
            == 403
        )
        assert "Rapportage vaststellen" in page(manager, report.get_absolute_url()).content.decode()
        response = manager.post(reverse("measures:report-approve", args=[report.slug]))
        assert response.status_code == 302

    # 8. The coordinator publishes through the confirmation page, with the letter.
    letter_day = letter_date
    with at(letter_day, hour=9):
        letter = ParliamentaryLetter.objects.create(
            date=letter_day,
            kamerstuk_year=reference[0],
            kamerstuk_dossier=reference[1],
            kamerstuk_number=reference[2],
        )
        confirm = page(coordinator, reverse("measures:report-publish", args=[report.slug]))
        assert "nooit meer" in confirm.content.decode()
        response = coordinator.post(
            reverse("measures:report-publish", args=[report.slug]),
            {"letter": letter.pk, "confirm": "on"},
        )
        assert response.status_code == 302
    report.refresh_from_db()
    assert report.state == ReportState.PUBLISHED

    # 9. Now everyone sees it, with who prepared, approved and published it.
    html = page(anonymous, report.get_absolute_url()).content.decode()
    for text in ("coordinator", "manager", f"{title}: betalingsregeling loopt.", letter.reference):
        assert text in html
    assert title in page(anonymous, reverse("measures:report-list")).content.decode()
    assert set(round_.items.values_list("state", flat=True)) == {RoundItemState.ACCEPTED}
    return report


def test_two_rounds_from_the_uitvraag_to_the_published_report(people, smtp_server):
    first = run_round(
        people,
        smtp_server,
        title="Voortgangsbrief voorjaar 2025",
        opened=datetime.date(2025, 3, 3),
        deadline=datetime.date(2025, 3, 20),
        letter_date=datetime.date(2025, 3, 27),
        reference=("2024/25", 31066, 1401),
    )
    second = run_round(
        people,
        smtp_server,
        title="Voortgangsbrief najaar 2025",
        opened=datetime.date(2025, 9, 1),
        deadline=datetime.date(2025, 9, 19),
        letter_date=datetime.date(2025, 9, 26),
        reference=("2025/26", 31066, 1450),
    )
    assert len(smtp_server) == 6  # per round: Bram before the deadline, Bram and Anna on it
    # Each report froze its own round's text; the second compares with the first.
    row_id = people["rows"][0].pk
    texts = {
        r.title: next(x for x in r.rows if x["id"] == row_id)["status_text"]
        for r in (first, second)
    }
    assert texts == {
        "Voortgangsbrief voorjaar 2025": "Voortgangsbrief voorjaar 2025: betalingsregeling loopt.",
        "Voortgangsbrief najaar 2025": "Voortgangsbrief najaar 2025: betalingsregeling loopt.",
    }
    changes = people["anonymous"].get(reverse("measures:report-changes", args=[second.slug]))
    assert "Voortgangsbrief voorjaar 2025" in changes.content.decode()
