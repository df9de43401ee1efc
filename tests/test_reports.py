"""Published reports: publishing freezes the bijlage, and a published report never changes."""

import datetime
import io
import json

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from measures.models import Footnote, PublishedReportError, Report, ReportState, Workstream
from measures.reports import publish_report
from measures.rows import CONTRACT_FIELDS
from tests.factories import ReportFactory
from tests.rows import live_rows, report_rows, without_footnote_texts
from tests.scenario import AMS, EDIT_MOMENT, PHASE_ROW, make_changes

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client):
    user = get_user_model().objects.create_superuser("beheer", "beheer@example.org", "x")
    client.force_login(user)
    return client


def test_the_seed_is_the_first_published_report(published_seed):
    report = Report.objects.get()
    assert report == published_seed
    assert report.title == "Bijlage oktober 2024"
    assert report.peildatum == datetime.date(2024, 10, 24)
    assert report.letter.date == datetime.date(2024, 10, 24)
    assert report.state == ReportState.PUBLISHED
    assert report.published_at == datetime.datetime(2024, 10, 24, 23, 59, 59, tzinfo=AMS)
    assert len(report.rows) == 37
    assert [p["code"] for p in report.legend] == [
        "not_started",
        "policy",
        "implementation",
        "implemented",
    ]


def test_the_seed_report_holds_the_rows_of_the_json_contract_and_the_display_helpers(
    published_seed,
):
    live = live_rows()
    assert without_footnote_texts(report_rows(published_seed)) == without_footnote_texts(live)
    assert published_seed.row_count == 37
    # It went out with the markers whose text the source lacks; filled in later, not in it.
    assert [
        mark["number"]
        for row in published_seed.rows
        for mark in row["footnote_marks"]
        if not mark["text"]
    ] == [1, 3, 4]
    for row in published_seed.rows:
        assert tuple(row)[: len(CONTRACT_FIELDS)] == CONTRACT_FIELDS
        assert {"id", "letters", "footnote_marks", "depends_on"} <= set(row)


def test_the_seed_command_publishes_the_report_once(db):
    from django.core.management import call_command

    first, second = io.StringIO(), io.StringIO()
    call_command("seed_bijlage", stdout=first)
    call_command("seed_bijlage", stdout=second)
    assert Report.objects.count() == 1
    assert Workstream.objects.count() == 37
    assert Workstream.history.filter(history_type="+").count() == 37
    assert "gepubliceerd (37 rijen)" in first.getvalue()
    # The second run says it changed nothing (it used to claim it published the report).
    assert "niet opnieuw geladen" in second.getvalue()
    assert "gepubliceerd (" not in second.getvalue()


def test_the_local_admin_command_names_the_address_make_run_serves_on(db, tmp_path, monkeypatch):
    from django.core.management import call_command

    from measures.management.commands import ensure_local_admin

    monkeypatch.setattr(ensure_local_admin, "PASSWORD_FILE", tmp_path / "password")
    out = io.StringIO()
    call_command("ensure_local_admin", address="127.0.0.1:8015", stdout=out)
    assert "http://127.0.0.1:8015/admin/" in out.getvalue()


def test_publishing_freezes_the_rows_of_the_moment_and_stamps_the_time(published_seed):
    make_changes()
    with time_machine.travel(EDIT_MOMENT + datetime.timedelta(hours=2), tick=False):
        draft = ReportFactory(title="Bijlage maart 2025", slug="bijlage-maart-2025")
        report = publish_report(draft)
    assert report.state == ReportState.PUBLISHED
    assert report.published_at == EDIT_MOMENT + datetime.timedelta(hours=2)
    assert report.peildatum == datetime.date(2025, 3, 3)
    assert len(report.rows) == 37  # one removed, one added
    row = next(r.to_json() for r in report_rows(report) if r.id == PHASE_ROW)
    assert row["phase"] == "policy"
    # Later edits do not reach the published snapshot.
    Workstream.objects.filter(pk=PHASE_ROW).update(status_text="Nog later gewijzigd.")
    report.refresh_from_db()
    assert next(r for r in report_rows(report) if r.id == PHASE_ROW).status_text != (
        "Nog later gewijzigd."
    )


def test_a_report_with_a_past_peildatum_is_rebuilt_from_the_history(published_seed):
    make_changes()
    with time_machine.travel(EDIT_MOMENT + datetime.timedelta(days=30), tick=False):
        report = publish_report(ReportFactory(slug="terug", peildatum=datetime.date(2025, 1, 1)))
    assert without_footnote_texts(report_rows(report)) == without_footnote_texts(
        report_rows(published_seed)
    )


