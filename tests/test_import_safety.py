"""The spreadsheet import never loses or invents data (issues 9 and 10): stale lines, round
trips, formulas, columns, Dutch messages, limits and the pending upload."""

import io

import openpyxl
import pytest
import tablib
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from measures import services
from measures.models import PendingImport, Workstream
from measures.resources import WorkstreamResource
from tests.factories import UserFactory
from tests.rows import live_rows

IMPORT_URL = "admin:measures_workstream_import"
CONFIRM_URL = "admin:measures_workstream_process_import"
FORMATS = {"csv": "0", "xlsx": "1"}


def snapshot():
    return live_rows()


def history_count():
    return Workstream.history.count()


@pytest.fixture
def editor(client, bijlage):
    user = UserFactory(username="bram", role="Beleidsmedewerker")
    client.force_login(user)
    return user


def admin_export(client, file_format):
    """The sheet as the admin's export button gives it."""
    url = reverse("admin:measures_workstream_export")
    fields = client.get(url).context["form"].fields
    columns = {name: "on" for name in fields if name.startswith("workstreamresource_")}
    response = client.post(url, {"format": FORMATS[file_format], "resource": 0, **columns})
    assert response.status_code == 200
    return response.content


def preview(client, content, file_format="csv", name=None):
    upload = SimpleUploadedFile(name or f"rijen.{file_format}", content)
    return client.post(
        reverse(IMPORT_URL), {"import_file": upload, "format": FORMATS[file_format], "resource": 0}
    )


def confirm(client, response):
    return client.post(reverse(CONFIRM_URL), response.context["confirm_form"].initial, follow=True)


def page_text(response):
    return response.content.decode()


def sheet(rows, headers):
    return tablib.Dataset(*rows, headers=headers).export("csv").encode("utf-8")


def exported_rows():
    dataset = WorkstreamResource().export()
    return dataset.headers, [list(r) for r in dataset]


# --- issue 9, defect 4: no lost update through the import ------------------------------------


def test_reimporting_an_old_export_after_a_colleague_saved_a_row_is_refused(bijlage):
    exported = WorkstreamResource().export().export("xlsx")

    colleague = UserFactory(username="anna", role="Beleidsmedewerker")
    row = Workstream.objects.get(pk=9)
    row.status_text = "Nieuwe stand van Anna."
    services.save_object(row, expected_version=row.version, reason="Anna", user=colleague)

    resource = WorkstreamResource()
    dataset = tablib.Dataset().load(exported, format="xlsx")
    result = resource.import_data(dataset, dry_run=False)

    assert result.has_errors() or result.has_validation_errors()
    row.refresh_from_db()
    assert row.status_text == "Nieuwe stand van Anna."
    assert row.version == 2
    message = " ".join(resource.line_errors(result))
    assert "Rij 9" in message and "anna (om " in message
    assert "Nieuwe stand van Anna." in message


def test_the_admin_preview_refuses_a_stale_line_and_offers_no_confirmation(client, editor):
    exported = admin_export(client, "xlsx")
    row = Workstream.objects.get(pk=9)
    row.status_text = "Intussen gewijzigd."
    services.save_object(
        row,
        expected_version=1,
        reason="x",
        user=UserFactory(username="anna", role="Beleidsmedewerker"),
    )

    response = preview(client, exported, "xlsx")

    assert response.status_code == 400
    assert "confirm_form" not in response.context
    text = page_text(response)
    assert "kolom “versie”" in text and "gewijzigd door anna" in text
    assert Workstream.objects.get(pk=9).status_text == "Intussen gewijzigd."


def test_a_line_that_went_stale_between_preview_and_confirmation_stops_the_whole_import(
    client, editor
):
    headers, rows = exported_rows()
    status = headers.index("stand van zaken")
    rows[0][status] = "Mijn wijziging."
    shown = preview(client, sheet(rows, headers))
    assert "confirm_form" in shown.context
    row = Workstream.objects.get(pk=rows[1][0])
    row.status_text = "Collega was sneller."
    services.save_object(
        row,
        expected_version=1,
        reason="x",
        user=UserFactory(username="anna", role="Beleidsmedewerker"),
    )

    response = confirm(client, shown)

    assert response.status_code == 409
    assert "Er is niets geïmporteerd." in page_text(response)
    assert not Workstream.objects.filter(status_text="Mijn wijziging.").exists()


