"""Rows to Excel and back: readable columns, preview, errors per line, all or nothing."""

import pytest
import tablib
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from measures.models import Workstream
from measures.resources import WorkstreamResource
from tests.factories import UserFactory
from tests.rows import live_rows


def history_count():
    return Workstream.history.count()


def snapshot():
    return live_rows()


@pytest.mark.parametrize("file_format", ["xlsx", "csv"])
def test_exporting_and_reimporting_unchanged_rows_changes_nothing(bijlage, file_format):
    before, history_before = snapshot(), history_count()
    exported = WorkstreamResource().export().export(file_format)

    dataset = tablib.Dataset().load(exported, format=file_format)
    result = WorkstreamResource().import_data(dataset, dry_run=False)

    assert not result.has_errors()
    assert not result.has_validation_errors()
    assert {row.import_type for row in result.rows} == {"skip"}
    assert len(result.rows) == 37
    assert snapshot() == before
    assert history_count() == history_before
    assert set(Workstream.objects.values_list("version", flat=True)) == {1}


def test_the_export_has_readable_columns(bijlage):
    dataset = WorkstreamResource().export()
    assert dataset.headers[:7] == [
        "id",
        "thema",
        "ambitie",
        "maatregel",
        "VM-nummers",
        "volgorde",
        "fase",
    ]
    first = dict(zip(dataset.headers, dataset[0], strict=True))
    assert first["thema"] == "persoonsgerichte-benadering"
    assert first["fase"] in {"not_started", "policy", "implementation", "implemented"}
    assert first["on hold"] in {"ja", "nee"}
    on_hold = [r for r in dataset.dict if r["on hold"] == "ja"]
    assert on_hold and all(r["reden vertraging"] for r in on_hold)


def test_a_changed_cell_is_imported_with_history_and_a_new_version(bijlage):
    dataset = WorkstreamResource().export()
    rows = dataset.dict
    rows[2]["stand van zaken"] = "Bijgewerkt in Excel."
    changed = tablib.Dataset(*[list(r.values()) for r in rows], headers=dataset.headers)
    result = WorkstreamResource().import_data(changed, dry_run=False)
    assert not result.has_errors() and not result.has_validation_errors()
    assert [r.import_type for r in result.rows].count("update") == 1
    row = Workstream.objects.get(pk=rows[2]["id"])
    assert row.status_text == "Bijgewerkt in Excel."
    assert row.version == 2
    assert row.history.first().history_change_reason == "Import uit spreadsheet"


def test_one_bad_line_stops_the_whole_import_and_is_reported_by_line(bijlage):
    dataset = WorkstreamResource().export()
    rows = dataset.dict
    rows[0]["stand van zaken"] = "Goede wijziging."
    rows[4]["fase"] = "klaar"
    rows[5]["fase"] = "implemented"  # row 6 of the seed is on hold: not allowed
    rows[5]["on hold"] = "ja"
    changed = tablib.Dataset(*[list(r.values()) for r in rows], headers=dataset.headers)
    before = snapshot()

    result = WorkstreamResource().import_data(changed, dry_run=False)

    assert result.has_errors() or result.has_validation_errors()
    invalid_lines = {row.number for row in result.invalid_rows}
    error_lines = {number for number, _ in result.row_errors()}
    assert 5 in error_lines | invalid_lines
    assert 6 in error_lines | invalid_lines
    assert snapshot() == before


def test_the_admin_import_shows_a_preview_before_anything_changes(bijlage, client):
    client.force_login(UserFactory(role="Beleidsmedewerker"))
    dataset = WorkstreamResource().export()
    rows = dataset.dict
    rows[0]["stand van zaken"] = "Voorbeeld van een wijziging."
    changed = tablib.Dataset(*[list(r.values()) for r in rows], headers=dataset.headers)
    upload = SimpleUploadedFile("rijen.csv", changed.export("csv").encode("utf-8"))
    url = reverse("admin:measures_workstream_import")
    formats = client.get(url).context["form"].fields["format"].choices
    csv_index = next(value for value, label in formats if "csv" in str(label).lower())

    response = client.post(url, {"import_file": upload, "format": csv_index, "resource": 0})

    assert response.status_code == 200
    assert "confirm_form" in response.context
    preview = response.context["result"]
    assert [r.import_type for r in preview.rows].count("update") == 1
    assert "wijziging" in response.content.decode()
    assert not Workstream.objects.filter(status_text="Voorbeeld van een wijziging.").exists()

    confirm = response.context["confirm_form"].initial
    response = client.post(reverse("admin:measures_workstream_process_import"), confirm)
    assert response.status_code == 302
    row = Workstream.objects.get(status_text="Voorbeeld van een wijziging.")
    assert row.history.first().history_user.username.startswith("medewerker")


def test_the_admin_import_names_the_bad_line_and_offers_no_confirmation(bijlage, client):
    client.force_login(UserFactory(role="Beleidsmedewerker"))
    dataset = WorkstreamResource().export()
    rows = dataset.dict
    rows[3]["fase"] = "klaar"
    changed = tablib.Dataset(*[list(r.values()) for r in rows], headers=dataset.headers)
    upload = SimpleUploadedFile("rijen.csv", changed.export("csv").encode("utf-8"))
    url = reverse("admin:measures_workstream_import")

    response = client.post(url, {"import_file": upload, "format": "0", "resource": 0})

    assert "confirm_form" not in response.context
    assert [row.number for row in response.context["result"].invalid_rows] == [4]
    assert "Fase &#x27;klaar&#x27; bestaat niet." in response.content.decode()


def test_the_admin_export_follows_the_filters_of_the_row_list(bijlage, client):
    client.force_login(UserFactory(role="Manager"))
    url = reverse("admin:measures_workstream_export") + "?on_hold__exact=1"
    fields = client.get(url).context["form"].fields
    csv_index = next(v for v, label in fields["format"].choices if str(label).lower() == "csv")
    columns = {name: "on" for name in fields if name.startswith("workstreamresource_")}
    response = client.post(url, {"format": csv_index, "resource": 0, **columns})
    assert response.status_code == 200, response.content[:500]
    exported = tablib.Dataset().load(response.content.decode("utf-8-sig"), format="csv")
    assert len(exported) == Workstream.objects.filter(on_hold=True).count() == 4
    assert {row["on hold"] for row in exported.dict} == {"ja"}


def test_an_admin_export_with_an_unknown_list_filter_goes_back_to_the_list(bijlage, client):
    client.force_login(UserFactory(role="Manager"))
    url = reverse("admin:measures_workstream_export") + "?theme=abc"
    response = client.get(url, follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == reverse("admin:measures_workstream_changelist")
    assert "Deze filters van de lijst kloppen niet" in response.content.decode()
