"""The reporting round: owners answer, the coordinator judges, four eyes approve, one publishes."""

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from measures import rounds
from measures.models import (
    ParliamentaryLetter,
    PhaseCode,
    Report,
    ReportState,
    RoundItem,
    RoundItemState,
    Workstream,
)
from measures.reports import approve_report, publish_report
from tests.factories import ReportFactory, TeamFactory, UserFactory

pytestmark = pytest.mark.django_db

DOCUMENT_TITLE = "Bijlage – Overzicht verbetermaatregelen invordering Dienst Toeslagen"


@pytest.fixture
def cast(bijlage):
    """Two teams owning the seed's rows between them, an owner in each, a coordinator, two
    managers. Staff gave footnotes 1, 3 and 4 their text, so the round's report can publish."""
    from measures.models import Footnote

    Footnote.objects.filter(text="").update(text="Kamerbrief van die datum.")
    betalingen = TeamFactory(name="Directie Invordering, team Betalingsregelingen")
    verrekenen = TeamFactory(name="Directie Invordering, team Verrekenen")
    rows = list(Workstream.objects.in_table_order())
    for index, row in enumerate(rows):
        Workstream.objects.filter(pk=row.pk).update(
            owner=betalingen if index % 2 == 0 else verrekenen
        )
    anna = UserFactory(username="anna", role="Eigenaar")
    anna.groups.add(betalingen)
    bram = UserFactory(username="bram", role="Eigenaar")
    bram.groups.add(verrekenen)
    return {
        "betalingen": betalingen,
        "verrekenen": verrekenen,
        "anna": anna,
        "bram": bram,
        "coordinator": UserFactory(username="coordinator", role="Beleidsmedewerker"),
        "manager": UserFactory(username="manager", role="Manager"),
    }


def _open(cast, rows=None, deadline=None):
    return rounds.open_round(
        title="Voortgangsbrief voorjaar 2025",
        deadline=deadline or timezone.localdate() + datetime.timedelta(days=14),
        workstreams=rows if rows is not None else rounds.default_scope(),
        user=cast["coordinator"],
    )


def _edit(row, user, text):
    from measures.services import save_object

    row = Workstream.objects.get(pk=row.pk)
    row.status_text = text
    return save_object(row, expected_version=row.version, reason="Ronde", user=user)


def test_a_new_round_asks_about_every_row_not_implemented_by_default(client, cast):
    client.force_login(cast["coordinator"])
    form = client.get(reverse("measures:round-open")).context["form"]
    not_implemented = set(
        Workstream.objects.exclude(phase__code=PhaseCode.IMPLEMENTED).values_list("pk", flat=True)
    )
    assert set(form.fields["workstreams"].initial) == not_implemented
    assert 0 < len(not_implemented) < Workstream.objects.count()

    deadline = timezone.localdate() + datetime.timedelta(days=10)
    response = client.post(
        reverse("measures:round-open"),
        {
            "title": "Voorjaar 2025",
            "deadline": deadline.isoformat(),
            "workstreams": sorted(not_implemented),
        },
    )
    assert response.status_code == 302
    items = RoundItem.objects.filter(round__title="Voorjaar 2025")
    assert set(items.values_list("workstream_id", flat=True)) == not_implemented
    assert set(items.values_list("state", flat=True)) == {RoundItemState.OPEN}