# --- round trip ------------------------------------------------------------------------------


@pytest.mark.parametrize("file_format", ["xlsx", "csv"])
def test_reimporting_an_untouched_admin_export_changes_nothing(client, editor, file_format):
    tricky = {
        3: "=SOM(A1:A3) is geen formule",
        4: "\tbegint met een tab",
        5: "regel een\rregel twee\r\nregel drie",
        6: "+31 en -5 en @iedereen",
        7: "'begint met een apostrof",
    }
    for pk, text in tricky.items():
        Workstream.objects.filter(pk=pk).update(status_text=text)
    import datetime

    Workstream.objects.filter(pk=8).update(target_date=datetime.date(2026, 1, 1))
    before, history_before = snapshot(), history_count()
    exported = admin_export(client, file_format)
    if file_format == "xlsx":
        cells = [c.value for r in openpyxl.load_workbook(io.BytesIO(exported)).active for c in r]
        assert not any(isinstance(v, str) and v.startswith("=") for v in cells)

    shown = preview(client, exported, file_format)
    assert shown.status_code == 200, page_text(shown)[:2000]
    assert "0 gewijzigd, 0 nieuw, 37 ongewijzigd" in page_text(shown)
    done = confirm(client, shown)

    assert "Import klaar: 0 gewijzigd, 0 nieuw, 37 ongewijzigd." in page_text(done)
    assert snapshot() == before
    assert history_count() == history_before
    for pk, text in tricky.items():
        assert Workstream.objects.get(pk=pk).status_text == text


# --- what the file may contain ---------------------------------------------------------------


def test_a_formula_in_an_uploaded_file_is_refused_naming_its_cell(client, editor):
    workbook = openpyxl.Workbook()
    headers, rows = exported_rows()
    workbook.active.append(headers)
    for values in rows:
        workbook.active.append(values)
    status = headers.index("stand van zaken") + 1
    workbook.active.cell(row=4, column=status, value="=1+1")
    buffer = io.BytesIO()
    workbook.save(buffer)

    response = preview(client, buffer.getvalue(), "xlsx")

    assert response.status_code == 400
    column = openpyxl.utils.get_column_letter(status)
    assert f"formules (cel {column}4)" in page_text(response)
    assert "confirm_form" not in response.context


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ("no_id", "De kolom “id” ontbreekt"),
        ("duplicate", "Id 1 staat op meer dan één regel: 2, 3."),
        ("unknown", "Onbekende kolommen: “foo”, “bar”, “baz”"),
        ("missing", "Deze kolommen ontbreken: “fase”"),
    ],
)
def test_a_sheet_with_wrong_columns_or_doubled_ids_is_refused_before_the_preview(
    client, editor, change, message
):
    headers, rows = exported_rows()
    if change == "no_id":
        headers, rows = headers[1:], [r[1:] for r in rows]
    elif change == "duplicate":
        rows[1] = list(rows[0])
    elif change == "unknown":
        headers, rows = ["foo", "bar", "baz"], [["1", "2", "3"]]
    elif change == "missing":
        index = headers.index("fase")
        headers = headers[:index] + headers[index + 1 :]
        rows = [r[:index] + r[index + 1 :] for r in rows]
    before = Workstream.objects.count()

    response = preview(client, sheet(rows, headers))

    assert response.status_code == 400
    assert message in page_text(response)
    assert "confirm_form" not in response.context
    assert Workstream.objects.count() == before


def test_changed_read_only_columns_are_reported_as_ignored(client, editor):
    headers, rows = exported_rows()
    rows[0][headers.index("VM-nummers")] = "VM 99"
    rows[1][headers.index("TK geïnformeerd")] = "2020-01-01"

    response = preview(client, sheet(rows, headers))

    text = page_text(response)
    assert "alleen-lezen" in text
    assert "Regel 2, kolom “VM-nummers”: “VM 99” is genegeerd" in text
    assert "Regel 3, kolom “TK geïnformeerd”: “2020-01-01” is genegeerd" in text