def test_publishing_is_refused_while_a_footnote_has_no_text_naming_the_marker(db, bijlage):
    from measures.reports import PublishError, local_today

    with pytest.raises(PublishError, match=r"Voetnoten 1, 3, 4 hebben nog geen tekst"):
        publish_report(ReportFactory(slug="te-vroeg", peildatum=local_today()))
    assert not Report.objects.filter(slug="te-vroeg", state=ReportState.PUBLISHED).exists()
    Footnote.objects.filter(number__in=[1, 3]).update(text="Kamerstukken II 2023/24.")
    with pytest.raises(PublishError, match=r"Voetnoot 4 heeft nog geen tekst"):
        publish_report(Report.objects.get(slug="te-vroeg"))
    Footnote.objects.filter(number=4).update(text="Kamerstukken II 2024/25.")
    assert publish_report(Report.objects.get(slug="te-vroeg")).is_published


def test_a_published_report_cannot_be_published_again(published_seed):
    with pytest.raises(PublishedReportError):
        publish_report(published_seed)


def test_a_published_report_cannot_be_saved(published_seed):
    published_seed.title = "Anders"
    with pytest.raises(PublishedReportError):
        published_seed.save()
    assert Report.objects.get().title == "Bijlage oktober 2024"


def test_a_published_report_cannot_be_deleted(published_seed):
    with pytest.raises(PublishedReportError):
        published_seed.delete()
    assert Report.objects.count() == 1


def test_a_bulk_update_cannot_touch_a_published_report(published_seed):
    with pytest.raises(PublishedReportError):
        Report.objects.update(title="Anders")
    with pytest.raises(PublishedReportError):
        Report.objects.filter(pk=published_seed.pk).update(rows=[])
    assert report_rows(Report.objects.get()) == report_rows(published_seed)


def test_a_bulk_delete_cannot_remove_a_published_report(published_seed):
    with pytest.raises(PublishedReportError):
        Report.objects.all().delete()
    assert Report.objects.count() == 1


def test_drafts_can_still_be_edited_and_deleted(db):
    draft = ReportFactory()
    draft.title = "Nieuwe titel"
    draft.save()
    Report.objects.filter(pk=draft.pk).update(title="Via update")
    assert Report.objects.get().title == "Via update"
    Report.objects.filter(state=ReportState.DRAFT).delete()
    assert not Report.objects.exists()


def test_the_admin_shows_a_published_report_read_only_without_delete(staff_client, published_seed):
    url = reverse("admin:measures_report_change", args=[published_seed.pk])
    html = staff_client.get(url).content.decode()
    assert 'name="title"' not in html
    assert "Bijlage oktober 2024" in html
    response = staff_client.post(url, {"title": "Anders", "slug": "anders"})
    assert response.status_code == 403
    delete_url = reverse("admin:measures_report_delete", args=[published_seed.pk])
    assert staff_client.get(delete_url).status_code == 403
    assert Report.objects.get().title == "Bijlage oktober 2024"


def publish_through_the_admin(client, draft):
    """The admin action "Publiceren", then its confirmation page: the letter and the tick."""
    response = client.post(
        reverse("admin:measures_report_changelist"),
        {"action": "publish", "_selected_action": [draft.pk]},
        follow=True,
    )
    if response.redirect_chain and response.redirect_chain[-1][0].endswith("/publiceren/"):
        assert "nooit meer" in response.content.decode()  # the confirmation page says so
        draft.refresh_from_db()
        url = reverse("measures:report-publish", args=[draft.slug])
        response = client.post(url, {"letter": draft.letter_id, "confirm": "on"}, follow=True)
    return response


def test_the_admin_publish_action_freezes_a_draft_after_a_confirmation_page(
    staff_client, published_seed
):
    draft = ReportFactory(title="Bijlage april 2025", slug="bijlage-april-2025")
    response = publish_through_the_admin(staff_client, draft)
    assert "De rapportage is gepubliceerd." in response.content.decode()
    draft.refresh_from_db()
    assert draft.is_published and len(draft.rows) == 37


