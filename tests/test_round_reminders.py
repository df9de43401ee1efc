"""Reminders of a round: by e-mail through a real SMTP server, N days before and on the day."""

import datetime
import io

import pytest
import time_machine
from django.core.management import call_command

from measures import rounds
from measures.models import ReminderSent, Workstream
from tests.factories import TeamFactory, UserFactory

pytestmark = pytest.mark.django_db

DEADLINE = datetime.date(2025, 3, 20)


@pytest.fixture
def running_round(bijlage):
    team = TeamFactory(name="Directie Invordering, team Betalingsregelingen")
    other = TeamFactory(name="Directie Invordering, team Verrekenen")
    rows = list(Workstream.objects.in_table_order()[:3])
    Workstream.objects.filter(pk__in=[rows[0].pk, rows[1].pk]).update(owner=team)
    Workstream.objects.filter(pk=rows[2].pk).update(owner=other)
    anna = UserFactory(username="anna", email="anna@toeslagen.example", role="Eigenaar")
    anna.groups.add(team)
    bram = UserFactory(username="bram", email="bram@toeslagen.example", role="Eigenaar")
    bram.groups.add(other)
    coordinator = UserFactory(username="coordinator", role="Beleidsmedewerker")
    with time_machine.travel(datetime.datetime(2025, 3, 1, 9, 0, tzinfo=datetime.UTC)):
        round_ = rounds.open_round(
            title="Voortgangsbrief voorjaar 2025",
            deadline=DEADLINE,
            workstreams=rows,
            user=coordinator,
        )
    return {"round": round_, "rows": rows, "anna": anna, "bram": bram}


def _run(day):
    out = io.StringIO()
    with time_machine.travel(
        datetime.datetime.combine(day, datetime.time(7, 0), tzinfo=datetime.UTC)
    ):
        call_command("send_round_reminders", "--days", "3", stdout=out)
    return out.getvalue()


def test_no_reminder_before_the_window(running_round, smtp_server):
    assert "0 herinnering" in _run(DEADLINE - datetime.timedelta(days=4))
    assert smtp_server == []


def test_owners_with_open_rows_get_one_reminder_n_days_before_and_one_on_the_day(
    running_round, smtp_server
):
    # Bram confirms his row, so only Anna's team still has open rows.
    bram_item = running_round["round"].items.get(workstream=running_round["rows"][2])
    rounds.confirm_unchanged(bram_item, running_round["bram"])

    assert "1 herinnering" in _run(DEADLINE - datetime.timedelta(days=3))
    assert [m["X-Envelope-To"] for m in smtp_server] == ["anna@toeslagen.example"]
    mail = smtp_server[0]
    assert "Herinnering: Voortgangsbrief voorjaar 2025, deadline 20/03/2025" == mail["Subject"]
    body = mail.get_content()
    assert "Beste anna" in body
    for row in running_round["rows"][:2]:
        assert str(row) in body
    assert str(running_round["rows"][2]) not in body
    assert "http://127.0.0.1:8000/rondes/" in body

    # Cron runs daily: the same reminder never goes twice.
    _run(DEADLINE - datetime.timedelta(days=2))
    _run(DEADLINE - datetime.timedelta(days=1))
    assert len(smtp_server) == 1

    _run(DEADLINE)
    _run(DEADLINE)
    assert len(smtp_server) == 2
    assert smtp_server[1]["Subject"].startswith("Deadline bereikt")
    assert ReminderSent.objects.count() == 2


def test_contact_persons_get_the_reminder_instead_of_the_whole_team(running_round, smtp_server):
    contact = UserFactory(username="contact", email="contact@toeslagen.example")
    running_round["rows"][2].contacts.add(contact)
    _run(DEADLINE)
    assert sorted(m["X-Envelope-To"] for m in smtp_server) == [
        "anna@toeslagen.example",
        "contact@toeslagen.example",
    ]


def test_a_failed_send_records_nothing_and_is_tried_again(running_round, smtp_server, settings):
    port = settings.EMAIL_PORT
    settings.EMAIL_PORT = 1  # nothing listens there
    with pytest.raises(OSError):
        _run(DEADLINE)
    assert ReminderSent.objects.count() == 0
    settings.EMAIL_PORT = port
    _run(DEADLINE)
    assert len(smtp_server) == 2


def test_a_round_with_its_report_made_sends_no_reminders(running_round, smtp_server):
    from tests.factories import ReportFactory

    round_ = running_round["round"]
    round_.report = ReportFactory()
    round_.save()
    assert "0 herinnering" in _run(DEADLINE)
    assert smtp_server == []