def test_a_round_with_a_deadline_in_the_past_or_without_rows_is_refused_with_a_message(
    client, cast
):
    client.force_login(cast["coordinator"])
    response = client.post(
        reverse("measures:round-open"),
        {"title": "Te laat", "deadline": "2020-01-01", "workstreams": []},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Dit veld is verplicht" in html or "minstens" in html
    response = client.post(
        reverse("measures:round-open"),
        {"title": "Te laat", "deadline": "2020-01-01", "workstreams": [1]},
    )
    assert response.status_code == 400
    assert "De deadline kan niet in het verleden liggen." in response.content.decode()


def test_only_a_coordinator_opens_a_round(client, cast):
    client.force_login(cast["anna"])
    assert client.get(reverse("measures:round-open")).status_code == 403
    assert client.get(reverse("measures:round-list")).status_code == 200
    client.logout()
    response = client.get(reverse("measures:round-list"))
    assert response.status_code == 302 and "/inloggen/" in response["Location"]


def test_an_owner_marks_a_row_updated_only_after_changing_it(client, cast):
    round_ = _open(cast)
    item = round_.items.filter(workstream__owner=cast["betalingen"]).first()
    client.force_login(cast["anna"])
    url = reverse("measures:round-item", args=[round_.pk, item.pk])
    response = client.post(url, {"action": "updated", "comment": ""})
    assert response.status_code == 400
    assert "niet gewijzigd sinds de uitvraag" in response.content.decode()

    _edit(item.workstream, cast["anna"], "Nieuwe stand van het team.")
    response = client.post(url, {"action": "updated", "comment": "Stand bijgewerkt"})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.state == RoundItemState.UPDATED
    assert item.changed_by == cast["anna"]


def test_an_owner_cannot_answer_for_another_teams_row(client, cast):
    round_ = _open(cast)
    item = round_.items.filter(workstream__owner=cast["verrekenen"]).first()
    client.force_login(cast["anna"])
    url = reverse("measures:round-item", args=[round_.pk, item.pk])
    assert "Ongewijzigd bevestigen" not in client.get(url).content.decode()
    response = client.post(url, {"action": "confirmed"})
    assert response.status_code == 403
    assert RoundItem.objects.get(pk=item.pk).state == RoundItemState.OPEN


def test_the_coordinator_sends_a_row_back_with_a_comment_and_every_step_is_in_the_trail(
    client, cast
):
    round_ = _open(cast)
    item = round_.items.filter(workstream__owner=cast["betalingen"]).first()
    rounds.confirm_unchanged(item, cast["anna"], "Niets veranderd")
    client.force_login(cast["coordinator"])
    url = reverse("measures:round-item", args=[round_.pk, item.pk])
    response = client.post(url, {"action": "returned", "comment": "  "})
    assert response.status_code == 400
    assert "waarom de rij terug gaat" in response.content.decode()
    client.post(url, {"action": "returned", "comment": "De streefdatum is verstreken."})
    item.refresh_from_db()
    assert item.state == RoundItemState.RETURNED

    # The owner may answer again; the page lists every step with who and the comment.
    rounds.confirm_unchanged(item, cast["anna"], "Streefdatum klopt toch")
    html = client.get(url).content.decode()
    for text in ("Niets veranderd", "De streefdatum is verstreken.", "Streefdatum klopt toch"):
        assert text in html
    history = list(
        item.history.order_by("history_date").values_list("state", "history_user__username")
    )
    assert history == [
        ("open", "coordinator"),
        ("confirmed", "anna"),
        ("returned", "coordinator"),
        ("confirmed", "anna"),
    ]


def test_owners_cannot_judge_and_coordinators_cannot_judge_an_open_row(cast):
    round_ = _open(cast)
    item = round_.items.filter(workstream__owner=cast["betalingen"]).first()
    with pytest.raises(rounds.RoundError):
        rounds.accept(item, cast["coordinator"])
    rounds.confirm_unchanged(item, cast["anna"])
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        rounds.accept(item, cast["anna"])


def test_the_progress_page_counts_per_state_and_team_and_names_overdue_teams(client, cast):
    rows = list(Workstream.objects.in_table_order()[:4])
    round_ = _open(cast, rows=rows, deadline=timezone.localdate())
    anna_item = round_.items.get(workstream=rows[0])
    rounds.confirm_unchanged(anna_item, cast["anna"])
    client.force_login(cast["coordinator"])
    with time_machine.travel(timezone.now() + datetime.timedelta(days=2)):
        response = client.get(round_.get_absolute_url())
    summary = response.context["summary"]
    assert dict((state, count) for state, _label, count in summary["states"]) == {
        "open": 3,
        "updated": 0,
        "confirmed": 1,
        "returned": 0,
        "accepted": 0,
    }
    per_team = {team.name: team.waiting for team in summary["per_team"]}
    assert per_team == {
        "Directie Invordering, team Betalingsregelingen": 1,
        "Directie Invordering, team Verrekenen": 2,
    }
    html = response.content.decode()
    assert "Te laat" in html and "team Verrekenen: 2 rijen wachten nog" in html
    # The answered row comes first in the coordinator's list.
    assert response.context["worklist"][0] == anna_item


def test_the_draft_report_waits_until_every_row_is_accepted(client, cast):
    rows = list(Workstream.objects.in_table_order()[:2])
    round_ = _open(cast, rows=rows)
    client.force_login(cast["coordinator"])
    response = client.post(reverse("measures:round-report", args=[round_.pk]))
    assert response.status_code == 400
    assert "niet geaccepteerd" in response.content.decode()
    for item in round_.items.all():
        owner = cast["anna"] if item.workstream.owner == cast["betalingen"] else cast["bram"]
        rounds.confirm_unchanged(item, owner)
        rounds.accept(item, cast["coordinator"])
    response = client.post(reverse("measures:round-report", args=[round_.pk]))
    report = Report.objects.get(round=round_)
    assert response["Location"] == report.get_absolute_url()
    assert report.state == ReportState.DRAFT and report.prepared_by == cast["coordinator"]
    # The round is closed now: no more steps.
    with pytest.raises(rounds.RoundError):
        rounds.send_back(round_.items.first(), cast["coordinator"], "Toch niet")


def test_nobody_approves_their_own_report_and_the_server_refuses_it(client, cast):
    cast["manager"].groups.add(*cast["coordinator"].groups.all())  # prepares and may approve
    draft = ReportFactory(prepared_by=cast["manager"], approved_by=None, approved_at=None)
    client.force_login(cast["manager"])
    page = client.get(draft.get_absolute_url()).content.decode()
    assert "Rapportage vaststellen" not in page
    response = client.post(reverse("measures:report-approve", args=[draft.slug]))
    assert response.status_code == 403
    assert "vier ogen" in response.content.decode()
    draft.refresh_from_db()
    assert draft.approved_by is None

    other = UserFactory(username="manager2", role="Manager")
    client.force_login(other)
    assert "Rapportage vaststellen" in client.get(draft.get_absolute_url()).content.decode()
    client.post(reverse("measures:report-approve", args=[draft.slug]))
    draft.refresh_from_db()
    assert draft.approved_by == other and draft.approved_at is not None


def test_policy_staff_cannot_approve(cast):
    from django.core.exceptions import PermissionDenied

    draft = ReportFactory(approved_by=None, approved_at=None)
    with pytest.raises(PermissionDenied):
        approve_report(draft, cast["coordinator"])


def test_publishing_needs_the_approval_and_refuses_a_future_peildatum(client, cast):
    from measures.reports import PublishError

    unapproved = ReportFactory(approved_by=None, approved_at=None)
    with pytest.raises(PublishError, match="nog niet vastgesteld"):
        publish_report(unapproved, user=cast["coordinator"])
    client.force_login(cast["coordinator"])
    page = client.get(reverse("measures:report-publish", args=[unapproved.slug]))
    assert "nog niet vastgesteld" in page.content.decode()
    response = client.post(
        reverse("measures:report-publish", args=[unapproved.slug]),
        {"letter": unapproved.letter_id, "confirm": "on"},
    )
    assert response.status_code == 400

    future = ReportFactory(peildatum=datetime.date(2099, 12, 31))
    response = client.post(
        reverse("measures:report-publish", args=[future.slug]),
        {"letter": future.letter_id, "confirm": "on"},
    )
    assert response.status_code == 400
    assert "ligt in de toekomst" in response.content.decode()
    future.refresh_from_db()
    assert future.state == ReportState.DRAFT


def test_publishing_asks_for_the_letter_and_a_confirmation(client, cast):
    draft = ReportFactory(letter=None)
    client.force_login(cast["coordinator"])
    url = reverse("measures:report-publish", args=[draft.slug])
    response = client.post(url, {})
    assert response.status_code == 400
    draft.refresh_from_db()
    assert draft.state == ReportState.DRAFT
    with pytest.raises(Exception, match="Kamerbrief"):
        publish_report(draft, user=cast["coordinator"])


def test_a_published_report_keeps_the_letter_as_it_was_and_says_who_did_what(client, cast):
    letter = ParliamentaryLetter.objects.create(
        date=datetime.date(2025, 3, 1),
        kamerstuk_year="2024/25",
        kamerstuk_dossier=31066,
        kamerstuk_number=1400,
    )
    draft = ReportFactory(
        title="Bijlage maart 2025",
        letter=None,
        prepared_by=cast["coordinator"],
        approved_by=cast["manager"],
    )
    client.force_login(cast["coordinator"])
    response = client.post(
        reverse("measures:report-publish", args=[draft.slug]),
        {"letter": letter.pk, "confirm": "on"},
    )
    assert response.status_code == 302
    report = Report.objects.get(pk=draft.pk)
    assert report.letter_date == datetime.date(2025, 3, 1)
    assert report.letter_reference == "Kamerstukken II 2024/25, 31066 nr. 1400"
    assert report.published_by == cast["coordinator"]

    # Editing the letter afterwards does not change what the report says.
    ParliamentaryLetter.objects.filter(pk=letter.pk).update(
        date=datetime.date(2025, 3, 2), kamerstuk_number=9999
    )
    client.logout()
    html = client.get(report.get_absolute_url()).content.decode()
    assert "01/03/2025 (Kamerstukken II 2024/25, 31066 nr. 1400)" in html
    assert "9999" not in html
    for who in (
        "Opgesteld door",
        "Vastgesteld door",
        "Gepubliceerd door",
        "coordinator",
        "manager",
    ):
        assert who in html

    # The audit trail has who published and when.
    record = report.history.order_by("history_date").last()
    assert record.history_change_reason == "Gepubliceerd"
    assert record.history_user == cast["coordinator"]
    assert record.published_at == report.published_at


def test_a_draft_made_in_the_admin_is_prepared_by_its_maker_and_an_edit_voids_the_approval(
    client, cast
):
    client.force_login(cast["coordinator"])
    response = client.post(
        reverse("admin:measures_report_add"),
        {
            "title": "Bijlage juni 2025",
            "document_title": DOCUMENT_TITLE,
            "slug": "bijlage-juni-2025",
            "peildatum": "2025-06-01",
        },
    )
    assert response.status_code == 302
    draft = Report.objects.get(slug="bijlage-juni-2025")
    assert draft.prepared_by == cast["coordinator"]
    approve_report(draft, cast["manager"])

    url = reverse("admin:measures_report_change", args=[draft.pk])
    response = client.post(
        url,
        {
            "title": "Bijlage juni 2025",
            "document_title": DOCUMENT_TITLE,
            "slug": "bijlage-juni-2025",
            "peildatum": "2025-06-02",
        },
        follow=True,
    )
    assert "opnieuw vastgesteld" in response.content.decode()
    draft.refresh_from_db()
    assert draft.approved_by is None and draft.peildatum == datetime.date(2025, 6, 2)