def test_the_admin_bulk_delete_refuses_when_a_published_report_is_selected(
    staff_client, published_seed
):
    draft = ReportFactory()
    response = staff_client.post(
        reverse("admin:measures_report_changelist"),
        {
            "action": "delete_selected",
            "_selected_action": [draft.pk, published_seed.pk],
            "post": "yes",
        },
    )
    assert response.status_code == 403
    assert Report.objects.filter(pk=published_seed.pk).exists()


def test_the_report_list_shows_published_reports_to_everyone_and_drafts_to_staff(
    staff_client, published_seed
):
    ReportFactory(title="Concept voorjaar 2025")
    html = Client().get(reverse("measures:report-list")).content.decode()
    assert "Bijlage oktober 2024" in html and "Concept voorjaar 2025" not in html
    html = staff_client.get(reverse("measures:report-list")).content.decode()
    assert "Bijlage oktober 2024" in html and "Concept voorjaar 2025" in html


def test_a_report_page_shows_its_frozen_bijlage_even_after_edits(client, published_seed):
    make_changes()
    response = client.get(published_seed.get_absolute_url())
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('class="bijlage__row') == 37
    assert html.count('class="bijlage__theme"') == 13
    assert "Kamerstukken II 2022/23, 31066 nr. 1270." in html
    assert "Beleidsmatige uitwerking loopt sinds januari 2025." not in html
    assert "Verbetermaatregel is geïmplementeerd" in html  # the legend of the snapshot
    assert html.count("<h1") == 1
    for fmt in ("html", "pdf", "csv", "xlsx", "json"):
        assert f"/rapportages/bijlage-oktober-2024/export/bijlage.{fmt}" in html


def test_an_unknown_report_is_a_404(client, db):
    assert client.get("/rapportages/bestaat-niet/").status_code == 404


def test_a_draft_is_a_404_for_the_public(client, db):
    draft = ReportFactory()
    assert client.get(draft.get_absolute_url()).status_code == 404


def test_an_unknown_export_format_is_a_404(client, published_seed):
    assert client.get("/rapportages/bijlage-oktober-2024/export/bijlage.doc").status_code == 404


@pytest.mark.parametrize("fmt", ["html", "pdf", "csv", "xlsx", "json"])
def test_a_report_exports_from_its_snapshot_in_every_format(client, published_seed, fmt):
    make_changes()
    response = client.get(f"/rapportages/bijlage-oktober-2024/export/bijlage.{fmt}")
    assert response.status_code == 200
    content = b"".join(response) if response.streaming else response.content
    assert len(content) > 500
    assert "bijlage-oktober-2024" in response["Content-Disposition"]
    if fmt in ("html", "csv", "json"):
        text = content.decode("utf-8-sig")
        assert "Beleidsmatige uitwerking loopt sinds januari 2025." not in text
        assert "Gebruik maken van alle bij Dienst Toeslagen" in text


def test_the_json_export_of_a_report_has_the_37_frozen_rows(client, published_seed):
    make_changes()
    payload = json.loads(
        client.get("/rapportages/bijlage-oktober-2024/export/bijlage.json").content
    )
    assert len(payload["rows"]) == 37
    assert payload["rows"][0]["explanation"].startswith("Gebruik maken")


def test_a_draft_with_a_peildatum_before_the_history_says_so_instead_of_crashing(
    staff_client, published_seed
):
    draft = ReportFactory(slug="te-vroeg", peildatum=datetime.date(2020, 1, 1))
    response = staff_client.get(draft.get_absolute_url())
    assert response.status_code == 404
    assert "Er zijn geen gegevens op 01/01/2020" in response.content.decode()
    assert staff_client.get("/rapportages/te-vroeg/wijzigingen/").status_code == 404


def test_a_draft_shows_a_preview_of_what_publishing_will_freeze(staff_client, published_seed):
    make_changes()
    with time_machine.travel(EDIT_MOMENT, tick=False):
        draft = ReportFactory(slug="voorbeeld")
        html = staff_client.get(draft.get_absolute_url()).content.decode()
    assert "voorbeeld van wat gepubliceerd wordt" in html
    assert "Beleidsmatige uitwerking loopt sinds januari 2025." in html


def test_the_admin_publish_action_reports_a_peildatum_without_history(staff_client, published_seed):
    draft = ReportFactory(slug="te-vroeg", peildatum=datetime.date(2020, 1, 1))
    response = publish_through_the_admin(staff_client, draft)
    assert response.status_code == 400
    assert "Er zijn geen gegevens op 01/01/2020" in response.content.decode()
    draft.refresh_from_db()
    assert draft.state == ReportState.DRAFT