def test_every_line_error_is_dutch_and_names_its_line_and_column(client, editor):
    headers, rows = exported_rows()
    rows[0][0] = "abc"
    rows[1][0] = "99999"
    rows[2][headers.index("fase")] = "klaar"
    rows[3][headers.index("streefdatum")] = "31-02-2026"

    response = preview(client, sheet(rows, headers))

    text = page_text(response)
    assert response.status_code == 400
    assert "Regel 2, kolom “id”: &#x27;abc&#x27; is geen geheel getal." in text
    assert "Regel 3, kolom “id”: Er is geen rij met id 99999 (meer)." in text
    assert "Regel 4, kolom “fase”: Fase &#x27;klaar&#x27; bestaat niet." in text
    assert "Regel 5, kolom “streefdatum”:" in text
    assert "ConversionSyntax" not in text and "matching query" not in text


def test_a_nul_byte_in_a_cell_is_refused_with_its_line_and_column(client, editor):
    headers, rows = exported_rows()
    rows[2][headers.index("notities")] = "kapot\x00"
    response = preview(client, sheet(rows, headers), name="rijen\x00.csv")
    assert response.status_code == 400
    assert "Regel 4, kolom “notities”: bevat een NUL-teken." in page_text(response)


# --- limits ----------------------------------------------------------------------------------


def test_a_file_over_the_size_limit_is_refused_with_a_message(client, editor, settings):
    settings.IMPORT_MAX_FILE_BYTES = 1000
    response = preview(client, b"id,versie\n" + b"1,1\n" * 500)
    assert response.status_code == 400
    assert "Het bestand is te groot" in page_text(response)


def test_a_file_with_too_many_lines_is_refused_with_a_message(client, editor, settings):
    settings.IMPORT_MAX_ROWS = 10
    headers, rows = exported_rows()
    response = preview(client, sheet(rows, headers))
    assert response.status_code == 400
    assert "meer dan 10 regels" in page_text(response)


def test_an_xlsx_that_unpacks_too_large_is_refused_before_it_is_read(client, editor, settings):
    settings.IMPORT_MAX_UNPACKED_BYTES = 100_000
    workbook = openpyxl.Workbook()
    workbook.active.append(["id"])
    for _ in range(2000):
        workbook.active.append(["x" * 100])
    buffer = io.BytesIO()
    workbook.save(buffer)
    assert len(buffer.getvalue()) < 100_000  # it compresses well: a small upload
    response = preview(client, buffer.getvalue(), "xlsx")
    assert response.status_code == 400
    assert "uitgepakt te groot" in page_text(response)


# --- the pending upload ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["victim-secret.txt", "../../etc/passwd", "", "x" * 500, "\x00" * 30, "a\x00" * 20]
)
def test_confirming_anything_but_your_own_preview_is_refused_without_touching_files(
    client, editor, name
):
    response = client.post(
        reverse(CONFIRM_URL),
        {"import_file_name": name, "original_file_name": "a.csv", "format": "0"},
    )
    assert response.status_code == 400
    assert "Deze import bestaat niet (meer)" in page_text(response)


def test_a_preview_can_only_be_confirmed_by_its_own_user_and_only_once(client, editor):
    headers, rows = exported_rows()
    rows[0][headers.index("stand van zaken")] = "Via de import."
    shown = preview(client, sheet(rows, headers))
    assert PendingImport.objects.count() == 1
    other = Client()
    other.force_login(UserFactory(username="anna", role="Beleidsmedewerker"))
    stolen = other.post(reverse(CONFIRM_URL), shown.context["confirm_form"].initial)
    assert stolen.status_code == 400
    assert not Workstream.objects.filter(status_text="Via de import.").exists()

    done = confirm(client, shown)
    assert "Import klaar: 1 gewijzigd" in page_text(done)
    assert PendingImport.objects.count() == 0
    again = client.post(reverse(CONFIRM_URL), shown.context["confirm_form"].initial)
    assert again.status_code == 400


def test_the_pending_upload_lives_in_the_database_not_in_a_server_s_memory(client, editor):
    """No sticky sessions: another app server (no shared cache or folder) must confirm it."""
    from django.core.cache import cache

    headers, rows = exported_rows()
    rows[0][headers.index("stand van zaken")] = "Op een andere server bevestigd."
    shown = preview(client, sheet(rows, headers))
    cache.clear()
    done = confirm(client, shown)
    assert "Import klaar: 1 gewijzigd" in page_text(done)


def test_an_abandoned_preview_is_replaced_by_the_next_one(client, editor):
    headers, rows = exported_rows()
    preview(client, sheet(rows, headers))
    preview(client, sheet(rows, headers))
    assert PendingImport.objects.count() == 1