@pytest.mark.parametrize(
    "url",
    [
        "/rapportages/",
        "/rapportages/bijlage-oktober-2024/",
        "/rapportages/bijlage-oktober-2024/wijzigingen/",
        "/wijzigingen/",
        "/dashboard/",
        "/?peildatum=2024-10-24",
        "/?peildatum=2024-02-31",
        "/?peildatum=2001-01-01",
        "/wijzigingen/?tot=bestaat-niet",
    ],
)
def test_every_reporting_page_has_one_heading_and_no_inline_styles_or_scripts(
    manager_client, anonymous_client, published_seed, url
):
    assert anonymous_client.get(url).status_code in (200, 400, 403, 404)
    response = manager_client.get(url)
    assert response.status_code in (200, 400, 404)
    html = response.content.decode()
    assert html.count("<h1") == 1
    assert 'style="' not in html and "<script" not in html


def test_the_report_list_offers_the_table_as_of_a_date(client, published_seed):
    html = client.get(reverse("measures:report-list")).content.decode()
    assert '<form class="asof-form" method="get" action="/">' in html
    # The date picker offers no day after today (the server refuses those with a 400).
    today = timezone.localdate().isoformat()
    assert f'<input type="date" id="id_peildatum" name="peildatum" max="{today}" required>' in html


def test_a_report_shows_the_legend_labels_it_was_published_with(client, published_seed):
    from measures.models import Phase

    Phase.objects.filter(code="policy").update(short_label="Beleid (nieuw label)")
    html = client.get(published_seed.get_absolute_url()).content.decode()
    assert "Beleid in uitwerking" in html
    assert "Beleid (nieuw label)" not in html
    # Its downloads too: they used to take today's labels.
    url = reverse("measures:report-export", args=[published_seed.slug, "csv"])
    csv = b"".join(client.get(url)).decode("utf-8-sig")
    assert "Beleid in uitwerking" in csv
    assert "Beleid (nieuw label)" not in csv
    url = reverse("measures:report-export", args=[published_seed.slug, "html"])
    html = client.get(url).content.decode()
    assert "Beleid in uitwerking" in html
    assert "Beleid (nieuw label)" not in html


def test_policy_staff_can_publish_and_managers_can_only_read_reports(client, published_seed):
    from tests.factories import UserFactory

    draft = ReportFactory(title="Bijlage mei 2025", slug="bijlage-mei-2025")
    manager = UserFactory(role="Manager")
    client.force_login(manager)
    changelist = reverse("admin:measures_report_changelist")
    assert client.get(changelist).status_code == 200
    assert client.get(reverse("admin:measures_report_add")).status_code == 403
    client.post(changelist, {"action": "publish", "_selected_action": [draft.pk]})
    draft.refresh_from_db()
    assert draft.state == ReportState.DRAFT

    assert client.get(reverse("measures:report-publish", args=[draft.slug])).status_code == 403

    client.force_login(UserFactory(role="Beleidsmedewerker"))
    response = publish_through_the_admin(client, draft)
    assert "De rapportage is gepubliceerd." in response.content.decode()
    draft.refresh_from_db()
    assert draft.is_published


def test_a_report_download_says_it_is_the_published_version(client, published_seed):
    html = client.get("/rapportages/bijlage-oktober-2024/export/bijlage.html").content.decode()
    # Headed as sent: the document's full title, the letter's date, no "Concept".
    assert "Bijlage – Overzicht verbetermaatregelen invordering Dienst Toeslagen" in html
    assert "Kamerbrief van 24 oktober 2024" in html and "Concept" not in html


def test_the_anonymous_overview_download_is_headed_by_the_published_report(
    anonymous_client, published_seed
):
    # Visitors get the published report at /export/ too: headed as sent, not as a concept.
    html = anonymous_client.get("/export/bijlage.html").content.decode()
    assert "Kamerbrief van 24 oktober 2024" in html
    assert "Concept" not in html


def test_a_published_report_keeps_its_letter_when_the_letter_is_edited_later(
    client, published_seed
):
    letter = published_seed.letter
    letter.date = datetime.date(2024, 11, 1)
    letter.save()
    html = client.get("/rapportages/bijlage-oktober-2024/export/bijlage.html").content.decode()
    assert "Kamerbrief van 24 oktober 2024" in html
    assert "1 november 2024" not in html
